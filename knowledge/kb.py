"""The knowledge base: entries, courses and municipalities loaded from YAML data and validated with pydantic —
the curated files shipped with dxbot strictly, a deployment's own (DXBOT_KB_DIR) to a minimal format — and every
problem reported as one line: `file:line: entry 'id': field what is wrong (what to write)`."""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
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


Kind = Literal["path", "course", "programme", "procurement", "subsidy", "policy", "case", "survey", "about"]


class Entry(_Strict):
    """An entry as the rest of dxbot reads it. The curated ones shipped with dxbot (CuratedEntry) give every field;
    a deployment's own (OwnEntry, from DXBOT_KB_DIR) may give no more than an id, title, body, source and as_of."""

    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1)
    body: str = Field(min_length=1)
    source: Source
    kind: Kind | None = None  # only "subsidy" changes answers (the calculator's caveats); "about" needs no document
    title_en: str | None = Field(default=None, min_length=1)  # without it, English answers show the title
    summary_en: str | None = Field(default=None, min_length=1)  # and the body
    tags: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    see_also: tuple[Source, ...] = ()  # other documents that say the same, where one alone is not enough
    as_of: date | None = None  # when the facts held, as the source dates them; None: the source gives no date
    review_by: date | None = None  # check the source again by then; answers drawing on it later say so
    effective_from: date | None = None  # rules that apply only for a period (a subsidy edition's)
    effective_until: date | None = None
    superseded_by: str | None = None  # the entry with the same facts for the next period

    def title_in(self, lang: str) -> str:
        return self.title_en if lang != "ja" and self.title_en else self.title

    def body_in(self, lang: str) -> str:
        return self.summary_en if lang != "ja" and self.summary_en else self.body

    def in_force(self, on: date) -> bool:
        return (self.effective_from is None or self.effective_from <= on) and (
            self.effective_until is None or on <= self.effective_until
        )

    def stale(self, on: date) -> bool:
        return self.review_by is not None and on > self.review_by


class CuratedEntry(Entry):
    """An entry shipped with dxbot: in both languages, of a kind, and traceable to the document `kb check
    --sources` verifies its figures against."""

    kind: Kind
    title_en: str = Field(min_length=1)
    summary_en: str = Field(min_length=1)

    @model_validator(mode="after")
    def _sourced(self) -> CuratedEntry:
        # Only what dxbot says of itself needs no document; every other fact names where it can be checked.
        if self.kind != "about" and not (self.source.traceable and all(s.traceable for s in self.see_also)):
            raise ValueError("a source needs its `file`, or the `publisher`, `url` and `read_on` of a public document")
        return self


class OwnEntry(Entry):
    """A deployment's own entry (DXBOT_KB_DIR): what a coordinator knows and can date, in Japanese."""

    as_of: date  # a deployment writes its own facts down, so it knows when they held

    @field_validator("source", mode="before")
    @classmethod
    def _source_as_written(cls, source: object) -> object:
        # `source: 庁内ポータル` or only a `url:` are enough to say where it is written.
        if isinstance(source, str):
            source = {"url": source} if source.startswith(("http://", "https://")) else {"document": source}
        if isinstance(source, dict) and not source.get("document") and source.get("url"):
            source = {**source, "document": source["url"]}
        if isinstance(source, dict) and _is_placeholder(source.get("document")):
            raise ValueError(PLACEHOLDER_LEFT)
        return source

    @field_validator("title", "body")
    @classmethod
    def _filled_in(cls, text: str) -> str:
        if _is_placeholder(text):
            raise ValueError(PLACEHOLDER_LEFT)
        return text


# `dxbot kb new` writes this where the coordinator must write their own text; kb check refuses it until they do.
PLACEHOLDER = "TODO"
PLACEHOLDER_LEFT = "still says TODO"


def _is_placeholder(text: object) -> bool:
    return isinstance(text, str) and text.strip().startswith(PLACEHOLDER)


def own_entry_scaffold(entry_id: str, title: str | None, source: str | None, today: date) -> str:
    """The YAML file `dxbot kb new` writes: one OwnEntry whose TODOs `kb check` points at until they are replaced
    (so a forgotten one is never an answer members get)."""
    quoted = [json.dumps(text, ensure_ascii=False) if text else None for text in (title, source)]
    return f"""\
# {entry_id}: 自治体独自のナレッジ / a deployment's own entry (`dxbot kb new`)
# {PLACEHOLDER} と書かれた所を書き換えて、`dxbot kb check` で確かめてください。
# Replace every {PLACEHOLDER}, then run `dxbot kb check`. The fields: README, "Your own knowledge".
entries:
  - id: {entry_id}
    title: {quoted[0] or PLACEHOLDER + " 何についての情報か"}  # 何についての情報か / what it is about
    body: |  # 職員への答えとして表示されます / the answer members get, as written
      {PLACEHOLDER} ここに答えを書いてください
    source: {quoted[1] or PLACEHOLDER + " 資料名"}  # 書いてある資料の名前かURL / the document's name or url
    as_of: {today.isoformat()}  # いつ時点の情報か / the date its facts hold
    # 任意 / optional:
    # review_by: {(today + timedelta(days=365)).isoformat()}  # 見直す日 / check again by
    # tags: [言い換え, 略称]  # 質問に使われそうな言葉 / words members may ask with
"""


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
        problems.append(f"DXBOT_KB_DIR={extra_dir} is not a directory (set it to the folder of your own YAML files)")
    found: dict[str, dict] = {section: {} for section in SECTIONS}
    origins: dict[str, _Origin] = {}
    for file in _data_files(extra_dir):
        for origin, item in file.items(problems):
            if item.id in origins:
                first = origins[item.id].file.name
                problems.append(
                    origin.problem(("id",), f"id {item.id!r} is already used in {first} (choose another id)")
                )
                continue
            origins[item.id] = origin
            found[origin.section][item.id] = item
    entries = found["entries"]
    for entry in entries.values():
        problems.extend(_reference_problems(entry, entries, origins[entry.id]))
    if problems:
        raise KnowledgeError(problems)
    return Knowledge(entries=entries, courses=found["courses"], municipalities=found["municipalities"])


def _reference_problems(entry: Entry, entries: Mapping[str, Entry], origin: _Origin) -> list[str]:
    problems = [
        origin.problem(("related", n), f"related id {ref!r} does not exist (write the id of an entry, or remove it)")
        for n, ref in enumerate(entry.related)
        if ref not in entries
    ]
    if entry.superseded_by is not None and entry.superseded_by not in entries:
        problems.append(origin.problem(("superseded_by",), f"superseded_by {entry.superseded_by!r} does not exist"))
    if entry.superseded_by is not None and entry.effective_until is None:
        problems.append(
            origin.problem(("superseded_by",), "superseded_by needs the effective_until it is superseded after")
        )
    return problems


def yaml_files(extra_dir: Path | None) -> list[Path]:
    """The packaged data files, then a deployment's own (DXBOT_KB_DIR), in the order they load."""
    return [file.path for file in _data_files(extra_dir)]


SECTIONS = ("entries", "courses", "municipalities")
_SINGULAR = {"entries": "entry", "courses": "course", "municipalities": "municipality"}


def _data_files(extra_dir: Path | None) -> list[_DataFile]:
    # The shipped entries are held to the curated schema; a deployment's own to the minimal one.
    packaged = [*sorted((DATA_DIR / "kb").glob("*.yaml")), DATA_DIR / "courses.yaml", DATA_DIR / "municipalities.yaml"]
    files = [_DataFile(path, CuratedEntry) for path in packaged]
    if extra_dir is not None and extra_dir.is_dir():
        files += [_DataFile(path, OwnEntry) for path in sorted(extra_dir.glob("*.y*ml"))]
    return files


class _DataFile:
    """One YAML file of the knowledge base, and where in it each problem is (read again only when there is one)."""

    def __init__(self, path: Path, entry_schema: type[Entry]):
        self.path = path
        self.schemas: dict[str, type[Entry | Course | Municipality]] = {
            "entries": entry_schema,
            "courses": Course,
            "municipalities": Municipality,
        }
        self.name = str(path.relative_to(DATA_DIR.parent.parent)) if path.is_relative_to(DATA_DIR) else str(path)
        self._text = ""

    def items(self, problems: list[str]) -> list[tuple[_Origin, Entry | Course | Municipality]]:
        """Each valid entry, course or municipality in the file; every invalid one adds its problems (the rest
        still load)."""
        raw = self._read(problems)
        if raw is None:
            return []
        items = []
        for section, schema in self.schemas.items():
            for n, data in enumerate(raw.get(section) or []):
                origin = _Origin(self, section, n, _label(section, n, data))
                try:
                    items.append((origin, schema.model_validate(data)))
                except ValidationError as exc:
                    problems.extend(origin.problem(e["loc"], _what_is_wrong(e, schema)) for e in exc.errors())
        return items

    def _read(self, problems: list[str]) -> dict | None:
        try:
            self._text = self.path.read_text(encoding="utf-8")
            raw = yaml.load(self._text, YamlLoader) or {}
        except UnicodeDecodeError:
            problems.append(f"{self.name}: not UTF-8 text (save it again as UTF-8)")
            return None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"{self.name}:{mark.line + 1}" if mark else self.name
            problems.append(f"{where}: not valid YAML: {getattr(exc, 'problem', None) or exc} (check indentation)")
            return None
        except ValueError as exc:  # YAML reads 2026-13-01 as a date, and fails on it
            line = self._impossible_date_line()
            where = f"{self.name}:{line}" if line else self.name
            problems.append(f"{where}: {exc} (write a date that exists, YYYY-MM-DD)")
            return None
        if not isinstance(raw, dict) or set(raw) - set(SECTIONS):
            problems.append(
                f"{self.name}: expected a mapping with `entries:`, `courses:` and/or `municipalities:` lists"
            )
            return None
        return raw

    @cached_property
    def _tree(self) -> yaml.Node | None:
        return yaml.compose(self._text, YamlLoader)

    def _impossible_date_line(self) -> int | None:
        nodes = [self._tree]
        while nodes:
            node = nodes.pop()
            if isinstance(node, yaml.ScalarNode) and node.tag.endswith(":timestamp"):
                try:
                    date.fromisoformat(node.value[:10])
                except ValueError:
                    return node.start_mark.line + 1
            elif isinstance(node, yaml.MappingNode):
                nodes += [value for _, value in node.value]
            elif isinstance(node, yaml.SequenceNode):
                nodes += node.value
        return None

    def line(self, path: tuple[str | int, ...]) -> int | None:
        """The line of the deepest node along `path` (for a missing field: the line its entry starts on)."""
        node = self._tree
        for step in path:
            child = _child(node, step)
            if child is None:
                break
            node = child
        return node.start_mark.line + 1 if node is not None else None


def _child(node: yaml.Node | None, step: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        return next((value for key, value in node.value if key.value == step), None)
    if isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
        return node.value[step]
    return None


@dataclass(frozen=True)
class _Origin:
    """Where an item was written: its file, section and place in it, and how a problem names it."""

    file: _DataFile
    section: str
    number: int
    label: str

    def problem(self, loc: tuple[str | int, ...], what: str) -> str:
        line = self.file.line((self.section, self.number, *loc))
        where = f"{self.file.name}:{line}" if line else self.file.name
        return f"{where}: {self.label}: {what}"


def _label(section: str, n: int, data: object) -> str:
    name = (data.get("id") or data.get("name")) if isinstance(data, dict) else None
    return f"{_SINGULAR[section]} {name!r}" if isinstance(name, str) else f"{_SINGULAR[section]} #{n + 1}"


# What to write, for the fields a deployment's own entry must give.
_HINTS = {
    "id": "write id: and a name of a-z, 0-9 and -, e.g. id: it-helpdesk",
    "title": "write title: and what the entry is about, e.g. title: 情報システムの問い合わせ先",
    "body": "write body: and the answer members should get",
    "source": "write source: and the name of the document that says it, e.g. source: 庁内ポータル「問い合わせ先一覧」",
    "source.document": "write document: and the name of the document that says it, or its url:",
    "as_of": "write the date its facts hold, e.g. as_of: {today}",
}


def _what_is_wrong(error: dict, schema: type[BaseModel]) -> str:
    """One pydantic error as a coordinator reads it: the field, what is wrong, and what to write."""
    loc = error["loc"]
    if not loc:  # a rule about the whole item, worded as one
        return error["msg"].removeprefix("Value error, ")
    field = ".".join(str(step) for step in loc)
    hint = _HINTS.get(field, "").format(today=date.today().isoformat())
    value, kind = error.get("input"), error["type"]
    if kind == "missing":
        what = "is missing"
    elif kind == "extra_forbidden":
        what, hint = "is not a field dxbot knows", _closest_field(str(loc[-1]), schema if len(loc) == 1 else Source)
    elif value is None or (kind == "string_too_short" and not str(value).strip()):
        what = "is empty"
    elif kind == "string_pattern_mismatch" and field == "id":
        what, hint = f"{value!r} may hold only a-z, 0-9 and -", "e.g. id: it-helpdesk"
    elif kind.startswith("date"):
        what, hint = f"{value!r} is not a date", f"write it as YYYY-MM-DD, e.g. {loc[-1]}: 2026-12-01"
    elif kind == "literal_error":
        what, hint = f"{value!r} is not one of {error['ctx']['expected']}", "or leave it out"
    elif kind in ("model_type", "dict_type") and len(loc) <= 1:
        what, hint = "is not a mapping of fields", "write `name: value` lines under it"
    else:
        what = error["msg"].removeprefix("Value error, ")
    return f"{field} {what} ({hint})" if hint else f"{field} {what}"


def _closest_field(name: str, schema: type[BaseModel]) -> str:
    close = difflib.get_close_matches(name, list(schema.model_fields), n=1)
    return f"did you mean {close[0]}?" if close else "see the fields in README, Your own knowledge"
