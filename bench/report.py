"""Figures beside their goals, printed and written to bench/RESULTS.md."""

from __future__ import annotations

import os
import platform
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


@dataclass
class Figure:
    name: str
    measured: str
    goal: str = "—"
    met: bool | None = None  # None: for information, no goal


def table(figures: list[Figure]) -> str:
    rows = ["| figure | measured | goal | met? |", "| --- | ---: | --- | :---: |"]
    for f in figures:
        met = "—" if f.met is None else ("yes" if f.met else "**no**")
        rows.append(f"| {f.name} | {f.measured} | {f.goal} | {met} |")
    return "\n".join(rows)


def machine() -> str:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in _lines("/proc/cpuinfo") if line.startswith("model name")),
        platform.processor() or "unknown CPU",
    )
    return (
        f"{len(os.sched_getaffinity(0))} CPUs (`nproc`), {cpu}; Python {platform.python_version()}; "
        f"{platform.system()} {platform.release()}; SQLite {sqlite3.sqlite_version}"
    )


def write_results(path: Path, sections: list[tuple[str, list[Figure]]], quick: bool, appendix: str = "") -> None:
    kind = "a quick smoke run (`--quick`: smaller counts, not for the record)" if quick else "a full run"
    parts = [
        "# Benchmark results",
        "",
        f"Written by `python -m bench` on {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}, {kind}.",
        "",
        f"Machine: {machine()}.",
        "",
        "Every ratio is against a baseline measured in the same run; see bench/README.md for what each figure is.",
    ]
    for title, figures in sections:
        parts += ["", f"## {title}", "", table(figures)]
    if appendix:
        parts += ["", appendix]
    path.write_text("\n".join(parts) + "\n", encoding="utf-8")


def update_section(path: Path, title: str, figures: list[Figure], note: str) -> None:
    """Write one benchmark's section into an existing RESULTS.md, replacing its earlier figures and keeping the
    others' (for a benchmark run alone: `python -m bench.scale`)."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    section = f"## {title}\n\n{note}\n\n{table(figures)}\n"
    start = text.find(f"## {title}\n")
    if start == -1:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + 1)
        text = text[:start] + section + (text[end + 1 :] if end != -1 else "")
    path.write_text(text, encoding="utf-8")


def _lines(name: str) -> list[str]:
    try:
        return Path(name).read_text().splitlines()
    except OSError:
        return []
