"""Issue I: knowledge at scale. The same evaluation questions over the real knowledge base (70 entries) and over it
plus generated distractor entries (bench/corpus.py: plausible municipal FAQ entries that answer none of them), and
course matching over the 5 path courses and over them plus a generated 30,000-course catalogue. Every figure at
scale is set beside the 70-entry (or 5-course) run of the same process.

    python -m bench.scale [--sizes 70,10000,100000] [--courses 30000] [--rounds 3]

For each size: the index build (`dxbot kb build`), search p50/p95 over every evaluation question, hit@3, off-topic
rejection (search) and the answers' truth (extractive); a cold `dxbot ask` (wall time and peak memory of the
process) and the resident memory of a `dxbot serve` worker after a few questions, up to 10,000 entries. For the
catalogue: `dxbot courses import` of a CSV (and again, unchanged) on SQLite, and `courses match` p95.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from bench import corpus
from bench.load import Plan, ms, percentile, times, wait_quiet
from bench.report import RESULTS, Figure, machine, table, update_section
from bench.servers import clean_environment, memory_mb, serve, stage
from bot.services import build_services
from bot.settings import Settings
from db import repo
from knowledge import kb, store
from knowledge.answer import Answerer
from knowledge.catalogue import read_catalogue
from knowledge.courses import CourseMatcher
from knowledge.subsidy import load_editions
from tests.cli_helpers import DXBOT
from tests.eval.run_eval import answer_truth, evaluate, load_questions

QUESTION = "ITパスポートの講座は？"
TITLE = "Knowledge at scale (`python -m bench.scale`)"
ASKED_ON = date(2026, 11, 23)
SEARCH_GOALS_MS = {10_000: 5.0, 100_000: 20.0}
RSS_GROWTH_GOAL_MB = 100.0
COLD_RATIO_GOAL = 1.5
MATCH_GOAL_MS = 5.0
IMPORT_GOAL_S = 10.0
MATCH_QUERIES = (
    "ITパスポート",
    "iパス",
    "基本情報",
    "きほんじょうほう",
    "プロセス改革",
    "DXの心構え",
    "Python",
    "データ分析",
    "Excel VBA 入門",
    "AWS Certified",
    "project management",
    "セキュリティ",
    "存在しない講座の名前",
    "機械学習",
)


@dataclass
class AtSize:
    entries: int
    build_s: float
    index_mb: float
    search_ms: list[float]
    quality: dict
    truth: dict[str, tuple[int, list[str]]]


def main(argv: Sequence[str] | None = None) -> list[Figure]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="70,10000,100000", help="knowledge-base sizes (entries), comma-separated")
    parser.add_argument("--courses", type=int, default=30_000, help="catalogue size for matching and import")
    parser.add_argument("--rounds", type=int, default=3, help="times each question is searched")
    parser.add_argument(
        "--results", type=Path, default=RESULTS, help=f"the section is updated there; default {RESULTS}"
    )
    args = parser.parse_args(argv)
    figures = run([int(size) for size in args.sizes.split(",")], args.courses, args.rounds)
    print(table(figures))
    note = (
        f"`python -m bench.scale --sizes {args.sizes} --courses {args.courses}` on "
        f"{datetime.now().astimezone():%Y-%m-%d %H:%M %Z}; machine: {machine()}."
    )
    update_section(args.results, TITLE, figures, note)
    return figures


def run(sizes: list[int], courses: int = 30_000, rounds: int = 3) -> list[Figure]:
    with tempfile.TemporaryDirectory(prefix="dxbot-scale-") as scratch:
        work = Path(scratch)
        at = {size: _knowledge_at(size, work, rounds) for size in sizes}
        footprints = {size: _footprint(size, work) for size in sizes if size <= 10_000}
        catalogue = _catalogue(courses, work)
    return _knowledge_figures(at, footprints) + catalogue


# --- the knowledge base ---------------------------------------------------------------------------


def _kb_dir(size: int, work: Path) -> Path | None:
    extra = size - len(kb.load().entries)
    if extra <= 0:
        return None
    directory = work / f"kb-{size}"
    if not directory.exists():
        corpus.write_kb_dir(directory, extra)
    return directory


def _knowledge_at(size: int, work: Path, rounds: int) -> AtSize:
    kb_dir, index_dir = _kb_dir(size, work), work / f"index-{size}"
    started = time.perf_counter()
    built = store.build(kb_dir, index_dir)
    build_s = time.perf_counter() - started
    opened = store.open_knowledge(kb_dir, index_dir)
    questions = load_questions()
    search_ms = []
    for _ in range(rounds):
        for question in questions:
            began = time.perf_counter()
            opened.index.lookup(question["q"])
            search_ms.append((time.perf_counter() - began) * 1000)
    quality = evaluate(opened.index, questions)
    truth = answer_truth(Answerer(opened.knowledge, opened.index, load_editions(), None), questions, ASKED_ON)
    index_mb = sum(f.stat().st_size for f in built.iterdir()) / 2**20
    entries = len(opened.knowledge.entries)
    print(
        f"{entries} entries: built in {build_s:.1f} s ({index_mb:.0f} MB); search p50 {statistics.median(search_ms):.2f} "
        f"ms p95 {_p95(search_ms):.2f} ms; hit@3 {quality['hit_at_3']:.3f}; off-topic rejection "
        f"{quality['off_topic_rejection']:.3f}; answers {_truth_line(truth)}"
    )
    return AtSize(entries, build_s, index_mb, search_ms, quality, truth)


def _footprint(size: int, work: Path) -> tuple[float, float, float]:
    """(cold `dxbot ask` median wall s, its peak RSS MB, a serving worker's RSS MB after questions)."""
    env = {"DXBOT_INDEX_DIR": str(work / f"index-{size}"), "DATABASE_URL": f"sqlite:///{work / f'cold-{size}.db'}"}
    if (kb_dir := _kb_dir(size, work)) is not None:
        env["DXBOT_KB_DIR"] = str(kb_dir)
    environment = clean_environment(**env)
    subprocess.run([DXBOT, "db", "upgrade"], env=environment, cwd=work, check=True, capture_output=True)
    walls = [_timed([DXBOT, "ask", QUESTION], environment, work) for _ in range(4)][1:]  # the first warms caches
    return statistics.median(walls), _peak_mb([DXBOT, "ask", QUESTION], environment, work), _worker_rss(env)


# A child forked from this (large) process counts its parent's pages in its peak until it execs: the peak of a
# command is read by a small Python process that runs it.
_PEAK = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, capture_output=True); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def _peak_mb(command: list[str], env: dict[str, str], cwd: Path) -> float:
    """A command's peak resident memory (VmHWM) in MB."""
    result = subprocess.run([sys.executable, "-c", _PEAK, *command], env=env, cwd=cwd, check=True, capture_output=True)
    return int(result.stdout) / 1024


def _worker_rss(env: dict[str, str]) -> float:
    """A `dxbot serve` worker's resident memory after 20 questions and their answers."""
    with stage() as on:
        on_env = {**env, "DATABASE_URL": f"sqlite:///{on.workdir / 'dxbot.sqlite3'}"}
        with serve(on, "dxbot", workers=1, extra_env=on_env) as served:
            questions = [q["q"] for q in load_questions()[:20]]
            plans = [Plan([(f"ask {q}", f"US{n:02d}")]) for n, q in enumerate(questions)]
            on.fire(served, plans, 120)
            wait_quiet(on.responses)
            (worker,) = served.worker_pids()
            return memory_mb(worker)


# --- the catalogue --------------------------------------------------------------------------------


def _catalogue(count: int, work: Path) -> list[Figure]:
    generated = corpus.catalogue_courses(count)
    csv = corpus.write_csv(work / "catalogue.csv", generated)
    env = clean_environment(DATABASE_URL=f"sqlite:///{work / 'catalogue.db'}", DXBOT_INDEX_DIR=str(work / "ci"))
    subprocess.run([DXBOT, "db", "upgrade"], env=env, cwd=work, check=True, capture_output=True)
    services = build_services(Settings.from_env(env))
    began = time.perf_counter()
    read = read_catalogue(csv)
    with services.db.scope() as session:
        summary = repo.import_catalogue(session, read.courses, services.now())
    imported = time.perf_counter() - began
    began = time.perf_counter()
    catalogue = services.catalogue()
    catalogue.index  # noqa: B018 -- the recommendation index, as the command builds it after importing
    indexed = time.perf_counter() - began
    again = _timed([DXBOT, "courses", "import", str(csv)], env, work)
    small, large = _match_ms(CourseMatcher(kb.load().courses.values())), _match_ms(catalogue.matcher)
    print(
        f"import {count}: {summary.added} added in {imported:.1f} s, index {indexed:.1f} s; the command again "
        f"{again:.1f} s; match p95 {_p95(small):.2f} / {_p95(large):.2f} ms"
    )
    return [
        Figure(
            f"import of {count:,} courses (read the CSV, one transaction, SQLite)",
            f"{imported:.1f} s",
            f"≤ {IMPORT_GOAL_S:.0f} s",
            imported <= IMPORT_GOAL_S,
        ),
        Figure("then its recommendation index (built once, saved)", f"{indexed:.1f} s"),
        Figure("`dxbot courses import` of the same file again, whole command (nothing changes)", f"{again:.1f} s"),
        Figure("`courses match` p95 over the 5 path courses (baseline)", f"{_p95(small):.2f} ms"),
        Figure(
            f"`courses match` p95 over 5 + {count:,} courses",
            f"{_p95(large):.2f} ms",
            f"≤ {MATCH_GOAL_MS:.0f} ms",
            _p95(large) <= MATCH_GOAL_MS,
        ),
        Figure("match p95, catalogue / path courses", times(_p95(large), _p95(small))),
    ]


def _timed(command: list[str], env: dict[str, str], cwd: Path) -> float:
    began = time.perf_counter()
    subprocess.run(command, env=env, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - began


def _match_ms(matcher: CourseMatcher, rounds: int = 20) -> list[float]:
    durations = []
    for _ in range(rounds):
        for query in MATCH_QUERIES:
            began = time.perf_counter()
            matcher.match(query)
            durations.append((time.perf_counter() - began) * 1000)
    return durations


# --- figures --------------------------------------------------------------------------------------


def _knowledge_figures(at: dict[int, AtSize], footprints: dict[int, tuple[float, float, float]]) -> list[Figure]:
    base = at[min(at)]
    figures = []
    for size, result in sorted(at.items()):
        label = f"{result.entries:,} entries"
        goal = SEARCH_GOALS_MS.get(size)
        p95 = _p95(result.search_ms)
        figures += [
            Figure(
                f"{label}: search p50 / p95",
                f"{statistics.median(result.search_ms):.2f} / {p95:.2f} ms",
                f"p95 ≤ {goal:.0f} ms" if goal else "baseline" if result is base else "—",
                p95 <= goal if goal else None,
            ),
            Figure(f"{label}: search p95 / {base.entries} entries' p95", times(p95, _p95(base.search_ms))),
            Figure(
                f"{label}: hit@3 / hit@1 ({result.quality['on_topic']} questions)",
                f"{result.quality['hit_at_3']:.3f} / {result.quality['hit_at_1']:.3f}",
                f"hit@3 ≥ {base.quality['hit_at_3']:.3f}" if result is not base else "baseline",
                result.quality["hit_at_3"] >= base.quality["hit_at_3"] if result is not base else None,
            ),
            Figure(
                f"{label}: off-topic rejection, search ({result.quality['off_topic']} questions)",
                f"{result.quality['off_topic_rejection']:.3f}",
                f"≥ {base.quality['off_topic_rejection']:.3f}" if result is not base else "baseline",
                result.quality["off_topic_rejection"] >= base.quality["off_topic_rejection"]
                if result is not base
                else None,
            ),
            Figure(
                f"{label}: answers right (on-topic ja, en; off-topic, near-topic refused)",
                _truth_line(result.truth),
                "≥ the 70-entry run" if result is not base else "baseline",
                _right(result.truth) >= _right(base.truth) if result is not base else None,
            ),
            Figure(f"{label}: `dxbot kb build`, index size", f"{result.build_s:.1f} s, {result.index_mb:.0f} MB"),
        ]
    if len(footprints) > 1:
        small, large = footprints[min(footprints)], footprints[max(footprints)]
        name = f"{at[max(footprints)].entries:,}"
        figures += [
            Figure(f"cold `dxbot ask`, {at[min(footprints)].entries} entries (baseline)", ms(small[0])),
            Figure(
                f"cold `dxbot ask`, {name} entries",
                ms(large[0]),
                f"≤ {COLD_RATIO_GOAL}× baseline",
                large[0] <= COLD_RATIO_GOAL * small[0],
            ),
            Figure(
                "cold ask ratio",
                times(large[0], small[0]),
                f"≤ {COLD_RATIO_GOAL}×",
                large[0] <= COLD_RATIO_GOAL * small[0],
            ),
            Figure("cold `dxbot ask` peak memory (baseline / at size)", f"{small[1]:.0f} MB / {large[1]:.0f} MB"),
            Figure(
                f"web worker VmRSS after 20 questions, {at[min(footprints)].entries} / {name} entries",
                f"{small[2]:.0f} MB / {large[2]:.0f} MB",
            ),
            Figure(
                "web worker VmRSS growth",
                f"{large[2] - small[2]:+.0f} MB",
                f"≤ {RSS_GROWTH_GOAL_MB:.0f} MB",
                large[2] - small[2] <= RSS_GROWTH_GOAL_MB,
            ),
        ]
    return figures


def _truth_line(truth: dict[str, tuple[int, list[str]]]) -> str:
    return ", ".join(f"{count - len(wrong)}/{count}" for count, wrong in truth.values())


def _right(truth: dict[str, tuple[int, list[str]]]) -> int:
    return sum(count - len(wrong) for count, wrong in truth.values())


def _p95(values: list[float]) -> float:
    return percentile(values, 0.95)


if __name__ == "__main__":
    main()
