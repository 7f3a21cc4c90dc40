"""`/dx` over signed HTTP against the real app: join, done, undo, progress, help, bad input, signatures."""

from __future__ import annotations

import time

import pytest

from db import repo

IT_BASICS = "たった10時間で社会人に必要なIT基礎知識が全て身につく!"


def test_join_done_progress_flow(slack, fake_slack, municipality):
    assert slack.command("join 横須賀市").status == 200
    assert "横須賀市" in fake_slack.reply_text(1)

    assert slack.command("done ITパスポート").status == 200
    confirmed = fake_slack.reply_text(2)
    assert IT_BASICS in confirmed and "10時間" in confirmed

    slack.command("progress")
    progress = fake_slack.reply_text(3)
    assert IT_BASICS in progress and "横須賀市" in progress
    assert fake_slack.reply(3)["response_type"] == "ephemeral"


def test_done_twice_is_reported_kindly_and_not_duplicated(slack, fake_slack, municipality, services):
    slack.command("join 横須賀市")
    fake_slack.wait_for("response_url", 1)
    slack.command("done iパス")
    fake_slack.wait_for("response_url", 2)
    slack.command("done IT Passport")
    assert "already recorded" in fake_slack.reply_text(3)
    slack.command("done ITパスポート")
    assert "記録済み" in fake_slack.reply_text(4)

    with services.db.scope() as session:
        assert len(repo.completions(session, repo.member(session, "T1", "U1"))) == 1


def test_half_width_and_full_width_input_match(slack, fake_slack):
    slack.command("done ﾌﾟﾛｾｽ改革")
    assert "手を動かして学ぶプロセス改革!" in fake_slack.reply_text()


def test_ambiguous_text_offers_buttons_and_a_click_records(slack, fake_slack, services):
    slack.command("done DXの心がまえ")  # only a look-alike of 「DXの取り組み方と心構え」: confirm, do not guess
    reply = fake_slack.reply()
    assert "DXの取り組み方と心構え【自治体職員対象】" in fake_slack.reply_text() and "記録しました" not in reply["text"]
    actions = next(b for b in reply["blocks"] if b["type"] == "actions")
    pick = next(e for e in actions["elements"] if e["action_id"].startswith("done_pick:"))
    slack.action(pick["action_id"], pick["value"], block_id=actions["block_id"])
    assert "DXの取り組み方と心構え【自治体職員対象】" in fake_slack.reply(2)["text"]
    assert fake_slack.reply(2)["replace_original"] is True
    slack.command("progress")
    assert "DXの取り組み方と心構え【自治体職員対象】" in fake_slack.reply_text(3)


def test_a_course_picked_from_an_english_prompt_is_confirmed_in_english(slack, fake_slack):
    slack.command("done Mindset for DX")
    actions = next(b for b in fake_slack.reply()["blocks"] if b["type"] == "actions")
    pick = next(e for e in actions["elements"] if e["action_id"].startswith("done_pick:"))
    slack.action(pick["action_id"], pick["value"], block_id=actions["block_id"])
    assert "Recorded" in fake_slack.reply(2)["text"]


def test_unknown_course_can_be_recorded_as_written(slack, fake_slack, services):
    slack.command("done 自治体向けExcel入門")
    reply = fake_slack.reply()
    buttons = [e for b in reply["blocks"] if b["type"] == "actions" for e in b["elements"]]
    free = next(b for b in buttons if b["action_id"] == "done_free")
    assert free["value"] == "自治体向けExcel入門"
    assert slack.action("done_free", free["value"]).status == 200
    recorded = fake_slack.reply(2)
    assert "自治体向けExcel入門" in recorded["text"] and recorded["replace_original"] is True
    slack.command("progress")
    assert "自治体向けExcel入門" in fake_slack.reply_text(3)


def test_picking_a_course_button_records_it(slack, fake_slack):
    slack.action("done_pick:kanagawa-requirements", "kanagawa-requirements")
    assert "システムを作らせる技術(要求事項編)" in fake_slack.reply_text()


def test_undo_removes_the_record(slack, fake_slack):
    slack.command("done 基本情報")
    fake_slack.wait_for("response_url", 1)
    slack.command("undo 基本情報")
    assert "取り消しました" in fake_slack.reply_text(2)
    slack.command("undo")
    assert "見つかりませんでした" in fake_slack.reply_text(3)


def test_track_shows_required_course_progress(slack, fake_slack):
    slack.command("track business")
    fake_slack.wait_for("response_url", 1)
    slack.command("done ITパスポート")
    fake_slack.wait_for("response_url", 2)
    slack.command("progress")
    text = fake_slack.reply_text(3)
    assert f"✅ {IT_BASICS}" in text and "⬜ 手を動かして学ぶプロセス改革!" in text
    assert "基本情報技術者試験 最速合格講座" not in text  # the ICT track's course is not on this path


def test_join_accepts_a_short_form_and_lists_close_names_for_unknown_ones(slack, fake_slack, services, municipality):
    with services.db.scope() as session:
        repo.add_municipality(session, "横浜市", prefecture="神奈川県")
    slack.command("join 横須賀")  # one municipality contains it: that one
    assert "横須賀市の参加メンバーとして登録しました" in fake_slack.reply_text()
    slack.command("join 横")  # one character is too little to decide on
    assert "見つかりませんでした" in fake_slack.reply_text(2)
    slack.command("join 横須市")
    unknown = fake_slack.reply_text(3)
    assert "見つかりませんでした" in unknown and "近い名前: 横須賀市" in unknown


def test_undo_with_an_absurdly_long_name_removes_nothing(slack, fake_slack, services):
    slack.command("done 基本情報")
    fake_slack.wait_for("response_url", 1)
    slack.command("undo " + "あ" * 201)
    assert "取り消しました" not in fake_slack.reply_text(2)
    with services.db.scope() as session:
        assert len(repo.completions(session, repo.member(session, "T1", "U1"))) == 1


@pytest.mark.parametrize(
    "text",
    ["", "   ", "done", "done " + "あ" * 3000, "done \x00\x07ITパスポート\x1b", "frobnicate", "help"],
)
def test_bad_input_gets_a_usage_reply(slack, fake_slack, text):
    assert slack.command(text).status == 200
    reply = fake_slack.reply_text()
    assert "/dx done" in reply


def test_help_in_english_when_written_in_english(slack, fake_slack):
    slack.command("help en")
    assert "How to use dxbot" in fake_slack.reply_text()


def test_forged_and_stale_requests_are_rejected(slack, fake_slack):
    body = "command=%2Fdx&text=progress&team_id=T1&user_id=U1"
    forged = slack.headers(body, content_type="application/x-www-form-urlencoded")
    forged["X-Slack-Signature"] = "v0=" + "0" * 64
    assert slack.post(body, forged).status == 401
    assert slack.command("progress", timestamp=int(time.time()) - 6 * 60).status == 401
    time.sleep(0.2)
    assert fake_slack.of("response_url") == []


def test_health_check(app_url):
    import urllib.request

    with urllib.request.urlopen(app_url + "/healthz") as response:
        assert response.status == 200


def test_database_failure_gets_an_apology_and_the_server_keeps_serving(tmp_path, fake_slack, slack):
    from bot.services import build_services
    from tests.conftest import SIGNING_SECRET, make_settings, serving
    from tests.fakes.signed import SignedSlack

    broken = build_services(make_settings(f"sqlite:///{tmp_path / 'never-migrated.sqlite3'}", fake_slack))
    with serving(broken) as url:
        unlucky = SignedSlack(
            url=url, signing_secret=SIGNING_SECRET, response_url=fake_slack.response_url(), fake=fake_slack
        )
        assert unlucky.command("done ITパスポート").status == 200
        assert "申し訳ありません" in fake_slack.reply_text(1)
        assert unlucky.command("progress").status == 200
        assert "申し訳ありません" in fake_slack.reply_text(2)
    slack.command("done ITパスポート")  # the healthy app is unaffected
    assert "記録しました" in fake_slack.reply_text(3)


def test_slack_entities_in_command_text_are_read_as_characters(slack, fake_slack, services):
    slack.command("done Excel &amp; Access &lt;入門&gt;")  # how Slack sends `Excel & Access <入門>`
    free = next(
        e
        for b in fake_slack.reply()["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == "done_free"
    )
    assert free["value"] == "Excel & Access <入門>"


def test_joining_the_same_municipality_again_keeps_the_join_date(slack, fake_slack, services, municipality):
    slack.command("join 横須賀市")
    fake_slack.wait_for("response_url", 1)
    with services.db.scope() as session:
        first = repo.member(session, "T1", "U1").joined_at
    slack.command("join 横須賀市")
    fake_slack.wait_for("response_url", 2)
    with services.db.scope() as session:
        assert repo.member(session, "T1", "U1").joined_at == first  # not a "new member" again in the digest


def test_a_command_mentioning_the_word_payload_is_still_a_command(slack, fake_slack):
    """Bolt alone reads any form body containing "payload" as an (empty) button click; the edge parses it."""
    response = slack.command("done payload設計入門")
    assert response.status == 200
    assert "payload設計入門" in fake_slack.reply_text()
