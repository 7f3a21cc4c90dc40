"""The business-day calendar (knowledge/calendar.py) and the clock's moved runs: the digest and the nudges move off
weekends, 祝日, 振替休日 and 年末年始 to the next business day at the same time, and say why."""

from __future__ import annotations

import sys
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.scheduler import BusinessDayTrigger, digest_trigger, missed_run, nudge_trigger, planned_runs, weeks_due
from bot.settings import ConfigError, Settings
from db.prefectures import Tenant
from knowledge.calendar import BusinessCalendar, ClosedSpan, parse_closed_days

TOKYO = ZoneInfo("Asia/Tokyo")
JP = BusinessCalendar()
SETTINGS = Settings()  # Monday 09:00 digest, Wednesday 10:00 nudges, Asia/Tokyo, jp holidays, 年末年始 closed


def jst(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TOKYO)


# --- the calendar -------------------------------------------------------------------------------


def test_a_happy_monday_moves_to_tuesday_with_its_name():
    moved = JP.move(jst(2026, 11, 23))
    assert moved.at == jst(2026, 11, 24) and moved.moved
    assert moved.reason == "2026-11-23 is 勤労感謝の日 → 2026-11-24T09:00+09:00"


@pytest.mark.parametrize(
    ("slot", "runs_on", "named"),
    [
        (jst(2025, 11, 24), jst(2025, 11, 25), "振替休日"),  # 11-23 fell on a Sunday
        (jst(2026, 5, 6, 10), jst(2026, 5, 7, 10), "振替休日"),  # 5-3 fell on a Sunday
        (jst(2026, 5, 4), jst(2026, 5, 7), "こどもの日"),  # Golden Week: three days in a row
    ],
)
def test_a_substitute_holiday_moves_too(slot, runs_on, named):
    moved = JP.move(slot)
    assert moved.at == runs_on and named in moved.reason


def test_year_end_days_move_to_the_first_business_day_of_january():
    assert not JP.move(jst(2026, 12, 28)).moved  # Monday 12-28: still open
    assert not JP.move(jst(2027, 1, 4)).moved  # Monday 1-4: open again
    for day in range(6):  # 12-29 … 1-3, weekdays and weekend alike
        slot = jst(2026, 12, 29, 10) + timedelta(days=day)
        assert JP.move(slot).at == jst(2027, 1, 4, 10), slot
    reason = JP.move(jst(2026, 12, 29)).reason
    assert reason.startswith(
        "2026-12-29..2026-12-31 are 年末年始; 2027-01-01 is 元日; 2027-01-02..2027-01-03 are 年末年始"
    )


def test_a_weekend_moves_to_monday_and_a_business_day_stays():
    assert JP.move(jst(2026, 11, 28)).at == jst(2026, 11, 30)
    assert JP.move(jst(2026, 11, 28)).reason.startswith("2026-11-28 is a Saturday; 2026-11-29 is a Sunday")
    same = JP.move(jst(2026, 11, 30))
    assert same.at == same.slot and same.reason is None


def test_holidays_none_keeps_every_slot():
    off = BusinessCalendar(holidays=False)
    assert off.move(jst(2026, 11, 23)).at == jst(2026, 11, 23) and off.closed_because(date(2027, 1, 1)) is None


def test_closed_days_are_configurable():
    assert parse_closed_days("12-29..01-03") == (ClosedSpan((12, 29), (1, 3)),)
    obon = BusinessCalendar(closed=parse_closed_days("08-13..08-14, 12-29..01-03"))
    assert obon.move(jst(2026, 8, 13)).at == jst(2026, 8, 17)  # Thursday and Friday closed, then the weekend
    assert "休業日" in obon.move(jst(2026, 8, 13)).reason
    assert parse_closed_days("none") == ()
    assert not BusinessCalendar(closed=()).move(jst(2026, 12, 29)).moved


@pytest.mark.parametrize(
    ("name", "value"),
    [("DXBOT_CLOSED_DAYS", "12-29..13-03"), ("DXBOT_CLOSED_DAYS", "year end"), ("DXBOT_HOLIDAYS", "us")],
)
def test_bad_calendar_settings_name_the_variable(name, value, tmp_path):
    with pytest.raises(ConfigError, match=name):
        Settings.from_env({name: value}, dotenv_path=tmp_path / ".env")


def test_settings_choose_the_calendar(tmp_path):
    chosen = Settings.from_env(
        {"DXBOT_HOLIDAYS": "none", "DXBOT_CLOSED_DAYS": "08-15", "DXBOT_NUDGE_CRON": "0 14 * * thu"},
        dotenv_path=tmp_path / ".env",
    )
    assert not chosen.calendar.holidays and chosen.calendar.closed == (ClosedSpan((8, 15), (8, 15), "休業日"),)
    assert chosen.nudge_cron == "0 14 * * thu"


# --- the clock ------------------------------------------------------------------------------------


def test_the_digest_trigger_runs_on_the_next_business_day():
    trigger = digest_trigger(SETTINGS)
    assert isinstance(trigger, BusinessDayTrigger)
    assert trigger.get_next_fire_time(None, jst(2026, 11, 22, 0)) == jst(2026, 11, 24)
    assert trigger.get_next_fire_time(None, jst(2026, 11, 24, 8)) == jst(2026, 11, 24)  # Monday's slot, moved
    assert trigger.get_next_fire_time(jst(2026, 11, 24), jst(2026, 11, 24)) == jst(2026, 11, 30)
    assert nudge_trigger(SETTINGS).get_next_fire_time(None, jst(2026, 5, 4)) == jst(2026, 5, 7, 10)


def test_a_missed_moved_run_is_caught_up_and_sends_the_week_before_its_slot():
    trigger = digest_trigger(SETTINGS)
    assert missed_run(trigger, jst(2026, 11, 24, 15)) == jst(2026, 11, 24)  # down on Tuesday 09:00, back at 15:00
    assert missed_run(trigger, jst(2026, 11, 23, 10)) is None  # 10:00 on the 祝日: its slot is Tuesday's run
    assert [w.label for w in weeks_due(trigger, jst(2026, 11, 24, 15))] == ["2026-W47"]  # not W48
    assert [w.label for w in weeks_due(trigger, jst(2026, 5, 8))] == ["2026-W18"]  # Thursday 5-7's run


def test_two_slots_moved_onto_one_day_send_both_weeks():
    trigger = digest_trigger(SETTINGS)  # Monday 2025-12-29 moves to Monday 2026-01-05, that day's own slot
    assert trigger.get_next_fire_time(None, jst(2025, 12, 28)) == jst(2026, 1, 5)
    assert [w.label for w in weeks_due(trigger, jst(2026, 1, 5, 12))] == ["2025-W52", "2026-W01"]


def test_planned_runs_list_both_jobs_in_order():
    planned = planned_runs(SETTINGS, [], jst(2026, 12, 21, 0), jst(2027, 1, 8, 0))
    assert [(p.job, p.at) for p in planned] == [
        ("digest", jst(2026, 12, 21)),
        ("nudges", jst(2026, 12, 23, 10)),
        ("digest", jst(2026, 12, 28)),
        ("digest", jst(2027, 1, 4)),
        ("nudges", jst(2027, 1, 4, 10)),  # Wednesday 12-30 is 年末年始
        ("nudges", jst(2027, 1, 6, 10)),
    ]
    assert planned[4].reason.startswith("2026-12-30..2026-12-31 are 年末年始")


def tenant(name: str, digest_cron: str | None = None) -> Tenant:
    return Tenant(
        id=len(name),
        name=name,
        shared_channel_id=f"C{len(name)}",
        slack_team_id=None,
        licences=None,
        digest_cron=digest_cron,
    )


def test_prefectures_that_share_a_slot_share_its_runs():
    kanagawa, gunma = tenant("神奈川県"), tenant("群馬県", "0  9 * * mon")  # the same line, spaced differently
    [first, *_] = planned_runs(SETTINGS, [kanagawa, gunma], jst(2026, 11, 29, 0), jst(2026, 12, 1, 0))
    assert first.prefectures == ("神奈川県", "群馬県")
    assert first.describe() == "2026-11-30T09:00:00+09:00, the digest of 2026-W48 for 神奈川県, 群馬県"


def test_a_prefectures_wrong_crontab_line_is_named():
    with pytest.raises(ConfigError, match="群馬県's digest_cron='0 9 \\* \\* 1-8'"):
        planned_runs(
            SETTINGS, [tenant("神奈川県"), tenant("群馬県", "0 9 * * 1-8")], jst(2026, 11, 29), jst(2026, 12, 1)
        )


@pytest.fixture
def dxbot_cli(tmp_path, monkeypatch):
    """bot.cli in process, in a scratch directory, with the calendar's defaults."""
    from bot import cli

    monkeypatch.chdir(tmp_path)
    for name in ("DXBOT_TZ", "DXBOT_HOLIDAYS", "DXBOT_CLOSED_DAYS", "DXBOT_DIGEST_CRON", "DXBOT_NUDGE_CRON"):
        monkeypatch.delenv(name, raising=False)
    return cli


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--dry-run", "--from", "next monday"], "--from must be a date and time"),
        (["--from", "2026-11-22"], "--dry-run"),
    ],
)
def test_dry_run_bad_input_is_one_line(dxbot_cli, monkeypatch, capsys, args, said):
    monkeypatch.setattr(sys, "argv", ["dxbot", "scheduler", *args])
    with pytest.raises(SystemExit) as exited:
        dxbot_cli.main()
    error = capsys.readouterr().err.strip()
    assert exited.value.code == 2 and "\n" not in error and said in error
