"""The evaluation set (tests/eval/questions.yaml) against the real knowledge base: quality must not regress."""

from __future__ import annotations

from knowledge import kb
from knowledge.search import SearchIndex
from tests.eval.run_eval import evaluate


def test_retrieval_quality_on_the_evaluation_set():
    result = evaluate(SearchIndex.of_knowledge(kb.load()))
    assert result["on_topic"] >= 50 and result["off_topic"] >= 10, "the evaluation set is too small to mean much"
    assert result["hit_at_3"] >= 0.95, result["misses"]
    assert result["off_topic_rejection"] >= 0.9, result["false_accepts"]
