"""Japanese-aware retrieval over the knowledge base.

BM25F over Sudachi words (normalised forms, so 出来る/できる and ﾌﾟﾛｾｽ/プロセス meet) plus character bigrams at a
lower weight (for words the dictionary cuts badly), with query expansion from a synonym table kept as data. A hit's
score is its BM25F score times its coverage: the idf-weighted share of the question's words it mentions. An entry
that covers too little of a question is no answer however many common words they share, so for a question about
something the knowledge base never mentions (天気, 株価) `search` returns nothing.
"""

from __future__ import annotations

import math
import re
import threading
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field
from sudachipy import Dictionary, Morpheme, SplitMode, Tokenizer

from knowledge.kb import DATA_DIR, Entry, Knowledge
from knowledge.text import compact, fold

SYNONYMS_FILE = DATA_DIR / "synonyms.yaml"

FIELD_WEIGHTS = {"title": 3.0, "title_en": 3.0, "tags": 2.5, "body": 1.0, "summary_en": 1.0}
K1 = 1.2
B = 0.75
BIGRAM_WEIGHT = 0.3  # bigrams only rescue words Sudachi cannot cut; words decide the ranking
SYNONYM_WEIGHT = 0.7
MINOR_WEIGHT = 0.5  # verbs (使う, 学べる) and numbers (50時間) say less about the topic than the nouns around them
# Calibrated on tests/eval: a hit must mention this idf-weighted share of the question (real questions' best
# hits cover 0.45 or more, off-topic ones 0.35 or less) and score at least MIN_SCORE.
MIN_COVERAGE = 0.4
MIN_SCORE = 2.0

# Parts of speech that carry no topic. Verbs and adjectives marked 非自立可能 (ある, する, できる) are dropped too.
_FUNCTION_POS = {"助詞", "助動詞", "補助記号", "記号", "空白", "代名詞", "接続詞", "感動詞", "連体詞", "副詞", "接頭辞"}
_ASCII_WORD = re.compile(r"[a-z0-9]")
_INTERROGATIVES = ("何", "いくつ", "いくら", "どれ", "どこ", "いつ", "誰")


class _Vocabulary(BaseModel):
    """knowledge/data/synonyms.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    groups: tuple[Annotated[tuple[str, ...], Field(min_length=2)], ...] = ()
    stopwords: str = ""  # separated by white space


@dataclass(frozen=True)
class Hit:
    entry: Entry
    score: float
    missing: tuple[str, ...] = ()  # the question's topic words this entry does not mention
    missing_names: tuple[str, ...] = ()  # the names among them: an entry about another place is no answer
    missing_actions: tuple[str, ...] = ()  # the question's verbs it does not mention (申請する, register)


@dataclass(frozen=True)
class Lookup:
    hits: list[Hit]
    unknown_names: tuple[str, ...]  # names no entry mentions (埼玉, Saitama): the question is about something else


@dataclass(frozen=True)
class _Word:
    term: str  # Sudachi's long unit, folded: 助成金
    parts: tuple[str, ...]  # its short units when it is a compound: 助成, 金
    weight: float
    surface: str  # as written in the text
    proper: bool  # a name: 埼玉, 千葉市, Saitama


@dataclass(frozen=True)
class _Analysis:
    words: list[_Word]
    bigrams: list[str]

    @property
    def terms(self) -> list[str]:
        return [term for word in self.words for term in (word.term, *word.parts)]


class _Analyzer:
    """Cuts text into content words and character bigrams; safe to share between threads."""

    def __init__(self, stopwords: Iterable[str]):
        self._dictionary = Dictionary(dict="core")
        self._local = threading.local()  # a Sudachi tokenizer must not be used by two threads at once
        self._stopwords = frozenset(fold(word) for word in stopwords)

    def analyze(self, text: str) -> _Analysis:
        words: list[_Word] = []
        bigrams: list[str] = []
        run = ""  # consecutive content words, e.g. ITパスポート, cut into bigrams together
        opening = True  # a sentence's first word is capitalised whether or not it is a name
        for morpheme in self._tokenizer().tokenize(unicodedata.normalize("NFKC", text)):
            word = self._word(morpheme, opening)
            surface = morpheme.surface()
            opening = surface.strip() in ("", ".", "!", "?", "。", "\n") and (opening or surface.strip() != "")
            if word is None:
                bigrams += _bigrams(run)
                run = ""
                continue
            words.append(word)
            run += fold(morpheme.surface())
        return _Analysis(words, bigrams + _bigrams(run))

    def _tokenizer(self) -> Tokenizer:
        tokenizer = getattr(self._local, "tokenizer", None)
        if tokenizer is None:
            tokenizer = self._local.tokenizer = self._dictionary.tokenizer(mode=SplitMode.C)
        return tokenizer

    def _word(self, morpheme: Morpheme, opening: bool) -> _Word | None:
        pos = morpheme.part_of_speech()
        if pos[0] in _FUNCTION_POS or (pos[0] in ("動詞", "形容詞") and pos[1] == "非自立可能"):
            return None
        term, surface = _term(morpheme), morpheme.surface()
        if surface.startswith(_INTERROGATIVES):  # 何人, いくつ: what is asked, not what it is about
            return None
        # An acronym in capitals (IT, US) is a topic, not the pronoun.
        if not term or ({term, fold(surface)} & self._stopwords and not (len(surface) > 1 and surface.isupper())):
            return None
        short = morpheme.split(SplitMode.A)
        # A suffix part (金 of 補助金, 者 of 事業者) is shared by too many unrelated words to stand for the whole.
        parts = tuple(_term(part) for part in short if part.part_of_speech()[0] not in (*_FUNCTION_POS, "接尾辞"))
        minor = pos[0] in ("動詞", "形容詞") or pos[1] == "数詞"
        capitalised = surface.isascii() and surface[:1].isupper() and surface[1:].islower()
        # Sudachi tags some English words as names (like); English names are told by their capital.
        proper = capitalised and not opening if surface.isascii() else pos[1] == "固有名詞"
        return _Word(term, parts if len(short) > 1 else (), MINOR_WEIGHT if minor else 1.0, surface, proper)


def _term(morpheme: Morpheme) -> str:
    surface = morpheme.surface()
    if surface.isascii():
        # Sudachi "normalises" English to katakana (course → コース); keep English as English, singular.
        word = surface.lower()
        return _singular(word) if _ASCII_WORD.search(word) else ""
    return fold(morpheme.normalized_form())


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _bigrams(run: str) -> list[str]:
    run = compact(run)
    return [run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)]


class _Postings:
    """BM25F impacts (idf × saturated field-weighted term frequency) per term per document."""

    def __init__(self, documents: list[dict[str, list[str]]]):
        average = {
            field: max(1.0, sum(len(doc[field]) for doc in documents) / max(1, len(documents)))
            for field in FIELD_WEIGHTS
        }
        weighted: dict[str, dict[int, float]] = defaultdict(dict)
        for number, document in enumerate(documents):
            for field, terms in document.items():
                norm = 1 - B + B * len(terms) / average[field]
                for term, count in Counter(terms).items():
                    weighted[term][number] = weighted[term].get(number, 0.0) + FIELD_WEIGHTS[field] * count / norm
        self._total = len(documents)
        self.impacts = {
            term: {number: self.idf(len(docs)) * tf / (K1 + tf) for number, tf in docs.items()}
            for term, docs in weighted.items()
        }

    def idf(self, document_count: int) -> float:
        return math.log(1 + (self._total - document_count + 0.5) / (document_count + 0.5))

    def concept_weight(self, spellings: Iterable[tuple[str, ...]]) -> float:
        """The idf of a concept: how many entries mention any of its spellings whole (none: as rare as can be)."""
        mentioning = set().union(*(self._mentioning(spelling) for spelling in spellings if spelling))
        return self.idf(len(mentioning))

    def _mentioning(self, spelling: tuple[str, ...]) -> set[int]:
        return set.intersection(*(set(self.impacts.get(term, ())) for term in spelling))


@dataclass(frozen=True)
class _Unit:
    """One thing the question asks about, with the spellings that count as mentioning it."""

    weight: float
    spellings: tuple[tuple[str, ...], ...]
    label: str  # the word as the question has it, to name it in an answer
    topical: bool  # a noun or a synonym group, not a verb or a number
    proper: bool = False

    def credit(self, mentioned: frozenset[str]) -> float:
        """1 when the entry mentions a spelling whole; else the share of the best spelling's words it mentions."""
        return max((sum(term in mentioned for term in s) / len(s) for s in self.spellings if s), default=0.0)


@dataclass(frozen=True)
class _Group:
    """One synonym group: how to spot each spelling in a question, and each spelling's words."""

    written: tuple[str, ...]
    spotters: tuple[re.Pattern[str] | str, ...]
    spellings: tuple[tuple[str, ...], ...]

    def found(self, folded: str, compacted: str) -> list[int]:
        """The numbers of the spellings the question contains."""
        return [
            n
            for n, spotter in enumerate(self.spotters)
            if (spotter.search(folded) if isinstance(spotter, re.Pattern) else spotter in compacted)
        ]


@dataclass(frozen=True)
class _Question:
    slots: list[tuple[float, tuple[tuple[str, ...], ...]]]  # (weight, spellings): each scores its best spelling
    units: list[_Unit]
    bigrams: list[str]


class SearchIndex:
    """Built once from the knowledge base and shared by every request; `search` is thread-safe."""

    def __init__(self, knowledge: Knowledge, synonyms_file: Path = SYNONYMS_FILE):
        vocabulary = _Vocabulary.model_validate(yaml.safe_load(synonyms_file.read_text(encoding="utf-8")))
        self._analyzer = _Analyzer(vocabulary.stopwords.split())
        self._entries = list(knowledge.entries.values())
        analysed = [self._analyse_entry(entry) for entry in self._entries]
        self._words = _Postings([{field: a.terms for field, a in doc.items()} for doc in analysed])
        self._bigrams = _Postings([{field: a.bigrams for field, a in doc.items()} for doc in analysed])
        self._mentioned = [frozenset(term for a in doc.values() for term in a.terms) for doc in analysed]
        course_names = [(course.title, *course.aliases) for course in knowledge.courses.values()]
        self._groups = [self._group(spellings) for spellings in (*vocabulary.groups, *course_names)]

    def search(self, query: str, limit: int = 5) -> list[Hit]:
        """The entries that answer `query`, best first; empty when nothing in the knowledge base does."""
        return self.lookup(query, limit).hits

    def lookup(self, query: str, limit: int = 5) -> Lookup:
        """`search`, and the names in the question that no entry mentions."""
        question = self._question(query)
        # A name counts as known only when some entry has it whole: 埼玉県 is not known from 県.
        unknown = tuple(
            unit.label
            for unit in question.units
            if unit.proper and max(unit.credit(mentioned) for mentioned in self._mentioned) < 1
        )
        total = sum(unit.weight for unit in question.units)
        if not total:
            return Lookup([], unknown)
        hits = []
        for number, score in self._scores(question).items():
            mentioned = self._mentioned[number]
            coverage = sum(unit.weight * unit.credit(mentioned) for unit in question.units) / total
            if coverage >= MIN_COVERAGE and score * coverage >= MIN_SCORE:
                missing = tuple(u.label for u in question.units if u.topical and u.credit(mentioned) < 1)
                # 群馬 counts for 群馬県: a name is missing only when no part of it is mentioned.
                names = tuple(u.label for u in question.units if u.proper and u.credit(mentioned) < 0.5)
                actions = tuple(u.label for u in question.units if not u.topical and u.credit(mentioned) < 1)
                hits.append(Hit(self._entries[number], round(score * coverage, 3), missing, names, actions))
        return Lookup(sorted(hits, key=lambda hit: (-hit.score, hit.entry.id))[:limit], unknown)

    def _scores(self, question: _Question) -> dict[int, float]:
        """BM25F per entry. A slot adds its best-matching spelling's impact (the sum over the spelling's words), so
        an entry that lists many synonyms earns no more than one that uses one of them."""
        scores: dict[int, float] = defaultdict(float)
        for weight, spellings, postings in [
            *((weight, spellings, self._words) for weight, spellings in question.slots),
            *((BIGRAM_WEIGHT, ((bigram,),), self._bigrams) for bigram in question.bigrams),
        ]:
            best: dict[int, float] = {}
            for spelling in spellings:
                matched: dict[int, float] = defaultdict(float)
                for term in spelling:
                    for number, impact in postings.impacts.get(term, {}).items():
                        matched[number] += impact
                for number, impact in matched.items():
                    best[number] = max(best.get(number, 0.0), impact)
            for number, impact in best.items():
                scores[number] += weight * impact
        return scores

    def _analyse_entry(self, entry: Entry) -> dict[str, _Analysis]:
        fields = {
            "title": entry.title,
            "title_en": entry.title_en,
            "tags": "\n".join(entry.tags),  # a line break keeps one tag's words from running into the next
            "body": entry.body,
            "summary_en": entry.summary_en,
        }
        return {field: self._analyzer.analyze(text) for field, text in fields.items()}

    def _group(self, spellings: tuple[str, ...]) -> _Group:
        spotters = tuple(
            re.compile(rf"(?<![a-z0-9]){re.escape(fold(s))}(?:s|es)?(?![a-z0-9])") if s.isascii() else compact(s)
            for s in spellings
        )
        return _Group(spellings, spotters, tuple(tuple(self._analyzer.analyze(s).terms) for s in spellings))

    def _question(self, query: str) -> _Question:
        """What the question asks about (units), and the terms to score (slots).

        A synonym found in the question makes its whole group one unit, covered by any of its spellings, and one
        slot; every other word is a unit of its own, covered by the word whole or, in part, by its short units.
        """
        analysis = self._analyzer.analyze(query)
        folded, compacted = fold(query), compact(query)
        units: list[_Unit] = []
        slots = [(word.weight, ((term,),)) for word in analysis.words for term in (word.term, *word.parts)]
        said: set[str] = set()
        for group in self._groups:
            found = group.found(folded, compacted)
            if found:
                said |= {term for n in found for term in group.spellings[n]}
                label = group.written[found[0]]
                units.append(_Unit(self._words.concept_weight(group.spellings), group.spellings, label, True))
                slots.append((SYNONYM_WEIGHT, group.spellings))
        for word in analysis.words:
            if word.term not in said and not (word.parts and set(word.parts) <= said):
                spellings = ((word.term,), word.parts)
                weight = word.weight * self._words.concept_weight(spellings)
                units.append(_Unit(weight, spellings, word.surface, word.weight == 1.0, word.proper))
        return _Question(list(dict.fromkeys(slots)), units, analysis.bigrams)
