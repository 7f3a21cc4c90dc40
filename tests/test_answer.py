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


def test_subsidy_answer_leads_with_the_rules_in_force_on_the_day_asked(offline):
    today = offline.answer("大企業の賃金助成は1時間いくら？", on=TODAY)
    assert today.answered and today.sources[0].id == "subsidy-revision-fy2025"
    assert today.text.index("大企業 500円") < today.text.find("以前の規則")  # 480円 only as history, dated
    assert "480円" not in today.text and "以前の規則（2025-03-31 まで）" in today.text
    assert "2025-04-01 版" in today.text and "保証されません" in today.text
    assert "自治体職員ご自身の研修費には使えません" in today.text
    in_2024 = offline.answer("大企業の賃金助成は1時間いくら？", on=date(2024, 11, 23))
    assert in_2024.sources[0].id == "subsidy-reskilling-rates" and "大企業 480円" in in_2024.text
    assert "500円" not in in_2024.text


def test_the_end_of_the_course_is_answered_and_after_it_only_that(offline):
    until = offline.answer("この助成金はいつまで？", on=TODAY)
    assert until.answered and until.sources[0].id == "subsidy-reskilling-period"
    assert "令和8年度末（2027年3月31日）" in until.text
    ended = offline.answer("大企業の賃金助成は1時間いくら？", on=date(2027, 6, 1))
    assert ended.answered and "すでに終了しています" in ended.text
    assert "500円" not in ended.text and "労働局" in ended.text


def test_entries_past_their_review_date_say_when_they_were_checked(offline):
    answer = offline.answer("定額制サービスは助成金の対象？", on=TODAY)
    assert "見直しの時期を過ぎた情報" in answer.text and "最終確認 2026-11-23" in answer.text
    before = offline.answer("定額制サービスは助成金の対象？", on=date(2026, 3, 1))
    assert "見直しの時期" not in before.text


@pytest.mark.parametrize(
    ("question", "says"),
    [
        ("共同調達の1IDあたりの単価は？", "お尋ねの金額・割合は、手元の資料には書かれていません"),
        ("群馬県の事業の2025年度の募集締切は？", "お尋ねの日付・期限は、手元の資料には書かれていません"),
        ("神奈川県の共同調達に参加した市町村はいくつ？", "お尋ねの数は"),
        ("群馬労働局の助成金担当の方のお名前は？", "人・団体の名前"),
        ("Does Saitama do joint procurement?", "my sources say nothing about Saitama"),
        ("横浜市の受講者数は？", "「横浜市」についての記載がない"),
        ("How much does a Udemy Business licence cost?", "do not give the amount"),  # not Gunma's 「無料」
        ("How does a municipality withdraw from Kanagawa's joint procurement?", "do not give the procedure"),
    ],
)
def test_what_the_sources_do_not_say_is_refused_plainly(offline, question, says):
    answer = offline.answer(question, on=TODAY)
    assert not answer.answered and answer.sources == ()
    assert says in answer.text


def test_a_refusal_offers_what_is_close_and_whom_to_ask(offline):
    procurement = offline.answer("共同調達の1IDあたりの単価は？", on=TODAY)
    assert "資料にある近い内容: Udemy Businessの共同調達とは" in procurement.text
    assert "コーディネーター" in procurement.text
    subsidy = offline.answer("中小企業の賃金助成は2023年度はいくら？", on=TODAY)
    assert not subsidy.answered and "労働局またはハローワーク" in subsidy.text


def test_a_source_without_a_date_is_cited_as_date_unknown(offline):
    answer = offline.answer("北九州市のDXの取り組みは？", on=TODAY)
    assert answer.answered and answer.sources[0].as_of is None
    assert answer.as_json()["sources"][0]["as_of"] is None


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


def test_what_the_sources_do_not_say_is_refused_before_the_model_is_asked(with_model, fake_openai):
    answer = with_model.answer("共同調達の1IDあたりの単価は？", on=TODAY)
    assert not answer.answered and "金額・割合" in answer.text
    assert fake_openai.requests == []  # a model given passages without a price could only invent one


def test_model_saying_it_cannot_answer_is_a_refusal(with_model, fake_openai):
    fake_openai.queue(Behaviour(reply="NO_ANSWER"))
    answer = with_model.answer("共同調達のメリットは？", on=TODAY)
    assert not answer.answered and answer.sources == ()
