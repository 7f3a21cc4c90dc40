"""The clock: the weekly digest's slot in Japan time, catching up a missed run once, and housekeeping."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.scheduler import HOUSEKEEPING_JOB_ID, JOB_ID, build_scheduler, forget_old_events, missed_run, send_last_week
from db.digest import Week
from db.models import DigestRun, Job, ProcessedEvent

TOKYO = ZoneInfo("Asia/Tokyo")
W48 = Week.parse("2026-W48")


def jst(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=TOKYO)


def runs_of(services, label: str) -> list[DigestRun]:
    with services.db.scope() as session:
        return list(session.scalars(select(DigestRun).where(DigestRun.iso_week == label)))


def test_scheduler_runs_on_monday_9_in_tokyo(services):
    scheduler = build_scheduler(services)
    job = scheduler.get_job(JOB_ID)
    upcoming = job.trigger.get_next_fire_time(None, jst(25, 12))
    assert upcoming == jst(30, 9) and upcoming.weekday() == 0 and upcoming.utcoffset() == timedelta(hours=9)
    assert job.coalesce and job.max_instances == 1 and job.misfire_grace_time >= 24 * 3600
    assert job.func is send_last_week


def test_one_missed_run_is_caught_up(services):
    trigger = build_scheduler(services).get_job(JOB_ID).trigger
    assert missed_run(trigger, jst(30, 15)) == jst(30, 9)  # down at 09:00, back at 15:00: run now
    assert missed_run(trigger, jst(4, 12, month=12)) == jst(30, 9)  # back on Friday: still that run
    assert missed_run(trigger, jst(7, 8, month=12)) == jst(30, 9)  # back next Monday at 08:00: only the last one
    assert missed_run(trigger, jst(30, 8)) == jst(24, 9)  # the week before's run, on Tuesday: Monday was a 祝日
    assert Week.containing(jst(30, 9), TOKYO).shift(-1) == W48  # Monday's run sends the week that just ended


def test_a_late_run_sends_the_week_before_its_scheduled_time(services, fake_slack, municipality):
    trigger = build_scheduler(services).get_job(JOB_ID).trigger
    send_last_week(services, trigger)
    expected = Week.containing(missed_run(trigger, services.now()), TOKYO).shift(-1)
    assert runs_of(services, expected.label)


def test_the_scheduler_has_the_catch_up_run_due_at_once(services):
    job = build_scheduler(services).get_job(JOB_ID)
    missed = missed_run(job.trigger, services.now().astimezone(TOKYO))
    assert job.next_run_time == missed  # always one within the last week: sending it again is a no-op


def test_old_event_ids_are_forgotten_daily(services):
    with services.db.scope() as session:
        session.add_all(
            [
                ProcessedEvent(event_id="Ev-old", received_at=services.now() - timedelta(days=2)),
                ProcessedEvent(event_id="Ev-new", received_at=services.now() - timedelta(minutes=5)),
                *(
                    Job(lane="ask", kind=kind, payload={}, state="failed", attempts=8, run_after=at, created_at=at)
                    for kind, at in (("old", services.now() - timedelta(days=8)), ("new", services.now()))
                ),
            ]
        )
    assert build_scheduler(services).get_job(HOUSEKEEPING_JOB_ID).func is forget_old_events
    forget_old_events(services)
    with services.db.scope() as session:
        assert [e.event_id for e in session.query(ProcessedEvent)] == ["Ev-new"]
        assert [j.kind for j in session.query(Job)] == ["new"]  # a failed job is kept a week for the operator
