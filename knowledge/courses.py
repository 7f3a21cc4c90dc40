"""Forgiving course matching: 「ITパスポート」, 「iパス」, "IT Passport" and 「ﾌﾟﾛｾｽ改革」 all find their course, and so do
the readings of its kanji: 「きほんじょうほう」, 「ｷﾎﾝｼﾞｮｳﾎｳ」 and "kihon joho"."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz

from knowledge.kb import Course
from knowledge.text import compact, fold, reading_key, reading_score

PLAUSIBLE = 70.0  # below this a course is not worth suggesting
CLEAR = 88.0  # at or above this, and well ahead of the runner-up, a match needs no confirmation
CLEAR_GAP = 8.0
_FUZZY_CAP = 87.0  # a fuzzy look-alike alone is never a clear match


@dataclass(frozen=True)
class Match:
    course: Course
    score: float


class CourseMatcher:
    """Scores free text against every course's title, aliases and readings; built once (every key computed here,
    since matching runs inside Slack's ack), shared by all requests."""

    def __init__(self, courses: Iterable[Course]):
        self._names: list[tuple[Course, str, frozenset[str]]] = []
        self._readings: list[tuple[Course, str]] = []
        for course in courses:
            for name in (course.title, *course.aliases):
                self._names.append((course, compact(name), frozenset(fold(name).split())))
            self._readings += [(course, reading_key(reading)) for reading in course.readings]

    def match(self, text: str, limit: int = 5) -> list[Match]:
        """Plausible courses for `text`, best first; empty when nothing is plausible."""
        query, words, spoken = compact(text), frozenset(fold(text).split()), reading_key(text)
        if not query:
            return []
        scores = [(course, _score(query, words, name, name_words)) for course, name, name_words in self._names]
        if spoken:  # kana or romaji: its readings may say what its kanji do not
            scores += [(course, reading_score(spoken, reading)) for course, reading in self._readings]
        best: dict[str, Match] = {}
        for course, score in scores:
            if score >= PLAUSIBLE and score > best.get(course.id, Match(course, 0)).score:
                best[course.id] = Match(course, round(score, 1))
        return sorted(best.values(), key=lambda m: (-m.score, m.course.id))[:limit]

    @staticmethod
    def clear_winner(matches: list[Match]) -> Course | None:
        """The one course the text obviously means, or None when the member should choose."""
        if not matches or matches[0].score < CLEAR:
            return None
        if len(matches) > 1 and matches[0].score - matches[1].score < CLEAR_GAP:
            return None
        return matches[0].course


def _score(query: str, words: frozenset[str], name: str, name_words: frozenset[str]) -> float:
    if query == name:
        return 100.0
    if _is_short(name):
        # "FE" or "IP" must stand alone as a word: never inside "coffee" or "ship".
        return 95.0 if name in words else 0.0
    if name in query:
        return 90.0 + 10.0 * len(name) / len(query)
    if query in name and not _is_short(query):
        return 75.0 + 25.0 * len(query) / len(name)
    if any(not _is_short(word) for word in words & name_words):
        return 80.0
    return min(_FUZZY_CAP, float(fuzz.ratio(query, name)))


def _is_short(text: str) -> bool:
    """Two or three ASCII characters, or a single character: too short to match inside other text."""
    return len(text) < 2 or (text.isascii() and len(text) <= 3)
