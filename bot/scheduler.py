"""`dxbot scheduler`: the clock process. At each prefecture's slot in DXBOT_TZ (its `digest_cron`, else
DXBOT_DIGEST_CRON, default Monday 09:00) it sends that prefecture's digest of the ISO week that just ended: one job
per slot, for the prefectures that share it, kept in step with the prefectures table every SYNC_INTERVAL. At
DXBOT_NUDGE_CRON (default Wednesday 10:00) it sends the week's nudges. A slot on a weekend, a holiday or a closed
day (knowledge/calendar.py) runs on the next business day at the same time, and still sends the week before its
slot (Monday 11-23 is 勤労感謝の日: Tuesday's run sends the week that ended on Sunday). Sending is idempotent per
(week, channel), so a run missed while the process was down is caught up once when it comes back, and a run that
already happened is never repeated."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, JobExecutionEvent
from apscheduler.job import Job
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.app import digest_client, workspace_client
from bot.digest import all_tenants, require_shared_channels, send_digest
from bot.nudges import send_nudges
from bot.services import Services
from bot.settings import ConfigError, Settings
from db import jobs, repo
from db.digest import Week
from db.prefectures import Tenant
from knowledge.calendar import BusinessCalendar, Moved, runs

log = logging.getLogger(__name__)

JOB_ID = "weekly_digest"  # the digest job at DXBOT_DIGEST_CRON; another slot's is "weekly_digest:30 8 * * tue"
SYNC_JOB_ID = "sync_digest_slots"
SYNC_INTERVAL = timedelta(minutes=10)  # how soon a prefecture's new or changed slot is honoured
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
    """One run `dxbot scheduler --dry-run` lists: when, which slots it stands for, why it moved, and (a digest's)
    which prefectures it sends."""

    job: str  # digest | nudges
    at: datetime
    slots: list[Moved]
    prefectures: tuple[str, ...] = ()

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
            **({"weeks": self.weeks, "prefectures": list(self.prefectures)} if self.job == "digest" else {}),
        }

    def describe(self) -> str:
        """'2026-11-24T09:00:00+09:00, the digest of 2026-W47 for 神奈川県, 群馬県 (moved: 2026-11-23 is 勤労感謝の日 …)'"""
        what = "the nudges"
        if self.job == "digest":
            what = f"the digest of {', '.join(self.weeks)}" + (
                f" for {', '.join(self.prefectures)}" if self.prefectures else ""
            )
        return f"{self.at.isoformat()}, {what}" + (f" (moved: {self.reason})" if self.reason else "")


@dataclass(frozen=True)
class Slot:
    """One digest job: a crontab line, its trigger, and the prefectures whose digest runs then (as last read)."""

    cron: str
    trigger: BusinessDayTrigger
    prefectures: tuple[str, ...]

    def job_id(self, settings: Settings) -> str:
        """JOB_ID for DXBOT_DIGEST_CRON's slot, so that a deployment with one slot keeps its job."""
        return JOB_ID if self.cron == _line(settings.digest_cron) else f"{JOB_ID}:{self.cron}"

    @property
    def job_name(self) -> str:
        return f"weekly digest: {', '.join(self.prefectures) or 'no prefecture yet'}"


def digest_slots(settings: Settings, tenants: Sequence[Tenant]) -> tuple[list[Slot], list[str]]:
    """The slots of the prefectures' digests, and what is wrong with any whose crontab line is not one (it has no
    slot). With no prefecture yet, DXBOT_DIGEST_CRON's slot, sending none: the clock's schedule does not wait."""
    if not tenants:
        return [Slot(_line(settings.digest_cron), digest_trigger(settings), ())], []
    shared: dict[str, list[str]] = {}
    triggers: dict[str, BusinessDayTrigger] = {}
    problems = []
    for tenant in tenants:
        line = slot_of(settings, tenant)
        try:
            if line not in triggers:
                triggers[line] = _trigger(_cron_source(tenant), line, settings)
        except ConfigError as exc:
            problems.append(str(exc))
            continue
        shared.setdefault(line, []).append(tenant.name)
    return [Slot(line, triggers[line], tuple(names)) for line, names in shared.items()], list(dict.fromkeys(problems))


def slot_of(settings: Settings, tenant: Tenant) -> str:
    """The crontab line of the prefecture's digest: its own, else DXBOT_DIGEST_CRON."""
    return _line(tenant.digest_cron or settings.digest_cron)


def _line(cron: str) -> str:
    """A crontab line with single spaces: '0  9 * * mon' and '0 9 * * mon' are one slot."""
    return " ".join(cron.split())


def _cron_source(tenant: Tenant) -> str:
    return f"{tenant.name}'s digest_cron" if tenant.digest_cron else "DXBOT_DIGEST_CRON"


def build_scheduler(services: Services) -> BackgroundScheduler:
    """The scheduler with its jobs, not started: a digest job per slot, the job that keeps them in step, the
    nudges and housekeeping. A prefecture whose crontab line is wrong fails the start, naming it."""
    settings = services.settings
    slots, problems = digest_slots(settings, all_tenants(services))
    if problems:
        raise ConfigError(" ".join(problems))
    scheduler = BackgroundScheduler(timezone=settings.tz)
    for slot in slots:
        _add_digest_job(services, scheduler, slot)
    scheduler.add_job(
        sync_digest_jobs,
        IntervalTrigger(seconds=int(SYNC_INTERVAL.total_seconds()), timezone=settings.tz),
        args=(services, scheduler),
        id=SYNC_JOB_ID,
        name="digest slots from the prefectures",
        coalesce=True,
        max_instances=1,
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


def _add_digest_job(services: Services, scheduler: BaseScheduler, slot: Slot) -> None:
    """The slot's digest job; a run missed within CATCH_UP is due at once."""
    missed = missed_run(slot.trigger, services.now().astimezone(services.settings.tz))
    if missed:
        log.info(
            "checking the digest run of %s for %s now (channels that have it are skipped)",
            missed.isoformat(),
            ", ".join(slot.prefectures) or "no prefecture yet",
        )
    scheduler.add_job(
        send_last_week,
        slot.trigger,
        args=(services, slot),
        id=slot.job_id(services.settings),
        name=slot.job_name,
        coalesce=True,
        max_instances=1,
        misfire_grace_time=int(CATCH_UP.total_seconds()),
        **({"next_run_time": missed} if missed else {}),
    )


def sync_digest_jobs(services: Services, scheduler: BaseScheduler) -> None:
    """Add, change and remove digest jobs as prefectures are added, removed or given another slot, so that a new
    slot is honoured without a restart. A prefecture set up wrong is logged, and the others' jobs are kept."""
    settings = services.settings
    slots, problems = digest_slots(settings, all_tenants(services))
    for problem in problems:
        log.error("not scheduled: %s", problem)
    try:
        require_shared_channels(services)
    except ConfigError as exc:
        log.error("%s", exc)
    current = {job.id: job for job in scheduler.get_jobs() if job.func is send_last_week}
    wanted = {slot.job_id(settings): slot for slot in slots}
    for job_id in current.keys() - wanted.keys():
        scheduler.remove_job(job_id)
        log.info("removed the digest run at %s: no prefecture has it now", current[job_id].args[1].cron)
    for job_id, slot in wanted.items():
        if job_id not in current:
            _add_digest_job(services, scheduler, slot)
            log.info("added the digest run at %s for %s", slot.cron, ", ".join(slot.prefectures))
        elif current[job_id].args[1].prefectures != slot.prefectures:
            scheduler.modify_job(job_id, args=(services, slot), name=slot.job_name)
            log.info("the digest run at %s now sends %s", slot.cron, ", ".join(slot.prefectures) or "none")


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


def planned_runs(settings: Settings, tenants: Sequence[Tenant], start: datetime, until: datetime) -> list[PlannedRun]:
    """The digest runs of each slot (with the prefectures it sends) and the nudge runs from `start` to `until`, in
    time order: what the clock would do, doing nothing. A prefecture's wrong crontab line is a ConfigError."""
    slots, problems = digest_slots(settings, tenants)
    if problems:
        raise ConfigError(" ".join(problems))
    jobs = [("digest", slot.trigger, slot.prefectures) for slot in slots] + [("nudges", nudge_trigger(settings), ())]
    planned = []
    for job, trigger, prefectures in jobs:
        for moved in trigger.runs(start):
            if moved[0].at > until:
                break
            planned.append(PlannedRun(job, moved[0].at, moved, prefectures))
    return sorted(planned, key=lambda run: (run.at, run.job, run.prefectures))


def next_planned(job: Job, after: datetime) -> PlannedRun | None:
    """A digest or nudge job's first run at or after `after`, as `--dry-run` lists it; None for the others."""
    if job.func is send_last_week:
        kind, prefectures = "digest", job.args[1].prefectures
    elif job.id == NUDGE_JOB_ID:
        kind, prefectures = "nudges", ()
    else:
        return None
    slots = job.trigger.next_run(after)
    return PlannedRun(kind, slots[0].at, slots, prefectures) if slots else None


def missed_run(trigger: BaseTrigger, now: datetime) -> datetime | None:
    """The latest time the job should have run in the last CATCH_UP, if any."""
    fire = trigger.get_next_fire_time(None, now - CATCH_UP)
    latest = None
    while fire is not None and fire <= now:
        latest = fire
        fire = trigger.get_next_fire_time(fire, fire + timedelta(microseconds=1))
    return latest


def send_last_week(services: Services, slot: Slot) -> None:
    """Send the digest the scheduled run is for (it may run late, catching up after downtime) to the prefectures
    whose slot this is now: read at the run, so one given this slot since the last sync is not left out."""
    tenants = [tenant for tenant in all_tenants(services) if slot_of(services.settings, tenant) == slot.cron]
    for week in weeks_due(slot.trigger, services.now().astimezone(services.settings.tz)):
        log.info("sending the digest of %s for %s", week.label, ", ".join(t.name for t in tenants) or "none")
        client_for = partial(digest_client, services)
        for result in send_digest(services, client_for, week, tenants=tenants):  # retries when rate-limited
            log.info(
                "digest %s %s → %s: %s %s",
                week.label,
                result.prefecture,
                result.channel,
                result.state,
                result.error or "",
            )


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
    """Keep the retry de-duplication table small (event ids are only needed while Slack may retry), the jobs table
    too (a failed job is kept a week for the operator: `dxbot jobs`), and delete the OAuth states that expired
    (anyone may open /slack/install, and each visit stores one)."""
    from db import workspaces  # slack_sdk's tables: read only here, once a day

    now = services.now()
    with services.db.scope() as session:
        forgotten = repo.forget_events_before(session, now - EVENT_MEMORY)
        failed = jobs.forget_failed_before(session, now - FAILED_JOB_MEMORY)
        states = workspaces.forget_expired_states(session, now)
    log.info(
        "forgot %d Slack event ids older than %s, %d failed jobs and %d expired OAuth states",
        forgotten,
        EVENT_MEMORY,
        failed,
        states,
    )


def run(services: Services) -> None:
    """Block, sending the digests and the nudges on schedule; configuration problems fail now, not on Monday. A
    deploy's SIGTERM (PID 1 in a container has no default action for it) exits cleanly once a run in hand has
    finished (its worker thread is waited for); a digest cut off harder is finished by the next start, never
    posted twice, and a nudge cut off is never sent twice (bot/nudges.py).

    The signal only sets an event the main thread waits on: an exception raised from a handler would be swallowed
    by APScheduler whenever it lands while a due job is being submitted (it catches BaseException there), and the
    clock would run on."""
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())
    services.settings.require_bot_tokens(digest=True)
    require_shared_channels(services)
    scheduler = build_scheduler(services)

    def log_next(job: Job, after: datetime) -> None:
        """'next digest run: 2026-11-24T09:00:00+09:00, the digest of 2026-W47 for 神奈川県 (moved: …)'"""
        planned = next_planned(job, after)
        if planned:
            log.info("next %s run: %s", "digest" if planned.job == "digest" else "nudge", planned.describe())

    def log_next_run(event: JobExecutionEvent) -> None:
        job = scheduler.get_job(event.job_id)
        if job is not None:
            log_next(job, event.scheduled_run_time + timedelta(microseconds=1))

    scheduler.add_listener(log_next_run, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    for job in scheduler.get_jobs():
        log_next(job, services.now().astimezone(services.settings.tz))
    scheduler.start()
    try:  # a SIGTERM from the first line a deploy reads on still stops the clock cleanly
        stopping.wait()
    finally:
        # Not shutdown(wait=True): it holds the job store's lock while it waits, and the run in hand, finishing, calls
        # log_next_run, which needs it. The process still waits for that run: Python joins the pool's threads.
        scheduler.shutdown(wait=False)
        log.info("the clock stopped")
