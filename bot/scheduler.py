"""`dxbot scheduler`: the clock process. At DXBOT_DIGEST_CRON (default Monday 09:00) in DXBOT_TZ it sends the
digest of the ISO week that just ended; at DXBOT_NUDGE_CRON (default Wednesday 10:00) the week's nudges. A slot on
a weekend, a holiday or a closed day (knowledge/calendar.py) runs on the next business day at the same time, and
still sends the week before its slot (Monday 11-23 is 勤労感謝の日: Tuesday's run sends the week that ended on
Sunday). Sending is idempotent per (week, channel), so a run missed while the process was down is caught up once
when it comes back, and a run that already happened is never repeated."""

from __future__ import annotations

import logging
import signal
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, JobExecutionEvent
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger

from bot.app import digest_client, workspace_client
from bot.digest import require_shared_channels, send_digest
from bot.nudges import send_nudges
from bot.services import Services
from bot.settings import ConfigError, Settings
from db import jobs, repo
from db.digest import Week
from knowledge.calendar import BusinessCalendar, Moved, runs

log = logging.getLogger(__name__)

JOB_ID = "weekly_digest"
NUDGE_JOB_ID = "weekly_nudges"
HOUSEKEEPING_JOB_ID = "forget_old_events"
EVENT_MEMORY = timedelta(days=1)  # Slack retries a delivery for minutes, not days
FAILED_JOB_MEMORY = timedelta(days=7)
# How late a run may still happen (the process was down or asleep at the time): just under the weekly
# period, so that exactly one missed run is caught up. The week it sends is the one before the missed run's slot.
CATCH_UP = timedelta(days=7) - timedelta(minutes=1)
# Nudges are not caught up after a longer outage: the next week's run nudges whoever is still due.
NUDGE_GRACE = timedelta(hours=6)


class BusinessDayTrigger(BaseTrigger):
    """A crontab schedule whose runs move off the days the calendar closes, to the next business day at the same
    local time. Slots that move onto the same time are one run (`slots_of` tells which)."""

    def __init__(self, cron: CronTrigger, calendar: BusinessCalendar):
        self.cron, self.calendar = cron, calendar

    def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> datetime | None:
        run = self.next_run(previous_fire_time + timedelta(microseconds=1) if previous_fire_time else now)
        return run[0].at if run else None

    def runs(self, after: datetime) -> Iterator[list[Moved]]:
        """The runs at or after `after`, each as the slots it stands for."""
        return runs(self.calendar, lambda t: self.cron.get_next_fire_time(None, t), after)

    def next_run(self, after: datetime) -> list[Moved] | None:
        """The slots of the first run at or after `after`."""
        return next(self.runs(after), None)

    def slots_of(self, run_at: datetime) -> list[Moved]:
        """The slots a run at `run_at` stands for, oldest first; none when no run is then."""
        run = self.next_run(run_at)
        return run if run and run[0].at == run_at else []

    def __str__(self) -> str:
        return f"{self.cron} on business days" if self.calendar.holidays else str(self.cron)


@dataclass(frozen=True)
class PlannedRun:
    """One run `dxbot scheduler --dry-run` lists: when, which slots it stands for, and why it moved."""

    job: str  # digest | nudges
    at: datetime
    slots: list[Moved]

    @property
    def weeks(self) -> list[str]:
        """The digest weeks the run sends: each slot's week before."""
        if self.job != "digest":
            return []
        return [Week.containing(m.slot, m.slot.tzinfo).shift(-1).label for m in self.slots]

    @property
    def reason(self) -> str | None:
        """Why the run is not at its slot: the earliest slot's reason, whose skipped days cover the others'."""
        return next((m.reason for m in self.slots if m.moved), None)

    def as_json(self) -> dict:
        return {
            "job": self.job,
            "at": self.at.isoformat(),
            "slots": [m.slot.isoformat() for m in self.slots],
            "moved": any(m.moved for m in self.slots),
            "reason": self.reason,
            **({"weeks": self.weeks} if self.job == "digest" else {}),
        }

    def describe(self) -> str:
        what = f"the digest of {', '.join(self.weeks)}" if self.job == "digest" else "the nudges"
        return f"{self.at.isoformat()}, {what}" + (f" (moved: {self.reason})" if self.reason else "")


def build_scheduler(services: Services) -> BlockingScheduler:
    """The scheduler with its jobs, not started. A digest run missed within CATCH_UP is due at once."""
    settings = services.settings
    trigger = digest_trigger(settings)
    scheduler = BlockingScheduler(timezone=settings.tz)
    missed = missed_run(trigger, services.now().astimezone(settings.tz))
    if missed:
        log.info("checking the digest run of %s now (channels that have it are skipped)", missed.isoformat())
    scheduler.add_job(
        send_last_week,
        trigger,
        args=(services, trigger),
        id=JOB_ID,
        name="weekly digest",
        coalesce=True,
        max_instances=1,
        misfire_grace_time=int(CATCH_UP.total_seconds()),
        **({"next_run_time": missed} if missed else {}),
    )
    scheduler.add_job(
        nudge_now,
        nudge_trigger(settings),
        args=(services,),
        id=NUDGE_JOB_ID,
        name="weekly nudges",
        coalesce=True,
        max_instances=1,
        misfire_grace_time=int(NUDGE_GRACE.total_seconds()),
    )
    scheduler.add_job(
        forget_old_events,
        CronTrigger(hour=4, timezone=settings.tz),
        args=(services,),
        id=HOUSEKEEPING_JOB_ID,
        name="forget old Slack event ids",
        coalesce=True,
    )
    return scheduler


def digest_trigger(settings: Settings) -> BusinessDayTrigger:
    return _trigger("DXBOT_DIGEST_CRON", settings.digest_cron, settings)


def nudge_trigger(settings: Settings) -> BusinessDayTrigger:
    return _trigger("DXBOT_NUDGE_CRON", settings.nudge_cron, settings)


def _trigger(name: str, line: str, settings: Settings) -> BusinessDayTrigger:
    return BusinessDayTrigger(parse_cron(name, line, settings), settings.calendar)


def parse_cron(name: str, line: str, settings: Settings) -> CronTrigger:
    """A crontab line in DXBOT_TZ, as the clock reads it (`dxbot prefectures` checks a prefecture's slot with it);
    ConfigError naming `name` when it is none."""
    try:
        return CronTrigger.from_crontab(line, timezone=settings.tz)
    except ValueError as exc:
        raise ConfigError(
            f"{name}={line!r} is not a crontab line like '0 9 * * mon' ({exc}); "
            "name the weekday: APScheduler counts numeric weekdays from Monday = 0."
        ) from exc


def planned_runs(settings: Settings, start: datetime, until: datetime) -> list[PlannedRun]:
    """The digest and nudge runs from `start` to `until`, in time order: what the clock would do, doing nothing."""
    planned = []
    for job, trigger in (("digest", digest_trigger(settings)), ("nudges", nudge_trigger(settings))):
        for slots in trigger.runs(start):
            if slots[0].at > until:
                break
            planned.append(PlannedRun(job, slots[0].at, slots))
    return sorted(planned, key=lambda run: (run.at, run.job))


def missed_run(trigger: BaseTrigger, now: datetime) -> datetime | None:
    """The latest time the job should have run in the last CATCH_UP, if any."""
    fire = trigger.get_next_fire_time(None, now - CATCH_UP)
    latest = None
    while fire is not None and fire <= now:
        latest = fire
        fire = trigger.get_next_fire_time(fire, fire + timedelta(microseconds=1))
    return latest


def send_last_week(services: Services, trigger: BusinessDayTrigger) -> None:
    """Send the digest the scheduled run is for (it may run late, catching up after downtime)."""
    for week in weeks_due(trigger, services.now().astimezone(services.settings.tz)):
        log.info("sending the digest of %s", week.label)
        for result in send_digest(services, partial(digest_client, services), week):  # retries when rate-limited
            log.info("digest %s → %s: %s %s", week.label, result.channel, result.state, result.error or "")


def weeks_due(trigger: BusinessDayTrigger, now: datetime) -> list[Week]:
    """The weeks a run at `now` sends: the week before each slot of the latest run due (a day late, moved off a
    holiday, it still sends the week before its Monday; two slots moved onto one day send both their weeks)."""
    scheduled = missed_run(trigger, now)
    slots = [m.slot for m in trigger.slots_of(scheduled)] if scheduled else []
    return [Week.containing(slot, now.tzinfo).shift(-1) for slot in slots or [now]]


def nudge_now(services: Services) -> None:
    sent = send_nudges(services, workspace_client(services), services.now())
    log.info("nudges: %d sent, %d failed", sum(r.state == "sent" for r in sent), sum(r.state == "failed" for r in sent))


def forget_old_events(services: Services) -> None:
    """Keep the retry de-duplication table small (event ids are only needed while Slack may retry), and the
    jobs table too (a failed job is kept a week for the operator: `dxbot jobs`)."""
    with services.db.scope() as session:
        forgotten = repo.forget_events_before(session, services.now() - EVENT_MEMORY)
        failed = jobs.forget_failed_before(session, services.now() - FAILED_JOB_MEMORY)
    log.info("forgot %d Slack event ids older than %s and %d failed jobs", forgotten, EVENT_MEMORY, failed)


def _stop(*_) -> None:
    raise SystemExit(0)


def run(services: Services) -> None:
    """Block, sending the digest and the nudges on schedule; configuration problems fail now, not on Monday. A
    deploy's SIGTERM (PID 1 in a container has no default action for it) exits cleanly once a run in hand has
    finished (its worker thread is waited for); a digest cut off harder is finished by the next start, never
    posted twice, and a nudge cut off is never sent twice (bot/nudges.py)."""
    signal.signal(signal.SIGTERM, _stop)
    services.settings.require_bot_tokens(digest=True)
    require_shared_channels(services)
    scheduler = build_scheduler(services)
    names = {JOB_ID: ("digest", "digest"), NUDGE_JOB_ID: ("nudges", "nudge")}  # the job, and the log's word

    def log_next(job_id: str, after: datetime) -> None:
        """'next digest run: 2026-11-24T09:00:00+09:00, the digest of 2026-W47 (moved: 2026-11-23 is 勤労感謝の日 …)'"""
        slots = scheduler.get_job(job_id).trigger.next_run(after)
        if slots:
            job, word = names[job_id]
            log.info("next %s run: %s", word, PlannedRun(job, slots[0].at, slots).describe())

    def log_next_run(event: JobExecutionEvent) -> None:
        if event.job_id in names:
            log_next(event.job_id, event.scheduled_run_time + timedelta(microseconds=1))

    scheduler.add_listener(log_next_run, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    try:  # a SIGTERM from the first line a deploy reads on still logs that the clock stopped
        for job_id in names:
            log_next(job_id, services.now().astimezone(services.settings.tz))
        scheduler.start()
    finally:
        log.info("the clock stopped")
