"""The curated knowledge base: entries and courses loaded from YAML data and validated with pydantic."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

DATA_DIR = Path(__file__).with_name("data")
ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"


class KnowledgeError(Exception):
    """The knowledge base is invalid; `problems` lists every problem found, one per line."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    file: str = Field(min_length=1)
    document: str = Field(min_length=1)
    url: str | None = None


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
    as_of: date


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

    @field_validator("aliases")
    @classmethod
    def _aliases_not_blank(cls, aliases: tuple[str, ...]) -> tuple[str, ...]:
        if any(not alias.strip() for alias in aliases):
            raise ValueError("aliases must not be blank")
        return aliases


@dataclass(frozen=True)
class Knowledge:
    entries: dict[str, Entry]
    courses: dict[str, Course]

    def courses_on_track(self, track: str | None) -> list[Course]:
        """The courses a member of `track` is asked to take: their track's and the common ones."""
        return [c for c in self.courses.values() if c.track in ("common", track)]


def load(extra_dir: Path | None = None) -> Knowledge:
    """Load the packaged data plus a deployment's own directory; raise KnowledgeError listing every problem."""
    problems: list[str] = []
    found: dict[str, dict] = {"entries": {}, "courses": {}}
    for path in _yaml_files(extra_dir, problems):
        for section, item in _items(path, problems):
            if item.id in found["entries"] or item.id in found["courses"]:
                problems.append(f"{path.name}: duplicate id {item.id!r}")
            found[section][item.id] = item
    entries, courses = found["entries"], found["courses"]
    for entry in entries.values():
        problems.extend(f"{entry.id}: related id {ref!r} does not exist" for ref in entry.related if ref not in entries)
    if problems:
        raise KnowledgeError(problems)
    return Knowledge(entries=entries, courses=courses)


def _yaml_files(extra_dir: Path | None, problems: list[str]) -> list[Path]:
    files = [*sorted((DATA_DIR / "kb").glob("*.yaml")), DATA_DIR / "courses.yaml"]
    if extra_dir is not None:
        if not extra_dir.is_dir():
            problems.append(f"DXBOT_KB_DIR={extra_dir} is not a directory")
        else:
            files += sorted(extra_dir.glob("*.y*ml"))
    return files


_SCHEMAS: dict[str, type[Entry | Course]] = {"entries": Entry, "courses": Course}


def _items(path: Path, problems: list[str]) -> list[tuple[str, Entry | Course]]:
    """Each valid entry or course in a file; every invalid one adds its problems (the rest still load)."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        problems.append(f"{path.name}: not valid YAML ({exc})")
        return []
    if not isinstance(raw, dict) or set(raw) - set(_SCHEMAS):
        problems.append(f"{path.name}: expected a mapping with `entries:` and/or `courses:` lists")
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
