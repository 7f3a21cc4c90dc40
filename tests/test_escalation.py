"""Escalation over signed HTTP: "ask the coordinator" under a channel answer tags the asker's municipality's
coordinators in the thread and marks the question 🆘, once; only they (or the asker) resolve it, once."""

from __future__ import annotations

import json

from sqlalchemy import select

from db import membership, repo
from db.escalations import open_escalations
from db.models import Escalation
from tests.helpers import eventually

QUESTION_TS = "1700000100.000100"


def members(services, *, with_coordinator: bool = True) -> int:
    """U1 asks (横須賀市); UC coordinates 横須賀市; UKC coordinates 鎌倉市. Returns 横須賀市's id."""
    with services.db.scope() as session:
        yokosuka = repo.municipality_named(session, "横須賀市")
        kamakura = repo.add_municipality(session, "鎌倉市", code="142042")
        people = [("U1", yokosuka, "learner"), ("UKC", kamakura, "coordinator")]
        if with_coordinator:
            people.append(("UC", yokosuka, "coordinator"))
        for user, place, role in people:
            who = repo.member(session, "T1", user)
            membership.join(session, who, place, services.now())
            repo.set_role(session, who, role)
        return yokosuka.id


def escalate_button(slack, fake_slack) -> dict:
    """The "ask the coordinator" button of U1's answered mention in C1."""
    event = {
        "type": "app_mention",
        "user": "U1",
        "text": "<@UBOT> ITパスポートの講座は？",
        "ts": QUESTION_TS,
        "channel": "C1",
    }
    slack.event(event)
    update = fake_slack.wait_for("chat.update")[0].args
    return next(
        e for b in blocks_of(update) if b["type"] == "actions" for e in b["elements"] if e["action_id"] == "escalate"
    )


def blocks_of(args: dict) -> list[dict]:
    return json.loads(args["blocks"]) if isinstance(args["blocks"], str) else args["blocks"]


def escalations(services) -> list[Escalation]:
    with services.db.scope() as session:
        return list(session.scalars(select(Escalation)))


def test_escalation_tags_the_coordinators_marks_sos_and_resolves_once(slack, fake_slack, services, municipality):
    yokosuka = members(services)
    button = escalate_button(slack, fake_slack)
    fake_slack.reset_calls()
    slack.action("escalate", button["value"])
    slack.action("escalate", button["value"])  # twice: one escalation
    # The first click is answered by the job that tags the coordinators, the second at once: either may arrive first.
    replies = fake_slack.reply_text(1) + fake_slack.reply_text(2)
    assert "コーディネーターにお知らせしました" in replies and "すでにコーディネーターにお知らせ済み" in replies
    [posted] = fake_slack.wait_for("chat.postMessage")
    assert posted.args["channel"] == "C1" and posted.args["thread_ts"] == QUESTION_TS
    assert "<@UC>" in posted.args["text"] and "<@U1>" in posted.args["text"] and "<@UKC>" not in posted.args["text"]
    [sos] = fake_slack.wait_for("reactions.add")
    assert (sos.args["name"], sos.args["timestamp"], sos.args["channel"]) == ("sos", QUESTION_TS, "C1")
    with services.db.scope() as session:
        [opened] = open_escalations(session, yokosuka)
        assert (opened.channel_id, opened.thread_ts, opened.state) == ("C1", QUESTION_TS, "open")

    blocks = blocks_of(posted.args)
    resolve = next(e for b in blocks if b["type"] == "actions" for e in b["elements"])
    assert resolve["action_id"] == "escalation_resolve"
    slack.action("escalation_resolve", resolve["value"], user="UKC")  # 鎌倉市's coordinator: a stranger here
    assert "この自治体のコーディネーターか質問したご本人だけ" in fake_slack.reply_text(3)
    assert escalations(services)[0].state == "open"

    slack.action("escalation_resolve", resolve["value"], user="UC")
    updated = fake_slack.wait_for("chat.update")[0].args
    assert updated["ts"] == "1.1" and "<@UC> さんが解決済みにしました" in updated["text"]
    assert not [b for b in blocks_of(updated) if b["type"] == "actions"]  # the button is gone
    fake_slack.wait_for("reactions.add", 2)
    assert [c.args["name"] for c in fake_slack.of("reactions.remove")] == ["sos"]
    assert fake_slack.of("reactions.add")[1].args["name"] == "white_check_mark"
    [closed] = escalations(services)
    assert (closed.state, closed.resolved_by) == ("resolved", "UC") and closed.resolved_at is not None

    slack.action("escalation_resolve", resolve["value"], user="U1")
    assert "すでに解決済み" in fake_slack.reply_text(4)
    assert len(fake_slack.of("chat.update")) == 1


def test_only_the_asker_escalates(slack, fake_slack, services, municipality):
    members(services)
    button = escalate_button(slack, fake_slack)
    slack.action("escalate", button["value"], user="UC")
    assert "質問したご本人だけ" in fake_slack.reply_text(1)
    assert escalations(services) == []


def test_without_a_coordinator_the_asker_is_told_whom_to_ask(slack, fake_slack, services, municipality):
    members(services, with_coordinator=False)
    button = escalate_button(slack, fake_slack)
    slack.action("escalate", button["value"])
    posted = eventually(lambda: [c for c in fake_slack.of("chat.postMessage") if "🆘" in (c.args["text"] or "")])
    assert "横須賀市にはまだ dxbot のコーディネーターが登録されていません" in posted[0].args["text"]
    assert "DX推進の担当部署" in posted[0].args["text"]
    assert len(escalations(services)) == 1
    # The asker may close it themselves.
    resolve = next(e for b in blocks_of(posted[0].args) if b["type"] == "actions" for e in b["elements"])
    slack.action("escalation_resolve", resolve["value"], user="U1")
    eventually(lambda: escalations(services)[0].state == "resolved")


def test_answers_outside_channels_offer_no_escalation(slack, fake_slack, services):
    slack.command("ask ITパスポートの講座は？")
    final = fake_slack.wait_for("response_url", 2)[1].args
    buttons = {e["action_id"] for b in final["blocks"] if b["type"] == "actions" for e in b["elements"]}
    assert "escalate" not in buttons and "feedback_down" in buttons
