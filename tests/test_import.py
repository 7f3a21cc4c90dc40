"""`dxbot import udemy`: a Udemy Business report into a municipality's completions, all or nothing, people by
e-mail through the fake Slack's users.lookupByEmail, re-imports adding nothing; and `dxbot municipalities set`."""

from __future__ import annotations

import json
import time
from datetime import date

import pytest
from sqlalchemy import func, select

from bot.importing import import_udemy, slack_client
from db import ledger, repo
from db.access import audit_log
from db.models import Completion, Member, Municipality
from knowledge.ledger import export_files
from knowledge.udemy_csv import UdemyFileError, completion_time, parse
from tests.cli_helpers import dxbot
from tests.conftest import BOT_TOKEN

UDEMY_HEADER = (
    "User Name,User Surname,User Email,Course ID,Course Title,Completion Ratio,Course Enroll Date,"
    "Course Completion Date,Course Duration,Minutes Video Consumed\n"
)

FORMULA = '=HYPERLINK("https://evil.example/","請求書")'  # a learner's free-text title (OWASP: CSV injection)


def udemy_report(*rows: str) -> bytes:
    return ("\ufeff" + UDEMY_HEADER + "".join(row + "\n" for row in rows)).encode()


GOOD = udemy_report(
    "花子,横須賀,hanako@city.yokosuka.lg.jp,9001,Pythonプログラミング入門,100,2026-04-01,2026-05-10,600,600",
    "太郎,横須賀,taro@city.yokosuka.lg.jp,9002,はじめてのPython,100,2026-04-01,2026/06/01 10:00:00,90,90",
    "太郎,横須賀,taro@city.yokosuka.lg.jp,9003,Excel 中級,40,2026-04-01,,300,120",
)


@pytest.fixture
def people(fake_slack):
    fake_slack.add_user("hanako@city.yokosuka.lg.jp", "UHANAKO")
    fake_slack.add_user("taro@city.yokosuka.lg.jp", "UTARO")


def run(services, raw: bytes, **options):
    return import_udemy(services, slack_client(services), "横須賀市", raw, **options)


def completions(services) -> list[tuple[str, str, str | None, float | None, date, str]]:
    tz = services.settings.tz
    with services.db.scope(read_only=True) as session:
        rows = session.execute(
            select(
                Member.slack_user_id,
                Completion.title_snapshot,
                Completion.course_id,
                Completion.hours,
                Completion.completed_at,
                Completion.source,
            ).join(Member, Completion.member_id == Member.id)
        ).all()
    return sorted((u, title, cid, hours, at.astimezone(tz).date(), source) for u, title, cid, hours, at, source in rows)


def test_a_udemy_report_imports_people_by_e_mail_once_and_again_adds_nothing(
    services, municipality, people, fake_slack
):
    report = run(services, GOOD)
    assert report.written and (report.new_completions, report.new_members, report.not_completed) == (2, 2, 1)
    assert completions(services) == [
        ("UHANAKO", "Pythonプログラミング入門", None, 10.0, date(2026, 5, 10), "import"),
        ("UTARO", "はじめてのPython", None, 1.5, date(2026, 6, 1), "import"),
    ]
    with services.db.scope(read_only=True) as session:
        hanako = session.scalar(select(Member).where(Member.slack_user_id == "UHANAKO"))
        assert (hanako.email, hanako.municipality_id) == ("hanako@city.yokosuka.lg.jp", municipality.id)
        entry = audit_log(session, municipality.id)[0]
        assert (entry.action, entry.actor, entry.details["new_completions"]) == ("import", "cli", 2)
    assert len(fake_slack.of("users.lookupByEmail")) == 2  # once per distinct address

    fake_slack.reset_calls()
    again = run(services, GOOD)
    assert (again.new_completions, again.new_members, again.known) == (0, 0, 2)
    assert fake_slack.of("users.lookupByEmail") == []  # the addresses are known now
    assert len(completions(services)) == 2


def test_one_bad_row_imports_nothing_and_names_its_line(services, municipality, people):
    bad = udemy_report(
        "花子,横須賀,hanako@city.yokosuka.lg.jp,9001,ITパスポート,100,2026-04-01,2026-05-10,600,600",
        "太郎,横須賀,taro@city.yokosuka.lg.jp,9002,Python,100,2026-04-01,来週,90,90",
        "次郎,横須賀,jiro@city.yokosuka.lg.jp,9004,Word,100,2026-04-01,2026-05-11,60,60",
    )
    report = run(services, bad)
    assert not report.written
    assert [(r.line, r.reason) for r in report.rejected] == [
        (3, "'来週' is not a date (write it like 2026-11-23)"),
        (4, "no Slack user has the address jiro@city.yokosuka.lg.jp (add a slack_user_id column for them)"),
    ]
    with services.db.scope(read_only=True) as session:
        assert session.scalar(select(func.count()).select_from(Completion)) == 0
        assert session.scalar(select(func.count()).select_from(Member)) == 0
        assert audit_log(session) == []


def test_a_dry_run_says_what_would_change_and_writes_nothing(services, municipality, people):
    report = run(services, GOOD, dry_run=True, licences=20)
    assert (report.written, report.new_completions, report.new_members, report.licences) == (False, 2, 2, 20)
    assert completions(services) == []
    with services.db.scope(read_only=True) as session:
        assert session.get(Municipality, municipality.id).licences is None


def test_courses_by_id_title_or_free_text_and_a_mapping_column(services, municipality):
    raw = (
        "slack_user_id,slack_team_id,Course ID,Course Title,Completed Date,Hours\n"
        "UA1,T1,kanagawa-it-basics-10h,,2026-04-02,\n"
        "UA1,T1,,基本情報技術者,2026-04-03,2\n"
        "UA2,,,市役所オリジナル研修,2026-04-04,1.5\n"
        "UA2,,no-such-course,,2026-04-05,1\n"
    ).encode()
    report = run(services, raw)
    assert [(r.line, r.reason) for r in report.rejected] == [(5, "no course has the ID 'no-such-course'")]
    report = run(services, raw.rsplit(b"UA2,,no-such", 1)[0], licences=12)
    assert report.written and report.new_completions == 3
    assert [(u, cid, title, hours) for u, title, cid, hours, *_ in completions(services)] == [
        ("UA1", "kanagawa-it-basics-10h", "たった10時間で社会人に必要なIT基礎知識が全て身につく!", None),  # by id
        ("UA1", "kanagawa-fe-fastest", "基本情報技術者", 2.0),  # by title, through the matcher
        ("UA2", None, "市役所オリジナル研修", 1.5),  # kept as free text
    ]
    with services.db.scope(read_only=True) as session:
        assert session.get(Municipality, municipality.id).licences == 12
        assert {m.slack_team_id for m in session.scalars(select(Member))} == {"T1"}  # the token's workspace


def test_export_then_import_into_a_fresh_database_is_lossless(services, municipality, people):
    run(services, GOOD)
    with services.db.scope() as session:
        repo.record_completion(
            session, "T1", "UHANAKO", course_id=None, title="庁内研修 セキュリティ", hours=2.0,
            completed_at=completion_time("2027-03-31", services.settings.tz), source="slash",
        )  # fmt: skip
        repo.record_completion(
            session,
            "T1",
            "UTARO",
            course_id="kanagawa-it-basics-10h",
            title="ITパスポート",
            hours=None,
            completed_at=completion_time("2026-07-01", services.settings.tz),
            source="coordinator",
        )  # fmt: skip: no hours, though the course has 10: still none after the round trip
        for title in (FORMULA, "'=as typed", "-3 研修", "@SUM(A1)"):  # neutralised in the file, back as typed
            repo.record_completion(
                session, "T1", "UHANAKO", course_id=None, title=title, hours=1.0,
                completed_at=completion_time("2026-08-01", services.settings.tz), source="slash",
            )  # fmt: skip
    before = completions(services)
    with services.db.scope(read_only=True) as session:
        place = repo.municipality_named(session, "横須賀市")
        rows = ledger.export_rows(session, place, services.settings.tz)
    exported = export_files(rows, "x", "csv")[0].content
    quoted = FORMULA.replace('"', '""')  # csv's own quoting of the quotes inside
    assert exported.startswith("\ufeff".encode()) and f',"\'{quoted}",' in exported.decode()

    with services.db.scope() as session:  # a fresh database: nothing but the municipality
        for table in (Completion, Member):
            session.execute(table.__table__.delete())
    report = run(services, exported)
    assert report.written and not report.rejected
    assert [(u, t, c, h, d) for u, t, c, h, d, _ in completions(services)] == [
        (u, t, c, h, d) for u, t, c, h, d, _ in before
    ]


def test_a_file_without_the_needed_columns_is_refused_whole():
    with pytest.raises(UdemyFileError, match="names the person"):
        parse("Course Title,Course Completion Date\nx,2026-01-01\n", None)
    with pytest.raises(UdemyFileError, match="empty"):
        parse("", None)


def cli_env(database_url, fake_slack) -> dict[str, str]:
    return {"DATABASE_URL": database_url, "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_API_URL": fake_slack.api_url}


def test_the_command_line_import_and_municipalities_set(
    services, municipality, people, database_url, fake_slack, tmp_path
):
    env = cli_env(database_url, fake_slack)
    bad = tmp_path / "bad.csv"
    bad.write_bytes(GOOD + "次郎,横須賀,not-an-address,9004,Word,100,2026-04-01,2026-05-11,60,60\n".encode())
    result = dxbot("import", "udemy", str(bad), "--municipality", "横須賀市", cwd=tmp_path, env=env)
    assert result.returncode == 2 and "line 5: 'not-an-address' is not an e-mail address" in result.stderr
    good = tmp_path / "good.csv"
    good.write_bytes(GOOD)
    dry = dxbot(
        "import", "udemy", str(good), "--municipality", "横須賀市", "--dry-run", "--json", cwd=tmp_path, env=env
    )
    assert dry.returncode == 0, dry.stderr
    assert json.loads(dry.stdout) | {"rejected": []} == json.loads(dry.stdout)
    assert json.loads(dry.stdout)["new_completions"] == 2 and completions(services) == []

    weeks = dxbot("municipalities", "set", "横須賀市", "--nudge-weeks", "2.5", cwd=tmp_path, env=env)
    assert weeks.returncode == 2 and "whole number" in weeks.stderr
    done = dxbot("municipalities", "set", "横須賀市", "--licences", "20", "--nudge-weeks", "4", cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    listing = json.loads(dxbot("municipalities", "list", "--json", cwd=tmp_path, env=env).stdout)["municipalities"]
    assert (listing[0]["licences"], listing[0]["nudge_weeks"]) == (20, 4)


def test_a_thousand_rows_import_in_bulk_with_one_look_up_per_address(services, municipality, fake_slack):
    """The benchmark's file (bench/udemy_import.py, 10,000 rows in under 10 s) at a tenth of its size."""
    from bench.udemy_import import COURSES_EACH, report

    for n in range(1000 // COURSES_EACH):
        fake_slack.add_user(f"staff{n}@city.example.lg.jp", f"U{n:07d}")
    began = time.perf_counter()
    result = run(services, report(1000, 0, []))
    elapsed = time.perf_counter() - began
    assert (result.new_completions, result.new_members, result.rejected) == (1000, 200, [])
    assert len(fake_slack.of("users.lookupByEmail")) == 200
    assert elapsed < 5, f"{elapsed:.1f} s for 1,000 rows"


def test_a_file_without_lengths_takes_the_course_s_hours(services, municipality):
    raw = b"slack_user_id,Course ID,Completed Date\nUA1,kanagawa-it-basics-10h,2026-04-02\n"
    assert run(services, raw).written
    assert [hours for _, _, _, hours, *_ in completions(services)] == [10.0]
