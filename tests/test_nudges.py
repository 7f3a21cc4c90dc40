"""Nudges over the fake Slack: who gets the weekly DM and who does not, at most one a week, none on holidays, and
the members' own `/dx nudges` and `/dx leave` over signed commands."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.app import workspace_client
from bot.nudges import send_nudges
from bot.scheduler import NUDGE_JOB_ID, build_scheduler, nudge_now
from db import nudges, repo
from db.models import Member

TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 11, 25, 10, tzinfo=TOKYO)  # Wednesday, the nudge slot
IT_BASICS = "たった10時間で社会人に必要なIT基礎知識が全て身につく!"  # the business track's required course
FE = "基本情報技術者試験 最速合格講座"  # the ICT track's required course


def add(
    services, municipality, user: str, *, weeks_ago: float | None = 5, done_weeks_ago: float | None = None, **fields
):
    """A member of `municipality` who joined `weeks_ago` (None: unknown), with a completion `done_weeks_ago`."""
    joined = NOW - timedelta(weeks=weeks_ago) if weeks_ago is not None else None
    with services.db.scope() as session:
        values = {"municipality_id": municipality.id, "track": "business", "joined_at": joined} | fields
        session.add(Member(slack_team_id="T1", slack_user_id=user, role="learner", **values))
    if done_weeks_ago is not None:
        with services.db.scope() as session:
            repo.record_completion(
                session,
                "T1",
                user,
                course_id="kanagawa-fe-fastest",
                title=FE,
                hours=40.0,
                completed_at=NOW - timedelta(weeks=done_weeks_ago),
            )


def nudged(fake_slack) -> dict[str, str]:
    return {c.args["channel"]: c.args["text"] for c in fake_slack.of("chat.postMessage")}


def last_nudged(services, user: str) -> datetime | None:
    with services.db.scope() as session:
        return session.scalar(select(Member.last_nudged_at).where(Member.slack_user_id == user))


def run(services, at: datetime = NOW):
    return send_nudges(services, workspace_client(services), at.astimezone(ZoneInfo("UTC")))


def test_who_is_nudged_and_who_is_not(services, fake_slack, municipality):
    with services.db.scope() as session:
        other = repo.add_municipality(session, "鎌倉市", prefecture="神奈川県", code="142042")
        session.get(type(other), other.id).nudge_weeks = 8
    add(services, municipality, "UDUE")
    add(services, municipality, "UICT", track="ict", weeks_ago=None, done_weeks_ago=4)  # an old completion
    add(services, municipality, "UNOTRACK", track=None)
    add(services, municipality, "URECENT", done_weeks_ago=1)
    add(services, municipality, "UNEW", weeks_ago=1 / 7)  # joined yesterday
    add(services, municipality, "UUNKNOWN", weeks_ago=None)  # no join date, nothing done: not known long enough
    add(services, municipality, "ULEAVE", on_leave=True)
    add(services, municipality, "UOFF", nudges=False)
    add(services, municipality, "ULEFT", left_at=NOW - timedelta(days=3))
    add(services, municipality, "UWEEK", last_nudged_at=NOW - timedelta(days=2))  # Monday of this week
    add(services, municipality, "UNOMUNI", municipality_id=None)
    add(services, other, "UKAMAKURA")  # 5 weeks is not 鎌倉市's 8

    results = run(services)

    sent = nudged(fake_slack)
    assert set(sent) == {"UDUE", "UICT", "UNOTRACK"}
    assert {r.user_id: r.state for r in results} == {"UDUE": "sent", "UICT": "sent", "UNOTRACK": "sent"}
    assert f"「{IT_BASICS}」" in sent["UDUE"] and "/dx nudges off" in sent["UDUE"] and "/dx leave on" in sent["UDUE"]
    assert FE not in sent["UICT"] and "「手を動かして学ぶプロセス改革!」" in sent["UICT"]  # done: the next one
    assert "/dx track ict" in sent["UNOTRACK"]
    assert last_nudged(services, "UDUE") == NOW and last_nudged(services, "URECENT") is None


def test_one_a_week_and_none_on_holidays(services, fake_slack, municipality):
    add(services, municipality, "UDUE")
    assert run(services, datetime(2026, 11, 23, 10, tzinfo=TOKYO)) == []  # 勤労感謝の日
    assert run(services, datetime(2026, 12, 30, 10, tzinfo=TOKYO)) == []  # 年末年始
    assert not fake_slack.of("chat.postMessage")
    run(services)
    run(services, NOW + timedelta(days=2))  # Friday of the same week: not again
    assert len(fake_slack.of("chat.postMessage")) == 1
    run(services, NOW + timedelta(weeks=1))  # still no completion a week later: one more
    assert len(fake_slack.of("chat.postMessage")) == 2


def test_the_clock_nudges_on_wednesdays_moved_off_holidays(services):
    job = build_scheduler(services).get_job(NUDGE_JOB_ID)
    assert job.func is nudge_now and job.max_instances == 1
    assert job.trigger.get_next_fire_time(None, datetime(2026, 5, 4, tzinfo=TOKYO)) == datetime(
        2026, 5, 7, 10, tzinfo=TOKYO
    )  # Wednesday 5-6 is a 振替休日


def test_a_claimed_nudge_is_never_sent_twice(services, fake_slack, municipality):
    """A run killed after claiming a member (last_nudged_at committed) and before its DM: the next run skips them."""
    add(services, municipality, "UDUE")
    with services.db.scope() as session:
        member_id = session.scalar(select(Member.id).where(Member.slack_user_id == "UDUE"))
        week_start = datetime(2026, 11, 23, tzinfo=TOKYO)
        assert nudges.claim(session, member_id, NOW - timedelta(minutes=1), week_start) is not None
    assert run(services) == [] and not fake_slack.of("chat.postMessage")


def test_slack_limits_are_waited_out_and_refusals_give_the_claim_back(services, fake_slack, municipality):
    add(services, municipality, "UDUE")
    fake_slack.fail_next("chat.postMessage", "ratelimited", status=429, headers={"Retry-After": "1"})
    assert [r.state for r in run(services)] == ["sent"]  # the client waited a second and sent it
    add(services, municipality, "ULATER")
    fake_slack.fail_next("chat.postMessage", "channel_not_found")  # UDUE's, next week
    results = run(services, NOW + timedelta(weeks=1))
    assert [(r.user_id, r.state) for r in results] == [("UDUE", "failed"), ("ULATER", "sent")]  # the others go on
    assert last_nudged(services, "UDUE") == NOW  # the claim given back: last week's nudge stays the last one
    assert [r.user_id for r in run(services, NOW + timedelta(weeks=1, hours=1))] == ["UDUE"]  # tried again


def test_nudges_off_over_a_signed_command(services, slack, fake_slack, municipality):
    add(services, municipality, "UDUE")
    assert slack.command("nudges off", user="UDUE").status == 200
    assert "止めました" in fake_slack.reply_text(1) and "/dx nudges on" in fake_slack.reply_text(1)
    assert run(services) == []
    slack.command("通知", user="UDUE")
    assert "受け取らない" in fake_slack.reply_text(2)  # the state, and how to change it
    slack.command("通知 オン", user="UDUE")
    assert "受け取る設定にしました" in fake_slack.reply_text(3)
    fake_slack.reset_calls()
    assert [r.state for r in run(services)] == ["sent"]


@pytest.mark.parametrize("word", ["leave", "休職", "休暇"])
def test_leave_pauses_nudges_and_says_so(services, slack, fake_slack, municipality, word):
    add(services, municipality, "UDUE")
    slack.command(f"{word} on", user="UDUE")
    assert "戻るまでお知らせを送りません" in fake_slack.reply_text(1)
    assert run(services) == []
    slack.command(f"{word} off", user="UDUE")
    assert "おかえりなさい" in fake_slack.reply_text(2)
    slack.command(f"{word} maybe", user="UDUE")
    assert "/dx leave on" in fake_slack.reply_text(3) and "勤務中" in fake_slack.reply_text(3)
    assert [r.state for r in run(services)] == ["sent"]
