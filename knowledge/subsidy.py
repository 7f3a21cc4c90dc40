"""人材開発支援助成金（事業展開等リスキリング支援コース）: rule editions as data, and a pure estimate calculator.

Every figure lives in knowledge/data/subsidy/<edition>.yaml; this module only knows how the rules combine.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import ROUND_FLOOR, Decimal
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from knowledge.kb import DATA_DIR, KnowledgeError, Source, YamlLoader
from knowledge.messages import bilingual, t

EDITIONS_DIR = DATA_DIR / "subsidy"

Size = Literal["sme", "large"]
Delivery = Literal["classroom", "elearning", "correspondence", "subscription"]
T = TypeVar("T", int, float)


# Beyond any real training (a year of full-time hours, the 1億円 yearly cap, a large employer's whole staff): a
# figure past these is a typo, never an estimate.
MAX_HOURS = 10_000
MAX_COST = 100_000_000
MAX_PEOPLE = 100_000


class SubsidyInputError(ValueError):
    """The request cannot be estimated; the message is one line, Japanese then English, fit to show the member."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class BySize(_Strict, Generic[T]):
    sme: T
    large: T

    def of(self, size: Size) -> T:
        return getattr(self, size)


class ExpenseCap(BySize[int]):
    """Per-learner expense cap for training of at least `min_hours` and under `max_hours` (None: no upper end)."""

    min_hours: float = Field(gt=0)
    max_hours: float | None

    def covers(self, hours: float) -> bool:
        return self.min_hours <= hours and (self.max_hours is None or hours < self.max_hours)


class Unconfirmed(_Strict):
    """A rule the sources read could not confirm: the calculator leaves it out of the total and names the source."""

    rule: str = Field(min_length=1)  # what is left out, as the member reads it: eラーニングの賃金助成
    rule_en: str = Field(min_length=1)
    source: str = Field(min_length=1)  # the document that says it, which could not be confirmed

    def note(self) -> str:
        ja = t("subsidy_note_unconfirmed", "ja", rule=self.rule, source=self.source)
        return f"{ja} / {t('subsidy_note_unconfirmed', 'en', rule=self.rule_en, source=self.source)}"


class DeliveryRule(_Strict):
    """How one way of training (classroom, e-learning…) is subsidised; None: paid as the edition's rates say."""

    expense: Unconfirmed | None = None
    wage: Unconfirmed | None = None


class HoursCap(_Strict):
    hours: float = Field(gt=0)
    unconfirmed: Unconfirmed | None = None


class Edition(_Strict):
    edition: date
    effective_from: date
    effective_until: date | None
    course_ends: date | None  # the course is a time-limited measure
    name: str = Field(min_length=1)
    source: Source
    min_hours: float = Field(gt=0)
    expense_rate: BySize[float]
    wage_per_hour: BySize[int]
    delivery: dict[Delivery, DeliveryRule] = Field(strict=False)  # every way of training, each named
    wage_hours_cap: HoursCap | None = None  # per person per training
    per_person_expense_caps: tuple[ExpenseCap, ...] = Field(min_length=1, strict=False)  # YAML has lists
    establishment_yearly_cap: int = Field(gt=0)
    disclaimer: str = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Edition:
        if any(not 0 < self.expense_rate.of(size) <= 1 for size in get_args(Size)):
            raise ValueError("expense rates must be in (0, 1]")
        if set(self.delivery) != set(get_args(Delivery)):
            raise ValueError(f"delivery must name each of {', '.join(get_args(Delivery))}")
        caps = self.per_person_expense_caps
        bounds = [cap.min_hours for cap in caps[1:]] + [None]
        if caps[0].min_hours != self.min_hours or [cap.max_hours for cap in caps] != bounds:
            raise ValueError("per_person_expense_caps must be contiguous hour bands from min_hours up to no limit")
        if not self.source.traceable:
            raise ValueError("source needs its `file`, or the `publisher`, `url` and `read_on` of a public document")
        if self.effective_until is not None and self.effective_until < self.effective_from:
            raise ValueError("effective_until is before effective_from")
        return self

    def expense_cap(self, hours: float) -> ExpenseCap:
        return next(cap for cap in self.per_person_expense_caps if cap.covers(hours))


class PerPerson(_Strict):
    expense: int
    wage: int
    total: int


class Estimate(_Strict):
    """`model_dump(mode="json")` is the JSON the bot and the CLI show."""

    eligible: bool
    per_person: PerPerson
    total: int
    rules_as_of: date
    notes: tuple[str, ...]


def load_editions(directory: Path = EDITIONS_DIR) -> list[Edition]:
    """Every rule edition, oldest first; raise KnowledgeError listing every problem."""
    problems: list[str] = []
    editions: list[Edition] = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            editions.append(Edition.model_validate(yaml.load(path.read_text(encoding="utf-8"), YamlLoader)))
        except (yaml.YAMLError, ValidationError) as exc:
            problems.append(f"{path.name}: {exc}")
    starts = [edition.effective_from for edition in editions]
    if len(set(starts)) != len(starts):
        problems.append(f"{directory}: two editions take effect on the same day")
    if not editions and not problems:
        problems.append(f"{directory}: no subsidy rule editions")
    if problems:
        raise KnowledgeError(problems)
    return sorted(editions, key=lambda edition: edition.effective_from)


def edition_for(editions: list[Edition], on: date) -> tuple[Edition, list[str]]:
    """The edition in force on `on` (the latest that took effect by then), with notes on how far to trust it."""
    in_force = [edition for edition in editions if edition.effective_from <= on]
    edition = in_force[-1] if in_force else editions[0]
    notes = []
    if not in_force:
        notes.append(bilingual("subsidy_note_before_first", on=on, edition=edition.edition))
    if edition.effective_until is not None and on > edition.effective_until:
        notes.append(bilingual("subsidy_note_past_until", edition=edition.edition, until=edition.effective_until))
    if edition.course_ends is not None and on > edition.course_ends:
        notes.append(bilingual("subsidy_note_course_ends", end=edition.course_ends, on=on))
    return edition, notes


def calculate(
    editions: list[Edition],
    *,
    hours: float,
    cost_per_person: int,
    size: Size,
    people: int = 1,
    delivery: Delivery = "classroom",
    on: date,
) -> Estimate:
    """Estimate the subsidy with the base amounts of the edition in force on `on`."""
    _validate(hours, cost_per_person, size, people, delivery)
    edition, date_notes = edition_for(editions, on)
    notes = [bilingual("subsidy_note_edition", edition=edition.edition, name=edition.name), *date_notes]
    if hours < edition.min_hours:
        notes += [bilingual("subsidy_note_under_min", hours=f"{edition.min_hours:g}"), edition.disclaimer]
        nothing = PerPerson(expense=0, wage=0, total=0)
        return Estimate(eligible=False, per_person=nothing, total=0, rules_as_of=edition.edition, notes=tuple(notes))
    rule = edition.delivery[delivery]
    expense = _expense(edition, hours, cost_per_person, size, notes) if _confirmed(rule.expense, notes) else 0
    wage = _wage(edition, hours, size, notes) if _confirmed(rule.wage, notes) else 0
    total = (expense + wage) * people
    if total > edition.establishment_yearly_cap:
        total = edition.establishment_yearly_cap
        notes.append(bilingual("subsidy_note_yearly_cap", cap=f"{total:,}"))
    notes.append(edition.disclaimer)
    return Estimate(
        eligible=True,
        per_person=PerPerson(expense=expense, wage=wage, total=expense + wage),
        total=total,
        rules_as_of=edition.edition,
        notes=tuple(notes),
    )


def _validate(hours: float, cost_per_person: int, size: str, people: int, delivery: str) -> None:
    if isinstance(hours, bool) or not isinstance(hours, int | float) or not 0 < hours <= MAX_HOURS:
        raise SubsidyInputError(bilingual("subsidy_error_hours", most=f"{MAX_HOURS:,}"))
    if (
        isinstance(cost_per_person, bool)
        or not isinstance(cost_per_person, int)
        or not 0 <= cost_per_person <= MAX_COST
    ):
        raise SubsidyInputError(bilingual("subsidy_error_cost", most=f"{MAX_COST:,}"))
    if isinstance(people, bool) or not isinstance(people, int) or not 1 <= people <= MAX_PEOPLE:
        raise SubsidyInputError(bilingual("subsidy_error_people", most=f"{MAX_PEOPLE:,}"))
    if size not in get_args(Size):
        raise SubsidyInputError(bilingual("subsidy_error_size"))
    if delivery not in get_args(Delivery):
        raise SubsidyInputError(bilingual("subsidy_error_delivery"))


def _expense(edition: Edition, hours: float, cost: int, size: Size, notes: list[str]) -> int:
    cap = edition.expense_cap(hours)
    expense = _floor(Decimal(cost) * Decimal(str(edition.expense_rate.of(size))))
    if expense <= cap.of(size):
        return expense
    band = f"{cap.min_hours:g}〜{cap.max_hours:g}" if cap.max_hours else f"{cap.min_hours:g}〜"
    notes.append(bilingual("subsidy_note_person_cap", cap=f"{cap.of(size):,}", band=band))
    return cap.of(size)


def _confirmed(unconfirmed: Unconfirmed | None, notes: list[str]) -> bool:
    """False, with a 要確認 note, when a part of the subsidy rests on a rule that could not be confirmed."""
    if unconfirmed is not None:
        notes.append(unconfirmed.note())
    return unconfirmed is None


def _wage(edition: Edition, hours: float, size: Size, notes: list[str]) -> int:
    cap = edition.wage_hours_cap
    if cap is not None and hours > cap.hours:
        hours = cap.hours
        _confirmed(cap.unconfirmed, notes)
    return _floor(Decimal(str(hours)) * edition.wage_per_hour.of(size))


def _floor(amount: Decimal) -> int:
    # Decimal, not float: 0.6 × 300000 must be exactly 180000, never 179999.
    return int(amount.to_integral_value(rounding=ROUND_FLOOR))


# --- reading a Slack request ----------------------------------------------------------------------

_NUMBER = r"\d+(?:\.\d+)?"


def _word(pattern: str) -> str:
    # \b would not work: Python counts kanji and kana as word characters, so "smeです" has no boundary.
    return rf"(?<![a-z])(?:{pattern})(?![a-z])"


_KEY_UNITS = {"hours?": "時間", "cost": "円", "people": "人"}  # `hours=60` reads as `60時間`
_PER_PERSON = re.compile(r"(?:1人|一人|ひとり)\s*(?:あたり|当たり|当り)|per[\s-]*(?:person|head|learner)")
_HOURS = re.compile(rf"({_NUMBER})\s*(?:時間|{_word('hours?|hrs?|h')})")
_PEOPLE = re.compile(rf"(\d+)\s*(?:人|名|{_word('people|persons?|employees?|learners?')})")
_MONEY = re.compile(rf"(¥)?\s*((?:{_NUMBER}\s*[万千]\s*)+(?:\d+)?|{_NUMBER})\s*(円|{_word('yen')})?")
_CHOICES: dict[str, dict[str, re.Pattern[str]]] = {
    "size": {"sme": re.compile(f"中小|{_word('smes?|small')}"), "large": re.compile(f"大企業|{_word('large')}")},
    "delivery": {
        "elearning": re.compile(f"e-?ラーニング|イーラーニング|{_word('e-?learning')}"),
        "correspondence": re.compile(f"通信制|通信教育|{_word('correspondence')}"),
        "subscription": re.compile(f"定額制|サブスク|{_word('subscription')}"),
        "classroom": re.compile(f"集合|通学|対面|同時双方向|{_word('classroom|in-person|live online')}"),
    },
}
_LABELS = {
    "hours": ("訓練時間", "hours"),
    "people": ("受講人数", "people"),
    "cost_per_person": ("1人あたりの訓練経費", "cost per person"),
    "size": ("企業規模", "company size"),
    "delivery": ("受講形態", "delivery"),
}
_REQUIRED = ("hours", "cost_per_person", "size")


def parse_request_text(text: str) -> dict[str, Any]:
    """Keyword arguments for `calculate` (all but `on`) read from free Japanese or English text.

    Raise SubsidyInputError naming what is missing or given twice.
    """
    rest = unicodedata.normalize("NFKC", text).lower()  # ６０時間 → 60時間, ＳＭＥ → sme, ￥ → ¥
    rest = re.sub(r"(?<=\d),(?=\d{3})", "", rest)  # 300,000
    rest = _PER_PERSON.sub(" ", rest)  # the cost is per person anyway; 1人あたり is not a head count
    for key, unit in _KEY_UNITS.items():
        rest = re.sub(rf"{_word(key)}\s*[=:]\s*({_NUMBER}(?:\s*[万千]\s*\d*)*)", rf"\1{unit}", rest)
    found: dict[str, Any] = {}
    for key, pattern, convert in (("hours", _HOURS, float), ("people", _PEOPLE, int)):
        values = {convert(match.group(1)) for match in pattern.finditer(rest)}
        _one(key, values, found)
        rest = pattern.sub(" ", rest)
    _one("cost_per_person", _costs(rest), found)
    for key, choices in _CHOICES.items():
        _one(key, {value for value, pattern in choices.items() if pattern.search(rest)}, found)
    missing = [_LABELS[key] for key in _REQUIRED if key not in found]
    if missing:
        ja, en = "・".join(label[0] for label in missing), ", ".join(label[1] for label in missing)
        raise SubsidyInputError(bilingual("subsidy_error_missing", ja=ja, en=en))
    return found


def read_choice(key: str, text: str) -> str | None:
    """`size` or `delivery` as a member may write it (中小, SME, eラーニング, 定額制…), as the calculator names it."""
    normalised = unicodedata.normalize("NFKC", text).strip().lower()
    found = {value for value, pattern in _CHOICES[key].items() if pattern.search(normalised)}
    return found.pop() if len(found) == 1 else None


def _one(key: str, values: set[Any], found: dict[str, Any]) -> None:
    """Record the value when there is exactly one: two different values are an error, never a guess."""
    if len(values) > 1:
        ja, en = _LABELS[key]
        raise SubsidyInputError(bilingual("subsidy_error_twice", ja=ja, en=en.capitalize()))
    if values:
        found[key] = values.pop()


def _costs(text: str) -> set[int]:
    """Amounts with a yen mark (30万円, 5千円, 300000円, ¥300000, 300000 yen), else any bare number left."""
    amounts = list(_MONEY.finditer(text))
    marked = [m for m in amounts if m.group(1) or m.group(3) or re.search("[万千]", m.group(2))]
    return {_yen(match.group(2)) for match in marked or amounts}


def _yen(amount: str) -> int:
    """`30万5千` → 305000, `1.5万` → 15000, `300000` → 300000."""
    total = sum(
        Decimal(number) * {"万": 10_000, "千": 1_000, "": 1}[unit]
        for number, unit in re.findall(rf"({_NUMBER})\s*([万千]?)", amount)
    )
    if total != total.to_integral_value():
        raise SubsidyInputError(bilingual("subsidy_error_whole_yen"))
    return int(total)
