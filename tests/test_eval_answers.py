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
from tests.conftest import make_settings
from tests.eval.run_eval import answer_truth, load_questions

ANSWER_ACCURACY_THRESHOLD = 0.95
REFUSAL_THRESHOLD = 0.9
ASKED_ON = date(2026, 11, 23)


def test_answer_truth_on_the_evaluation_set(database_url, fake_slack):
    answerer = build_services(make_settings(database_url, fake_slack)).answerer
    questions = load_questions()
    truth = answer_truth(answerer, questions, ASKED_ON)
    assert truth["on-topic ja"][0] + truth["on-topic en"][0] >= 100
    assert truth["off-topic"][0] >= 10 and truth["near-topic"][0] >= 40
    scores = {name: 1 - len(wrong) / count for name, (count, wrong) in truth.items()}
    for name, (count, wrong) in truth.items():
        print(f"\n{name}: {scores[name]:.3f} ({count - len(wrong)}/{count})")
    failures = {name: wrong for name, (_, wrong) in truth.items() if wrong}
    print("failures:", failures)

    on_topic = [truth["on-topic ja"], truth["on-topic en"]]
    accuracy = 1 - sum(len(wrong) for _, wrong in on_topic) / sum(count for count, _ in on_topic)
    if accuracy < ANSWER_ACCURACY_THRESHOLD:
        pytest.fail(f"answer accuracy {accuracy:.3f} < {ANSWER_ACCURACY_THRESHOLD}: {failures}")
    for name in ("off-topic", "near-topic"):
        if scores[name] < REFUSAL_THRESHOLD:
            pytest.fail(f"{name} rejection {scores[name]:.3f} < {REFUSAL_THRESHOLD}: {failures[name]}")


def test_each_kind_of_near_topic_question_is_in_the_set():
    kinds = {q["near_topic"] for q in load_questions() if q.get("near_topic")}
    assert kinds >= {"amount", "date", "count", "place", "procedure", "who"}
