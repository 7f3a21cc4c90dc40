"""Answer truth on the evaluation set (tests/eval/questions.yaml), offline (extractive) answers.

An on-topic question counts as correct when it is answered and the answer contains every `must_contain` string; an
off-topic question (weather, stocks) and a near-topic one (a price, date, count, place, procedure or person the
sources do not give) count as correct when they are refused. Run `python -m pytest tests/test_eval_answers.py -s` for
the figures of each group (reported in the closing notes of issues B and G).
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.services import build_services
from knowledge.messages import language_of
from tests.conftest import make_settings
from tests.eval.run_eval import load_questions, on_topic_questions

ANSWER_ACCURACY_THRESHOLD = 0.95
REFUSAL_THRESHOLD = 0.9
ASKED_ON = date(2026, 11, 23)


def test_answer_truth_on_the_evaluation_set(database_url, fake_slack):
    answerer = build_services(make_settings(database_url, fake_slack)).answerer
    questions = load_questions()
    on_topic = on_topic_questions(questions)
    groups = {
        "on-topic ja": [q for q in on_topic if language_of(q["q"]) == "ja"],
        "on-topic en": [q for q in on_topic if language_of(q["q"]) == "en"],
        "off-topic": [q for q in questions if q.get("off_topic")],
        "near-topic": [q for q in questions if q.get("near_topic")],
    }
    assert len(on_topic) >= 100 and len(groups["off-topic"]) >= 10 and len(groups["near-topic"]) >= 40

    failures: dict[str, list[str]] = {}
    for name, items in groups.items():
        for item in items:
            answer = answerer.answer(item["q"], on=ASKED_ON)
            if name.startswith("on-topic"):
                correct = answer.answered and all(s in answer.text for s in item.get("must_contain", []))
            else:
                correct = not answer.answered
            if not correct:
                failures.setdefault(name, []).append(item["q"])
    scores = {name: 1 - len(failures.get(name, [])) / len(items) for name, items in groups.items()}
    for name, items in groups.items():
        print(f"\n{name}: {scores[name]:.3f} ({len(items) - len(failures.get(name, []))}/{len(items)})")
    print("failures:", failures)

    accuracy = 1 - sum(len(failures.get(n, [])) for n in ("on-topic ja", "on-topic en")) / len(on_topic)
    if accuracy < ANSWER_ACCURACY_THRESHOLD:
        pytest.fail(f"answer accuracy {accuracy:.3f} < {ANSWER_ACCURACY_THRESHOLD}: {failures}")
    for name in ("off-topic", "near-topic"):
        if scores[name] < REFUSAL_THRESHOLD:
            pytest.fail(f"{name} rejection {scores[name]:.3f} < {REFUSAL_THRESHOLD}: {failures[name]}")


def test_each_kind_of_near_topic_question_is_in_the_set():
    kinds = {q["near_topic"] for q in load_questions() if q.get("near_topic")}
    assert kinds >= {"amount", "date", "count", "place", "procedure", "who"}
