"""The completions export and the training-hours ledger (研修時間台帳) built from it, as CSV or XLSX: pure
functions over rows the database gave (db/ledger.py), so the CLI and Slack produce the same files.

The completions file is also what `dxbot import udemy` reads back (knowledge/udemy_csv.py knows its headers), so
an export re-imported into an empty database gives the same completions. The ledger is per member and fiscal
year (年度, April start, knowledge/fiscal.py): hours per course, then the year's total, as 人材開発支援助成金
paperwork asks."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from knowledge.fiscal import fiscal_year

FORMATS = ("csv", "xlsx")
BOM = "\ufeff"  # Excel reads a UTF-8 CSV as Shift_JIS without it

# Japanese headers, with the English the README gives for each.
COMPLETION_HEADERS = (
    "自治体",  # municipality
    "SlackチームID",  # Slack team (or Grid organisation) id
    "SlackユーザーID",  # Slack user id
    "氏名",  # display name, when the member gave one
    "メールアドレス",  # e-mail, when an import gave one
    "講座ID",  # course id (empty for a course typed as free text)
    "講座名",  # course title
    "時間",  # hours
    "修了日",  # completed date (DXBOT_TZ)
    "年度",  # fiscal year (April start)
    "記録元",  # source: slash, import or coordinator
)
LEDGER_HEADERS = (
    "年度",  # fiscal year
    "SlackチームID",
    "SlackユーザーID",
    "氏名",
    "メールアドレス",
    "講座ID",
    "講座名",
    "受講時間",  # training hours
)
LEDGER_TOTAL = "年度合計"  # the title of a member's total row for a fiscal year
SHEETS = ("修了一覧", "研修時間台帳")  # completions, training-hours ledger
# What a spreadsheet reads as the start of a formula (OWASP: CSV injection), full-width forms included.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TEXT_MARK = "'"  # how a cell says "text, not a formula", in Excel and LibreOffice alike


@dataclass(frozen=True)
class ExportRow:
    """One completion as the export shows it."""

    municipality: str
    team_id: str
    user_id: str
    name: str | None
    email: str | None
    course_id: str | None
    title: str
    hours: float | None
    completed_on: date  # in DXBOT_TZ
    source: str

    @property
    def fiscal_year(self) -> int:
        return fiscal_year(self.completed_on)


@dataclass(frozen=True)
class LedgerLine:
    fiscal_year: int
    team_id: str
    user_id: str
    name: str | None
    email: str | None
    course_id: str | None
    title: str  # LEDGER_TOTAL on a member's total row
    hours: float

    @property
    def is_total(self) -> bool:
        return self.course_id is None and self.title == LEDGER_TOTAL


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content: bytes


def ledger(rows: Iterable[ExportRow]) -> list[LedgerLine]:
    """Per fiscal year and member: hours per course (the same course twice in a year adds up), then a total row."""
    hours: dict[tuple[int, str, str], dict[tuple[str | None, str], float]] = defaultdict(lambda: defaultdict(float))
    people: dict[tuple[str, str], ExportRow] = {}
    for row in rows:
        hours[(row.fiscal_year, row.team_id, row.user_id)][(row.course_id, row.title)] += row.hours or 0.0
        people.setdefault((row.team_id, row.user_id), row)
    lines: list[LedgerLine] = []
    for (year, team_id, user_id), courses in sorted(hours.items()):
        who = people[(team_id, user_id)]
        for (course_id, title), value in sorted(courses.items(), key=lambda item: (item[0][1], item[0][0] or "")):
            lines.append(LedgerLine(year, team_id, user_id, who.name, who.email, course_id, title, _round(value)))
        total = _round(sum(courses.values()))
        lines.append(LedgerLine(year, team_id, user_id, who.name, who.email, None, LEDGER_TOTAL, total))
    return lines


def completion_values(row: ExportRow) -> list[object]:
    return [
        row.municipality,
        row.team_id,
        row.user_id,
        row.name or "",
        row.email or "",
        row.course_id or "",
        row.title,
        row.hours if row.hours is not None else "",
        row.completed_on.isoformat(),
        row.fiscal_year,
        row.source,
    ]


def ledger_values(line: LedgerLine) -> list[object]:
    return [
        line.fiscal_year,
        line.team_id,
        line.user_id,
        line.name or "",
        line.email or "",
        line.course_id or "",
        line.title,
        line.hours,
    ]


def export_files(rows: Sequence[ExportRow], stem: str, file_format: str) -> list[ExportFile]:
    """CSV: two files, the completions (`stem`.csv, importable) and the ledger (`stem`_台帳.csv), each UTF-8 with
    a BOM; XLSX: one workbook with a sheet each."""
    lines = ledger(rows)
    if file_format == "xlsx":
        return [ExportFile(f"{stem}.xlsx", _xlsx(rows, lines))]
    return [
        ExportFile(f"{stem}.csv", _csv(COMPLETION_HEADERS, map(completion_values, rows))),
        ExportFile(f"{stem}_台帳.csv", _csv(LEDGER_HEADERS, map(ledger_values, lines))),
    ]


def looks_like_formula(value: object) -> bool:
    """Text a spreadsheet would run: a learner's free-text title `=HYPERLINK(…)`, an e-mail `@…`, `-1+2`."""
    return isinstance(value, str) and unicodedata.normalize("NFKC", value[:1]).startswith(FORMULA_STARTS)


def _needs_mark(value: str) -> bool:
    """A formula's start, or text that would read as a marked one (`'=x` typed as it is): marked, so that
    `restored` is exact."""
    return looks_like_formula(value) or (value.startswith(TEXT_MARK) and _needs_mark(value[1:]))


def neutralised(value: object) -> object:
    """A CSV cell as text only: `'=HYPERLINK(…)`; `restored` gives the text back on import."""
    return TEXT_MARK + value if isinstance(value, str) and _needs_mark(value) else value


def restored(value: str) -> str:
    """A cell as it was before `neutralised` (and as a spreadsheet shows it)."""
    return value[1:] if value.startswith(TEXT_MARK) and _needs_mark(value[1:]) else value


def _csv(headers: Sequence[str], values: Iterable[list[object]]) -> bytes:
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")  # Excel's line ends
    writer.writerow(headers)
    writer.writerows([neutralised(value) for value in row] for row in values)
    return out.getvalue().encode("utf-8")


def _xlsx(rows: Sequence[ExportRow], lines: Sequence[LedgerLine]) -> bytes:
    import xlsxwriter  # only when a workbook is asked for

    out = io.BytesIO()
    # Text stays text: never a formula, a link or a number, whatever it looks like.
    options = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    workbook = xlsxwriter.Workbook(out, options)
    bold = workbook.add_format({"bold": True})
    as_text = workbook.add_format({"quote_prefix": True})  # Excel's own "'" mark: shown as typed, kept as text
    sheets = (
        (SHEETS[0], COMPLETION_HEADERS, [completion_values(row) for row in rows], ()),
        (SHEETS[1], LEDGER_HEADERS, [ledger_values(line) for line in lines], [line.is_total for line in lines]),
    )
    for name, headers, values, totals in sheets:
        sheet = workbook.add_worksheet(name)
        sheet.write_row(0, 0, headers, bold)
        for number, row in enumerate(values, start=1):
            style = bold if totals and totals[number - 1] else None
            for column, value in enumerate(row):
                sheet.write(number, column, value, as_text if looks_like_formula(value) else style)
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(len(values), 1), len(headers) - 1)
        sheet.set_column(0, len(headers) - 1, 16)
    workbook.close()
    return out.getvalue()


def _round(hours: float) -> float:
    return round(hours, 2)
