"""Reading a Udemy Business report (User activity, User course activity / course completion) or dxbot's own
completions export, for `dxbot import udemy`: pure parsing, one row per completed course, every row that cannot
be read rejected with its line number and the reason.

Headers are matched forgivingly: case, spaces, underscores, full-width letters and a BOM do not matter, and the
Japanese headers of dxbot's export (knowledge/ledger.py) and of a Japanese Udemy report are known. A person is
their e-mail (looked up in Slack later) or an explicit `slack_user_id` column (with `slack_team_id`); a course
is its id (dxbot's or Udemy's) or its title. Rows of courses not completed (no completion date) are skipped,
not rejected: a User activity report lists courses in progress too."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from knowledge.ledger import restored

MAX_TITLE = 300  # completions.title_snapshot
MAX_HOURS = 1000.0
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
SLACK_ID = re.compile(r"[UW][A-Z0-9]{1,31}")
TEAM_ID = re.compile(r"[TE][A-Z0-9]{1,31}")

# Canonical field → header spellings (compared after _key()).
HEADERS: dict[str, tuple[str, ...]] = {
    "email": ("useremail", "email", "emailaddress", "e-mail", "メールアドレス", "メール", "ユーザーのメールアドレス"),
    "user_id": ("slackuserid", "slackユーザーid", "slackuser", "ユーザーid"),
    "team_id": ("slackteamid", "slackチームid", "slackteam", "チームid"),
    "name": ("name", "username", "fullname", "氏名", "名前", "ユーザー名"),
    "course_id": ("courseid", "講座id", "コースid"),
    "title": ("coursetitle", "coursename", "course", "講座名", "コース名", "コースタイトル"),
    "hours": ("hours", "時間", "受講時間", "研修時間"),
    "minutes": (
        "courseduration",
        "coursedurationminutes",
        "coursedurationinminutes",
        "minutesvideoconsumed",
        "コースの長さ",
        "視聴時間分",
    ),
    "completed": (
        "coursecompletiondate",
        "completiondate",
        "completeddate",
        "completedon",
        "coursefirstcompletiondate",
        "修了日",
        "完了日",
        "コース修了日",
    ),
    "municipality": ("municipality", "自治体"),
}
_LOOKUP = {spelling: name for name, spellings in HEADERS.items() for spelling in spellings}


class UdemyFileError(Exception):
    """The file as a whole cannot be read (not a CSV, no header naming a person and a course)."""


@dataclass(frozen=True)
class ParsedRow:
    line: int
    email: str | None  # lower case
    user_id: str | None
    team_id: str | None
    name: str | None
    course_id: str | None
    title: str | None
    hours: float | None
    completed_at: datetime
    municipality: str | None
    hours_given: bool = False  # the file has a length column: an empty cell means no hours, not the course's


@dataclass(frozen=True)
class Rejection:
    line: int
    reason: str


@dataclass
class ParsedFile:
    rows: list[ParsedRow] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    not_completed: int = 0


def decode(raw: bytes) -> str:
    """UTF-8 (with or without a BOM), else Shift_JIS as Japanese Excel saves it."""
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UdemyFileError("the file is neither UTF-8 nor Shift_JIS text: save it as CSV (UTF-8) and try again")


def parse(text: str, tz: ZoneInfo) -> ParsedFile:
    """Every data row of the report; line numbers count the header as line 1, as a spreadsheet shows them."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = next(reader)
    except StopIteration:
        raise UdemyFileError("the file is empty") from None
    except csv.Error as exc:
        raise UdemyFileError(f"line 1 is not CSV ({exc})") from None
    columns = _columns(header)
    if "email" not in columns and "user_id" not in columns:
        raise UdemyFileError("no column names the person: expected User Email (or Email) or slack_user_id")
    if "course_id" not in columns and "title" not in columns:
        raise UdemyFileError("no column names the course: expected Course Title or Course ID")
    if "completed" not in columns:
        raise UdemyFileError("no column gives the completion date: expected Course Completion Date")
    parsed = ParsedFile()
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            parsed.rejected.append(Rejection(reader.line_num, f"not CSV ({exc})"))
            continue
        if not any(value.strip() for value in values):
            continue
        row = {name: _cell(values, index) for name, index in columns.items()}
        if not row.get("completed"):
            parsed.not_completed += 1
            continue
        result = _row(reader.line_num, row, tz)
        (parsed.rejected if isinstance(result, Rejection) else parsed.rows).append(result)
    return parsed


def _key(header: str) -> str:
    folded = unicodedata.normalize("NFKC", header).strip().lower()
    return re.sub(r"[\s_\-()（）\[\]:：・]", "", folded).replace("e-mail", "email")


def _columns(header: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        field_name = _LOOKUP.get(_key(name))
        if field_name is not None:
            columns.setdefault(field_name, index)  # the first of two spellings wins
    return columns


def _cell(values: list[str], index: int) -> str | None:
    """A cell's text, folded; without the mark an export put before text that looks like a formula."""
    value = unicodedata.normalize("NFKC", restored(values[index])).strip() if index < len(values) else ""
    return value or None


def _row(line: int, row: dict[str, str | None], tz: ZoneInfo) -> ParsedRow | Rejection:
    email = (row.get("email") or "").lower() or None
    if email is not None and not EMAIL.fullmatch(email):
        return Rejection(line, f"{email!r} is not an e-mail address")
    user_id, team_id = row.get("user_id"), row.get("team_id")
    if user_id is not None and not SLACK_ID.fullmatch(user_id):
        return Rejection(line, f"{user_id!r} is not a Slack user ID (like U0123ABCD)")
    if team_id is not None and not TEAM_ID.fullmatch(team_id):
        return Rejection(line, f"{team_id!r} is not a Slack team ID (like T0123ABCD)")
    if email is None and user_id is None:
        return Rejection(line, "no e-mail address and no Slack user ID: whose completion is it?")
    course_id, title = row.get("course_id"), row.get("title")
    if course_id is None and title is None:
        return Rejection(line, "no course title and no course ID")
    if title is not None and len(title) > MAX_TITLE:
        return Rejection(line, f"the course title is longer than {MAX_TITLE} characters")
    hours = _hours(row)
    if isinstance(hours, str):
        return Rejection(line, hours)
    completed_at = completion_time(row["completed"] or "", tz)
    if completed_at is None:
        return Rejection(line, f"{row['completed']!r} is not a date (write it like 2026-11-23)")
    return ParsedRow(
        line=line,
        email=email,
        user_id=user_id,
        team_id=team_id,
        name=row.get("name"),
        course_id=course_id,
        title=title,
        hours=hours,
        completed_at=completed_at,
        municipality=row.get("municipality"),
        hours_given="hours" in row or "minutes" in row,
    )


def _hours(row: dict[str, str | None]) -> float | str | None:
    """Hours as given, else the course's length in minutes; a reason (str) when neither is a number."""
    for name, divisor in (("hours", 1.0), ("minutes", 60.0)):
        raw = row.get(name)
        if raw is None:
            continue
        try:
            value = float(raw.replace(",", "").removesuffix("h").removesuffix("時間")) / divisor
        except ValueError:
            return f"{raw!r} is not a number of {'hours' if divisor == 1 else 'minutes'}"
        if not 0 <= value <= MAX_HOURS:
            return f"{raw!r} is not a plausible length (0 to {MAX_HOURS:g} hours)"
        return round(value, 2)
    return None


_JAPANESE_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")


def completion_time(raw: str, tz: ZoneInfo) -> datetime | None:
    """A date (midnight in `tz`, so the date survives an export and re-import) or a timestamp (UTC when it names
    no offset: Udemy's reports are in UTC)."""
    text = _JAPANESE_DATE.sub(lambda m: f"{m[1]}-{int(m[2]):02d}-{int(m[3]):02d}", raw.strip()).replace("/", "-")
    text = re.sub(r"^(\d{4})-(\d{1,2})-(\d{1,2})", lambda m: f"{m[1]}-{int(m[2]):02d}-{int(m[3]):02d}", text)
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time(), tz)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
