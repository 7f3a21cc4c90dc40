"""Issue F: what dxbot costs to keep running and to start. (a) The resident memory of a dxbot web worker
(WEB_CONCURRENCY=1) after 50 mixed commands, beside the bare bolt app's worker given the same commands in the
same run. (b) The wall time of a cold `dxbot ask "ITパスポートの講座は？"` (a fresh process each time, the
database already migrated), beside a cold `python -c "import slack_bolt"`.

    python -m bench.footprint [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence

from bench.load import Plan, failures, ms, times, wait_quiet
from bench.report import Figure, table
from bench.servers import Stage, dxbot_environment, memory_mb, prepare_dxbot, serve, stage
from tests.cli_helpers import DXBOT

MIXED = ("done ITパスポート", "progress", "ask ITパスポートの講座は？", "done 基本情報", "ask 助成率は？")
QUESTION = "ITパスポートの講座は？"
RSS_GOAL_MB = 150.0
COLD_GOAL = 1.0


def main(argv: Sequence[str] | None = None) -> list[Figure]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="cold starts to take the median of")
    args = parser.parse_args(argv)
    figures = run(args.runs)
    print(table(figures))
    return figures


def run(runs: int = 5) -> list[Figure]:
    print(f"footprint: worker memory after {10 * len(MIXED)} mixed commands; cold starts, median of {runs}")
    with stage() as on:
        memory = {app: _worker_memory(on, app) for app in ("bare", "dxbot")}
        prepare_dxbot(on)
        cold = {
            "dxbot ask": _cold(on, [DXBOT, "ask", QUESTION], runs),
            "import slack_bolt": _cold(on, [sys.executable, "-c", "import slack_bolt"], runs),
            "dxbot --help": _cold(on, [DXBOT, "--help"], runs),
        }
    for name, seconds in cold.items():
        print(f"cold {name}: {ms(seconds)}")
    (rss, peak), (bare_rss, _) = memory["dxbot"], memory["bare"]
    return [
        Figure("dxbot worker resident memory (VmRSS)", f"{rss:.0f} MB", f"≤ {RSS_GOAL_MB:.0f} MB", rss <= RSS_GOAL_MB),
        Figure("dxbot worker peak (VmHWM)", f"{peak:.0f} MB"),
        Figure("bare bolt worker VmRSS (baseline)", f"{bare_rss:.0f} MB"),
        Figure("dxbot / bare worker VmRSS", times(rss, bare_rss)),
        Figure(
            f'cold `dxbot ask "{QUESTION}"`, median of {runs}',
            ms(cold["dxbot ask"]),
            f"≤ {COLD_GOAL} s",
            cold["dxbot ask"] <= COLD_GOAL,
        ),
        Figure('cold `python -c "import slack_bolt"` (baseline)', ms(cold["import slack_bolt"])),
        Figure("cold `dxbot ask` / cold `import slack_bolt`", times(cold["dxbot ask"], cold["import slack_bolt"])),
        Figure("cold `dxbot --help`", ms(cold["dxbot --help"])),
    ]


def _worker_memory(on: Stage, app: str) -> tuple[float, float]:
    """(VmRSS, VmHWM) in MB of the app's single worker once its commands, and their follow-ups, are done."""
    with serve(on, app, workers=1) as served:
        plans = [Plan([(MIXED[(c + n) % len(MIXED)], f"UF{c:02d}") for n in range(len(MIXED))]) for c in range(10)]
        fired = on.fire(served, plans, 120)
        wait_quiet(on.responses)  # the lazy listeners' replies: their work is part of the footprint
        (worker,) = served.worker_pids()
        rss, peak = memory_mb(worker), memory_mb(worker, "VmHWM")
    print(f"{app} worker: {rss:.0f} MB resident, {peak:.0f} MB at peak  {failures(fired.sent)}")
    return rss, peak


def _cold(on: Stage, command: list[str], runs: int) -> float:
    """Median wall time of fresh processes, after one unmeasured run that warms the OS file cache."""
    env = dxbot_environment(on)  # no OPENAI_API_KEY: the answer is extractive
    walls = []
    for attempt in range(runs + 1):
        began = time.perf_counter()
        subprocess.run(command, cwd=on.workdir, env=env, capture_output=True, timeout=60, check=True)
        if attempt:
            walls.append(time.perf_counter() - began)
    return statistics.median(walls)


if __name__ == "__main__":
    main()
