"""The App Home for a learner and a coordinator, the record-a-completion modal (course search, hours, date, on
behalf), and the buttons and shortcut that stand in for `/dx`, over signed HTTP with the fake Slack."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlalchemy import select

from db import access, membership, repo
from db.models import Completion, Escalation, Member
from tests.helpers import open_home, text_of, view_of

IT_BASICS = "kanagawa-it-basics-10h"
FE = "kanagawa-fe-fastest"


def action_ids(view: dict) -> dict[str, dict]:
    found = {}
    for block in view["blocks"]:
        for element in [*block.get("elements", []), block.get("accessory") or {}]:
            if "action_id" in element:
                found[element["action_id"]] = element
    return found


def add_member(services, user: str, municipality_name: str | None, role: str = "learner", track: str | None = None):
    with services.db.scope() as session:
        who = repo.member(session, "T1", user)
        if municipality_name:
            membership.join(session, who, repo.municipality_named(session, municipality_name), services.now())
        repo.set_role(session, who, role)
        if track:
            repo.set_track(session, who, track)


def record(services, user: str, course_id: str, title: str, hours: float | None = None, when: datetime | None = None):
    with services.db.scope() as session:
        repo.record_completion(
            session, "T1", user, course_id=course_id, title=title, hours=hours, completed_at=when or services.now()
        )


def completions_of(services, user: str) -> list[Completion]:
    with services.db.scope() as session:
        query = select(Completion).join(Member).where(Member.slack_user_id == user).order_by(Completion.id)
        return list(session.scalars(query))


def interaction(slack, payload: dict):
    response = slack.form({"payload": json.dumps(payload)})
    assert response.status == 200, response.body
    return json.loads(response.body) if response.body.startswith("{") else None


def on_home(slack, actions: list, user: str = "U1") -> dict:
    """A click on the App Home: no message under it, so no response_url."""
    payload = slack.block_actions(actions, user)
    del payload["response_url"], payload["channel"]
    payload["container"] = {"type": "view", "view_id": "VHOME"}
    return payload


def submit(
    slack, *, course: str | None, hours: str | None = None, day: str | None, behalf: str | None = None, user="U1"
):
    values = {
        "record_course": {"record_course_search": {"type": "external_select", "selected_option": None}},
        "record_hours": {"hours": {"type": "number_input", "value": hours}},
        "record_date": {"date": {"type": "datepicker", "selected_date": day}},
    }
    if course is not None:
        values["record_course"]["record_course_search"]["selected_option"] = {
            "value": course,
            "text": {"type": "plain_text", "text": course},
        }
    if behalf is not None:
        values["record_behalf"] = {"member": {"type": "users_select", "selected_user": behalf}}
    return interaction(slack, slack.view_submission("record_completion", values, user))


def today(services) -> str:
    return services.today().isoformat()


def test_learner_home_shows_the_path_hours_records_and_tips(slack, fake_slack, services, municipality):
    add_member(services, "U1", "横須賀市", track="business")
    record(services, "U1", IT_BASICS, "たった10時間で社会人に必要なIT基礎知識が全て身につく!", hours=10)
    with services.db.scope() as session:
        repo.add_share(session, repo.member(session, "T1", "U1"), "毎朝15分だけ進めると続きます", None, services.now())

    view = open_home(slack, fake_slack)
    text = text_of(view)
    assert view["type"] == "home" and len(view["blocks"]) <= 100
    assert "✅ たった10時間で社会人に必要なIT基礎知識が全て身につく!（必修）" in text
    assert "⬜ 手を動かして学ぶプロセス改革!（推奨）" in text
    assert "基本情報技術者試験" not in text  # the ICT track's course is not on this member's path
    assert "年度）の受講時間：*10時間*" in text
    assert "毎朝15分だけ進めると続きます" in text and "参加メンバー" in text  # 横須賀市 has one member: not named
    actions = action_ids(view)
    assert {"home_record", "home_share", "skill_check_open", "home_track"} <= set(actions)
    assert actions["home_track"]["initial_option"]["value"] == "business"
    assert "coordinator_export" not in actions and "home_digest_preview" not in actions


def test_coordinator_home_shows_their_own_municipality_only(slack, fake_slack, services, municipality):
    with services.db.scope() as session:
        repo.add_municipality(session, "葉山町", prefecture="神奈川県", code="143014")
        session.get(type(municipality), municipality.id).licences = 10
    add_member(services, "UC", "横須賀市", role="coordinator", track="ict")
    add_member(services, "U2", "横須賀市", track="business")
    add_member(services, "U3", "横須賀市", track="business")
    add_member(services, "U9", "葉山町", track="business")
    record(services, "U3", IT_BASICS, "IT基礎", hours=10)
    record(services, "U3", FE, "基本情報", when=services.now() - timedelta(days=60))
    with services.db.scope() as session:
        opened = services.now() - timedelta(days=2)
        for place, ts in ((municipality.id, "1700000000.000100"), (None, "1700000009.000900")):
            session.add(
                Escalation(team_id="T1", channel_id="CQ", thread_ts=ts, municipality_id=place, created_at=opened)
            )

    view = open_home(slack, fake_slack, user="UC")
    text = text_of(view)
    assert len(view["blocks"]) <= 100
    assert "横須賀市（コーディネーター向け）" in text
    assert "メンバー：*3人*" in text and "今月受講した人：*1人*" in text
    # Required: UC (ict) 0 of 1, U2 0 of 1, U3 1 of 1 (IT basics is the business track's): 1 of 3.
    assert "必修講座の修了率：*33%*（1/3）" in text
    assert "ライセンス：*1/10*" in text
    assert "<@U2>" in text and "<@UC>" in text and "<@U3>" not in text
    assert "U9" not in text  # 葉山町's member is never shown to 横須賀市's coordinator
    assert "https://slack.com/archives/CQ/p1700000000000100" in text and "2日前" in text
    assert "1700000009" not in text
    actions = action_ids(view)
    assert actions["coordinator_export"]["value"] == "csv" and "home_digest_preview" in actions


def test_many_members_not_started_are_capped(slack, fake_slack, services, municipality):
    add_member(services, "UC", "横須賀市", role="coordinator")
    for n in range(30):
        add_member(services, f"UL{n:02d}", "横須賀市")
    view = open_home(slack, fake_slack, user="UC")
    assert "ほか11件" in text_of(view) and len(view["blocks"]) <= 100  # 31 not started, 20 shown


def test_course_search_answers_options_over_signed_http(slack, services):
    modal = {"id": "V1", "type": "modal", "callback_id": "record_completion", "private_metadata": "ja"}
    payload = slack.block_suggestion("record_course_search", "ITパスポート", modal, block_id="record_course")
    options = interaction(slack, payload)["options"]
    assert options[0]["value"] == IT_BASICS
    assert options[-1]["value"] == "free:ITパスポート" and "のまま記録する" in options[-1]["text"]["text"]
    assert len(options) <= 100 and all(len(o["text"]["text"]) <= 75 for o in options)


def test_record_button_and_shortcut_open_the_modal(slack, fake_slack, services, municipality):
    add_member(services, "UC", "横須賀市", role="coordinator")
    interaction(slack, on_home(slack, [{"type": "button", "action_id": "home_record", "value": "record"}]))
    shortcut = {
        "type": "shortcut",
        "callback_id": "dx_record",
        "team": {"id": "T1", "domain": "dx"},
        "user": {"id": "UC", "username": "user-uc", "team_id": "T1"},
        "api_app_id": "A1",
        "trigger_id": "trigger-shortcut",
        "action_ts": "1.1",
    }
    interaction(slack, shortcut)
    learner, coordinator = (view_of(call) for call in fake_slack.wait_for("views.open", 2))
    assert learner["callback_id"] == coordinator["callback_id"] == "record_completion"
    blocks = {b["block_id"]: b for b in learner["blocks"]}
    assert blocks["record_date"]["element"]["initial_date"] == today(services)
    assert blocks["record_course"]["element"]["type"] == "external_select"
    assert "record_behalf" not in blocks  # only coordinators record on someone's behalf
    assert "record_behalf" in {b["block_id"] for b in coordinator["blocks"]}


def test_modal_submission_records_and_refreshes_the_home(slack, fake_slack, services, municipality):
    add_member(services, "U1", "横須賀市")
    answer = submit(slack, course=IT_BASICS, hours="2.5", day=today(services))
    assert answer["response_action"] == "update" and "記録しました" in text_of(answer["view"])
    [done] = completions_of(services, "U1")
    assert (done.course_id, done.hours, done.source) == (IT_BASICS, 2.5, "slash")
    home = view_of(fake_slack.wait_for("views.publish")[0])
    assert "年度）の受講時間：*2.5時間*" in text_of(home)

    earlier = (services.today() - timedelta(days=3)).isoformat()
    answer = submit(slack, course="free:自治体DX勉強会", day=earlier)
    free = completions_of(services, "U1")[1]
    assert (free.course_id, free.title_snapshot, free.hours) == (None, "自治体DX勉強会", None)
    assert free.completed_at.astimezone(services.settings.tz).date().isoformat() == earlier
    assert "記録しました" in text_of(answer["view"])


def test_bad_hours_and_date_come_back_as_view_errors(slack, services, municipality):
    tomorrow = (services.today() + timedelta(days=1)).isoformat()
    answer = submit(slack, course=IT_BASICS, hours="-1", day=tomorrow)
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {"record_hours", "record_date"}
    assert "未来の日付" in answer["errors"]["record_date"]
    answer = submit(slack, course="not-a-course", hours="abc", day="2026-13-40")
    assert set(answer["errors"]) == {"record_course", "record_hours", "record_date"}
    assert completions_of(services, "U1") == []


def test_a_coordinator_records_on_behalf_of_their_own_members_only(slack, fake_slack, services, municipality):
    with services.db.scope() as session:
        repo.add_municipality(session, "葉山町", prefecture="神奈川県", code="143014")
    add_member(services, "UC", "横須賀市", role="coordinator")
    add_member(services, "U2", "横須賀市")
    add_member(services, "U9", "葉山町")

    refused = submit(slack, course=IT_BASICS, day=today(services), behalf="U9", user="UC")
    assert refused["response_action"] == "errors" and "record_behalf" in refused["errors"]
    assert completions_of(services, "U9") == []

    answer = submit(slack, course=IT_BASICS, hours="3", day=today(services), behalf="U2", user="UC")
    assert answer["response_action"] == "update" and "<@U2>" in text_of(answer["view"])
    [done] = completions_of(services, "U2")
    assert (done.source, done.hours) == ("coordinator", 3.0)
    assert completions_of(services, "UC") == []
    with services.db.scope() as session:
        [entry] = [e for e in access.audit_log(session, municipality.id) if e.action != "join"]
        assert (entry.action, entry.actor, entry.member_id) == ("record_on_behalf", "UC", done.member_id)
        assert entry.details["course_id"] == IT_BASICS
    published = {call.args["user_id"] for call in fake_slack.wait_for("views.publish", 2)}
    assert published == {"UC", "U2"}  # both Homes show the new record


def test_a_learner_cannot_record_on_behalf(slack, services, municipality):
    add_member(services, "U1", "横須賀市")
    add_member(services, "U2", "横須賀市")
    answer = submit(slack, course=IT_BASICS, day=today(services), behalf="U2")
    assert answer["response_action"] == "errors" and "record_behalf" in answer["errors"]
    assert completions_of(services, "U2") == [] and completions_of(services, "U1") == []


def test_track_picker_sets_the_track_and_republishes(slack, fake_slack, services):
    picked = {
        "type": "static_select",
        "action_id": "home_track",
        "block_id": "b",
        "selected_option": {"value": "ict", "text": {"type": "plain_text", "text": "ICT"}},
        "action_ts": "1",
    }
    interaction(slack, on_home(slack, [picked]))
    home = view_of(fake_slack.wait_for("views.publish")[0])
    assert "⬜ 基本情報技術者試験 最速合格講座（必修）" in text_of(home)
    with services.db.scope() as session:
        assert repo.member(session, "T1", "U1").track == "ict"


def test_share_button_opens_the_share_modal(slack, fake_slack, services):
    interaction(slack, on_home(slack, [{"type": "button", "action_id": "home_share", "value": "share"}]))
    assert view_of(fake_slack.wait_for("views.open")[0])["callback_id"] == "share_modal"


def test_digest_preview_button_sends_the_preview_to_the_coordinator(slack, fake_slack, services, municipality):
    add_member(services, "UC", "横須賀市", role="coordinator")
    record(services, "UC", IT_BASICS, "IT基礎")
    clicked = {"type": "button", "action_id": "home_digest_preview", "value": "preview"}
    interaction(slack, on_home(slack, [clicked], user="U1"))  # a learner's click (a stale Home): nothing is sent
    interaction(slack, on_home(slack, [clicked], user="UC"))
    [dm] = fake_slack.wait_for("chat.postMessage")
    assert dm.args["channel"] == "UC"
    assert "プレビュー" in json.dumps(dm.args, ensure_ascii=False)
    assert len(fake_slack.of("chat.postMessage")) == 1


def test_a_member_joins_from_the_home(slack, fake_slack, services, municipality):
    view = open_home(slack, fake_slack)
    assert action_ids(view)["home_join"]["type"] == "external_select"
    payload = slack.block_suggestion("home_join", "よこすか", {"id": "VHOME", "type": "home"})
    assert interaction(slack, payload)["options"][0]["value"] == "横須賀市"
    picked = {"type": "external_select", "action_id": "home_join", "block_id": "b", "action_ts": "1"}
    picked["selected_option"] = {"value": "横須賀市", "text": {"type": "plain_text", "text": "横須賀市"}}
    interaction(slack, on_home(slack, [picked]))
    home = view_of(fake_slack.wait_for("views.publish", 2)[1])
    assert "所属: 横須賀市" in text_of(home) and "home_join" not in action_ids(home)


def test_a_record_is_removed_from_the_home(slack, fake_slack, services, municipality):
    add_member(services, "U1", "横須賀市")
    record(services, "U1", IT_BASICS, "IT基礎")
    undo = action_ids(open_home(slack, fake_slack))["home_undo"]
    assert undo["value"] == IT_BASICS and "confirm" in undo
    interaction(slack, on_home(slack, [{"type": "button", "action_id": "home_undo", "value": undo["value"]}]))
    home = view_of(fake_slack.wait_for("views.publish", 2)[1])
    assert completions_of(services, "U1") == [] and "home_undo" not in action_ids(home)


def test_reminder_buttons_turn_nudges_off_and_mark_leave_then_say_so_on_the_home(slack, fake_slack, services):
    """`/dx nudges off` and `/dx leave on` for surfaces without slash commands: each click saves and re-renders."""
    view = open_home(slack, fake_slack)
    assert action_ids(view)["home_nudges"]["value"] == "off" and action_ids(view)["home_leave"]["value"] == "on"
    fake_slack.reset_calls()
    interaction(slack, on_home(slack, [{"type": "button", "action_id": "home_nudges", "value": "off"}]))
    home = view_of(fake_slack.wait_for("views.publish")[0])
    assert "お知らせ: 受け取らない" in text_of(home) and action_ids(home)["home_nudges"]["value"] == "on"
    fake_slack.reset_calls()
    interaction(slack, on_home(slack, [{"type": "button", "action_id": "home_leave", "value": "on"}]))
    home = view_of(fake_slack.wait_for("views.publish")[0])
    assert "休職・休暇中のため送りません" in text_of(home) and action_ids(home)["home_leave"]["value"] == "off"
    with services.db.scope() as session:
        who = repo.member(session, "T1", "U1")
        assert (who.nudges, who.on_leave) == (False, True)
