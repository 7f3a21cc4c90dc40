"""The skill check (knowledge/data/skill_check.yaml): a short questionnaire over リテラシー / 活用 / 専門, loaded and
validated like the rest of the knowledge, and the pure functions that turn answers into scores, a suggested track
and an ordered learning plan (the seed's DXスキル診断 → 学習計画書, in small)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

import yaml
from pydantic import Field, ValidationError, model_validator

from knowledge.kb import DATA_DIR, ID_PATTERN, Course, KnowledgeError, Source, YamlLoader, _Strict

SKILL_CHECK_FILE = DATA_DIR / "skill_check.yaml"
OPTION_TEXT_LIMIT = 75  # Slack's limit for a radio button's text
MAX_OPTIONS = 10  # Slack's limit of radio buttons in one group
MAX_QUESTIONS = 20  # one input block each, within a modal's 100 blocks and a form staff finish


class Option(_Strict):
    score: int = Field(ge=0)
    text: str = Field(min_length=1, max_length=OPTION_TEXT_LIMIT)
    text_en: str = Field(min_length=1, max_length=OPTION_TEXT_LIMIT)

    def text_in(self, lang: str) -> str:
        return self.text if lang == "ja" else self.text_en


class Question(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    area: str
    text: str = Field(min_length=1)
    text_en: str = Field(min_length=1)
    options: tuple[Option, ...] = Field(min_length=2, max_length=MAX_OPTIONS)

    def text_in(self, lang: str) -> str:
        return self.text if lang == "ja" else self.text_en

    @property
    def top(self) -> int:
        return max(option.score for option in self.options)


class Area(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    name: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    courses: tuple[str, ...] = ()  # what fills a gap in it, in the order to take them

    def name_in(self, lang: str) -> str:
        return self.name if lang == "ja" else self.name_en


class TrackRule(_Strict):
    area: str
    ict_from: float = Field(gt=0, le=1)  # the area's share of its points from which the ICT track is suggested


class Questionnaire(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    as_of: date
    sources: tuple[Source, ...] = Field(min_length=1)
    track_rule: TrackRule
    areas: tuple[Area, ...] = Field(min_length=1)
    questions: tuple[Question, ...] = Field(min_length=1, max_length=MAX_QUESTIONS)

    @model_validator(mode="after")
    def _consistent(self) -> Questionnaire:
        areas = [area.id for area in self.areas]
        questions = [question.id for question in self.questions]
        problems = [f"area {a!r} is given twice" for a in _repeated(areas)]
        problems += [f"question {q!r} is given twice" for q in _repeated(questions)]
        problems += [
            f"question {q.id!r}: area {q.area!r} is not one of {areas}" for q in self.questions if q.area not in areas
        ]
        problems += [f"area {a!r} has no question" for a in areas if all(q.area != a for q in self.questions)]
        problems += [f"question {q.id!r}: every option scores 0" for q in self.questions if q.top == 0]
        if self.track_rule.area not in areas:
            problems.append(f"track_rule.area {self.track_rule.area!r} is not one of {areas}")
        problems += [f"source {s.document!r} needs its file, or publisher, url and read_on" for s in self._untraced()]
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def _untraced(self) -> list[Source]:
        return [source for source in self.sources if not source.traceable]

    def area(self, area_id: str) -> Area:
        return next(area for area in self.areas if area.id == area_id)


def _repeated(ids: list[str]) -> list[str]:
    return sorted({i for i in ids if ids.count(i) > 1})


def load(courses: Mapping[str, Course], path: Path = SKILL_CHECK_FILE) -> Questionnaire:
    """The questionnaire, checked against the course catalogue's ids; raise KnowledgeError listing every problem."""
    name = path.name
    try:
        questionnaire = Questionnaire.model_validate(yaml.load(path.read_text(encoding="utf-8"), YamlLoader))
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeError([f"{name}: cannot read it: {exc}"]) from exc
    except ValidationError as exc:
        problems = [f"{name}: {'.'.join(map(str, e['loc'])) or 'skill check'}: {e['msg']}" for e in exc.errors()]
        raise KnowledgeError(problems) from exc
    unknown = [
        f"{name}: area {area.id!r}: course {course!r} is not in the course catalogue (courses.yaml)"
        for area in questionnaire.areas
        for course in area.courses
        if course not in courses
    ]
    if unknown:
        raise KnowledgeError(unknown)
    return questionnaire


# --- answers → scores → plan ------------------------------------------------------------------------

Track = Literal["ict", "business"]
Reason = Literal["required", "recommended", "gap"]


@dataclass(frozen=True)
class PlannedCourse:
    course_id: str
    reason: Reason  # the path's required course, its recommended one, or one filling the weakest area


@dataclass(frozen=True)
class Plan:
    answers: dict[str, int]  # question id → the chosen option's score
    scores: dict[str, int]  # area id → percent of its points
    track: Track
    weakest: str  # the area with the lowest score
    courses: tuple[PlannedCourse, ...]
    skipped: int  # courses of the plan the member has already finished

    @property
    def course_ids(self) -> list[str]:
        return [course.course_id for course in self.courses]


def chosen(questionnaire: Questionnaire, picks: Mapping[str, str | None]) -> tuple[dict[str, int], list[str]]:
    """The scores of the options picked (question id → option number as text, from 0) and the questions left
    unanswered or answered with an option that does not exist, in the questionnaire's order."""
    answers: dict[str, int] = {}
    missing: list[str] = []
    for question in questionnaire.questions:
        pick = picks.get(question.id)
        if pick is not None and pick.isdigit() and int(pick) < len(question.options):
            answers[question.id] = question.options[int(pick)].score
        else:
            missing.append(question.id)
    return answers, missing


def scores(questionnaire: Questionnaire, answers: Mapping[str, int]) -> dict[str, int]:
    """Each area's share of its points, in percent (rounded down)."""
    result = {}
    for area in questionnaire.areas:
        questions = [q for q in questionnaire.questions if q.area == area.id]
        top = sum(q.top for q in questions)
        result[area.id] = 100 * sum(answers.get(q.id, 0) for q in questions) // top
    return result


def plan(
    questionnaire: Questionnaire,
    answers: Mapping[str, int],
    courses_on_track: Callable[[str], list[Course]],
    *,
    finished: Collection[str] = (),
    available: Callable[[str], bool] = lambda _course_id: True,
) -> Plan:
    """The suggested track (its rule's area at or above `ict_from` → ict) and the courses to take in order: the
    track's required courses, then its recommended ones, then those filling the weakest area; without those the
    member finished (`finished`: course ids) or the catalogue no longer has (`available`)."""
    by_area = scores(questionnaire, answers)
    rule = questionnaire.track_rule
    track: Track = "ict" if by_area[rule.area] >= rule.ict_from * 100 else "business"
    order = {area.id: n for n, area in enumerate(questionnaire.areas)}
    weakest = min(by_area, key=lambda area_id: (by_area[area_id], order[area_id]))
    path = courses_on_track(track)
    candidates = [PlannedCourse(c.id, "required") for c in path if c.requirement == "required"]
    candidates += [PlannedCourse(c.id, "recommended") for c in path if c.requirement != "required"]
    candidates += [PlannedCourse(course_id, "gap") for course_id in questionnaire.area(weakest).courses]
    planned: list[PlannedCourse] = []
    seen: set[str] = set()
    for candidate in candidates:
        if candidate.course_id not in seen and available(candidate.course_id):
            seen.add(candidate.course_id)
            planned.append(candidate)
    kept = tuple(course for course in planned if course.course_id not in finished)
    return Plan(dict(answers), by_area, track, weakest, kept, len(planned) - len(kept))
