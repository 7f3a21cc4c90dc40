"""Refusal and retrieval among thousands of distractor entries (bench/corpus.py: municipal FAQ entries written with
the questions' own administrative words, answering none of them), against the real knowledge base alone. The full
70 / 10,000 / 100,000 run is `python -m bench.scale`; this is its short form for CI."""

from __future__ import annotations

from datetime import date

import pytest

from bench import corpus
from knowledge import kb, store
from knowledge.answer import Answerer
from knowledge.search import SearchIndex
from knowledge.subsidy import load_editions
from tests.eval.run_eval import answer_truth, evaluate, load_questions, on_topic_questions

DISTRACTORS = 3_000
ASKED_ON = date(2026, 11, 23)


@pytest.fixture(scope="module")
def at_scale(tmp_path_factory) -> store.Opened:
    kb_dir = tmp_path_factory.mktemp("distractors")
    corpus.write_kb_dir(kb_dir, DISTRACTORS)
    return store.open_knowledge(kb_dir, tmp_path_factory.mktemp("index"))


def test_retrieval_among_distractors_is_as_good_as_without_them(at_scale):
    questions = load_questions()
    alone = evaluate(SearchIndex.of_knowledge(kb.load()), questions)
    crowded = evaluate(at_scale.index, questions)
    assert len(at_scale.knowledge.entries) > DISTRACTORS
    assert crowded["hit_at_3"] >= alone["hit_at_3"], crowded["misses"]
    assert crowded["off_topic_rejection"] >= alone["off_topic_rejection"], crowded["false_accepts"]
    for question in on_topic_questions(questions):  # no distractor outranks what the question is about
        found = [hit.entry.id for hit in at_scale.index.search(question["q"], limit=3)]
        assert not any(entry_id.startswith("distractor-") for entry_id in found), (question["q"], found)


def test_answers_among_distractors_are_as_right_as_without_them(at_scale):
    questions, editions, knowledge = load_questions(), load_editions(), kb.load()
    alone = answer_truth(Answerer(knowledge, SearchIndex.of_knowledge(knowledge), editions, None), questions, ASKED_ON)
    crowded = answer_truth(Answerer(at_scale.knowledge, at_scale.index, editions, None), questions, ASKED_ON)
    for group, (count, wrong) in crowded.items():
        assert len(wrong) <= len(alone[group][1]), (group, wrong)
        assert count > 0
