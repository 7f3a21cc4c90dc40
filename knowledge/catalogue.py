"""Reading a Udemy Business course catalogue: the CSV an administrator exports or writes, or the JSON pages of the
Courses API (`GET /api-2.0/organizations/<id>/courses/list/`: `{"count", "next", "previous", "results": [...]}`).

Pure: what may be stored is decided here, how to store it in db/repo.py. A row that cannot be a course is rejected
on its own, with where and why, so one typo in 30,000 rows does not stop an import; a file that cannot be read at
all raises CatalogueFileError with one line for the operator."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

CSV_HEADER = ("id", "title", "url", "headline", "estimated_content_length", "locale")
# The courses table's columns (db/models.py): longer text would not fit.
ID_LIMIT = 32
TITLE_LIMIT = 300
URL_LIMIT = 500
HEADLINE_LIMIT = 500
MAX_MINUTES = 100_000  # about 70 days of video: more is a typo
LOCALE_CODE = re.compile(r"[a-z]{2,3}(?:[_-][A-Za-z0-9]{2,4})?")  # ja_JP, en_US, es, zh-TW
WHOLE_NUMBER = re.compile(r"[+-]?\d+")  # \d also takes full-width digits, as Japanese spreadsheets may hold
WEB_ADDRESS = re.compile(r"https?://[^\s/?#]+(?:[/?#]\S*)?", re.IGNORECASE)  # a host, then no whitespace

Row = tuple[str, object]  # where the row is ("line 12"), and its fields (a CSV row or an API course object)


class CatalogueFileError(Exception):
    """The file as a whole cannot be read as a catalogue: one line saying what and what to do."""


@dataclass(frozen=True)
class CatalogueCourse:
    udemy_id: str  # the API's integer id as text, or the CSV's id
    title: str
    url: str | None
    headline: str | None
    minutes: int | None  # estimated_content_length
    locale: str | None  # ja_JP
    where: str  # "line 12" or "page-0002.json item 5", for a summary an operator can act on


@dataclass(frozen=True)
class Rejected:
    where: str
    reason: str


@dataclass(frozen=True)
class Catalogue:
    courses: list[CatalogueCourse]
    rejected: list[Rejected]


def read_catalogue(path: Path) -> Catalogue:
    """Every course of a CSV file, of a JSON file (one API page, a list of pages, or a list of course objects), or of
    a directory of JSON page files read in name order. An id seen twice keeps its first row."""
    if path.is_dir():
        files = sorted(path.glob("*.json"))
        if not files:
            raise CatalogueFileError(f"{path} holds no .json files: give a .csv or .json file, or a directory of pages")
        return _collect(row for file in files for row in _json_rows(file))
    if not path.is_file():
        raise CatalogueFileError(f"{path} does not exist: give a .csv or .json file, or a directory of .json pages")
    match path.suffix.lower():
        case ".csv":
            return _collect(_csv_rows(path))
        case ".json":
            return _collect(_json_rows(path))
    raise CatalogueFileError(f"{path.name} is neither .csv nor .json: export the catalogue as one of those")


def parse_page(page: dict, where: str) -> tuple[list[CatalogueCourse], list[Rejected]]:
    """The courses of one Courses API page (its `results`), each found again by `where` and its place."""
    if not _is_page(page):
        return [], [Rejected(where, "not a Courses API page: it has no results list")]
    found = _collect(_numbered(page["results"], where))
    return found.courses, found.rejected


def read_pages(pages: Iterable[tuple[str, dict]], site: str) -> Catalogue:
    """The courses of Courses API pages as they arrive, each (`where`, page): a course the API lists on two pages
    (the catalogue changed while it was paged through) keeps its first. Udemy's APIs give a course's `url` as a
    path (/course/slug/): it is made a link on `site`, the organisation's Udemy Business address."""
    return _collect(
        row for where, page in pages for row in _numbered([_on_site(item, site) for item in page["results"]], where)
    )


def _on_site(item: object, site: str) -> object:
    url = item.get("url") if isinstance(item, dict) else None
    return {**item, "url": urljoin(site, url)} if isinstance(url, str) and url.startswith("/") else item


# --- reading files ----------------------------------------------------------------------------------------------


def _csv_rows(path: Path) -> Iterator[Row]:
    reader = csv.reader(io.StringIO(_read_text(path), newline=""))
    try:
        columns = _columns(path.name, next(reader, None))
        start = reader.line_num + 1
        for cells in reader:
            if "".join(cells).strip():  # Excel leaves rows of empty cells after the data
                yield f"line {start}", {name: cells[i] if i < len(cells) else "" for name, i in columns.items()}
            start = reader.line_num + 1  # a quoted cell may span lines: a row is where it starts
    except csv.Error as exc:
        raise CatalogueFileError(f"{path.name} line {reader.line_num} is not CSV ({exc})") from None


def _columns(name: str, header: list[str] | None) -> dict[str, int]:
    """Where each needed column is; others may be there too (an export has more), but each needed one once."""
    if header is None:
        raise CatalogueFileError(f"{name} is empty: its first line must be the header {','.join(CSV_HEADER)}")
    cells = [cell.strip().lower() for cell in header]
    missing = [column for column in CSV_HEADER if column not in cells]
    if missing:
        raise CatalogueFileError(f"{name}: the header must name {','.join(CSV_HEADER)} (missing: {', '.join(missing)})")
    repeated = [column for column in CSV_HEADER if cells.count(column) > 1]
    if repeated:
        raise CatalogueFileError(f"{name}: the header names {', '.join(repeated)} more than once; keep one of each")
    return {column: cells.index(column) for column in CSV_HEADER}


def _json_rows(path: Path) -> Iterator[Row]:
    data = _read_json(path)
    if _is_page(data):
        yield from _numbered(data["results"], path.name)
    elif isinstance(data, list) and data and all(map(_is_page, data)):
        for number, page in enumerate(data, start=1):
            yield from _numbered(page["results"], f"{path.name} page {number}")
    elif isinstance(data, list):
        yield from _numbered(data, path.name)
    else:
        raise CatalogueFileError(
            f"{path.name} is not a Courses API page (an object with results), nor a list of pages or of courses"
        )


def _is_page(data: object) -> bool:
    return isinstance(data, dict) and isinstance(data.get("results"), list)


def _numbered(items: list, where: str) -> Iterator[Row]:
    return ((f"{where} item {number}", item) for number, item in enumerate(items, start=1))


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")  # Excel writes UTF-8 with a BOM
    except UnicodeDecodeError:
        raise CatalogueFileError(
            f'{path.name} is not UTF-8 (Shift_JIS?): save it from Excel as "CSV UTF-8 (Comma delimited)" and try again'
        ) from None
    except OSError as exc:
        raise CatalogueFileError(f"{path.name} cannot be read ({exc.strerror})") from None


def _read_json(path: Path) -> object:
    try:
        return json.loads(_read_text(path))
    except json.JSONDecodeError as exc:
        raise CatalogueFileError(f"{path.name} is not valid JSON (line {exc.lineno}: {exc.msg})") from None


# --- one course -------------------------------------------------------------------------------------------------


def _collect(rows: Iterable[Row]) -> Catalogue:
    """Courses and rejections in file order; a later row with an id already seen is rejected."""
    courses: list[CatalogueCourse] = []
    rejected: list[Rejected] = []
    first_at: dict[str, str] = {}
    for where, fields in rows:
        course = _course(where, fields)
        if isinstance(course, CatalogueCourse) and course.udemy_id in first_at:
            course = Rejected(where, f"duplicate id {course.udemy_id} (first at {first_at[course.udemy_id]})")
        if isinstance(course, Rejected):
            rejected.append(course)
        else:
            first_at[course.udemy_id] = where
            courses.append(course)
    return Catalogue(courses, rejected)


def _course(where: str, fields: object) -> CatalogueCourse | Rejected:
    if not isinstance(fields, Mapping):
        return Rejected(where, "not a course object")
    try:
        return CatalogueCourse(
            udemy_id=_udemy_id(fields.get("id")),
            title=_title(fields.get("title")),
            url=_url(fields.get("url")),
            headline=_one_line(fields.get("headline"))[:HEADLINE_LIMIT].rstrip() or None,
            minutes=_minutes(fields.get("estimated_content_length")),
            locale=_locale(fields.get("locale")),
            where=where,
        )
    except _Invalid as reason:
        return Rejected(where, str(reason))


class _Invalid(ValueError):
    """Why one field cannot be stored: becomes the row's rejection."""


def _udemy_id(value: object) -> str:
    udemy_id = _text(value)
    if not udemy_id:
        raise _Invalid("id is empty")
    if len(udemy_id) > ID_LIMIT:
        raise _Invalid(f"id {udemy_id[:40]!r} is longer than {ID_LIMIT} characters")
    return udemy_id


def _title(value: object) -> str:
    title = _one_line(value)
    if not title:
        raise _Invalid("title is empty")
    return title[:TITLE_LIMIT].rstrip()


def _url(value: object) -> str | None:
    url = _text(value)
    if not url:
        return None
    if len(url) > URL_LIMIT:
        raise _Invalid(f"url is longer than {URL_LIMIT} characters")
    if not WEB_ADDRESS.fullmatch(url):  # shown to members as a link: no javascript:, no relative path
        raise _Invalid(f"url {url[:60]!r} is not an http(s) address")
    return url


def _minutes(value: object) -> int | None:
    """estimated_content_length, the API's length of the course in minutes; None when not given."""
    text = _text(value)
    if not text:
        return None
    if not WHOLE_NUMBER.fullmatch(text):
        raise _Invalid(f"estimated_content_length {text[:20]!r} is not a whole number of minutes")
    minutes = int(text)
    if minutes < 0:
        raise _Invalid(f"estimated_content_length {minutes} is negative")
    if minutes > MAX_MINUTES:
        raise _Invalid(f"estimated_content_length {minutes} is more than {MAX_MINUTES} minutes")
    return minutes


def _locale(value: object) -> str | None:
    """The code: the API gives an object ({"locale": "ja_JP", "title": "日本語"}), a CSV the code itself."""
    code = _text(value.get("locale") if isinstance(value, Mapping) else value)
    if not code:
        return None
    if not LOCALE_CODE.fullmatch(code):
        raise _Invalid(f"locale {code[:20]!r} is not a locale code like ja_JP")
    return code.replace("-", "_")


def _one_line(value: object) -> str:
    return " ".join(_text(value).split())


def _text(value: object) -> str:
    """A field as text: JSON gives numbers for ids and lengths, CSV strings; anything else (true, an object) is no
    value."""
    if isinstance(value, str):
        return value.strip()
    return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else ""
