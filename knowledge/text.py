"""Normalisation for forgiving Japanese matching: width, case and kana folded, punctuation dropped; readings
(kana) compared through one romaji key, so よこすか, ﾖｺｽｶ, Yokosuka and yokosuka-shi meet."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

import jaconv
from rapidfuzz import fuzz

_NOT_WORD = re.compile(r"[^\w]|_", re.UNICODE)
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
_HIRAGANA = re.compile(r"[ぁ-ゖー]+")  # ー: a long vowel is part of a reading (ふろー)
_READING_SEPARATORS = re.compile(r"[\s・]+")
_ROMAJI = re.compile(r"[a-z][a-z' -]*")
_NOT_LETTER = re.compile(r"[^a-z]")
_LONG_VOWEL = re.compile(r"([aiueo])\1+")
_M_BEFORE_LABIAL = re.compile(r"m(?=[bmp])")
_MUNICIPAL_SUFFIXES = ("し", "まち", "ちょう", "むら", "そん")  # 市, 町 and 村 as their names say them
MIN_PART_SYLLABLES = 3  # a shorter piece of a reading (よこ, かわ) would be inside too many others


def fold(text: str) -> str:
    """NFKC (ﾌﾟﾛｾｽ→プロセス, １０→10), lower case, hiragana→katakana, collapsed spaces."""
    folded = jaconv.hira2kata(unicodedata.normalize("NFKC", text).lower())
    return " ".join(folded.split())


def compact(text: str) -> str:
    """`fold` with every space and punctuation mark removed: the key two spellings must share."""
    return _NOT_WORD.sub("", fold(text))


def is_japanese(text: str) -> bool:
    """True when the text has any kana or kanji: dxbot answers in Japanese then."""
    return bool(_JAPANESE.search(text))


def clean_input(text: str | None, limit: int) -> str | None:
    """Strip control characters and surrounding space; None when nothing usable or longer than `limit`."""
    if text is None:
        return None
    cleaned = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C" or ch in "\n\t")
    cleaned = " ".join(cleaned.split())
    if not cleaned or len(cleaned) > limit:
        return None
    return cleaned


def rank_names(
    query: str,
    names: list[str],
    cutoff: float = 60.0,
    limit: int = 5,
    readings: Mapping[str, Iterable[str]] | None = None,
) -> list[tuple[str, float]]:
    """Names closest to `query` (width, kana and case folded), best first: 「横須賀」 → 横須賀市. With `readings`
    (kana, per name) a kana or romaji query meets them too: よこすか, ﾖｺｽｶ and Yokosuka → 横須賀市."""
    key, spoken = compact(query), reading_key(query)
    scored = []
    for name in names:
        spoken_scores = [reading_score(spoken, reading_key(reading)) for reading in (readings or {}).get(name, ())]
        score = max([_name_score(key, compact(name)), *spoken_scores])
        if score >= cutoff:
            scored.append((name, score))
    return sorted(scored, key=lambda pair: -pair[1])[:limit]


def _name_score(key: str, candidate: str) -> float:
    if key == candidate:
        return 100.0
    if len(key) >= 2 and (key in candidate or candidate in key):
        return 90.0
    return float(fuzz.ratio(key, candidate))


def to_hiragana(text: str) -> str | None:
    """Kana in any width as hiragana without spaces (ﾖｺｽｶ ｼ → よこすかし); None when it is not all kana."""
    folded = jaconv.kata2hira(_READING_SEPARATORS.sub("", unicodedata.normalize("NFKC", text)))
    return folded if _HIRAGANA.fullmatch(folded) else None


def reading_key(text: str) -> str:
    """The romaji key of kana or romaji text (よこすか, ﾖｺｽｶ, Yokosuka → "yokosuka"); "" for anything else,
    such as kanji, whose reading only the data knows."""
    hiragana = to_hiragana(text)
    if hiragana is not None:
        return romaji_key(jaconv.kana2alphabet(hiragana))
    latin = _without_marks(text).lower().strip()
    return romaji_key(latin) if _ROMAJI.fullmatch(latin) else ""


def romaji_key(latin: str) -> str:
    """One spelling for the Hepburn variants: Tōkyō, Toukyou and Tokyo → "tokyo"; Shimbashi → "shinbashi".
    Applied alike to what members type and to romanised readings, so variants meet whichever side has them."""
    key = _NOT_LETTER.sub("", _without_marks(latin).lower())
    key = key.replace("cch", "tch").replace("ou", "o")  # jaconv writes っち as "cch"; ou is a long o
    return _M_BEFORE_LABIAL.sub("n", _LONG_VOWEL.sub(r"\1", key))


def municipal_readings(reading: str) -> tuple[str, ...]:
    """A municipality's reading and the one people say without 市/町/村: よこすかし → (よこすかし, よこすか)."""
    for suffix in _MUNICIPAL_SUFFIXES:
        if reading.endswith(suffix) and len(reading) > len(suffix) + 1:  # ずしし → ずし, never a lone kana
            return reading, reading.removesuffix(suffix)
    return (reading,)


def reading_score(query: str, reading: str) -> float:
    """How well the query's reading_key matches a reading's, on rank_names' and CourseMatcher's scale: 100 the
    same; a whole reading inside the query 90+; a part of one 75+. Pieces of fewer than MIN_PART_SYLLABLES count
    for nothing, so よこ matches neither よこすか nor よこはま."""
    if not query or not reading:
        return 0.0
    if query == reading:
        return 100.0
    shorter, longer = sorted((query, reading), key=len)
    if shorter not in longer or _syllables(shorter) < MIN_PART_SYLLABLES:
        return 0.0
    if shorter == reading:
        return 90.0 + 10.0 * len(reading) / len(query)
    return 75.0 + 25.0 * len(query) / len(reading)


def _without_marks(latin: str) -> str:
    """Macrons and circumflexes dropped (Tōkyō → Tokyo, Ｔｏｋｙｏ → Tokyo): NFKD splits them off."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", latin) if not unicodedata.combining(ch))


def _syllables(key: str) -> int:
    return sum(ch in "aiueo" for ch in key)


_TRAILING_PUNCTUATION = re.compile(r"[\s。.!]+$")
_QUESTION_ENDINGS = ("?", "か", "かな", "教えて", "教えてください", "知りたい", "知りたいです")
_QUESTION_WORDS = (
    "どうやって",
    "どうすれ",
    "どうしたら",
    "どのよう",
    "なぜ",
    "何時間",
    "何を",
    "どこ",
    "いつ",
    "どれ",
    "誰",
    "いくら",
)
_ENGLISH_QUESTION_STARTS = ("how ", "what ", "why ", "when ", "where ", "which ", "who ", "can i ", "is there ")


def looks_like_question(text: str) -> bool:
    """Whether a message posted in a channel (not addressed to dxbot) asks something: it ends with ? or a
    Japanese question ending (…ですか, 教えてください), or uses a question word (どうやって, 何時間, how …).
    Chatter and thanks do not."""
    normalized = _TRAILING_PUNCTUATION.sub("", unicodedata.normalize("NFKC", text).lower())
    if not normalized:
        return False
    return (
        normalized.endswith(_QUESTION_ENDINGS)
        or any(word in normalized for word in _QUESTION_WORDS)
        or normalized.startswith(_ENGLISH_QUESTION_STARTS)
    )
