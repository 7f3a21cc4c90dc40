"""Questions over signed HTTP: mentions, DMs, `/dx ask`, the assistant surface, feedback and sharing."""

from __future__ import annotations

import json
import time

from sqlalchemy import select

from db.models import Question
from tests.fakes.openai import Behaviour
from tests.helpers import votes_by_user

IT_BASICS = "たった10時間で社会人に必要なIT基礎知識が全て身につく!"


def mention(text: str, ts: str = "1700000100.000100", **extra) -> dict:
    return {"type": "app_mention", "user": "U1", "text": f"<@UBOT> {text}", "ts": ts, "channel": "C1", **extra}


def questions(services) -> list[Question]:
    with services.db.scope() as session:
        return list(session.scalars(select(Question).order_by(Question.id)))


def test_mention_gets_exactly_one_threaded_answer_even_when_slack_retries(slack, fake_slack, services):
    assert slack.event(mention("ITパスポートの講座は？"), event_id="Ev-mention-1").status == 200
    assert slack.event(mention("ITパスポートの講座は？"), event_id="Ev-mention-1", retry_num=1).status == 200
    assert slack.event(mention("ITパスポートの講座は？"), event_id="Ev-mention-1", retry_num=2).status == 200
    update = fake_slack.wait_for("chat.update")[0].args
    time.sleep(0.5)  # room for a wrongly processed retry to show up
    placeholders = fake_slack.of("chat.postMessage")
    assert len(placeholders) == 1 and len(fake_slack.of("chat.update")) == 1
    assert placeholders[0].args["thread_ts"] == "1700000100.000100"
    assert placeholders[0].args["text"] == "調べています…"
    assert IT_BASICS in update["text"]
    blocks = json.loads(update["blocks"]) if isinstance(update["blocks"], str) else update["blocks"]
    assert any(b["type"] == "context" and "時点" in json.dumps(b, ensure_ascii=False) for b in blocks)
    assert {e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]} >= {
        "feedback_up",
        "feedback_down",
    }
    logged = questions(services)
    assert len(logged) == 1 and logged[0].surface == "mention" and logged[0].answered


def test_follow_up_in_a_thread_uses_its_history(model_slack, fake_slack, fake_openai):
    fake_slack.replies["1700000100.000100"] = [
        {"user": "U1", "text": "<@UBOT> 中小企業の経費助成率は？", "ts": "1700000100.000100"},
        {"bot_id": "BBOT", "text": "中小企業は75%です [1]", "ts": "1700000100.000200"},
        {"user": "U1", "text": "<@UBOT> 大企業は？", "ts": "1700000100.000300"},
    ]
    model_slack.event(mention("大企業は？", ts="1700000100.000300", thread_ts="1700000100.000100"))
    fake_slack.wait_for("chat.update")
    roles = [m["role"] for m in fake_openai.requests[0]["messages"]]
    assert roles == ["system", "user", "assistant", "user"]
    assert fake_slack.of("conversations.replies")[0].args["ts"] == "1700000100.000100"


def test_direct_message_is_answered(slack, fake_slack, services):
    slack.event(
        {
            "type": "message",
            "channel_type": "im",
            "user": "U1",
            "text": "共同調達のメリットは？",
            "ts": "1700000200.000100",
            "channel": "D1",
        }
    )
    update = fake_slack.wait_for("chat.update")[0].args
    assert "スケールメリット" in update["text"] or "底上げ" in update["text"]
    assert questions(services)[0].surface == "dm"


def test_bot_and_edited_messages_are_not_questions(slack, fake_slack):
    slack.event({"type": "message", "channel_type": "im", "bot_id": "BBOT", "text": "hi", "ts": "1.2", "channel": "D1"})
    slack.event({"type": "message", "channel_type": "im", "subtype": "message_changed", "ts": "1.3", "channel": "D1"})
    time.sleep(0.5)
    assert fake_slack.of("chat.postMessage") == []


def test_slash_ask_acks_at_once_while_the_model_takes_five_seconds(model_slack, fake_slack, fake_openai, services):
    fake_openai.queue(Behaviour(delay=5))
    started = time.monotonic()
    response = model_slack.command("ask ITパスポートの講座は？")
    assert response.status == 200 and time.monotonic() - started < 1.0
    assert fake_slack.wait_for("response_url", 1)[0].args["text"] == "調べています…"
    final = fake_slack.wait_for("response_url", 2, timeout=15)[1].args
    assert final["replace_original"] is True and final["response_type"] == "ephemeral"
    assert IT_BASICS in final["text"]
    actions = [e["action_id"] for b in final["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert "share_answer" in actions
    assert questions(services)[0].used_model


def test_each_person_has_one_vote_and_is_thanked_where_the_answer_is(slack, fake_slack, services):
    slack.command("ask 事業系の必修講座は？")
    final = fake_slack.wait_for("response_url", 2)[1].args
    question_id = next(
        e["value"]
        for b in final["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == "feedback_down"
    )
    slack.action("feedback_down", question_id)
    thanks = fake_slack.reply(3)
    assert "フィードバックありがとうございます" in thanks["text"] and thanks["replace_original"] is False
    slack.action("feedback_up", question_id, user="U2")  # someone else's vote leaves the asker's alone
    slack.action("feedback_up", question_id)  # the asker changes their mind: still one vote
    fake_slack.reply(5)
    assert votes_by_user(services, int(question_id)) == {"U1": 1, "U2": 1}
    assert not fake_slack.of("chat.postEphemeral")  # the response_url reaches DMs and private channels too


def test_share_in_channel_posts_the_answer_with_its_sources(slack, fake_slack, services):
    slack.command("ask 共同調達とは？ <!channel>")
    fake_slack.wait_for("response_url", 2)
    question_id = str(questions(services)[0].id)
    slack.action("share_answer", question_id)
    posted = fake_slack.wait_for("chat.postMessage")[0].args
    assert posted["channel"] == "C1" and "<@U1>" in posted["text"] and "共同調達とは？" in posted["text"]
    assert "<!channel>" not in json.dumps(posted, ensure_ascii=False)  # a member's text never pings everyone
    assert fake_slack.wait_for("response_url", 3)[2].args.get("delete_original") is True


def test_only_the_asker_shares_their_answer(slack, fake_slack, services):
    """The button is on the asker's own reply; a click naming another's question (any id) shares nothing."""
    slack.command("ask 共同調達とは？")
    fake_slack.wait_for("response_url", 2)
    question_id = str(questions(services)[0].id)
    slack.action("share_answer", question_id, user="U2")
    assert "質問した本人だけです" in fake_slack.reply_text(3)
    assert not fake_slack.of("chat.postMessage")


def test_question_mark_text_is_treated_as_a_question(slack, fake_slack):
    slack.command("助成率は？")
    final = fake_slack.wait_for("response_url", 2)[1].args
    assert "75%" in final["text"]


def test_slash_subsidy_answers_in_slack(slack, fake_slack):
    slack.command("subsidy 60時間 30万円 中小")
    reply = fake_slack.wait_for("response_url")[0].args
    assert "225,000" in reply["text"] and "60,000" in reply["text"] and "保証" in reply["text"]
    slack.command("subsidy 30万円")
    assert "訓練時間" in fake_slack.wait_for("response_url", 2)[1].args["text"]


def test_assistant_thread_offers_prompts_and_answers_with_status(slack, fake_slack, services):
    slack.event(
        {
            "type": "assistant_thread_started",
            "assistant_thread": {"user_id": "U1", "channel_id": "D9", "thread_ts": "1700000300.000100", "context": {}},
            "event_ts": "1700000300.000200",
        }
    )
    prompts = fake_slack.wait_for("assistant.threads.setSuggestedPrompts")[0].args
    assert "ITパスポートの講座は？" in json.dumps(prompts, ensure_ascii=False)
    slack.event(
        {
            "type": "message",
            "channel_type": "im",
            "user": "U1",
            "text": "iパスの講座は？",
            "ts": "1700000300.000300",
            "thread_ts": "1700000300.000100",
            "channel": "D9",
        }
    )
    answer = fake_slack.wait_for("chat.postMessage", 2)[1].args
    assert IT_BASICS in answer["text"]
    assert fake_slack.of("assistant.threads.setStatus") and fake_slack.of("assistant.threads.setTitle")
    assert questions(services)[0].surface == "assistant"


def test_home_tab_is_published(slack, fake_slack):
    slack.event({"type": "app_home_opened", "user": "U1", "tab": "home", "event_ts": "1.1"})
    view = fake_slack.wait_for("views.publish")[0].args
    assert "dxbot" in json.dumps(view, ensure_ascii=False)


def test_feedback_thanks_in_the_language_of_the_question(slack, fake_slack, services):
    slack.command("ask Which course should I take for IT Passport?")
    fake_slack.wait_for("response_url", 2)
    slack.action("feedback_up", str(questions(services)[0].id))
    assert "Thank you" in fake_slack.reply(3)["text"]


def test_an_answer_slack_refuses_as_blocks_replaces_the_placeholder_as_text(slack, fake_slack):
    fake_slack.fail_next("chat.update", "invalid_blocks")  # Slack refuses it: retrying the same cannot help
    slack.event(mention("ITパスポートの講座は？"))
    rich, plain = (call.args for call in fake_slack.wait_for("chat.update", 2))
    assert IT_BASICS in plain["text"] and plain["blocks"] == []
    assert plain["ts"] == rich["ts"]  # in place of the placeholder
    assert len(fake_slack.of("chat.postMessage")) == 1  # the placeholder only


def test_a_placeholder_slack_will_not_update_is_replaced_by_a_new_message(slack, fake_slack):
    fake_slack.fail_next("chat.update", "message_not_found", times=2)  # someone deleted 「調べています…」
    slack.event(mention("ITパスポートの講座は？"))
    placeholder, answer = (call.args for call in fake_slack.wait_for("chat.postMessage", 2))
    assert placeholder["text"] == "調べています…" and IT_BASICS in answer["text"]
    assert fake_slack.wait_for("chat.delete")[0].args["ts"] == fake_slack.of("chat.update")[0].args["ts"]


def test_a_question_that_cannot_be_stored_is_not_acknowledged_so_slack_delivers_it_again(tmp_path, fake_slack, caplog):
    from bot.services import build_services
    from tests.conftest import SIGNING_SECRET, make_settings, serving
    from tests.fakes.signed import SignedSlack

    broken = build_services(make_settings(f"sqlite:///{tmp_path / 'never-migrated.sqlite3'}", fake_slack))
    fake_slack.reset()
    with serving(broken) as url:
        unlucky = SignedSlack(url=url, signing_secret=SIGNING_SECRET, response_url=fake_slack.response_url())
        assert unlucky.event(mention("ITパスポートの講座は？")).status == 500
        done = unlucky.command("done ITパスポート")
    assert done.status == 200 and "申し訳ありません" in json.loads(done.body)["text"]
    assert fake_slack.of("chat.postMessage") == []
    assert not [r for r in caplog.records if r.exc_info], "an outage is one log line, not a traceback"
