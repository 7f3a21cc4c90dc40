"""Issue F: do slow model answers starve the acks? 12 members ask `/dx ask ITパスポートの講座は？` while the fake
model takes 6 s per answer; 0.2 s later 40 other members send `/dx done ITパスポート` at once. The same 40
`/dx done` sent alone, to the same server in the same run, are the baseline.

    python -m bench.starvation [--questions 12] [--members 40] [--model-delay 6]
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Sequence
from dataclasses import dataclass

from bench.load import Fired, Plan, Post, Sent, Spread, failures, ms, times, visible_after, wait_quiet, wait_until
from bench.report import Figure, table
from bench.servers import Served, Stage, serve, stage
from tests.fakes.openai import Behaviour

QUESTION = "ask ITパスポートの講座は？"
DONE = "done ITパスポート"
PLACEHOLDERS = ("調べています", "順番待ち")  # 「調べています…」 and a queued notice are not the answer
ACK_GOAL = 1.0
SEEN_GOAL = 1.5
CONFIRM_WAIT = 30.0


@dataclass
class Dones:
    ack: Spread
    seen: Spread
    failed: int  # no response or not 200
    failures: str  # by kind
    unconfirmed: int  # never confirmed (within CONFIRM_WAIT of the last ack)


@dataclass
class Questions:
    ack: Spread
    first_seen: Spread
    answered: Spread
    failed: int
    failures: str
    unanswered: int


def main(argv: Sequence[str] | None = None) -> list[Figure]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=int, default=12)
    parser.add_argument("--members", type=int, default=40, help="members sending `/dx done` meanwhile")
    parser.add_argument("--model-delay", type=float, default=6.0, help="seconds the fake model takes per request")
    args = parser.parse_args(argv)
    figures = run(args.questions, args.members, args.model_delay)
    print(table(figures))
    return figures


def run(questions: int = 12, members: int = 40, model_delay: float = 6.0, stagger: float = 0.2) -> list[Figure]:
    print(f"starvation: {questions} questions (model {model_delay:g} s each), then {members} `/dx {DONE}`")
    print(f"{'':<34} {'p50':>8} {'p90':>8} {'p99':>8} {'max':>8}")
    with stage(with_model=True) as on, serve(on, "dxbot") as served:
        _warm_up(on, served)
        alone = _dones(on, on.fire(served, [Plan([(DONE, f"UB{n:03d}")]) for n in range(members)], 60).sent)
        _print("`/dx done` alone: ack", alone.ack, alone.failures)
        _print("`/dx done` alone: confirmation seen", alone.seen)
        wait_quiet(on.responses)
        on.openai.queue(*[Behaviour(delay=model_delay)] * (questions * 5))  # every attempt at every answer is slow
        plans = [Plan([(QUESTION, f"UQ{n:03d}")]) for n in range(questions)]
        plans += [Plan([(DONE, f"UD{n:03d}")], delay=stagger) for n in range(members)]
        fired = on.fire(served, plans, 60)
        busy = _dones(on, _only(fired, "UD"))
        asked = _questions(on, _only(fired, "UQ"), answer_wait=model_delay * 4 + 20)
    _print("`/dx done` with questions: ack", busy.ack, busy.failures)
    _print("`/dx done` with questions: seen", busy.seen)
    _print("questions: ack", asked.ack, asked.failures)
    _print("questions: first message seen", asked.first_seen)
    _print("questions: answer seen", asked.answered)
    return _figures(alone, busy, asked, questions, members)


def _warm_up(on: Stage, served: Served) -> None:
    """Both workers answer a done and a question (the model answers at once) before anything is timed."""
    on.fire(served, [Plan([(DONE, f"UW{n}"), (QUESTION, f"UWQ{n}")]) for n in range(8)], 60)
    wait_quiet(on.responses)


def _only(fired: Fired, prefix: str) -> list[Sent]:
    return [s for s in fired.sent if s.user.startswith(prefix)]


def _dones(on: Stage, sent: list[Sent]) -> Dones:
    # A late or failed ack may still be followed by a confirmation (the response_url stays valid): wait for all.
    wait_until(lambda: all(visible_after(s, on.responses) < math.inf for s in sent), CONFIRM_WAIT)
    seen = [visible_after(s, on.responses) for s in sent]
    return Dones(
        ack=Spread([s.latency for s in sent]),
        seen=Spread(seen),
        failed=sum(s.status != 200 for s in sent),
        failures=failures(sent),
        unconfirmed=sum(v == math.inf for v in seen),
    )


def _questions(on: Stage, sent: list[Sent], answer_wait: float) -> Questions:
    wait_until(lambda: all(_answer(on, s) for s in sent), answer_wait)
    answers = [post.at - s.sent_at if (post := _answer(on, s)) else math.inf for s in sent]
    return Questions(
        ack=Spread([s.latency for s in sent]),
        first_seen=Spread([visible_after(s, on.responses) for s in sent]),
        answered=Spread(answers),
        failed=sum(s.status != 200 for s in sent),
        failures=failures(sent),
        unanswered=sum(a == math.inf for a in answers),
    )


def _answer(on: Stage, sent: Sent) -> Post | None:
    """The post that replaces the placeholder with the answer."""
    for post in on.responses.to(sent.user):
        text = post.body.get("text") or ""
        if post.body.get("replace_original") and not any(p in text for p in PLACEHOLDERS):
            return post
    return None


def _print(label: str, spread: Spread, problems: str = "") -> None:
    print(f"{label:<34} {spread}  {problems}")


def _figures(alone: Dones, busy: Dones, asked: Questions, questions: int, members: int) -> list[Figure]:
    during = f"during {questions} questions"
    return [
        Figure(
            f"`/dx done` ack {during}, p50 / slowest of {members}",
            _pair(busy.ack),
            "every < 1 s",
            busy.ack.max < ACK_GOAL and not busy.failed,
        ),
        Figure(
            f"`/dx done` confirmation seen {during}, p50 / slowest",
            _pair(busy.seen) + (f" ({busy.unconfirmed} never)" if busy.unconfirmed else ""),
            "every < 1.5 s",
            busy.seen.max < SEEN_GOAL,
        ),
        Figure(f"`/dx done` non-200 {during}", f"{busy.failed}{_kinds(busy)}", "0", not busy.failed),
        Figure("baseline, the same `/dx done` alone: ack p50 / slowest", _pair(alone.ack) + _kinds(alone)),
        Figure("baseline: confirmation seen p50 / slowest", _pair(alone.seen)),
        Figure(
            f"{during} / alone, slowest: ack, seen",
            f"{times(busy.ack.max, alone.ack.max)}, {times(busy.seen.max, alone.seen.max)}",
        ),
        Figure("questions: ack p50 / slowest", _pair(asked.ack)),
        Figure("questions: first message seen p50 / slowest", _pair(asked.first_seen)),
        Figure("questions: answer seen p50 / slowest", _pair(asked.answered)),
        Figure(
            "questions: non-200 / never answered",
            f"{asked.failed} / {asked.unanswered} {f'({asked.failures})' if asked.failed else ''}".strip(),
            "0 / 0",
            not asked.failed and not asked.unanswered,
        ),
    ]


def _pair(spread: Spread) -> str:
    return f"{ms(spread.p50)} / {ms(spread.max)}"


def _kinds(dones: Dones) -> str:
    return f" ({dones.failures})" if dones.failed else ""


if __name__ == "__main__":
    main()
