"""Issue F: how long Slack waits for the ack of `/dx done ITパスポート` when 50 members send at once, for dxbot
and for two anchors served in the same gunicorn shape in the same run: bolt's floor (ack only) and the same
work (commit one row, confirm in the ack). Also when the member sees the confirmation: the ack's own text, or
the first post to that command's response_url.

    python -m bench.ack_latency [--clients 50] [--requests 40] [--rounds 1] [--time-limit 180]
"""

from __future__ import annotations

import argparse
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from bench.load import SLACK_ACK_LIMIT, Fired, Plan, Spread, failures, ms, times, visible_after, wait_quiet, wait_until
from bench.report import Figure, table
from bench.servers import Served, Stage, serve, stage

APPS = ("bare", "same-work", "dxbot")
COMMAND = "done ITパスポート"
GOAL = 1.3  # dxbot's p99 at most this many times the same-work anchor's
CONFIRM_WAIT = 30.0  # seconds to wait for response_url posts after the last ack (only while some are missing)


@dataclass
class Round:
    ack: Spread
    visible: Spread  # empty for the bare floor: it confirms nothing
    failed: int  # no response, or not 200
    failures: str  # by kind
    late: int  # acked after Slack's 3 s: the member saw an error
    unconfirmed: int  # no confirmation seen (within CONFIRM_WAIT of the last ack)
    unsent: int  # the time limit stopped the members first


def main(argv: Sequence[str] | None = None) -> list[Figure]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50, help="concurrent members, each on its own connection")
    parser.add_argument("--requests", type=int, default=40, help="commands each member sends, one after another")
    parser.add_argument("--rounds", type=int, default=1, help="rounds per app; figures are the median of rounds")
    parser.add_argument("--time-limit", type=float, default=180.0, help="seconds per round at most")
    args = parser.parse_args(argv)
    figures = run(args.clients, args.requests, args.rounds, args.time_limit)
    print(table(figures))
    return figures


def run(clients: int, requests: int, rounds: int, time_limit: float) -> list[Figure]:
    print(f"ack latency: {clients} members × {requests} `/dx {COMMAND}`, {rounds} round(s) per app")
    print(
        f"{'app':<10} {'ack p50':>8} {'p90':>8} {'p99':>8} {'max':>8} | {'seen p50':>8} {'p90':>8} {'p99':>8} {'max':>8}"
    )
    results: dict[str, list[Round]] = {}
    with stage() as on:
        for app in APPS:
            with serve(on, app) as served:
                results[app] = [_round(on, served, n, clients, requests, time_limit) for n in range(rounds)]
    return _figures(results)


def _round(on: Stage, served: Served, number: int, clients: int, requests: int, time_limit: float) -> Round:
    # Warm-up on other connections and members: pools, caches and lazily built things, not the measurement.
    warm_up = [Plan([(COMMAND, f"UW{number}{c:03d}{i}") for i in range(2)]) for c in range(clients)]
    on.fire(served, warm_up, time_limit)
    wait_quiet(on.responses)  # the warm-up's own follow-ups must not load the measured round
    plans = [Plan([(COMMAND, f"U{number}{c:03d}{i:04d}") for i in range(requests)]) for c in range(clients)]
    fired = on.fire(served, plans, time_limit)
    result = _measure(on, served, fired)
    print(f"{served.name:<10} {result.ack} | {result.visible}  " + _problems(result))
    return result


def _measure(on: Stage, served: Served, fired: Fired) -> Round:
    confirms = served.name != "bare"  # the floor acks and says nothing
    if confirms:  # a late or failed ack may still be followed by a confirmation: wait for every one
        wait_until(lambda: all(visible_after(s, on.responses) < math.inf for s in fired.sent), CONFIRM_WAIT)
    seen = [visible_after(s, on.responses) for s in fired.sent] if confirms else []
    return Round(
        ack=Spread([s.latency for s in fired.sent]),
        visible=Spread(seen),
        failed=sum(s.status != 200 for s in fired.sent),
        failures=failures(fired.sent),
        late=sum(s.latency > SLACK_ACK_LIMIT for s in fired.sent),
        unconfirmed=sum(v == math.inf for v in seen),
        unsent=fired.planned - len(fired.sent),
    )


def _problems(result: Round) -> str:
    counts = {
        f"non-200 ({result.failures})": result.failed,
        "over 3 s": result.late,
        "unconfirmed": result.unconfirmed,
        "unsent": result.unsent,
    }
    return ", ".join(f"{n} {what}" for what, n in counts.items() if n)


def _median(rounds: list[Round], statistic: str, of: str = "ack") -> float:
    return statistics.median(getattr(getattr(r, of), statistic) for r in rounds)


def _figures(results: dict[str, list[Round]]) -> list[Figure]:
    p99 = {app: _median(rounds, "p99") for app, rounds in results.items()}
    dxbot = results["dxbot"]
    versus_same_work = p99["dxbot"] / p99["same-work"]
    figures = [
        Figure(f"`/dx done` ack p99, {name}", ms(p99[app]), goal)
        for app, name, goal in (("bare", "bare bolt (floor)", "baseline"), ("same-work", "same work", "anchor"))
    ]
    figures += [
        Figure(
            "`/dx done` ack p99, dxbot",
            ms(p99["dxbot"]),
            f"≤ {GOAL}× same work = {ms(GOAL * p99['same-work'])}",
            versus_same_work <= GOAL,
        ),
        Figure("dxbot p99 / bare p99", times(p99["dxbot"], p99["bare"])),
        Figure(
            "dxbot p99 / same-work p99", times(p99["dxbot"], p99["same-work"]), f"≤ {GOAL}×", versus_same_work <= GOAL
        ),
        Figure(
            "`/dx done` ack p50 / p90 / max, dxbot", " / ".join(ms(_median(dxbot, s)) for s in ("p50", "p90", "max"))
        ),
        Figure(
            "`/dx done` confirmation seen p99, same work / dxbot",
            " / ".join(ms(_median(results[app], "p99", of="visible")) for app in ("same-work", "dxbot")),
        ),
    ]
    for app, rounds in results.items():
        counts = [sum(getattr(r, n) for r in rounds) for n in ("failed", "late", "unconfirmed", "unsent")]
        figures.append(
            Figure(
                f"{app}: non-200 / acked after 3 s / never confirmed / unsent",
                " / ".join(map(str, counts)),
                "0 / 0 / 0 / 0",
                not any(counts),
            )
        )
    return figures


if __name__ == "__main__":
    main()
