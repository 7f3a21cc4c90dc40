"""Courses as members name them: forgiving matching over the learning paths' courses and the organisation's whole
Udemy Business catalogue. 「ITパスポート」, 「iパス」, "IT Passport" and 「ﾌﾟﾛｾｽ改革」 find their path course, and so
do the readings of its kanji (「きほんじょうほう」, "kihon joho"); any catalogue course is found by its title, a
part of it, or a near spelling."""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from rapidfuzz import fuzz, process

from knowledge import kb
from knowledge.search import SearchIndex
from knowledge.text import compact, fold, reading_key, reading_score

PLAUSIBLE = 70.0  # below this a course is not worth suggesting
CLEAR = 88.0  # at or above this, and well ahead of the runner-up, a match needs no confirmation
CLEAR_GAP = 8.0
_FUZZY_CAP = 87.0  # a fuzzy look-alike alone is never a clear match
# fuzz.ratio is 2·matches / (len(a) + len(b)): below this share of the query's length, or above its inverse,
# a title cannot reach PLAUSIBLE, so only titles of a length in between are compared.
_LENGTH_SPAN = PLAUSIBLE / (200 - PLAUSIBLE)
MAX_PICKS = 5  # courses recommended for one question
_SHARED_BIGRAMS = 0.4  # a title sharing fewer of the query's character bigrams is no look-alike
_MAX_COMPARED = 300
_MAX_CONTAINING = 200  # titles containing a very common word ("入門") beyond this many are not all scored


class Named(Protocol):
    id: str
    title: str
    aliases: tuple[str, ...]
    readings: tuple[str, ...]


@dataclass(frozen=True)
class Listing:
    """A course members can record or be recommended: a learning path's (it has a track) or the catalogue's."""

    id: str
    title: str
    url: str | None = None
    hours: float | None = None
    track: str | None = None  # None: in the catalogue, on no learning path
    requirement: str | None = None
    headline: str | None = None
    locale: str | None = None  # ja_JP, en_US
    aliases: tuple[str, ...] = ()
    readings: tuple[str, ...] = ()

    @property
    def on_path(self) -> bool:
        return self.track is not None

    @property
    def japanese(self) -> bool:
        return (self.locale or "ja").startswith("ja")

    @classmethod
    def of(cls, course: kb.Course) -> Listing:
        return cls(
            id=course.id,
            title=course.title,
            url=course.url,
            hours=course.hours,
            track=course.track,
            requirement=course.requirement,
            headline=course.purpose,
            aliases=course.aliases,
            readings=course.readings,
        )


@dataclass(frozen=True)
class Match:
    course: Listing
    score: float


class CourseMatcher:
    """Scores free text against every course; built once per catalogue (every key computed here, since matching
    runs inside Slack's ack) and shared by all requests.

    Path courses, a handful with aliases and readings, are scored one by one. Catalogue titles are looked up whole
    in a dict, found inside one string of them all when the text is part of a title, and compared by rapidfuzz
    only among titles of a length that can match."""

    def __init__(self, courses: Iterable[Named]):
        listings = [c if isinstance(c, Listing) else Listing.of(c) for c in courses]
        self._names: list[tuple[Listing, str, frozenset[str]]] = []
        self._readings: list[tuple[Listing, str]] = []
        catalogue: list[tuple[str, Listing]] = []
        for course in listings:
            if course.on_path or course.aliases or course.readings:
                self._add_named(course)
            else:
                catalogue.append((compact(course.title), course))
        catalogue = sorted((pair for pair in catalogue if pair[0]), key=lambda pair: (len(pair[0]), pair[1].id))
        self._titles = [title for title, _ in catalogue]
        self._courses = [course for _, course in catalogue]
        self._lengths = [len(title) for title in self._titles]
        self._exact: dict[str, list[int]] = {}
        for number, title in enumerate(self._titles):
            self._exact.setdefault(title, []).append(number)
        self._joined = "\n".join(self._titles)  # one string: `in` over every title at C speed
        self._starts = [0]
        for title in self._titles[:-1]:
            self._starts.append(self._starts[-1] + len(title) + 1)
        grams: dict[str, list[int]] = {}
        for number, title in enumerate(self._titles):
            for gram in _bigrams(title):
                grams.setdefault(gram, []).append(number)
        self._grams = {gram: np.array(numbers, dtype=np.int32) for gram, numbers in grams.items()}

    def _add_named(self, course: Listing) -> None:
        for name in (course.title, *course.aliases):
            self._names.append((course, compact(name), frozenset(fold(name).split())))
        self._readings += [(course, reading_key(reading)) for reading in course.readings]

    def match(self, text: str, limit: int = 5) -> list[Match]:
        """Plausible courses for `text`, best first (a path course before a catalogue course of the same score);
        empty when nothing is plausible."""
        query, words, spoken = compact(text), frozenset(fold(text).split()), reading_key(text)
        if not query:
            return []
        scores = [(course, _score(query, words, name, name_words)) for course, name, name_words in self._names]
        if spoken:  # kana or romaji: its readings may say what its kanji do not
            scores += [(course, reading_score(spoken, reading)) for course, reading in self._readings]
        scores += self._catalogue_scores(query, limit)
        best: dict[str, Match] = {}
        for course, score in scores:
            if score >= PLAUSIBLE and score > best.get(course.id, Match(course, 0)).score:
                best[course.id] = Match(course, round(score, 1))
        return sorted(best.values(), key=lambda m: (-m.score, not m.course.on_path, m.course.id))[:limit]

    def _catalogue_scores(self, query: str, limit: int) -> list[tuple[Listing, float]]:
        exact = self._exact.get(query, [])
        found = [(self._courses[n], 100.0) for n in exact]
        if not _is_short(query):
            found += [(self._courses[n], 75.0 + 25.0 * len(query) / self._lengths[n]) for n in self._containing(query)]
        if not exact:
            candidates = self._sharing_bigrams(query)
            similar = process.extract(
                query,
                [self._titles[n] for n in candidates],
                scorer=fuzz.ratio,
                processor=None,
                limit=limit,
                score_cutoff=PLAUSIBLE,
            )
            found += [(self._courses[candidates[n]], _fuzzy(score)) for _, score, n in similar]
        return found

    def _sharing_bigrams(self, query: str) -> list[int]:
        """The titles worth comparing with rapidfuzz: of a length that can match, sharing at least
        _SHARED_BIGRAMS of the query's character bigrams, the _MAX_COMPARED that share most."""
        postings = [self._grams[gram] for gram in _bigrams(query) if gram in self._grams]
        if not postings:
            return []
        shared = np.bincount(np.concatenate(postings), minlength=len(self._titles))
        low = bisect_left(self._lengths, len(query) * _LENGTH_SPAN)
        high = bisect_right(self._lengths, len(query) / _LENGTH_SPAN)
        window = shared[low:high]
        enough = np.flatnonzero(window >= max(1, _SHARED_BIGRAMS * len(set(_bigrams(query)))))
        if len(enough) > _MAX_COMPARED:
            enough = enough[np.argpartition(-window[enough], _MAX_COMPARED)[:_MAX_COMPARED]]
        return [low + int(n) for n in np.sort(enough)]

    def _containing(self, query: str) -> list[int]:
        """The titles that contain `query`, longer than it (the same title is an exact match)."""
        numbers: list[int] = []
        at = self._joined.find(query)
        while at != -1 and len(numbers) < _MAX_CONTAINING:
            number = bisect_right(self._starts, at) - 1
            if self._lengths[number] > len(query):
                numbers.append(number)
            at = self._joined.find(query, self._starts[number] + self._lengths[number])
        return numbers

    @staticmethod
    def clear_winner(matches: Sequence[Match]) -> Listing | None:
        """The one course the text obviously means, or None when the member should choose. A course's whole name
        typed out is meant even when a shorter name is inside it (a catalogue title containing 「ITパスポート」)."""
        if not matches or matches[0].score < CLEAR:
            return None
        if matches[0].score == 100 and (len(matches) == 1 or matches[1].score < 100):
            return matches[0].course
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
    return _fuzzy(fuzz.ratio(query, name))


def _fuzzy(ratio: float) -> float:
    """A look-alike's ratio squeezed below _FUZZY_CAP, keeping its order: a closer spelling still ranks first."""
    return (
        ratio if ratio < PLAUSIBLE else PLAUSIBLE + (ratio - PLAUSIBLE) * (_FUZZY_CAP - PLAUSIBLE) / (100 - PLAUSIBLE)
    )


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} or {text}


def _is_short(text: str) -> bool:
    """Two or three ASCII characters, or a single character: too short to match inside other text."""
    return len(text) < 2 or (text.isascii() and len(text) <= 3)


COURSE_FIELDS = {"title": 3.0, "headline": 1.0}  # field → weight, as ENTRY_FIELDS for the knowledge base


def course_texts(course: Listing) -> dict[str, str]:
    """What the catalogue index reads of a course: a path course's aliases count as its title."""
    return {"title": "\n".join((course.title, *course.aliases)), "headline": course.headline or ""}


class Catalogue:
    """Every course members can record or be recommended, as the database had it at `revision`. The search
    index for recommendations is opened on the first course question, not for every `/dx done`."""

    def __init__(
        self,
        courses: Sequence[Listing],
        revision: str,
        open_index: Callable[[Sequence[Listing], str], SearchIndex[Listing]],
    ):
        self.revision = revision
        self.courses = courses
        self._by_id = {course.id: course for course in courses}
        self.matcher = CourseMatcher(courses)
        self._open_index = open_index
        self._lock = threading.Lock()
        self._index: SearchIndex[Listing] | None = None

    def get(self, course_id: str) -> Listing | None:
        return self._by_id.get(course_id)

    def recommend(self, topic: str, japanese: bool, limit: int = MAX_PICKS) -> list[Listing]:
        """The courses that fit `topic` (a question without its "which course" words): those that mention all of it
        first, path courses before the catalogue's, then the member's language before the others, then by score."""
        hits = self.index.search(topic, limit=limit * 4)
        ranked = sorted(
            hits,
            key=lambda hit: (
                bool(hit.missing),
                not hit.entry.on_path,
                hit.entry.japanese != japanese,
                -hit.score,
            ),
        )
        return [hit.entry for hit in ranked[:limit]]

    @property
    def index(self) -> SearchIndex[Listing]:
        with self._lock:  # opened (or built) once, whichever thread asks first
            if self._index is None:
                self._index = self._open_index(self.courses, self.revision)
            return self._index
