"""Normalisation for forgiving Japanese matching: width, case and kana folded, punctuation dropped."""

from __future__ import annotations

import re
import unicodedata

import jaconv
from rapidfuzz import fuzz

_NOT_WORD = re.compile(r"[^\w]|_", re.UNICODE)
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


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


def rank_names(query: str, names: list[str], cutoff: float = 60.0, limit: int = 5) -> list[tuple[str, float]]:
    """Names closest to `query` (width, kana and case folded), best first: for 「よこすか」 → 横須賀市 lists."""
    key = compact(query)
    scored = []
    for name in names:
        candidate = compact(name)
        if key == candidate:
            score = 100.0
        elif len(key) >= 2 and (key in candidate or candidate in key):
            score = 90.0
        else:
            score = float(fuzz.ratio(key, candidate))
        if score >= cutoff:
            scored.append((name, score))
    return sorted(scored, key=lambda pair: -pair[1])[:limit]
