"""Question → grounded answer: retrieve passages, let the model write from them alone (when configured), check
its figures against the passages, and fall back to an extractive answer whenever the model cannot be trusted."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Literal

from knowledge.courses import Catalogue, Listing
from knowledge.grounding import Ask, Kind, answers, course_topic, read
from knowledge.kb import Entry, Knowledge
from knowledge.llm import ChatMessage, ChatModel, ModelUnavailable
from knowledge.messages import Lang, language_of, t
from knowledge.provenance import figures
from knowledge.search import Hit, Lookup, SearchIndex
from knowledge.subsidy import Edition, edition_for

log = logging.getLogger(__name__)

MAX_PASSAGES = 4
QUESTION_LIMIT = 1000  # characters; longer text is not a question
NO_ANSWER = "NO_ANSWER"
MAX_MISSING_WORDS = 2  # a passage that misses three of a question's topic words is about something else
_CITATION = re.compile(r"\[(\d{1,2})\]")


@dataclass(frozen=True)
class Citation:
    id: str
    title: str
    url: str | None
    as_of: date | None


@dataclass(frozen=True)
class Answer:
    answered: bool
    text: str
    sources: tuple[Citation, ...]
    language: Lang
    used_model: bool = False
    courses: tuple[Listing, ...] = ()  # recommended from the catalogue, listed at the end of the text

    def as_json(self) -> dict:
        return {
            "answered": self.answered,
            "text": self.text,
            "sources": [
                {"id": s.id, "title": s.title, "url": s.url, "as_of": s.as_of.isoformat() if s.as_of else None}
                for s in self.sources
            ],
            "courses": [{"id": c.id, "title": c.title, "url": c.url, "hours": c.hours} for c in self.courses],
        }


@dataclass(frozen=True)
class Turn:
    """An earlier message in the same thread: role "user" or "assistant"."""

    role: str
    text: str


class Answerer:
    """Built once per process over the index opened at start-up, never per question."""

    def __init__(
        self,
        knowledge: Knowledge,
        index: SearchIndex[Entry],
        editions: list[Edition],
        model: ChatModel | None,
        catalogue: Callable[[], Catalogue | None] = lambda: None,
    ):
        self._knowledge = knowledge
        self._index = index
        self._editions = editions
        self._model = model
        self._catalogue = catalogue  # None when the database cannot be read: answers go on without courses

    def answer(self, question: str, *, on: date, history: Sequence[Turn] = ()) -> Answer:
        """The knowledge base's answer; for "which course?" also the catalogue's courses that fit."""
        ask = read(question)
        answer = self._from_knowledge(question, ask, on, history)
        topic = course_topic(question)
        catalogue = self._catalogue() if topic is not None and ask.kind is None else None
        picks = catalogue.recommend(topic, japanese=answer.language == "ja") if catalogue else []
        return _with_courses(answer, picks) if picks else answer

    def _from_knowledge(self, question: str, ask: Ask, on: date, history: Sequence[Turn]) -> Answer:
        lang = language_of(question)
        found = self._retrieve(question, history)
        passages, superseded = self._in_force([hit.entry for hit in found.hits], on)
        if found.unknown_names or not passages:
            return self._refusal(lang, passages, found.unknown_names, ask.kind)
        if self._course_has_ended(passages, on):
            return self._course_ended(passages, lang, on)
        about = {entry.id: hit for hit in found.hits if _about(hit, ask) for entry in self._editions_of(hit.entry)}
        answering = [
            p for p in passages if p.id in about and answers(ask, _passage_text(p), on, whole=not about[p.id].missing)
        ]
        if not answering:
            names = sorted({name for hit in found.hits for name in hit.missing_names})
            return self._refusal(lang, passages, names, ask.kind or "topic")
        # The passage that holds the answer leads; the others follow as context.
        passages = [*answering[:1], *(p for p in passages if p is not answering[0])]
        if self._model is not None:
            written = self._written_by_model(question, history, passages, lang)
            if written is not None:
                return self._finish(written, superseded, lang, on, used_model=True)
        return self._finish(_extractive(passages, lang), superseded, lang, on, used_model=False)

    # --- retrieval ------------------------------------------------------------------------------

    def _retrieve(self, question: str, history: Sequence[Turn]) -> Lookup:
        found = self._index.lookup(question, limit=MAX_PASSAGES)
        earlier = [turn.text for turn in history if turn.role == "user"]
        if earlier:  # a follow-up ("大企業は？") leans on the thread's earlier question
            follow_up = self._index.lookup(earlier[-1] + " " + question, limit=MAX_PASSAGES)
            if follow_up.hits and (not found.hits or follow_up.hits[0].score > found.hits[0].score):
                found = Lookup(follow_up.hits, found.unknown_names)
        if not found.hits:
            return found
        top = found.hits[0].score
        return Lookup([hit for hit in found.hits if hit.score >= 0.45 * top], found.unknown_names)

    def _editions_of(self, entry: Entry) -> list[Entry]:
        """An entry and the ones that superseded it, oldest first."""
        chain = [entry]
        while chain[-1].superseded_by is not None:
            chain.append(self._knowledge.entries[chain[-1].superseded_by])
        return chain

    def _in_force(self, entries: list[Entry], on: date) -> tuple[list[Entry], list[Entry]]:
        """The passages with each rule superseded by `on` replaced, in its place, by the one in force then; and the
        superseded ones, mentioned only as history."""
        passages: list[Entry] = []
        superseded: list[Entry] = []
        for entry in entries:
            chain = self._editions_of(entry)
            current = next((e for e in chain if e.effective_until is None or on <= e.effective_until), chain[-1])
            if current is not entry:
                superseded.append(entry)
            if current not in passages and (current.effective_from is None or current.effective_from <= on):
                passages.append(current)
        return passages, [e for e in superseded if e not in passages]

    # --- what the sources cannot say ------------------------------------------------------------

    def _refusal(
        self, lang: Lang, close: list[Entry], names: Sequence[str] = (), kind: Kind | Literal["topic"] | None = None
    ) -> Answer:
        """Say plainly that the sources do not say it, what they do say that is close, and whom to ask."""
        if names:
            lines = [t("not_in_sources_name", lang, names="、".join(names) if lang == "ja" else ", ".join(names))]
        elif kind is not None:
            lines = [t("not_in_sources_kind", lang, what=t(f"asked_{kind}", lang))]
        else:
            lines = [t("cannot_answer", lang)]
        if close:
            titles = " / ".join(entry.title_in(lang) for entry in close[:3])
            lines.append(t("close_in_sources", lang, titles=titles))
        subsidy = any(entry.kind == "subsidy" for entry in close)
        if close or names or kind:
            lines.append(t("ask_labour_bureau" if subsidy else "ask_coordinator", lang))
        return Answer(False, "\n".join(lines), (), lang)

    def _course_has_ended(self, passages: list[Entry], on: date) -> bool:
        edition, _ = edition_for(self._editions, on)
        return passages[0].kind == "subsidy" and edition.course_ends is not None and on > edition.course_ends

    def _course_ended(self, passages: list[Entry], lang: Lang, on: date) -> Answer:
        """After the course's known end, its rates and caps are no answer: say it has ended, and whom to ask."""
        edition, _ = edition_for(self._editions, on)
        text = "\n".join(
            [t("subsidy_course_ended", lang, end=edition.course_ends.isoformat()), t("ask_labour_bureau", lang)]
        )
        cited = [e for e in passages if e.kind == "subsidy"][:1]
        return Answer(True, text, tuple(_citation(e, lang) for e in cited), lang)

    # --- the model ------------------------------------------------------------------------------

    def _written_by_model(
        self, question: str, history: Sequence[Turn], passages: list[Entry], lang: Lang
    ) -> tuple[str, list[Entry]] | None:
        """The model's answer and the passages it cites, or None when it is unavailable or strays."""
        try:
            reply = self._model.complete(_prompt(question, history, passages, lang))
        except ModelUnavailable as exc:
            log.warning("model unavailable, answering extractively: %s", exc)
            return None
        if NO_ANSWER in reply:
            return "", []
        cited = sorted({int(n) for n in _CITATION.findall(reply) if 1 <= int(n) <= len(passages)})
        sources = [passages[n - 1] for n in cited] or passages
        # 「30万円」 in a passage supports the model's 「300,000円」: figures are compared by value.
        passages_say = figures("\n".join(_passage_text(p) for p in sources), as_written=True)
        stray = figures(_CITATION.sub("", reply)) - passages_say
        if stray:
            log.warning("model answer has figures not in its sources %s; answering extractively", sorted(stray))
            return None
        return reply, sources

    # --- the finished answer --------------------------------------------------------------------

    def _finish(
        self, written: tuple[str, list[Entry]], superseded: list[Entry], lang: Lang, on: date, *, used_model: bool
    ) -> Answer:
        text, sources = written
        if not sources:
            return Answer(False, t("cannot_answer", lang), (), lang, used_model)
        notes = [
            t("earlier_edition", lang, title=e.title_in(lang), until=e.effective_until.isoformat()) for e in superseded
        ]
        stale = [
            t("stale_entry", lang, title=e.title_in(lang), checked=_checked(e, lang)) for e in sources if e.stale(on)
        ]
        if stale:
            notes.append(t("stale_entries", lang, entries=" / ".join(stale)))
        if any(entry.kind == "subsidy" for entry in sources):
            notes += self._subsidy_footnote(lang, on)
        if notes:
            text += "\n\n" + "\n".join(f"※ {note}" for note in notes)
        return Answer(True, text, tuple(_citation(e, lang) for e in sources), lang, used_model)

    def citation(self, entry_id: str, lang: Lang) -> Citation | None:
        """How to cite a knowledge-base entry, e.g. when a logged answer is shared later."""
        entry = self._knowledge.entries.get(entry_id)
        return _citation(entry, lang) if entry else None

    def _subsidy_footnote(self, lang: Lang, on: date) -> list[str]:
        edition, _ = edition_for(self._editions, on)
        return [
            t("subsidy_footnote", lang, on=on.isoformat(), edition=edition.edition),
            t("subsidy_for_employers", lang),
            t("subsidy_disclaimer", lang),
        ]


def _with_courses(answer: Answer, courses: list[Listing]) -> Answer:
    """The answer with the courses listed under it; when the knowledge base had none, the courses are the answer."""
    lang = answer.language
    lines = [_course_line(course, lang) for course in courses]
    if answer.answered:
        text = "\n\n".join([answer.text, "\n".join([t("catalogue_picks", lang), *lines])])
        return replace(answer, text=text, courses=tuple(courses))
    return Answer(True, "\n".join([t("catalogue_picks_only", lang), *lines]), (), lang, courses=tuple(courses))


def _course_line(course: Listing, lang: Lang) -> str:
    details = [t("course_on_path", lang)] if course.on_path else []
    if course.hours:
        details.append(t("course_hours", lang, hours=f"{course.hours:g}"))
    line = f"• {course.title}"
    if details:
        line += t("course_details", lang, details=("・" if lang == "ja" else ", ").join(details))
    return line + (f" {course.url}" if course.url else "")


def _about(hit: Hit, ask: Ask) -> bool:
    """Whether a passage is about what the question asks: the places and bodies it names, most of its words, and
    for a procedure every one of them (how to 申請する an ID is not how to join a procurement)."""
    if hit.missing_names or len(hit.missing) > MAX_MISSING_WORDS:
        return False
    return ask.kind != "procedure" or not (hit.missing or hit.missing_actions)


def _citation(entry: Entry, lang: Lang) -> Citation:
    return Citation(entry.id, entry.title_in(lang), entry.source.url, entry.as_of)


def _checked(entry: Entry, lang: Lang) -> str:
    """When an entry's facts were last known to hold: the day its public source was read, or the source's date."""
    known = entry.source.read_on or entry.as_of
    return known.isoformat() if known else t("date_unknown", lang)


def _prompt(question: str, history: Sequence[Turn], passages: list[Entry], lang: Lang) -> list[ChatMessage]:
    numbered = "\n\n".join(f"[{n}] {_passage_text(p)}" for n, p in enumerate(passages, start=1))
    language = "Japanese" if lang == "ja" else "English"
    system = (
        "You are dxbot, a learning assistant for Japanese local-government staff. Answer ONLY from the numbered "
        "passages below; never add facts, names or figures that are not in them, and never compute new figures. "
        f"Write in {language}, briefly (at most six sentences or bullets), for non-technical staff. Cite the passages "
        "you use as [n] right after the sentence that uses them. The 人材開発支援助成金 is an employer subsidy for "
        "companies' staff, not for municipal employees' own training: keep that clear. If the passages do not "
        f"answer the question, reply exactly {NO_ANSWER}.\n\nPassages:\n{numbered}"
    )
    messages = [ChatMessage("system", system)]
    messages += [ChatMessage(turn.role, turn.text) for turn in history[-6:]]
    messages.append(ChatMessage("user", question))
    return messages


def _passage_text(entry: Entry) -> str:
    dated = f" (as of {entry.as_of.isoformat()})" if entry.as_of else ""
    return f"{entry.title}{dated}\n{entry.body.strip()}\n{(entry.summary_en or '').strip()}"


def _extractive(passages: list[Entry], lang: Lang) -> tuple[str, list[Entry]]:
    """The best passages as they are written: titles and figures intact, numbered as the sources are."""
    shown = passages[:2]
    parts = []
    for n, entry in enumerate(shown, start=1):
        title, body = entry.title_in(lang), entry.body_in(lang)
        parts.append(f"*[{n}] {title}*\n{body.strip()}")
    related = [p.title_in(lang) for p in passages[2:]]
    if related:
        parts.append(t("related_entries", lang, titles=" / ".join(related)))
    return "\n\n".join(parts), passages
