"""Answering: extractive without a model; with the loopback fake OpenAI, grounded, retried, or fallen back."""

from __future__ import annotations

import re
import time
from datetime import date

import pytest

from bot.services import build_services
from knowledge.answer import Turn
from tests.conftest import make_settings
from tests.fakes.openai import Behaviour

TODAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def offline(database_url, fake_slack):
    return build_services(make_settings(database_url, fake_slack)).answerer


@pytest.fixture
def with_model(model_services, fake_openai):
    fake_openai.reset()
    return model_services.answerer


def test_offline_answer_names_the_course_and_cites(offline):
    answer = offline.answer("ITパスポートの講座は？", on=TODAY)
    assert answer.answered and not answer.used_model
    assert "たった10時間で社会人に必要なIT基礎知識が全て身につく!" in answer.text
    assert answer.sources and answer.sources[0].as_of


def test_english_question_gets_an_english_answer(offline):
    answer = offline.answer("Which course should I take for IT Passport?", on=TODAY)
    assert answer.answered and answer.language == "en"
    assert "IT Passport" in answer.text


@pytest.mark.parametrize("question", ["明日の天気は？", "おすすめのランチを教えて", "Who won the baseball game?"])
def test_off_topic_is_refused_politely(offline, question):
    answer = offline.answer(question, on=TODAY)
    assert not answer.answered and answer.sources == ()
    assert "コーディネーター" in answer.text or "coordinator" in answer.text


def test_subsidy_answer_carries_as_of_disclaimer_and_the_edition_in_force(offline):
    answer = offline.answer("中小企業の経費助成率は？", on=TODAY)
    assert answer.answered and "75%" in answer.text
    assert "2024-08-26" in answer.text and "保証されません" in answer.text
    assert "2025-04-01" in answer.text  # the edition in force today
    assert "自治体職員ご自身の研修費には使えません" in answer.text
    later = offline.answer("中小企業の経費助成率は？", on=date(2027, 6, 1))
    assert "期間限定措置" in later.text


def test_prompt_holds_the_retrieved_passages_and_the_answer_cites_them(with_model, fake_openai):
    answer = with_model.answer("ITパスポートの講座は？", on=TODAY)
    assert answer.used_model and answer.answered
    system = fake_openai.requests[0]["messages"][0]["content"]
    assert "[1]" in system and "たった10時間で社会人に必要なIT基礎知識が全て身につく!" in system
    assert "ONLY from the numbered passages" in system
    assert answer.sources[0].id in system or answer.sources[0].title in system


def test_follow_up_uses_the_thread_history(with_model, fake_openai):
    history = [Turn("user", "中小企業の経費助成率は？"), Turn("assistant", "75%です [1]")]
    answer = with_model.answer("大企業は？", on=TODAY, history=history)
    assert answer.answered
    messages = fake_openai.requests[0]["messages"]
    assert [m["role"] for m in messages[1:]] == ["user", "assistant", "user"]
    assert "60%" in messages[0]["content"]


def test_transient_server_errors_are_retried(with_model, fake_openai):
    fake_openai.queue(Behaviour(status=500), Behaviour(status=503), Behaviour(status=429))
    answer = with_model.answer("共同調達のメリットは？", on=TODAY)
    assert answer.used_model and len(fake_openai.requests) == 4


def test_a_bad_key_is_not_retried_and_falls_back(with_model, fake_openai):
    fake_openai.queue(Behaviour(status=401))
    answer = with_model.answer("共同調達のメリットは？", on=TODAY)
    assert answer.answered and not answer.used_model and len(fake_openai.requests) == 1


def answerer_with_model(database_url, fake_slack, base_url: str, deadline: float):
    settings = make_settings(
        database_url,
        fake_slack,
        openai_api_key="sk-test-not-a-real-key",
        openai_base_url=base_url,
        openai_deadline_seconds=deadline,
    )
    return build_services(settings).answerer


def test_a_dead_endpoint_falls_back_within_the_deadline(database_url, fake_slack):
    dead = answerer_with_model(database_url, fake_slack, "http://127.0.0.1:9/v1", deadline=3.0)  # nothing listens
    started = time.monotonic()
    answer = dead.answer("ITパスポートの講座は？", on=TODAY)
    assert time.monotonic() - started < 10
    assert answer.answered and not answer.used_model
    assert "たった10時間で社会人に必要なIT基礎知識が全て身につく!" in answer.text


def test_a_slow_model_is_abandoned_at_the_deadline(database_url, fake_slack, fake_openai):
    fake_openai.reset()
    fake_openai.queue(*[Behaviour(delay=6)] * 3)
    slow = answerer_with_model(database_url, fake_slack, fake_openai.base_url, deadline=2.0)
    started = time.monotonic()
    answer = slow.answer("ITパスポートの講座は？", on=TODAY)
    assert time.monotonic() - started < 5
    assert answer.answered and not answer.used_model


def test_invented_figures_are_never_shown(with_model, fake_openai):
    fake_openai.queue(Behaviour(reply="中小企業の経費助成率は95%です [1]"))
    answer = with_model.answer("中小企業の経費助成率は？", on=TODAY)
    assert not answer.used_model and "95%" not in answer.text and "75%" in answer.text


def test_figures_must_come_from_the_passages_the_answer_cites(with_model, fake_openai):
    """75% is in the rates passage; citing only a passage that lacks it must not pass the check."""
    with_model.answer("中小企業の経費助成率は？", on=TODAY)
    system = fake_openai.requests[0]["messages"][0]["content"]
    passages = re.findall(r"^\[(\d)\] (.+)$", system, re.M)
    without_75 = next(n for n, _ in passages if "75%" not in system.split(f"[{n}] ")[1].split("\n[")[0])
    fake_openai.reset()
    fake_openai.queue(Behaviour(reply=f"中小企業の経費助成率は75%です [{without_75}]"))
    miscited = with_model.answer("中小企業の経費助成率は？", on=TODAY)
    assert not miscited.used_model
    fake_openai.queue(Behaviour(reply="中小企業の経費助成率は75%です [1]"))
    cited = with_model.answer("中小企業の経費助成率は？", on=TODAY)
    assert cited.used_model and "75%" in cited.text and "[1]" in cited.text


def test_model_saying_it_cannot_answer_is_a_refusal(with_model, fake_openai):
    fake_openai.queue(Behaviour(reply="NO_ANSWER"))
    answer = with_model.answer("共同調達のメリットは？", on=TODAY)
    assert not answer.answered and answer.sources == ()
