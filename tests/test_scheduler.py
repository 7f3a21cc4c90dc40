"""The clock: each prefecture's digest at its own slot in Japan time, kept in step with the prefectures while it
runs, catching up a missed run once, and housekeeping."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from bot.scheduler import (
    HOUSEKEEPING_JOB_ID,
    JOB_ID,
    SYNC_JOB_ID,
    build_scheduler,
    forget_old_events,
    missed_run,
    next_planned,
    send_last_week,
    sync_digest_jobs,
)
from bot.settings import ConfigError
from db import membership, prefectures, repo
from db.digest import Week, claim_run
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
    job = build_scheduler(services).get_job(JOB_ID)
    job.func(*job.args)
    expected = Week.containing(missed_run(job.trigger, services.now()), TOKYO).shift(-1)
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


# --- a slot per prefecture ------------------------------------------------------------------------

GUNMA_CRON = "30 8 * * tue"
GUNMA_JOB = f"{JOB_ID}:{GUNMA_CRON}"
PLACES = {
    "神奈川県": ("横須賀市", "142018", "UK1", "CKANAGAWA"),
    "群馬県": ("前橋市", "102016", "UG1", "CGUNMA"),
    "埼玉県": ("さいたま市", "111007", "US1", "CSAITAMA"),
}


def _add_prefecture(services, name: str, digest_cron: str | None = None) -> None:
    """A prefecture with a municipality, a member and its own shared channel."""
    place, code, user, channel = PLACES[name]
    with services.db.scope() as session:
        municipality = repo.add_municipality(session, place, name, code)
        membership.join(session, repo.member(session, "T1", user), municipality, services.now())
        prefecture = prefectures.prefecture_named(session, name)
        prefecture.shared_channel_id, prefecture.digest_cron = channel, digest_cron


@pytest.fixture
def two_prefectures(services) -> None:
    """神奈川県 at DXBOT_DIGEST_CRON (Monday 09:00), 群馬県 on Tuesday at 08:30."""
    _add_prefecture(services, "神奈川県")
    _add_prefecture(services, "群馬県", GUNMA_CRON)


def digest_jobs(scheduler) -> dict:
    return {job.id: job for job in scheduler.get_jobs() if job.func is send_last_week}


def test_each_prefecture_has_a_job_at_its_slot(services, two_prefectures):
    jobs = digest_jobs(build_scheduler(services))
    assert set(jobs) == {JOB_ID, GUNMA_JOB}
    assert jobs[JOB_ID].args[1].prefectures == ("神奈川県",) and jobs[GUNMA_JOB].args[1].prefectures == ("群馬県",)
    assert jobs[JOB_ID].trigger.get_next_fire_time(None, jst(25, 12)) == jst(30, 9)
    assert jobs[GUNMA_JOB].trigger.get_next_fire_time(None, jst(25, 12)) == jst(1, 8, 30, month=12)
    said = next_planned(jobs[GUNMA_JOB], jst(25, 12)).describe()  # the clock's "next digest run: …" line
    assert said == "2026-12-01T08:30:00+09:00, the digest of 2026-W48 for 群馬県"
    now = services.now().astimezone(TOKYO)
    assert all(job.next_run_time == missed_run(job.trigger, now) for job in jobs.values())  # each its own catch-up


def test_a_prefectures_job_posts_only_to_its_channels(services, fake_slack, two_prefectures):
    job = build_scheduler(services).get_job(JOB_ID)
    job.func(*job.args)
    assert {post.args["channel"] for post in fake_slack.of("chat.postMessage")} == {"CKANAGAWA"}


def test_a_run_killed_midway_is_caught_up_once_per_prefecture(services, fake_slack, two_prefectures):
    now = services.now().astimezone(TOKYO)
    jobs = digest_jobs(build_scheduler(services))
    week = {job_id: Week.containing(missed_run(job.trigger, now), TOKYO).shift(-1) for job_id, job in jobs.items()}
    with services.db.scope() as session:  # 神奈川県's run was killed after claiming its channel, before posting
        assert claim_run(session, week[JOB_ID].label, "CKANAGAWA", services.now() - timedelta(minutes=11))
    for _restart in range(2):  # the first start catches both up; the second finds nothing left to send
        for job in digest_jobs(build_scheduler(services)).values():
            assert job.next_run_time is not None
            job.func(*job.args)
    assert sorted(post.args["channel"] for post in fake_slack.of("chat.postMessage")) == ["CGUNMA", "CKANAGAWA"]
    assert [r.state for r in runs_of(services, week[JOB_ID].label) if r.channel_id == "CKANAGAWA"] == ["posted"]
    assert [r.state for r in runs_of(services, week[GUNMA_JOB].label) if r.channel_id == "CGUNMA"] == ["posted"]


def test_sync_adds_a_new_slot_and_drops_one_no_prefecture_has(services, two_prefectures, caplog):
    scheduler = build_scheduler(services)
    _add_prefecture(services, "埼玉県", "0 10 * * wed")
    with services.db.scope() as session:  # 群馬県 moves to 神奈川県's slot: its own is no one's now
        prefectures.prefecture_named(session, "群馬県").digest_cron = None
    with caplog.at_level(logging.INFO, logger="bot.scheduler"):
        scheduler.get_job(SYNC_JOB_ID).func(*scheduler.get_job(SYNC_JOB_ID).args)
    jobs = digest_jobs(scheduler)
    assert set(jobs) == {JOB_ID, f"{JOB_ID}:0 10 * * wed"}
    assert jobs[JOB_ID].args[1].prefectures == ("神奈川県", "群馬県")
    assert jobs[f"{JOB_ID}:0 10 * * wed"].trigger.get_next_fire_time(None, jst(25, 12)) == jst(2, 10, month=12)
    said = caplog.text
    assert (
        "added the digest run at 0 10 * * wed for 埼玉県" in said and "removed the digest run at 30 8 * * tue" in said
    )
    assert "the digest run at 0 9 * * mon now sends 神奈川県, 群馬県" in said


def _break_gunma(services) -> None:
    with services.db.scope() as session:
        prefectures.prefecture_named(session, "群馬県").digest_cron = "30 8 * * tuesday-ish"


def test_a_wrong_crontab_line_fails_the_start_naming_the_prefecture(services, two_prefectures):
    _break_gunma(services)
    with pytest.raises(ConfigError, match="群馬県's digest_cron='30 8 \\* \\* tuesday-ish' is not a crontab line"):
        build_scheduler(services)


def test_sync_only_logs_a_wrong_line_or_a_missing_channel(services, two_prefectures, caplog):
    scheduler = build_scheduler(services)
    _break_gunma(services)
    with services.db.scope() as session:
        prefectures.prefecture_named(session, "神奈川県").shared_channel_id = None
        prefectures.add_prefecture(session, "埼玉県")  # no channel either: DXBOT_DIGEST_CHANNEL is no one's
    with caplog.at_level(logging.INFO, logger="bot.scheduler"):
        sync_digest_jobs(services, scheduler)
    assert set(digest_jobs(scheduler)) == {JOB_ID}  # 神奈川県 and 埼玉県 keep Monday's run; 群馬県 has none now
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert any("群馬県's digest_cron" in error for error in errors) and any("埼玉県" in error for error in errors)


# --- the dry run ----------------------------------------------------------------------------------


@pytest.fixture
def dxbot_cli(database_url, tmp_path, monkeypatch):
    """bot.cli in process, on the suite's database, with the calendar's defaults."""
    from bot import cli

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", database_url)
    for name in ("DXBOT_TZ", "DXBOT_HOLIDAYS", "DXBOT_CLOSED_DAYS", "DXBOT_DIGEST_CRON", "DXBOT_NUDGE_CRON"):
        monkeypatch.delenv(name, raising=False)
    return cli


def dry_run(dxbot_cli, *args: str):
    shown = CliRunner().invoke(dxbot_cli.cli, ["scheduler", "--dry-run", *args])
    assert shown.exit_code == 0, shown.output
    return shown


def test_dry_run_lists_each_prefecture_at_its_slot(services, fake_slack, two_prefectures, dxbot_cli):
    text = dry_run(dxbot_cli, "--from", "2026-11-22T00:00+09:00", "--weeks", "1").stdout.splitlines()
    assert text[:2] == [
        "2026-11-24T08:30:00+09:00, the digest of 2026-W47 for 群馬県",
        "2026-11-24T09:00:00+09:00, the digest of 2026-W47 for 神奈川県 (moved: 2026-11-23 is 勤労感謝の日 → "
        "2026-11-24T09:00+09:00)",
    ]
    runs = json.loads(dry_run(dxbot_cli, "--from", "2026-09-20T00:00+09:00", "--weeks", "1", "--json").stdout)["runs"]
    digests = [(r["at"], r["prefectures"], r["weeks"], r["reason"]) for r in runs if r["job"] == "digest"]
    assert digests == [  # 9/21 敬老の日, 9/22 国民の休日, 9/23 秋分の日: both slots move, each at its own time
        (
            "2026-09-24T08:30:00+09:00",
            ["群馬県"],
            ["2026-W38"],
            "2026-09-22 is 国民の休日; 2026-09-23 is 秋分の日 → 2026-09-24T08:30+09:00",
        ),
        (
            "2026-09-24T09:00:00+09:00",
            ["神奈川県"],
            ["2026-W38"],
            "2026-09-21 is 敬老の日; 2026-09-22 is 国民の休日; 2026-09-23 is 秋分の日 → 2026-09-24T09:00+09:00",
        ),
    ]
    assert not fake_slack.calls  # nothing sent


def test_dry_run_without_prefectures_lists_the_runs_with_a_note(services, fake_slack, dxbot_cli):
    shown = dry_run(dxbot_cli, "--from", "2026-11-22T00:00+09:00", "--json")
    runs = json.loads(shown.stdout)["runs"]
    first = runs[0]
    assert first["job"] == "digest" and first["weeks"] == ["2026-W47"] and first["at"] == "2026-11-24T09:00:00+09:00"
    assert first["moved"] and first["reason"].startswith("2026-11-23 is 勤労感謝の日")
    assert first["slots"] == ["2026-11-23T09:00:00+09:00"]
    assert {r["job"] for r in runs} == {"digest", "nudges"} and len(runs) == 8  # four weeks of each
    assert [r["prefectures"] for r in runs if r["job"] == "digest"] == [[], [], [], []]
    assert "no prefecture yet" in shown.stderr and not fake_slack.calls
    text = dry_run(dxbot_cli, "--from", "2026-05-04", "--weeks", "1").stdout
    assert "2026-05-07T09:00:00+09:00, the digest of 2026-W18 (moved:" in text
