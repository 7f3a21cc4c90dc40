"""Does the cited document say it? Every figure an entry states must appear in the document it cites.

A figure is a number as written, width-folded, without thousands separators, and with 万/億 multiplied out, so
「30万円」, 「300,000円」 and 「３０万円」 are one figure. The check is deliberately blunt: a document that gives
「2024年8月26日」 supports an entry's 2024-08-26, and a small number (1, 2) is found almost anywhere, but a rate, an
amount or a date that the cited document never prints is caught.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

from knowledge.kb import Entry
from knowledge.subsidy import Edition

_NUMBER = re.compile(r"(\d+(?:\.\d+)?)\s*([万億]?)")
_CIRCLED = re.compile("[\u2460-\u2473]")  # ①…⑳ are labels; NFKC would run ①② together into 12
_LIST_MARKER = re.compile(r"(?m)^\s*\d+[.)]\s")  # 「5. オンライン集合研修」 numbers a list, not a fact
_MULTIPLIERS = {"": 1, "万": 10_000, "億": 100_000_000}


def figures(text: str, *, as_written: bool = False) -> set[str]:
    """The figures in `text`: 「1億円」 → {"100000000"}; with `as_written`, also the digits before 万/億 ({"1"})."""
    text = _LIST_MARKER.sub(" ", _CIRCLED.sub(" ", text))
    folded = re.sub(r"(?<=\d),(?=\d{3})", "", unicodedata.normalize("NFKC", text))
    found = set()
    for number, unit in _NUMBER.findall(folded):
        found.add(_plain(Decimal(number) * _MULTIPLIERS[unit]))
        if as_written:
            found.add(_plain(Decimal(number)))
    return found


def _plain(value: Decimal) -> str:
    return str(value.quantize(Decimal(1))) if value == value.to_integral_value() else str(value.normalize())


def edition_figures(edition: Edition) -> set[str]:
    """The amounts a subsidy rule edition states, as its source document would print them (75%, 960円, 30万円)."""
    by_size = [edition.expense_rate, edition.wage_per_hour]
    amounts: list[float] = [edition.min_hours, edition.establishment_yearly_cap]
    amounts += [
        rate.of(size) * 100 if rate is edition.expense_rate else rate.of(size)
        for rate in by_size
        for size in ("sme", "large")
    ]
    for cap in edition.per_person_expense_caps:
        amounts += [cap.sme, cap.large, cap.min_hours, *([cap.max_hours] if cap.max_hours else [])]
    return {_plain(Decimal(str(amount))) for amount in amounts}


def unsupported(entries: Iterable[Entry], editions: Iterable[Edition], sources_dir: Path) -> tuple[list[str], int]:
    """One problem per entry or edition citing a file in `sources_dir` for figures that file lacks, and how many
    entries and editions were checked (those citing a file that is not there are not)."""
    texts: dict[str, set[str]] = {}
    problems: list[str] = []
    checked = 0
    items = [(e.id, e.source.file, figures(f"{e.title}\n{e.body}")) for e in entries]
    items += [(f"subsidy edition {e.edition}", e.source.file, edition_figures(e)) for e in editions]
    for name, file, stated in items:
        if file is None or not (sources_dir / file).is_file():
            continue
        if file not in texts:
            texts[file] = figures((sources_dir / file).read_text(encoding="utf-8"), as_written=True)
        checked += 1
        missing = stated - texts[file]
        if missing:
            problems.append(f"{name}: {file} does not contain {', '.join(sorted(missing, key=Decimal))}")
    return problems, checked
