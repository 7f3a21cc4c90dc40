"""The curated knowledge base: entries, courses and municipalities loaded from YAML data and validated with
pydantic."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from knowledge.text import to_hiragana

DATA_DIR = Path(__file__).with_name("data")
# libyaml's loader where PyYAML was built with it: it reads thousands of entries five times faster.
YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
_CHECK_WEIGHTS = (6, 5, 4, 3, 2)


class KnowledgeError(Exception):
    """The knowledge base is invalid; `problems` lists every problem found, one per line."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    """The document that says what an entry says: a file we hold (a seed document, a deployment's own text), or a
    public document named by its publisher, address and the day we read it."""

    document: str = Field(min_length=1)
    file: str | None = Field(default=None, min_length=1)
    publisher: str | None = Field(default=None, min_length=1)
    url: str | None = None
    published: date | None = None  # the date the document itself gives ("2024年8月26日現在"), if any
    read_on: date | None = None

    @property
    def traceable(self) -> bool:
        return self.file is not None or bool(self.publisher and self.url and self.read_on)


class Entry(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    kind: Literal["path", "course", "programme", "procurement", "subsidy", "policy", "case", "survey", "about"]
    title: str = Field(min_length=1)
    title_en: str = Field(min_length=1)
    body: str = Field(min_length=1)
    summary_en: str = Field(min_length=1)
    tags: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    source: Source
    see_also: tuple[Source, ...] = ()  # other documents that say the same, where one alone is not enough
    as_of: date | None = None  # when the facts held, as the source dates them; None: the source gives no date
    review_by: date | None = None  # check the source again by then; answers drawing on it later say so
    effective_from: date | None = None  # rules that apply only for a period (a subsidy edition's)
    effective_until: date | None = None
    superseded_by: str | None = None  # the entry with the same facts for the next period

    @model_validator(mode="after")
    def _sourced(self) -> Entry:
        # Only what dxbot says of itself needs no document; every other fact names where it can be checked.
        if self.kind != "about" and not (self.source.traceable and all(s.traceable for s in self.see_also)):
            raise ValueError("a source needs its `file`, or the `publisher`, `url` and `read_on` of a public document")
        return self

    def in_force(self, on: date) -> bool:
        return (self.effective_from is None or self.effective_from <= on) and (
            self.effective_until is None or on <= self.effective_until
        )

    def stale(self, on: date) -> bool:
        return self.review_by is not None and on > self.review_by


class Course(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1)
    provider: str
    url: str | None = None
    hours: float | None = Field(default=None, gt=0)
    level: str | None = None
    track: Literal["ict", "business", "common"]
    requirement: Literal["required", "recommended"]
    purpose: str | None = None
    aliases: tuple[str, ...] = ()
    readings: tuple[str, ...] = ()  # hiragana readings of the title and of the aliases written in kanji

    @field_validator("aliases")
    @classmethod
    def _aliases_not_blank(cls, aliases: tuple[str, ...]) -> tuple[str, ...]:
        if any(not alias.strip() for alias in aliases):
            raise ValueError("aliases must not be blank")
        return aliases

    @field_validator("readings")
    @classmethod
    def _readings_are_hiragana(cls, readings: tuple[str, ...]) -> tuple[str, ...]:
        for reading in readings:
            _require_hiragana(reading)
        return readings


class Municipality(_Strict):
    """A municipality of the bundled list, whose reading `dxbot municipalities add` and `/dx join` fall back on."""

    name: str = Field(min_length=1)
    prefecture: str = Field(min_length=1)
    code: str = Field(pattern=r"^\d{6}$")  # 全国地方公共団体コード
    reading: str  # hiragana, of the whole name: よこすかし

    @property
    def id(self) -> str:
        """Its code: what load() keys municipalities by and checks for duplicates."""
        return self.code

    @field_validator("code")
    @classmethod
    def _check_digit_matches(cls, code: str) -> str:
        if int(code[5]) != check_digit(code):
            raise ValueError(f"the check digit of {code[:5]} is {check_digit(code)}, not {code[5]}")
        return code

    @field_validator("reading")
    @classmethod
    def _reading_is_hiragana(cls, reading: str) -> str:
        return _require_hiragana(reading)


def check_digit(code: str) -> int:
    """The sixth digit of a 全国地方公共団体コード, from its first five (JIS X 0402): 14201 → 8."""
    total = sum(int(digit) * weight for digit, weight in zip(code[:5], _CHECK_WEIGHTS, strict=True))
    return (11 - total % 11) % 10


def _require_hiragana(reading: str) -> str:
    if to_hiragana(reading) != reading:
        raise ValueError(f"reading {reading!r} must be hiragana, e.g. よこすかし")
    return reading


@dataclass(frozen=True)
class Knowledge:
    entries: Mapping[str, Entry]
    courses: dict[str, Course]
    municipalities: dict[str, Municipality]  # by code

    def reading_of(self, name: str, code: str | None, registered: str | None = None) -> str | None:
        """A municipality's reading: the registered one, else the bundled list's by code, or by name when there is
        no code (a village of another prefecture may share a name but not its reading: 明和町 is めいわまち in 群馬,
        めいわちょう in 三重)."""
        if registered:
            return registered
        if code is not None:
            bundled = self.municipalities.get(code)
        else:
            same_name = [m for m in self.municipalities.values() if m.name == name]
            bundled = same_name[0] if len(same_name) == 1 else None
        return bundled.reading if bundled else None

    def title_of(self, topic: str) -> str | None:
        """What a topic (a question's best source: an entry's or a course's id) is called."""
        found = self.courses.get(topic) or self.entries.get(topic)
        return found.title if found else None

    def courses_on_track(self, track: str | None) -> list[Course]:
        """The courses a member of `track` is asked to take: their track's and the common ones."""
        return [c for c in self.courses.values() if c.track in ("common", track)]


def load(extra_dir: Path | None = None) -> Knowledge:
    """Load the packaged data plus a deployment's own directory; raise KnowledgeError listing every problem."""
    problems: list[str] = []
    if extra_dir is not None and not extra_dir.is_dir():
        problems.append(f"DXBOT_KB_DIR={extra_dir} is not a directory")
    found: dict[str, dict] = {section: {} for section in _SCHEMAS}
    for path in yaml_files(extra_dir):
        for section, item in _items(path, problems):
            if any(item.id in items for items in found.values()):
                problems.append(f"{path.name}: duplicate id {item.id!r}")
            found[section][item.id] = item
    entries, courses = found["entries"], found["courses"]
    for entry in entries.values():
        problems.extend(f"{entry.id}: related id {ref!r} does not exist" for ref in entry.related if ref not in entries)
        if entry.superseded_by is not None and entry.superseded_by not in entries:
            problems.append(f"{entry.id}: superseded_by {entry.superseded_by!r} does not exist")
        if entry.superseded_by is not None and entry.effective_until is None:
            problems.append(f"{entry.id}: superseded_by needs the effective_until it is superseded after")
    if problems:
        raise KnowledgeError(problems)
    return Knowledge(entries=entries, courses=courses, municipalities=found["municipalities"])


def yaml_files(extra_dir: Path | None) -> list[Path]:
    """The packaged data files, then a deployment's own (DXBOT_KB_DIR), in the order they load."""
    files = [*sorted((DATA_DIR / "kb").glob("*.yaml")), DATA_DIR / "courses.yaml", DATA_DIR / "municipalities.yaml"]
    if extra_dir is not None and extra_dir.is_dir():
        files += sorted(extra_dir.glob("*.y*ml"))
    return files


_SCHEMAS: dict[str, type[Entry | Course | Municipality]] = {
    "entries": Entry,
    "courses": Course,
    "municipalities": Municipality,
}


def _items(path: Path, problems: list[str]) -> list[tuple[str, Entry | Course | Municipality]]:
    """Each valid entry, course or municipality in a file; every invalid one adds its problems (the rest still
    load)."""
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), YamlLoader) or {}
    except yaml.YAMLError as exc:
        problems.append(f"{path.name}: not valid YAML ({exc})")
        return []
    if not isinstance(raw, dict) or set(raw) - set(_SCHEMAS):
        problems.append(f"{path.name}: expected a mapping with `entries:`, `courses:` and/or `municipalities:` lists")
        return []
    items = []
    for section, schema in _SCHEMAS.items():
        for n, data in enumerate(raw.get(section) or []):
            try:
                items.append((section, schema.model_validate(data)))
            except ValidationError as exc:
                problems.extend(
                    f"{path.name}: {section}.{n}.{'.'.join(str(p) for p in error['loc'])}: {error['msg']}"
                    for error in exc.errors()
                )
    return items
