"""Channel settings over signed HTTP: `/dx admin channel`, a channel that answers every question without a
mention (once, even when the message mentions dxbot too), and answers shown to the asker only."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from db import channels, membership, repo
from db.models import Job, Question
from tests.helpers import eventually

IT_BASICS = "たった10時間で社会人に必要なIT基礎知識が全て身につく!"


def coordinator(services, user: str = "UC", municipality: str = "横須賀市", role: str = "coordinator") -> None:
    with services.db.scope() as session:
        who = repo.member(session, "T1", user)
        membership.join(session, who, repo.municipality_named(session, municipality), services.now())
        repo.set_role(session, who, role)


def admin(services, user: str = "UA", municipality: str = "横須賀市") -> None:
    """An admin of the municipality's prefecture: a channel nobody owns yet is theirs to set up."""
    coordinator(services, user, municipality, role="admin")


def message(text: str, ts: str = "1700000200.000100", channel: str = "CQ", **extra) -> dict:
    base = {"type": "message", "channel": channel, "channel_type": "channel", "user": "U1", "text": text, "ts": ts}
    return base | extra


def settled(services) -> int:
    """Once every queued job has run: the number of questions answered."""

    def idle() -> bool:
        with services.db.scope(read_only=True) as session:
            return session.scalar(select(func.count()).select_from(Job)) == 0

    eventually(idle)
    with services.db.scope(read_only=True) as session:
        return session.scalar(select(func.count()).select_from(Question))


def blocks_of(args: dict) -> list[dict]:
    return json.loads(args["blocks"]) if isinstance(args["blocks"], str) else args["blocks"]


def test_an_admin_sets_up_a_channel_that_its_coordinators_then_configure(slack, fake_slack, services, municipality):
    coordinator(services)
    admin(services)
    slack.command("admin channel", user="UC", channel="CQ")
    assert "<#CQ>: メンションなしの質問に答えない、回答は全員に見えます" in fake_slack.reply_text(1)
    slack.command("admin channel answer-all on", user="UC", channel="CQ")  # nobody's channel yet: an admin's to set up
    assert "まだどの自治体のチャンネルでもありません" in fake_slack.reply_text(2)
    slack.command("admin channel answer-all on", user="UA", channel="CQ")
    assert "<#CQ>: メンションなしの質問に答える" in fake_slack.reply_text(3)
    slack.command("admin channel <#COTHER|dx-質問> ephemeral", user="UA", channel="CQ")
    assert "<#COTHER>: メンションなしの質問に答えない、回答は質問した人だけに見えます" in fake_slack.reply_text(4)
    slack.command("admin channel <#CQ|dx> ephemeral", user="UC")  # 横須賀市's channel now: its coordinator's too
    assert "<#CQ>: メンションなしの質問に答える、回答は質問した人だけに見えます" in fake_slack.reply_text(5)
    slack.command("admin channel #dx-質問 public", user="UC")  # typed, not picked from Slack's list
    assert "# で一覧から選んで" in fake_slack.reply_text(6)
    slack.command("admin channel answer-all maybe", user="UC")
    assert "answer-all on|off" in fake_slack.reply_text(7)
    slack.command("admin channel", user="UC", channel="CQ")
    shown = fake_slack.reply_text(8)
    assert "<#CQ>: メンションなしの質問に答える" in shown and "<#COTHER>" in shown
    with services.db.scope() as session:
        here, other = channels.channel_config(session, "CQ"), channels.channel_config(session, "COTHER")
        assert (here.answer_all, here.visibility, here.updated_by) == (True, "ephemeral", "UC")
        assert (other.answer_all, other.visibility) == (False, "ephemeral")
    slack.command("admin audit", user="UC")
    audit = fake_slack.reply_text(9)
    assert "チャンネル設定 <#CQ> answer-all on" in audit and "チャンネル設定 <#COTHER> ephemeral" in audit


def test_learners_and_other_municipalities_cannot_change_a_channel(slack, fake_slack, services, municipality):
    coordinator(services)
    with services.db.scope() as session:
        repo.add_municipality(session, "鎌倉市", code="142042")
    coordinator(services, "UKC", "鎌倉市")
    admin(services)
    slack.command("admin channel answer-all on", user="UA", channel="CQ")
    slack.command("admin channel ephemeral", user="U1", channel="CQ")
    assert "コーディネーターと管理者向け" in fake_slack.reply_text(2)
    slack.command("admin channel answer-all off", user="UKC", channel="CQ")
    assert "別の自治体のチャンネル" in fake_slack.reply_text(3)
    with services.db.scope() as session:
        found = channels.channel_config(session, "CQ")
        assert (found.answer_all, found.visibility) == (True, "public")


def test_an_answer_all_channel_answers_a_question_without_a_mention_once(slack, fake_slack, services, municipality):
    slack.event(message("ITパスポートの講座は？"))  # not configured: a mention is needed, as before
    assert settled(services) == 0
    admin(services)
    slack.command("admin channel answer-all on", user="UA", channel="CQ")
    slack.event(message("ITパスポートの講座は？"))
    update = fake_slack.wait_for("chat.update")[0].args
    assert IT_BASICS in update["text"]
    [placeholder] = fake_slack.of("chat.postMessage")
    assert (placeholder.args["channel"], placeholder.args["thread_ts"]) == ("CQ", "1700000200.000100")
    assert settled(services) == 1

    # A message that mentions dxbot arrives twice (app_mention and message): one answer.
    question = "<@UBOT> 事業系の必修講座は？"
    slack.event(message(question, ts="1700000300.000100"))
    slack.event({"type": "app_mention", "user": "U1", "text": question, "ts": "1700000300.000100", "channel": "CQ"})
    # Chatter, thread replies and bots are not questions for dxbot.
    slack.event(message("ありがとうございます！", ts="1700000400.000100"))
    slack.event(message("それは何時間ですか？", ts="1700000500.000100", thread_ts="1700000200.000100"))
    slack.event(message("次の研修はいつ？", ts="1700000600.000100", bot_id="BOTHER"))
    slack.event(message("研修はいつですか", ts="1700000700.000100", subtype="message_changed"))
    assert settled(services) == 2
    assert [c.args["thread_ts"] for c in fake_slack.of("chat.postMessage")] == [
        "1700000200.000100",
        "1700000300.000100",
    ]


def test_an_ephemeral_channel_answers_the_asker_only(slack, fake_slack, services, municipality):
    admin(services)
    slack.command("admin channel answer-all on", user="UA", channel="CQ")
    slack.command("admin channel ephemeral", user="UA", channel="CQ")
    slack.event(message("ITパスポートの講座は？"))
    [answer] = fake_slack.wait_for("chat.postEphemeral")
    assert (answer.args["channel"], answer.args["user"]) == ("CQ", "U1") and IT_BASICS in answer.args["text"]
    assert "thread_ts" not in answer.args  # beside the question, where the asker looks
    buttons = {e["action_id"] for b in blocks_of(answer.args) if b["type"] == "actions" for e in b["elements"]}
    assert {"feedback_up", "feedback_down", "escalate"} <= buttons
    # A mention in that channel is answered to the asker only, too.
    slack.event(
        {"type": "app_mention", "user": "U1", "text": "<@UBOT> 助成率は？", "ts": "1700000900.000100", "channel": "CQ"}
    )
    fake_slack.wait_for("chat.postEphemeral", 2)
    assert settled(services) == 2
    assert not fake_slack.of("chat.postMessage") and not fake_slack.of("chat.update")
