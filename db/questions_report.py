"""What the bot could not answer, and answers members marked 👎: for coordinators improving the knowledge base.

Questions are fetched with SQL and grouped here: the normalised form (NFKC, lower case, no trailing ？ or !)
is Unicode work neither SQLite nor PostgreSQL does alike."""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from db.models import Municipality, Question, Vote

DEFAULT_PERIOD = timedelta(days=7)
_TRAILING = "？?！! \t\r\n\u3000"


def normalised(text: str) -> str:
    """The form two spellings of one question share: NFKC (？→?, ｐｃ→pc), lower case, spaces collapsed, and no
    trailing ？?！! or spaces."""
    folded = " ".join(unicodedata.normalize("NFKC", text).lower().split())
    return folded.rstrip(_TRAILING)


@dataclass(frozen=True)
class UnansweredGroup:
    """One question (all its spellings) that found no answer, and who asked it: languages and places only."""

    key: str  # the normalised text
    text: str  # the spelling asked most often (the first asked, on a tie)
    count: int
    askers: int  # different members who asked it
    languages: tuple[str, ...]
    first_asked: datetime
    last_asked: datetime
    municipalities: tuple[str, ...]  # where known (members who joined one)
    spellings: tuple[str, ...]  # every spelling, most asked first


@dataclass(frozen=True)
class RatedAnswer:
    """An answered question with at least one 👎, and how many voted either way."""

    id: int
    text: str
    asked_at: datetime
    up: int
    down: int


@dataclass(frozen=True)
class NotHelpfulGroup:
    """The answers marked 👎 whose best source was `topic` (a knowledge base entry or course id, or None)."""

    topic: str | None
    answers: tuple[RatedAnswer, ...]  # most 👎 first

    @property
    def count(self) -> int:
        return len(self.answers)

    @property
    def up(self) -> int:
        return sum(a.up for a in self.answers)

    @property
    def down(self) -> int:
        return sum(a.down for a in self.answers)


@dataclass(frozen=True)
class QuestionsReport:
    since: datetime
    until: datetime | None
    unanswered: tuple[UnansweredGroup, ...] = ()  # most asked first
    not_helpful: tuple[NotHelpfulGroup, ...] = ()  # most answers first

    @property
    def unanswered_count(self) -> int:
        return sum(g.count for g in self.unanswered)

    @property
    def not_helpful_count(self) -> int:
        return sum(g.count for g in self.not_helpful)

    def __bool__(self) -> bool:
        return bool(self.unanswered or self.not_helpful)


def questions_report(
    session: Session, since: datetime | None = None, until: datetime | None = None, municipalities: Select | None = None
) -> QuestionsReport:
    """Questions asked from `since` (default: 7 days before `until`, or before now) up to `until` (exclusive;
    default: no end) that found no answer, grouped by their normalised text, and answers with a 👎, grouped by
    topic; each list sorted by count, largest first. `municipalities` (ids, a subquery) keeps one prefecture's."""
    if since is None:
        since = (until or datetime.now(UTC)) - DEFAULT_PERIOD
    asked = [Question.asked_at >= since, *([Question.asked_at < until] if until is not None else [])]
    if municipalities is not None:
        asked.append(Question.municipality_id.in_(municipalities))
    unanswered = _group_unanswered(session.execute(_unanswered(asked)))
    not_helpful = _group_by_topic(session.execute(_voted_down(asked)))
    return QuestionsReport(since, until, tuple(unanswered), tuple(not_helpful))


def _unanswered(asked: list[ColumnElement[bool]]) -> Select:
    return (
        select(
            Question.text,
            Question.language,
            Question.asked_at,
            Municipality.name,
            Question.slack_team_id,
            Question.slack_user_id,
        )
        .outerjoin(Municipality, Municipality.id == Question.municipality_id)
        .where(Question.answered.is_(False), *asked)
        .order_by(Question.asked_at, Question.id)
    )


def _voted_down(asked: list[ColumnElement[bool]]) -> Select:
    down = func.sum(case((Vote.vote < 0, 1), else_=0))
    return (
        select(
            Question.id,
            Question.text,
            Question.topic,
            Question.asked_at,
            func.sum(case((Vote.vote > 0, 1), else_=0)).label("up"),
            down.label("down"),
        )
        .join(Vote, Vote.question_id == Question.id)
        .where(Question.answered.is_(True), *asked)
        .group_by(Question.id, Question.text, Question.topic, Question.asked_at)
        .having(down > 0)
        .order_by(Question.asked_at, Question.id)
    )


def _group_unanswered(rows: Iterable) -> list[UnansweredGroup]:
    groups: dict[str, list] = {}
    for row in rows:  # oldest first
        groups.setdefault(normalised(row.text) or row.text, []).append(row)
    found = []
    for key, asked in groups.items():
        spellings = [text for text, _ in Counter(row.text for row in asked).most_common()]  # ties: first seen
        found.append(
            UnansweredGroup(
                key=key,
                text=spellings[0],
                count=len(asked),
                askers=len({(row.slack_team_id, row.slack_user_id) for row in asked}),
                languages=tuple(sorted({row.language for row in asked})),
                first_asked=asked[0].asked_at,
                last_asked=asked[-1].asked_at,
                municipalities=tuple(sorted({row.name for row in asked if row.name})),
                spellings=tuple(spellings),
            )
        )
    found.sort(key=lambda g: (-g.count, -g.last_asked.timestamp(), g.key))
    return found


def _group_by_topic(rows: Iterable) -> list[NotHelpfulGroup]:
    topics: dict[str | None, list[RatedAnswer]] = {}
    for row in rows:
        rated = RatedAnswer(row.id, row.text, row.asked_at, int(row.up), int(row.down))
        topics.setdefault(row.topic, []).append(rated)
    found = [
        NotHelpfulGroup(topic, tuple(sorted(answers, key=lambda a: (-a.down, a.asked_at, a.id))))
        for topic, answers in topics.items()
    ]
    found.sort(key=lambda g: (-g.count, -g.down, g.topic is None, g.topic or ""))
    return found
