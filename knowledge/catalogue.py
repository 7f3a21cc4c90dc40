"""Reading a Udemy Business course catalogue: the CSV an administrator exports or writes, or the JSON pages of the
Courses API (`GET /api-2.0/organizations/<id>/courses/list/`: `{"count", "next", "previous", "results": [...]}`).
Pure: what to store is decided here, how to store it in db/repo.py."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

CSV_HEADER = ("id", "title", "url", "headline", "estimated_content_length", "locale")
TITLE_LIMIT = 300  # the courses table's columns
URL_LIMIT = 500
HEADLINE_LIMIT = 500
ID_LIMIT = 32
MAX_MINUTES = 100_000  # about 70 days of video: more is a typo


class CatalogueFileError(Exception):
    """The file as a whole cannot be read as a catalogue: one line saying why and what to do."""


@dataclass(frozen=True)
class CatalogueCourse:
    udemy_id: str
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
    """Every course of a CSV file, a JSON page (or a list of pages, or of courses), or a directory of page files;
    rows that cannot be courses are rejected one by one, with where and why."""
    if path.is_dir():
        pages = sorted(path.glob("*.json"))
        if not pages:
            raise CatalogueFileError(f"{path} holds no .json page files")
        return _merge(_read_json(page, page.name) for page in pages)
    if not path.is_file():
        raise CatalogueFileError(f"{path} does not exist: give a .csv or .json file, or a directory of .json pages")
    if path.suffix.lower() == ".csv":
        return _merge([_read_csv(path)])
    if path.suffix.lower() == ".json":
        return _merge([_read_json(path, path.name)])
    raise CatalogueFileError(f"{path.name}: expected a .csv or .json file")


def parse_page(page: object, where: str) -> tuple[list[CatalogueCourse], list[Rejected]]:
    """The courses of one API page (`results`), or of a plain list of course objects."""
    items = page.get("results") if isinstance(page, dict) else page
    if not isinstance(items, list):
        return [], [Rejected(where, "not a Courses API page: no `results` list")]
    courses, rejected = [], []
    for number, item in enumerate(items, start=1):
        at = f"{where} item {number}"
        if not isinstance(item, dict):
            rejected.append(Rejected(at, "not a course object"))
            continue
        locale = item.get("locale")
        fields = {
            "id": item.get("id"),
            "title": item.get("title"),
            "url": item.get("url"),
            "headline": item.get("headline"),
            "estimated_content_length": item.get("estimated_content_length"),
            "locale": locale.get("locale") if isinstance(locale, dict) else locale,
        }
        _add(_course(fields, at), courses, rejected)
    return courses, rejected


def _read_csv(path: Path) -> Catalogue:
    try:
        text = path.read_text(encoding="utf-8-sig")  # Excel saves UTF-8 with a BOM
    except UnicodeDecodeError:
        raise CatalogueFileError(f"{path.name} is not UTF-8: save it as 「CSV UTF-8」 and try again") from None
    rows = csv.DictReader(io.StringIO(text, newline=""))
    missing = [column for column in CSV_HEADER if column not in (rows.fieldnames or ())]
    if missing:
        raise CatalogueFileError(
            f"{path.name}: the header must have {','.join(CSV_HEADER)} (missing: {', '.join(missing)})"
        )
    courses: list[CatalogueCourse] = []
    rejected: list[Rejected] = []
    for row in rows:
        _add(_course(row, f"line {rows.line_num}"), courses, rejected)
    return Catalogue(courses, rejected)


def _read_json(path: Path, where: str) -> Catalogue:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CatalogueFileError(f"{where} is not valid JSON ({exc})") from None
    if isinstance(data, list) and data and all(isinstance(item, dict) and "results" in item for item in data):
        return _merge(Catalogue(*parse_page(page, f"{where} page {n}")) for n, page in enumerate(data, start=1))
    return Catalogue(*parse_page(data, where))


def _course(fields: dict, where: str) -> CatalogueCourse | Rejected:
    udemy_id, title = _text(fields.get("id")), " ".join(_text(fields.get("title")).split())
    if not udemy_id:
        return Rejected(where, "id is empty")
    if len(udemy_id) > ID_LIMIT:
        return Rejected(where, f"id {udemy_id[:40]!r} is longer than {ID_LIMIT} characters")
    if not title:
        return Rejected(where, "title is empty")
    url = _text(fields.get("url")) or None
    if url is not None and (not url.startswith(("https://", "http://")) or len(url) > URL_LIMIT):
        return Rejected(where, f"url {url[:60]!r} is not an http(s) address of at most {URL_LIMIT} characters")
    minutes = _minutes(fields.get("estimated_content_length"))
    if isinstance(minutes, str):
        return Rejected(where, minutes)
    headline = " ".join(_text(fields.get("headline")).split())[:HEADLINE_LIMIT] or None
    return CatalogueCourse(
        udemy_id, title[:TITLE_LIMIT], url, headline, minutes, _text(fields.get("locale"))[:16] or None, where
    )


def _minutes(value: object) -> int | str | None:
    """The length in whole minutes, None when not given, or why it is no length."""
    text = _text(value)
    if not text:
        return None
    try:
        minutes = int(text)
    except ValueError:
        return f"estimated_content_length {text[:20]!r} is not a whole number of minutes"
    if not 0 <= minutes <= MAX_MINUTES:
        return f"estimated_content_length {minutes} is not between 0 and {MAX_MINUTES} minutes"
    return minutes or None


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _add(course: CatalogueCourse | Rejected, courses: list[CatalogueCourse], rejected: list[Rejected]) -> None:
    (rejected if isinstance(course, Rejected) else courses).append(course)  # type: ignore[arg-type]


def _merge(parts: Iterable[Catalogue]) -> Catalogue:
    """One catalogue; a course id seen twice keeps its first row and rejects the later ones."""
    courses: list[CatalogueCourse] = []
    rejected: list[Rejected] = []
    first: dict[str, str] = {}
    for part in parts:
        rejected += part.rejected
        for course in part.courses:
            if course.udemy_id in first:
                rejected.append(
                    Rejected(course.where, f"duplicate id {course.udemy_id} (first at {first[course.udemy_id]})")
                )
                continue
            first[course.udemy_id] = course.where
            courses.append(course)
    return Catalogue(courses, sorted(rejected, key=lambda r: _order(r.where)))


def _order(where: str) -> tuple:
    """Rejections in file order: line 9 before line 10."""
    return tuple(int(part) if part.isdigit() else part for part in where.replace("-", " ").split())
