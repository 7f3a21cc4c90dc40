"""Answer accuracy on the evaluation set (tests/eval/questions.yaml), offline (extractive) answers.

An on-topic question counts as correct when it is answered and the answer contains every `must_contain`
string; an off-topic one when it is refused. Run `python -m pytest tests/test_eval_answers.py -s` to see
the numbers (reported in the closing note of issue B).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from bot.services import build_services
from tests.conftest import make_settings

QUESTIONS = yaml.safe_load((Path(__file__).parent / "eval" / "questions.yaml").read_text(encoding="utf-8"))["questions"]
ANSWER_ACCURACY_THRESHOLD = 0.85
REFUSAL_THRESHOLD = 0.9


def test_answer_accuracy_on_the_evaluation_set(database_url, fake_slack):
    answerer = build_services(make_settings(database_url, fake_slack)).answerer
    on_topic = [q for q in QUESTIONS if not q.get("off_topic")]
    off_topic = [q for q in QUESTIONS if q.get("off_topic")]
    assert len(on_topic) >= 60 and len(off_topic) >= 10

    wrong = []
    for item in on_topic:
        answer = answerer.answer(item["q"], on=date(2026, 11, 23))
        if not (answer.answered and all(s in answer.text for s in item.get("must_contain", []))):
            wrong.append(item["q"])
    invented = [q["q"] for q in off_topic if answerer.answer(q["q"], on=date(2026, 11, 23)).answered]

    accuracy = 1 - len(wrong) / len(on_topic)
    refusal = 1 - len(invented) / len(off_topic)
    print(
        f"\nanswer accuracy {accuracy:.3f} ({len(on_topic) - len(wrong)}/{len(on_topic)}); "
        f"off-topic refused {refusal:.3f} ({len(off_topic) - len(invented)}/{len(off_topic)})"
    )
    print("wrong:", wrong, "\nanswered off-topic:", invented)
    if accuracy < ANSWER_ACCURACY_THRESHOLD or refusal < REFUSAL_THRESHOLD:
        pytest.fail(f"accuracy {accuracy:.3f} / refusal {refusal:.3f} below the thresholds; wrong: {wrong} {invented}")
