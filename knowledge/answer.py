"""Question → grounded answer: retrieve passages, let the model write from them alone (when configured), check
its figures against the passages, and fall back to an extractive answer whenever the model cannot be trusted."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from knowledge.kb import Entry, Knowledge
from knowledge.llm import ChatMessage, ChatModel, ModelUnavailable
from knowledge.messages import Lang, language_of, t
from knowledge.search import SearchIndex
from knowledge.subsidy import Edition, edition_for

log = logging.getLogger(__name__)

MAX_PASSAGES = 4
QUESTION_LIMIT = 1000  # characters; longer text is not a question
NO_ANSWER = "NO_ANSWER"
_CITATION = re.compile(r"\[(\d{1,2})\]")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


@dataclass(frozen=True)
class Citation:
    id: str
    title: str
    url: str | None
    as_of: date


@dataclass(frozen=True)
class Answer:
    answered: bool
    text: str
    sources: tuple[Citation, ...]
    language: Lang
    used_model: bool = False

    def as_json(self) -> dict:
        return {
            "answered": self.answered,
            "text": self.text,
            "sources": [
                {"id": s.id, "title": s.title, "url": s.url, "as_of": s.as_of.isoformat()} for s in self.sources
            ],
        }


@dataclass(frozen=True)
class Turn:
    """An earlier message in the same thread: role "user" or "assistant"."""

    role: str
    text: str


class Answerer:
    """Built once per process: the search index is made at start-up, never per question."""

    def __init__(self, knowledge: Knowledge, editions: list[Edition], model: ChatModel | None):
        self._knowledge = knowledge
        self._index = SearchIndex(knowledge)
        self._editions = editions
        self._model = model

    def answer(self, question: str, *, on: date, history: Sequence[Turn] = ()) -> Answer:
        lang = language_of(question)
        passages = self._retrieve(question, history, on)
        if not passages:
            return Answer(False, t("cannot_answer", lang), (), lang)
        if self._model is not None:
            written = self._written_by_model(question, history, passages, lang)
            if written is not None:
                return self._finish(written, lang, on, used_model=True)
        return self._finish(_extractive(passages, lang), lang, on, used_model=False)

    # --- retrieval ------------------------------------------------------------------------------

    def _retrieve(self, question: str, history: Sequence[Turn], on: date) -> list[Entry]:
        hits = self._index.search(question, limit=MAX_PASSAGES)
        earlier = [turn.text for turn in history if turn.role == "user"]
        if earlier:  # a follow-up ("大企業は？") leans on the thread's earlier question
            follow_up = self._index.search(earlier[-1] + " " + question, limit=MAX_PASSAGES)
            hits = follow_up if not hits or (follow_up and follow_up[0].score > hits[0].score) else hits
        if not hits:
            return []
        top = hits[0].score
        entries = [hit.entry for hit in hits if hit.score >= 0.45 * top]
        return self._with_edition_in_force(entries, on)

    def _with_edition_in_force(self, entries: list[Entry], on: date) -> list[Entry]:
        """A subsidy answer must reflect the rules in force on the date asked, not only the newsletter's."""
        if not any(entry.kind == "subsidy" for entry in entries):
            return entries
        edition, _ = edition_for(self._editions, on)
        current = [
            e for e in self._knowledge.entries.values() if e.kind == "subsidy" and e.as_of == edition.effective_from
        ]
        missing = [e for e in current if e not in entries]
        return (entries[: MAX_PASSAGES - len(missing[:1])] + missing[:1]) if missing else entries

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
        stray = _figures(_CITATION.sub("", reply)) - _figures(*(_passage_text(p) for p in sources))
        if stray:
            log.warning("model answer has figures not in its sources %s; answering extractively", sorted(stray))
            return None
        return reply, sources

    # --- the finished answer --------------------------------------------------------------------

    def _finish(self, written: tuple[str, list[Entry]], lang: Lang, on: date, *, used_model: bool) -> Answer:
        text, sources = written
        if not sources:
            return Answer(False, t("cannot_answer", lang), (), lang, used_model)
        if any(entry.kind == "subsidy" for entry in sources):
            text += "\n\n" + self._subsidy_footnote(sources, lang, on)
        return Answer(True, text, tuple(_citation(e, lang) for e in sources), lang, used_model)

    def citation(self, entry_id: str, lang: Lang) -> Citation | None:
        """How to cite a knowledge-base entry, e.g. when a logged answer is shared later."""
        entry = self._knowledge.entries.get(entry_id)
        return _citation(entry, lang) if entry else None

    def _subsidy_footnote(self, sources: list[Entry], lang: Lang, on: date) -> str:
        edition, _ = edition_for(self._editions, on)
        as_of = "、".join(sorted({e.as_of.isoformat() for e in sources if e.kind == "subsidy"}))
        lines = [
            t("subsidy_footnote", lang, as_of=as_of, on=on.isoformat(), edition=edition.edition),
            t("subsidy_for_employers", lang),
            t("subsidy_disclaimer", lang),
        ]
        if edition.course_ends and on > edition.course_ends:
            lines.append(t("subsidy_course_may_have_ended", lang, end=edition.course_ends.isoformat()))
        return "\n".join(f"※ {line}" for line in lines)


def _citation(entry: Entry, lang: Lang) -> Citation:
    return Citation(entry.id, entry.title if lang == "ja" else entry.title_en, entry.source.url, entry.as_of)


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
    return f"{entry.title} (as of {entry.as_of.isoformat()})\n{entry.body.strip()}\n{entry.summary_en.strip()}"


def _figures(*texts: str) -> set[str]:
    """The numbers in some text, width-folded and without thousands separators: 「１,０００円」 → {"1000"}."""
    folded = unicodedata.normalize("NFKC", " ".join(texts))
    return set(_NUMBER.findall(re.sub(r"(?<=\d),(?=\d{3})", "", folded)))


def _extractive(passages: list[Entry], lang: Lang) -> tuple[str, list[Entry]]:
    """The best passages as they are written: titles and figures intact, numbered as the sources are."""
    shown = passages[:2]
    parts = []
    for n, entry in enumerate(shown, start=1):
        title, body = (entry.title, entry.body) if lang == "ja" else (entry.title_en, entry.summary_en)
        parts.append(f"*[{n}] {title}*\n{body.strip()}")
    related = [p.title if lang == "ja" else p.title_en for p in passages[2:]]
    if related:
        parts.append(t("related_entries", lang, titles=" / ".join(related)))
    return "\n\n".join(parts), passages
