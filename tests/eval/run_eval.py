"""Retrieval quality on tests/eval/questions.yaml: hit@1 and hit@3 over real questions, rejection of off-topic ones.

Run `python -m tests.eval.run_eval` for a report that also lists every miss.
"""

from __future__ import annotations

import statistics
import time
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from knowledge import kb
from knowledge.answer import Answerer
from knowledge.messages import language_of
from knowledge.search import SearchIndex

QUESTIONS_FILE = Path(__file__).with_name("questions.yaml")


def load_questions(path: Path = QUESTIONS_FILE) -> list[dict[str, Any]]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]


def on_topic_questions(questions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The questions the knowledge base answers (neither off-topic nor near-topic)."""
    return [q for q in questions if not q.get("off_topic") and not q.get("near_topic")]


def evaluate(index: SearchIndex, questions: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """hit@1 and hit@3 (an expected id among the first 1 or 3 hits), off-topic rejection, and the failures."""
    questions = load_questions() if questions is None else questions
    on_topic = on_topic_questions(questions)
    off_topic = [q for q in questions if q.get("off_topic")]
    at_1 = at_3 = 0
    misses: list[dict[str, Any]] = []
    for question in on_topic:
        found = [hit.entry.id for hit in index.search(question["q"], limit=3)]
        expected = set(question["expect_ids"])
        at_1 += bool(found[:1] and found[0] in expected)
        if expected & set(found):
            at_3 += 1
        else:
            misses.append({"q": question["q"], "expected": sorted(expected), "found": found})
    # Refused by retrieval: nothing found, or a name in it that no entry mentions (the answer refuses those too).
    looked_up = [(q["q"], index.lookup(q["q"], limit=3)) for q in off_topic]
    accepted = [
        {"q": text, "found": [hit.entry.id for hit in found.hits]}
        for text, found in looked_up
        if found.hits and not found.unknown_names
    ]
    return {
        "on_topic": len(on_topic),
        "off_topic": len(off_topic),
        "hit_at_1": at_1 / len(on_topic) if on_topic else 0.0,
        "hit_at_3": at_3 / len(on_topic) if on_topic else 0.0,
        "off_topic_rejection": 1 - len(accepted) / len(off_topic) if off_topic else 1.0,
        "misses": misses,
        "false_accepts": accepted,
    }


def answer_truth(answerer: Answerer, questions: list[dict[str, Any]], on: date) -> dict[str, tuple[int, list[str]]]:
    """Per group (on-topic ja / en, off-topic, near-topic): how many questions, and the ones answered wrongly. An
    on-topic question is right when answered with every `must_contain` string; the others when refused."""
    on_topic = on_topic_questions(questions)
    groups = {
        "on-topic ja": [q for q in on_topic if language_of(q["q"]) == "ja"],
        "on-topic en": [q for q in on_topic if language_of(q["q"]) == "en"],
        "off-topic": [q for q in questions if q.get("off_topic")],
        "near-topic": [q for q in questions if q.get("near_topic")],
    }
    truth = {}
    for name, items in groups.items():
        wrong = []
        for item in items:
            answer = answerer.answer(item["q"], on=on)
            if name.startswith("on-topic"):
                right = answer.answered and all(s in answer.text for s in item.get("must_contain", []))
            else:
                right = not answer.answered
            if not right:
                wrong.append(item["q"])
        truth[name] = (len(items), wrong)
    return truth


def main() -> None:
    started = time.perf_counter()
    index = SearchIndex.of_knowledge(kb.load())
    built = time.perf_counter() - started
    questions = load_questions()
    durations = []
    for question in questions:
        started = time.perf_counter()
        index.search(question["q"])
        durations.append((time.perf_counter() - started) * 1000)
    result = evaluate(index, questions)
    print(f"index built in {built:.2f} s; query {statistics.median(durations):.1f} ms median, {max(durations):.1f} max")
    print(f"hit@1 {result['hit_at_1']:.3f}  hit@3 {result['hit_at_3']:.3f}  over {result['on_topic']} questions")
    print(f"off-topic rejection {result['off_topic_rejection']:.3f}  over {result['off_topic']} questions")
    for miss in result["misses"]:
        print(f"  miss: {miss['q']}  expected {miss['expected']}  found {miss['found']}")
    for accept in result["false_accepts"]:
        print(f"  accepted off-topic: {accept['q']}  found {accept['found']}")


if __name__ == "__main__":
    main()
