"""Real Slack payload shapes (tests/fixtures/slack/, each with its source) replayed over signed HTTP against the
running app: every surface dxbot handles, and each way a real shape once went wrong (issue H)."""

from __future__ import annotations

import copy
import itertools
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from db import membership, repo
from db.models import Completion, Job, Member, Question
from handlers.digest_blocks import SHARE_ACTION, SHARE_BLOCK, SHARE_MODAL
from knowledge.answer import QUESTION_LIMIT
from tests.fakes.signed import Response, SignedSlack
from tests.helpers import eventually, votes_by_user

FIXTURES = Path(__file__).parent / "fixtures" / "slack"
IT_BASICS = "たった10時間で社会人に必要なIT基礎知識が全て身につく!"
IT_BASICS_ID = "kanagawa-it-basics-10h"
FE_ID = "kanagawa-fe-fastest"
FE_TITLE = "基本情報技術者試験 最速合格講座"
_event_ids = itertools.count(1)


def shape(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def replay(slack: SignedSlack, name: str, event: dict | None = None, **fields) -> Response:
    """Send fixture `name` as Slack would, with `fields` (and, for events, `event`'s keys) replaced, a fresh
    event id and the fake's response_url."""
    body = copy.deepcopy(shape(name)["body"]) | fields
    if "response_url" in body:
        body["response_url"] = slack.response_url
    if body.get("type") == "event_callback":
        body["event_id"] = fields.get("event_id", f"EvReplay{next(_event_ids):06d}")
        body["event"] |= event or {}
    if body.get("type") in ("event_callback", "url_verification"):
        raw = json.dumps(body, ensure_ascii=False)
        return slack.post(raw, slack.headers(raw))
    if "command" in body:
        response = slack.form(body)
        if response.status == 200 and response.body.startswith("{"):  # a reply in the ack, as the member sees it
            slack.fake.shown_in_ack(json.loads(response.body))
        return response
    if "ssl_check" in body:
        return slack.form(body)
    return slack.form({"payload": json.dumps(body, ensure_ascii=False)})


def click(slack: SignedSlack, name: str, action_id: str, value: str, **fields) -> Response:
    """A block_actions shape with one of dxbot's own buttons clicked."""
    action = {"type": "button", "action_id": action_id, "block_id": "b", "value": value, "action_ts": "1.2"}
    return replay(slack, name, actions=[action], **fields)


def submit_share(slack: SignedSlack, name: str, text: str) -> Response:
    """A view_submission shape as the `/dx share` form sends it."""
    view = copy.deepcopy(shape(name)["body"]["view"])
    view |= {"callback_id": SHARE_MODAL, "private_metadata": "ja"}
    view["state"] = {"values": {SHARE_BLOCK: {SHARE_ACTION: {"type": "plain_text_input", "value": text}}}}
    return replay(slack, name, view=view)


def settled(services) -> list[str]:
    """Once the job lanes have nothing left to do: the kinds of the jobs that failed (none, normally)."""
    with_state = lambda: services.db.run(  # noqa: E731
        lambda session: session.execute(select(Job.kind, Job.state)).all(), read_only=True
    )
    eventually(lambda: all(state == "failed" for _, state in with_state()))
    return [kind for kind, _ in with_state()]


def members(services) -> list[tuple[str, str, str | None]]:
    with services.db.scope(read_only=True) as session:
        found = session.scalars(select(Member).order_by(Member.id)).all()
        return [(m.slack_team_id, m.slack_user_id, m.municipality.name if m.municipality else None) for m in found]


def completions(services) -> list[tuple[str, str]]:
    with services.db.scope(read_only=True) as session:
        rows = session.execute(select(Member.slack_user_id, Completion.course_key).join(Completion.member))
        return sorted((user, key) for user, key in rows)


def logged(services) -> list[Question]:
    with services.db.scope(read_only=True) as session:
        return list(session.scalars(select(Question).order_by(Question.id)))


def posts(fake_slack) -> list[dict]:
    return [call.args for call in fake_slack.of("chat.postMessage")]


# --- every surface ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(p.stem for p in FIXTURES.glob("*.json")))
def test_every_real_shape_is_acknowledged_and_leaves_no_failed_work(name, slack, fake_slack, services):
    fixture = shape(name)
    assert fixture["source"], "each shape says where it comes from"
    body = fixture["body"]
    if body.get("type") == "block_actions":
        response = click(slack, name, f"done_pick:{IT_BASICS_ID}", IT_BASICS_ID)
    elif body.get("type") == "view_submission":
        response = submit_share(slack, name, "過去問は午後から解くと効率的でした")
    else:
        response = replay(slack, name)
    assert response.status == 200, response.body
    if body.get("type") == "url_verification":
        assert json.loads(response.body)["challenge"] == body["challenge"]
    assert settled(services) == []


# --- 1. one member per person -----------------------------------------------------------------------


def test_a_slack_connect_guest_is_one_member_whether_they_mention_or_click(slack, fake_slack, services):
    replay(slack, "app_mention_slack_connect")  # UEXT of TEXT, in our shared channel
    assert settled(services) == []
    click(slack, "block_actions_slack_connect", f"done_pick:{IT_BASICS_ID}", IT_BASICS_ID)  # team.id is ours
    assert settled(services) == []
    assert members(services) == [("TEXT", "UEXT", None)]
    assert [q.slack_team_id for q in logged(services)] == ["TEXT"]
    assert completions(services) == [("UEXT", IT_BASICS_ID)]


def test_a_grid_member_is_one_member_from_every_workspace_of_the_organisation(
    slack, fake_slack, services, municipality
):
    replay(slack, "slash_command_enterprise", text="join 横須賀市")  # from T1
    replay(slack, "slash_command_enterprise_workspace_install", team_id="T2", text="done ITパスポート")
    click(slack, "block_actions_enterprise", f"done_pick:{FE_ID}", FE_ID)
    replay(slack, "app_mention_enterprise")
    assert settled(services) == []
    replay(slack, "slash_command_enterprise", team_id="T2", text="progress")
    shown = fake_slack.reply_text(4)
    assert "横須賀市" in shown and IT_BASICS in shown and "基本情報技術者試験" in shown
    assert members(services) == [("E1", "W1", "横須賀市")]
    assert [q.slack_team_id for q in logged(services)] == ["E1"]


def test_a_grid_member_known_by_their_workspace_before_keeps_everything(slack, fake_slack, services, municipality):
    with services.db.scope() as session:  # how dxbot keyed a Grid member before it read the organisation
        earlier = repo.member(session, "T1", "W1")
        membership.join(session, earlier, municipality, services.now())
    with services.db.scope() as session:
        repo.record_completion(
            session, "T1", "W1", course_id=FE_ID, title=FE_TITLE, hours=None, completed_at=services.now()
        )
    replay(slack, "slash_command_enterprise", text="progress")
    assert "横須賀市" in fake_slack.reply_text(1) and "基本情報技術者試験" in fake_slack.reply_text(1)
    assert members(services) == [("E1", "W1", "横須賀市")]


def test_our_member_in_a_channel_another_organisation_hosts_stays_ours(slack, fake_slack, services):
    replay(slack, "app_mention_slack_connect_own_member")  # the envelope names the host's team and org
    assert settled(services) == []
    assert [(q.slack_team_id, q.slack_user_id) for q in logged(services)] == [("T1", "U1")]


def test_an_outside_grid_member_is_keyed_by_their_organisation(slack, fake_slack, services):
    replay(slack, "app_mention_slack_connect_grid_user")  # user_team is their organisation's id
    assert settled(services) == []
    assert [(q.slack_team_id, q.slack_user_id) for q in logged(services)] == [("EEXT", "WEXT")]


# --- 2, 5. only the conversations dxbot is asked in ---------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "message_channels",
        "message_groups",
        "message_mpim",
        "message_channels_slack_connect",
        "message_channels_bot_message",
        "message_im_bot",
        "message_im_edited",
        "message_im_slackbot",
        "app_mention_from_bot",
    ],
)
def test_messages_that_are_not_questions_to_dxbot_are_left_alone(name, slack, fake_slack, services):
    assert replay(slack, name).status == 200
    assert settled(services) == []
    assert posts(fake_slack) == [] and logged(services) == []


def test_a_mention_that_also_arrives_as_a_channel_message_is_answered_once(slack, fake_slack, services):
    replay(slack, "app_mention")
    replay(slack, "message_channels_with_mention")
    assert settled(services) == []
    assert [p["text"] for p in posts(fake_slack)] == ["調べています…"]
    assert len(logged(services)) == 1


# --- 6, 7, 8. what a message holds --------------------------------------------------------------------


@pytest.mark.parametrize("name", ["message_im_file_share", "message_im_file_share_check_file_info", "message_im"])
def test_a_direct_message_is_answered_with_or_without_a_file(name, slack, fake_slack, services):
    replay(slack, name)
    assert settled(services) == []
    assert IT_BASICS in fake_slack.wait_for("chat.update")[0].args["text"]
    assert [q.surface for q in logged(services)] == ["dm"]


@pytest.mark.parametrize("text", ["<@UBOT>", "<@U2> ", "\u200b\ufeff", "<@UBOT> \u200b"])
@pytest.mark.parametrize("name", ["message_im", "app_mention"])
def test_a_message_with_nothing_to_answer_gets_the_help_and_is_not_logged(name, text, slack, fake_slack, services):
    replay(slack, name, event={"text": text})
    assert settled(services) == []
    [help_post] = posts(fake_slack)
    assert "dxbot の使い方" in help_post["text"] and help_post["thread_ts"]
    assert logged(services) == []


QUESTION = "ITパスポートの講座はどれですか？"


def longest(extra: int = 0) -> str:
    return (QUESTION * QUESTION_LIMIT)[: QUESTION_LIMIT + extra]


def ask_on(slack, surface: str, text: str) -> None:
    match surface:
        case "command":
            replay(slack, "slash_command", text=f"ask {text}")
        case "dm":
            replay(slack, "message_im", event={"text": text})
        case "mention":
            replay(slack, "app_mention", event={"text": f"<@UBOT> {text}"})
        case "assistant":
            replay(slack, "message_im_assistant_thread", event={"text": text})


def seen_by_the_member(fake_slack) -> list[str]:
    return [c.args.get("text") or "" for c in fake_slack.calls if c.method in ("response_url", "chat.postMessage")]


@pytest.mark.parametrize("surface", ["command", "dm", "mention", "assistant"])
def test_one_question_limit_and_one_message_on_every_surface(surface, slack, fake_slack, services):
    ask_on(slack, surface, longest(extra=1))
    ask_on(slack, surface, longest(extra=2000))
    assert settled(services) == []
    refusals = seen_by_the_member(fake_slack)
    assert len(refusals) == 2 and all(f"{QUESTION_LIMIT}文字以内" in text for text in refusals)
    assert logged(services) == []
    ask_on(slack, surface, longest())  # exactly at the limit: answered
    assert settled(services) == []
    assert len(logged(services)) == 1


# --- 3, 9. buttons where dxbot is not a member; one vote per person -----------------------------------


def ask_in_a_dm(slack, fake_slack, services) -> str:
    """`/dx ask` in a DM between two people, where dxbot is no member: the id of the logged question."""
    replay(slack, "slash_command_in_dm", text="ask 共同調達とは？")
    assert settled(services) == []
    return str(logged(services)[0].id)


def test_feedback_in_a_dm_is_kept_and_thanked_one_vote_per_person(slack, fake_slack, services):
    question_id = ask_in_a_dm(slack, fake_slack, services)
    click(slack, "block_actions_ephemeral", "feedback_down", question_id)
    other = {"id": "U2", "username": "u2", "name": "u2", "team_id": "T1"}
    click(slack, "block_actions_ephemeral", "feedback_up", question_id, user=other)
    click(slack, "block_actions_ephemeral", "feedback_up", question_id)
    assert settled(services) == []
    thanks = [c.args for c in fake_slack.of("response_url")][2:]
    assert len(thanks) == 3 and all("フィードバックありがとうございます" in m["text"] for m in thanks)
    assert not any("少し時間をおいて" in text for text in seen_by_the_member(fake_slack))
    assert votes_by_user(services, int(question_id)) == {"U1": 1, "U2": 1}


def test_sharing_where_dxbot_is_not_a_member_posts_through_the_response_url(slack, fake_slack, services):
    question_id = ask_in_a_dm(slack, fake_slack, services)
    fake_slack.fail_next("chat.postMessage", "channel_not_found")
    click(slack, "block_actions_ephemeral", "share_answer", question_id)
    assert settled(services) == []
    shared, removed = (c.args for c in fake_slack.of("response_url")[2:])
    assert shared["response_type"] == "in_channel" and "共同調達とは？" in shared["text"]
    assert removed == {"delete_original": True}


def test_sharing_that_cannot_work_says_how_to_invite_dxbot_and_keeps_the_answer(slack, fake_slack, services):
    question_id = ask_in_a_dm(slack, fake_slack, services)
    fake_slack.fail_next("chat.postMessage", "not_in_channel")
    fake_slack.fail_next("response_url", "channel_not_found", status=404)
    click(slack, "block_actions_ephemeral", "share_answer", question_id)
    assert settled(services) == []
    told = fake_slack.of("response_url")[-1].args
    assert "/invite @dxbot" in told["text"] and told["replace_original"] is False
    assert "少し時間をおいて" not in told["text"]


# --- 10. the assistant thread's title ----------------------------------------------------------------


def test_an_assistant_thread_is_titled_by_its_first_question_only(slack, fake_slack, services):
    thread = shape("message_im_assistant_thread")["body"]["event"]["thread_ts"]
    replay(slack, "assistant_thread_started")
    replay(slack, "message_im_assistant_thread", event={"text": "ITパスポートの講座は？"})
    assert settled(services) == []
    fake_slack.replies[thread].append({"ts": "1726133700.887259", "user": "W1", "text": "ITパスポートの講座は？"})
    replay(slack, "message_im_assistant_thread", event={"text": "何時間かかりますか？", "ts": "1726133800.000001"})
    assert settled(services) == []
    assert [c.args["title"] for c in fake_slack.of("assistant.threads.setTitle")] == ["ITパスポートの講座は？"]
    assert len(logged(services)) == 2


# --- 12. degrade gracefully --------------------------------------------------------------------------


def test_opting_in_when_slack_will_not_give_the_name_keeps_the_command_name_and_says_so(slack, fake_slack, services):
    fake_slack.fail_next("users.info", "user_not_found")
    replay(slack, "slash_command", text="privacy names on")
    assert settled(services) == ["refresh_name"]  # given up at once: asking again cannot help
    note = fake_slack.reply(2)["text"]
    assert "読み取れなかった" in note and "「jane" not in note
    with services.db.scope(read_only=True) as session:
        who = session.scalars(select(Member)).one()
    assert who.show_name and who.display_name == shape("slash_command")["body"]["user_name"]
    assert who.display_name in note


def test_a_share_form_from_a_slack_connect_guest_is_confirmed_in_the_form(slack, fake_slack, services):
    response = submit_share(slack, "view_submission_slack_connect", "図解の多い講座が続けやすかったです")
    answer = json.loads(response.body)
    assert answer["response_action"] == "update"
    assert "共有ありがとうございます" in json.dumps(answer["view"], ensure_ascii=False)
    assert settled(services) == [] and posts(fake_slack) == []


# --- 13. invisible characters after the sub-command ----------------------------------------------------


@pytest.mark.parametrize("text", ["done\u200bITパスポート", "\ufeffdone ITパスポート", "done\u2060 ITパスポート"])
def test_invisible_characters_around_the_sub_command_are_ignored(text, slack, fake_slack, services):
    replay(slack, "slash_command", text=text)
    assert "記録しました" in fake_slack.reply_text(1)
    assert completions(services) == [("U1", IT_BASICS_ID)]
