"""Japanese-aware retrieval over the knowledge base (and the course catalogue).

BM25F over Sudachi words (normalised forms, so 出来る/できる and ﾌﾟﾛｾｽ/プロセス meet) plus character bigrams at a
lower weight (for words the dictionary cuts badly), with query expansion from a synonym table kept as data. A hit's
score is its BM25F score times its coverage: the idf-weighted share of the question's words it mentions.

Both thresholds are shares, so they mean the same at 70 entries and at 100,000: a hit must cover MIN_COVERAGE of
the question, and score MIN_SHARE of what an entry that had every word of the question would score (the question's
own idf mass). An absolute score would not do: as a corpus grows, every idf grows with it, and the same entry
scores 2.5 times higher at 10,000 entries than at 70. For a question about something the knowledge base never
mentions (天気, 株価) `search` returns nothing.

Postings are numpy arrays (compressed sparse rows), so a question costs a few vector operations per word whatever
the corpus size, and they are saved and memory-mapped rather than rebuilt by each process.
"""

from __future__ import annotations

import json
import math
import re
import threading
import unicodedata
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache, cached_property
from pathlib import Path
from typing import Annotated, Generic, TypeVar

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field
from sudachipy import Dictionary, Morpheme, SplitMode, Tokenizer

from knowledge.kb import DATA_DIR, Entry, Knowledge, YamlLoader
from knowledge.text import compact, fold, is_japanese

SYNONYMS_FILE = DATA_DIR / "synonyms.yaml"
SUDACHI_DICT = "core"  # the SudachiDict package that cuts words; a saved index names it (knowledge/store.py)

ENTRY_FIELDS = {"title": 3.0, "title_en": 3.0, "tags": 2.5, "body": 1.0, "summary_en": 1.0}  # field → weight
K1 = 1.2
B = 0.75
BIGRAM_WEIGHT = 0.3  # bigrams only rescue words Sudachi cannot cut; words decide the ranking
SYNONYM_WEIGHT = 0.7
MINOR_WEIGHT = 0.5  # verbs (使う, 学べる) and numbers (50時間) say less about the topic than the nouns around them
# Calibrated on tests/eval at 70 entries, checked at 10,000 and 100,000 (bench/scale.py): a hit must mention this
# idf-weighted share of the question (real questions' best hits cover 0.43 or more, off-topic ones 0.35 or less)
# and score this share of the question's idf mass (the entries answering real questions 0.148 or more; the one
# off-topic question an entry covers enough, 「IT導入補助金の申請方法は？」, 0.134).
MIN_COVERAGE = 0.4
MIN_SHARE = 0.14
# Below, a word's weight is raised to this share of the question's rarest word's: without it, 10,000 municipal FAQ
# entries full of 補助金, 申請 and 期限 made 「この助成金はいつまで？」 a question about 助成金 alone.
WORD_FLOOR = 0.5

# Parts of speech that carry no topic. Verbs and adjectives marked 非自立可能 (ある, する, できる) are dropped too.
_FUNCTION_POS = {"助詞", "助動詞", "補助記号", "記号", "空白", "代名詞", "接続詞", "感動詞", "連体詞", "副詞", "接頭辞"}
_ASCII_WORD = re.compile(r"[a-z0-9]")
_INTERROGATIVES = ("何", "いくつ", "いくら", "どれ", "どこ", "いつ", "誰")


class _Vocabulary(BaseModel):
    """knowledge/data/synonyms.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    groups: tuple[Annotated[tuple[str, ...], Field(min_length=2)], ...] = ()
    stopwords: str = ""  # separated by white space


Document = TypeVar("Document")  # what an index finds: a knowledge-base entry, or a catalogue course


@dataclass(frozen=True)
class Hit(Generic[Document]):
    entry: Document
    score: float
    missing: tuple[str, ...] = ()  # the question's topic words this entry does not mention
    missing_names: tuple[str, ...] = ()  # the names among them: an entry about another place is no answer
    missing_actions: tuple[str, ...] = ()  # the question's verbs it does not mention (申請する, register)


@dataclass(frozen=True)
class Lookup(Generic[Document]):
    hits: list[Hit[Document]]
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
        self._dictionary = Dictionary(dict=SUDACHI_DICT)
        self._local = threading.local()  # a Sudachi tokenizer must not be used by two threads at once
        self.stopwords = frozenset(fold(word) for word in stopwords)

    def analyze(self, text: str) -> _Analysis:
        words: list[_Word] = []
        bigrams: list[str] = []
        run = ""  # consecutive content words, e.g. ITパスポート, cut into bigrams together
        # An English sentence's first word is capitalised whether or not it is a name; Japanese capitalises nothing,
        # so there a capitalised word (Excel, Python) is a name wherever it stands.
        english = not is_japanese(text)
        opening = english
        for morpheme in self._tokenizer().tokenize(unicodedata.normalize("NFKC", text)):
            word = self._word(morpheme, opening)
            surface = morpheme.surface()
            opening = english and surface.strip() in ("", ".", "!", "?", "\n") and (opening or surface.strip() != "")
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
        if not term or ({term, fold(surface)} & self.stopwords and not (len(surface) > 1 and surface.isupper())):
            return None
        short = morpheme.split(SplitMode.A)
        # A suffix part (金 of 補助金, 者 of 事業者) is shared by too many unrelated words to stand for the whole.
        parts = tuple(_term(part) for part in short if part.part_of_speech()[0] not in (*_FUNCTION_POS, "接尾辞"))
        minor = pos[0] in ("動詞", "形容詞") or pos[1] == "数詞"
        capitalised = surface.isascii() and surface[:1].isupper() and surface[1:].islower()
        # Sudachi tags some English words as names (like); English names are told by their capital.
        proper = capitalised and not opening if surface.isascii() else pos[1] == "固有名詞"
        return _Word(term, parts if len(short) > 1 else (), MINOR_WEIGHT if minor else 1.0, surface, proper)


@cache
def _analyzer(stopwords: frozenset[str]) -> _Analyzer:
    """One per process for the knowledge base's and the catalogue's indexes: Sudachi's dictionary is big."""
    return _Analyzer(stopwords)


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
    """BM25F impacts (idf × saturated field-weighted term frequency) as compressed sparse rows: the entries that
    have term number t are docs[indptr[t]:indptr[t + 1]] (ascending), with their impacts beside them. Numpy arrays,
    so a question is scored with vector operations, and saved and memory-mapped rather than rebuilt."""

    def __init__(self, terms: list[str], indptr: np.ndarray, docs: np.ndarray, impacts: np.ndarray, total: int):
        self.terms = terms
        self._numbers = {term: number for number, term in enumerate(terms)}
        self._indptr, self._docs, self._impacts = indptr, docs, impacts
        self.total = total

    def save(self, directory: Path, name: str) -> None:
        (directory / f"{name}.terms.json").write_text(json.dumps(self.terms, ensure_ascii=False), encoding="utf-8")
        for part, values in (("indptr", self._indptr), ("docs", self._docs), ("impacts", self._impacts)):
            np.save(directory / f"{name}.{part}.npy", values)

    @classmethod
    def load(cls, directory: Path, name: str, total: int) -> _Postings:
        terms = json.loads((directory / f"{name}.terms.json").read_text(encoding="utf-8"))
        # Memory-mapped: the operating system shares the pages between every worker process.
        indptr, docs, impacts = (np.load(directory / f"{name}.{part}.npy", mmap_mode="r") for part in _PARTS)
        return cls(terms, indptr, docs, impacts, total)

    def row(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        """The entries that have `term`, and its impact in each."""
        number = self._numbers.get(term)
        if number is None:
            return _NONE, _NO_IMPACT
        start, end = self._indptr[number], self._indptr[number + 1]
        return self._docs[start:end], self._impacts[start:end]

    def idf(self, document_count: int) -> float:
        return math.log(1 + (self.total - document_count + 0.5) / (document_count + 0.5))

    def idf_of(self, term: str) -> float:
        return self.idf(len(self.row(term)[0]))


class _PostingsBuilder:
    """Collects (document, term, field, count) in flat arrays as each document is analysed, so a build of 100,000
    entries holds numbers, not every entry's analysis, and computes the impacts in a few vector operations."""

    def __init__(self, weights: dict[str, float]):
        self._weights = weights
        self._numbers: dict[str, int] = {}
        self._doc, self._term, self._field, self._count = array("i"), array("i"), array("b"), array("f")
        self._lengths = array("f")  # per document, per field
        self._total = 0

    def add(self, document: dict[str, list[str]]) -> None:
        lengths = [0.0] * len(self._weights)
        for column, field in enumerate(self._weights):
            terms = document.get(field, [])
            lengths[column] = len(terms)
            for term, count in Counter(terms).items():
                self._doc.append(self._total)
                self._term.append(self._numbers.setdefault(term, len(self._numbers)))
                self._field.append(column)
                self._count.append(count)
        self._lengths.extend(lengths)
        self._total += 1

    def finish(self) -> _Postings:
        total, weights = self._total, np.array(list(self._weights.values()), dtype=np.float32)
        docs, terms, columns = (np.frombuffer(a, dtype=a.typecode) for a in (self._doc, self._term, self._field))
        lengths = np.frombuffer(self._lengths, dtype=np.float32).reshape(total, len(weights))
        average = np.maximum(1.0, lengths.mean(axis=0)) if total else np.ones(len(weights), dtype=np.float32)
        norm = 1 - B + B * lengths[docs, columns] / average[columns]
        weighted = weights[columns] * np.frombuffer(self._count, dtype=np.float32) / norm
        # One value per (term, document): the fields' weighted frequencies summed, rows in term order.
        order = np.lexsort((docs, terms))
        key = terms[order].astype(np.int64) * max(1, total) + docs[order]
        starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if len(key) else np.zeros(0, dtype=np.int64)
        tf = np.add.reduceat(weighted[order], starts) if len(key) else np.zeros(0, dtype=np.float32)
        row_terms, row_docs = terms[order][starts], docs[order][starts]
        document_counts = np.bincount(row_terms, minlength=len(self._numbers))
        idf = np.log(1 + (total - document_counts + 0.5) / (document_counts + 0.5))
        impacts = (idf[row_terms] * tf / (K1 + tf)).astype(np.float32)
        indptr = np.r_[0, np.cumsum(document_counts)].astype(np.int64)
        return _Postings(list(self._numbers), indptr, row_docs.astype(np.int32), impacts, total)


_PARTS = ("indptr", "docs", "impacts")
_META = "search.json"
_NONE = np.zeros(0, dtype=np.int32)
_NO_IMPACT = np.zeros(0, dtype=np.float32)


@dataclass(frozen=True, eq=False)
class _Unit:
    """One thing the question asks about, and how much of it each entry mentions."""

    weight: float
    credit: np.ndarray  # per entry: 1 when it mentions a spelling whole, else the best spelling's share of words
    label: str  # the word as the question has it, to name it in an answer
    topical: bool  # a noun or a synonym group, not a verb or a number
    proper: bool = False


@dataclass(frozen=True)
class _Group:
    """One synonym group: how to spot each spelling in a question, and each spelling's words."""

    written: tuple[str, ...]
    spellings: tuple[tuple[str, ...], ...]

    @cached_property
    def spotters(self) -> tuple[re.Pattern[str] | str, ...]:
        return tuple(
            re.compile(rf"(?<![a-z0-9]){re.escape(fold(s))}(?:s|es)?(?![a-z0-9])") if s.isascii() else compact(s)
            for s in self.written
        )

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


class SearchIndex(Generic[Document]):
    """Built once from the documents (or loaded as `save` left it) and shared by every request; `search` is
    thread-safe. `texts` gives a document's text per field of `fields` (field → weight); `names` are extra synonym
    groups, such as a course's title and aliases."""

    def __init__(
        self,
        documents: Sequence[Document],
        ids: list[str],
        texts: Callable[[Document], dict[str, str]],
        fields: dict[str, float],
        names: Iterable[tuple[str, ...]] = (),
        synonyms_file: Path = SYNONYMS_FILE,
    ):
        vocabulary = _Vocabulary.model_validate(yaml.load(synonyms_file.read_text(encoding="utf-8"), YamlLoader))
        self._analyzer = _analyzer(frozenset(map(fold, vocabulary.stopwords.split())))
        self._entries, self._ids = documents, ids
        words, bigrams = _PostingsBuilder(fields), _PostingsBuilder(fields)
        for document in documents:
            analysed = {field: self._analyzer.analyze(text) for field, text in texts(document).items()}
            words.add({field: analysis.terms for field, analysis in analysed.items()})
            bigrams.add({field: analysis.bigrams for field, analysis in analysed.items()})
        self._words, self._bigrams = words.finish(), bigrams.finish()
        self._groups = [self._group(spellings) for spellings in (*vocabulary.groups, *names)]
        self._order = _id_order(self._ids)

    @classmethod
    def of_knowledge(cls, knowledge: Knowledge) -> SearchIndex[Entry]:
        entries = list(knowledge.entries.values())
        names = [(course.title, *course.aliases) for course in knowledge.courses.values()]
        return cls(entries, [entry.id for entry in entries], _entry_texts, ENTRY_FIELDS, names)

    def save(self, directory: Path) -> None:
        """Everything a question needs, so that `load` reads it instead of analysing every entry again."""
        self._words.save(directory, "words")
        self._bigrams.save(directory, "bigrams")
        meta = {
            "ids": self._ids,
            "stopwords": sorted(self._analyzer.stopwords),
            "groups": [[group.written, group.spellings] for group in self._groups],
        }
        (directory / _META).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path, documents: Sequence[Document]) -> SearchIndex[Document]:
        """The index `save` wrote, over the same documents in the same order (read when a hit needs them)."""
        meta = json.loads((directory / _META).read_text(encoding="utf-8"))
        index = cls.__new__(cls)
        index._analyzer = _analyzer(frozenset(meta["stopwords"]))  # saved folded
        index._entries, index._ids = documents, meta["ids"]
        index._words = _Postings.load(directory, "words", len(index._ids))
        index._bigrams = _Postings.load(directory, "bigrams", len(index._ids))
        index._groups = [_Group(tuple(written), tuple(map(tuple, spellings))) for written, spellings in meta["groups"]]
        index._order = _id_order(index._ids)
        return index

    @staticmethod
    def saved_ids(directory: Path) -> list[str] | None:
        """The ids of the documents a saved index numbers, in its order; None when none is saved there."""
        meta = directory / _META
        return json.loads(meta.read_text(encoding="utf-8"))["ids"] if meta.is_file() else None

    def search(self, query: str, limit: int = 5) -> list[Hit]:
        """The entries that answer `query`, best first; empty when nothing in the knowledge base does."""
        return self.lookup(query, limit).hits

    def lookup(self, query: str, limit: int = 5) -> Lookup:
        """`search`, and the names in the question that no entry mentions."""
        question = self._question(query)
        # A name counts as known only when some entry has it whole: 埼玉県 is not known from 県.
        unknown = tuple(unit.label for unit in question.units if unit.proper and unit.credit.max(initial=0) < 1)
        total = sum(unit.weight for unit in question.units)
        if not total:
            return Lookup([], unknown)
        coverage = sum(unit.weight * unit.credit for unit in question.units) / total
        scores, mass = self._scores(question)
        scores *= coverage
        passing = np.flatnonzero((coverage >= MIN_COVERAGE) & (scores >= MIN_SHARE * mass))
        best = passing[np.lexsort((self._order[passing], -scores[passing]))][:limit]
        return Lookup([self._hit(int(number), float(scores[number]), question) for number in best], unknown)

    def _hit(self, number: int, score: float, question: _Question) -> Hit:
        credits = [(unit, unit.credit[number]) for unit in question.units]
        missing = tuple(unit.label for unit, credit in credits if unit.topical and credit < 1)
        # 群馬 counts for 群馬県: a name is missing only when no part of it is mentioned.
        names = tuple(unit.label for unit, credit in credits if unit.proper and credit < 0.5)
        actions = tuple(unit.label for unit, credit in credits if not unit.topical and credit < 1)
        return Hit(self._entries[number], round(score, 3), missing, names, actions)

    def _scores(self, question: _Question) -> tuple[np.ndarray, float]:
        """BM25F per entry, and the question's idf mass: the most any entry could score (an impact is its term's
        idf times a saturation below 1). A slot adds its best-matching spelling's impact (the sum over the
        spelling's words), so an entry that lists many synonyms earns no more than one that uses one of them."""
        scores = np.zeros(len(self._ids), dtype=np.float32)
        idfs = [max((sum(map(self._words.idf_of, spelling)) for spelling in s), default=0) for _, s in question.slots]
        mass = sum(weight * idf for (weight, _), idf in zip(question.slots, _floored(idfs), strict=True))
        mass += sum(BIGRAM_WEIGHT * self._bigrams.idf_of(bigram) for bigram in question.bigrams)
        for weight, spellings, postings in [
            *((weight, spellings, self._words) for weight, spellings in question.slots),
            *((BIGRAM_WEIGHT, ((bigram,),), self._bigrams) for bigram in question.bigrams),
        ]:
            if len(spellings) == 1 and len(spellings[0]) == 1:  # most slots: one word, each entry once in its row
                docs, impacts = postings.row(spellings[0][0])
                scores[docs] += weight * impacts
                continue
            best = np.zeros_like(scores)
            for spelling in spellings:
                matched = np.zeros_like(scores)
                for term in spelling:
                    docs, impacts = postings.row(term)
                    matched[docs] += impacts
                np.maximum(best, matched, out=best)
            scores += weight * best
        return scores, mass

    def _credit(self, spellings: tuple[tuple[str, ...], ...]) -> tuple[np.ndarray, float]:
        """How much of a concept each entry mentions (see _Unit.credit), and its idf: how many entries mention any
        spelling whole (none: as rare as can be)."""
        credit = np.zeros(len(self._ids), dtype=np.float32)
        for spelling in spellings:
            if not spelling:
                continue
            mentioned = np.zeros_like(credit)
            for term in spelling:
                mentioned[self._words.row(term)[0]] += 1
            np.maximum(credit, mentioned / len(spelling), out=credit)
        return credit, self._words.idf(int(np.count_nonzero(credit >= 1)))

    def _group(self, written: tuple[str, ...]) -> _Group:
        return _Group(written, tuple(tuple(self._analyzer.analyze(s).terms) for s in written))

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
                credit, idf = self._credit(group.spellings)
                units.append(_Unit(idf, credit, group.written[found[0]], True))
                slots.append((SYNONYM_WEIGHT, group.spellings))
        for word in analysis.words:
            if word.term not in said and not (word.parts and set(word.parts) <= said):
                credit, idf = self._credit(((word.term,), word.parts))
                units.append(_Unit(word.weight * idf, credit, word.surface, word.weight == 1.0, word.proper))
        weights = _floored([unit.weight for unit in units])
        units = [replace(unit, weight=weight) for unit, weight in zip(units, weights, strict=True)]
        return _Question(list(dict.fromkeys(slots)), units, analysis.bigrams)


def _floored(weights: list[float]) -> list[float]:
    """Each of a question's words weighs at least WORD_FLOOR of its rarest: a corpus full of 補助金 and 期限 makes
    those words less telling, but the member still asked about them."""
    floor = WORD_FLOOR * max(weights, default=0.0)
    return [max(weight, floor) for weight in weights]


def _entry_texts(entry: Entry) -> dict[str, str]:
    return {
        "title": entry.title,
        "title_en": entry.title_en or "",
        "tags": "\n".join(entry.tags),  # a line break keeps one tag's words from running into the next
        "body": entry.body,
        "summary_en": entry.summary_en or "",
    }


def _id_order(ids: list[str]) -> np.ndarray:
    """Each entry's place in id order: equal scores rank by id, so answers do not depend on file order."""
    order = np.empty(len(ids), dtype=np.int32)
    order[np.argsort(np.array(ids, dtype=object), kind="stable")] = np.arange(len(ids), dtype=np.int32)
    return order
