"""`dxbot scheduler`: the clock process. At DXBOT_DIGEST_CRON (default Monday 09:00) in DXBOT_TZ it sends the
digest of the ISO week that just ended. Sending is idempotent per (week, channel), so a run missed while the
process was down is caught up once when it comes back, and a run that already happened is never repeated."""

from __future__ import annotations

import logging
import signal
from datetime import datetime, timedelta

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, JobExecutionEvent
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.app import digest_client
from bot.digest import send_digest, shared_channel
from bot.services import Services
from bot.settings import ConfigError, Settings
from db import jobs, repo
from db.digest import Week

log = logging.getLogger(__name__)

JOB_ID = "weekly_digest"
HOUSEKEEPING_JOB_ID = "forget_old_events"
EVENT_MEMORY = timedelta(days=1)  # Slack retries a delivery for minutes, not days
FAILED_JOB_MEMORY = timedelta(days=7)
# How late a run may still happen (the process was down or asleep at the time): just under the weekly
# period, so that exactly one missed run is caught up. The week it sends is the one before the missed run.
CATCH_UP = timedelta(days=7) - timedelta(minutes=1)


def build_scheduler(services: Services) -> BlockingScheduler:
    """The scheduler with its one job, not started. A run missed within CATCH_UP is due at once."""
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
        forget_old_events,
        CronTrigger(hour=4, timezone=settings.tz),
        args=(services,),
        id=HOUSEKEEPING_JOB_ID,
        name="forget old Slack event ids",
        coalesce=True,
    )
    return scheduler


def digest_trigger(settings: Settings) -> CronTrigger:
    try:
        return CronTrigger.from_crontab(settings.digest_cron, timezone=settings.tz)
    except ValueError as exc:
        raise ConfigError(
            f"DXBOT_DIGEST_CRON={settings.digest_cron!r} is not a crontab line like '0 9 * * mon' ({exc}); "
            "name the weekday: APScheduler counts numeric weekdays from Monday = 0."
        ) from exc


def missed_run(trigger: CronTrigger, now: datetime) -> datetime | None:
    """The latest time the job should have run in the last CATCH_UP, if any."""
    fire = trigger.get_next_fire_time(None, now - CATCH_UP)
    latest = None
    while fire is not None and fire <= now:
        latest = fire
        fire = trigger.get_next_fire_time(fire, fire + timedelta(microseconds=1))
    return latest


def send_last_week(services: Services, trigger: CronTrigger) -> None:
    """Send the week before the scheduled run this is (it may run late, catching up after downtime)."""
    scheduled = missed_run(trigger, services.now().astimezone(services.settings.tz)) or services.now()
    week = Week.containing(scheduled, services.settings.tz).shift(-1)
    log.info("sending the digest of %s", week.label)
    for result in send_digest(services, digest_client(services), week):  # retries when rate-limited
        log.info("digest %s → %s: %s %s", week.label, result.channel, result.state, result.error or "")


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
    """Block, sending the digest on schedule; configuration problems fail now, not on Monday. A deploy's SIGTERM
    (PID 1 in a container has no default action for it) exits cleanly once a digest run in hand has finished (its
    worker thread is waited for); a run cut off harder is finished by the next start, never posted twice."""
    signal.signal(signal.SIGTERM, _stop)
    services.settings.require_bot_tokens(digest=True)
    shared_channel(services.settings)
    scheduler = build_scheduler(services)

    def log_next_run(event: JobExecutionEvent) -> None:
        if event.job_id == JOB_ID:
            log.info("next digest run: %s", scheduler.get_job(JOB_ID).next_run_time.isoformat())

    trigger = scheduler.get_job(JOB_ID).trigger
    scheduler.add_listener(log_next_run, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    try:  # a SIGTERM from the first line a deploy reads on still logs that the clock stopped
        log.info("next digest run: %s", trigger.get_next_fire_time(None, services.now()).isoformat())
        scheduler.start()
    finally:
        log.info("the clock stopped")
