"""Every user-facing string, Japanese first (the default) and English, written for non-technical staff: one module
per surface, each a dict of keys to their texts, gathered here into MESSAGES.

It lives in knowledge/ because answers and subsidy notes are written in it too: handlers and bot import
downwards from here, and nothing below imports upwards."""

from __future__ import annotations

from knowledge.messages import (
    admin,
    answers,
    digest,
    home,
    learning,
    ledger,
    membership,
    nudges,
    questions,
    sharing,
    skill_check,
    usage,
)
from knowledge.text import is_japanese

Lang = str  # "ja" | "en"


def _gathered(*modules) -> dict[str, dict[Lang, str]]:
    found: dict[str, dict[Lang, str]] = {}
    for module in modules:
        twice = found.keys() & module.MESSAGES.keys()
        if twice:  # a key in two modules would silently lose one text
            raise KeyError(f"{module.__name__} repeats {sorted(twice)}")
        found |= module.MESSAGES
    return found


MESSAGES = _gathered(
    usage, learning, membership, answers, digest, sharing, home, nudges, admin, ledger, skill_check, questions
)


def t(key: str, lang: Lang = "ja", **values: object) -> str:
    texts = MESSAGES[key]
    return (texts.get(lang) or texts["ja"]).format(**values)


def bilingual(key: str, **values: object) -> str:
    """Japanese then English on one line, for text that must reach both (calculator notes, CLI errors)."""
    return f"{t(key, 'ja', **values)} / {t(key, 'en', **values)}"


def language_of(text: str | None) -> Lang:
    """English when someone writes Latin letters and no Japanese; Japanese otherwise (the default)."""
    if text and not is_japanese(text) and any(ch.isalpha() for ch in text):
        return "en"
    return "ja"
