"""`/dx share`, the share modal, `/dx privacy` and `/dx digest` over signed HTTP; `dxbot members role`."""

from __future__ import annotations

import json

from sqlalchemy import select
from typer.testing import CliRunner

from db import repo
from db.digest import Week, digest_data
from db.models import Job, Share
from tests.helpers import eventually, only_tenant

IT_BASICS = "たった10時間で社会人に必要なIT基礎知識が全て身につく!"


def shares(services) -> list[Share]:
    with services.db.scope() as session:
        return list(session.scalars(select(Share).order_by(Share.id)))


def this_week(services):
    tz = services.settings.tz
    with services.db.scope() as session:
        return digest_data(session, Week.containing(services.now(), tz), tz, only_tenant(session))


def submit(slack, text: str, lang: str = "ja"):
    values = {"share_text": {"text": {"type": "plain_text_input", "value": text}}}
    return slack.form({"payload": json.dumps(slack.view_submission("share_modal", values, private_metadata=lang))})


def test_share_with_text_is_stored_and_confirmed(slack, fake_slack, services, municipality):
    slack.command("join 横須賀市")
    fake_slack.wait_for("response_url", 1)
    assert slack.command("share ITパスポートの講座は3章の図解がわかりやすかったです").status == 200
    confirmed = fake_slack.reply(2)
    assert confirmed["response_type"] == "ephemeral"
    assert "共有ありがとうございます" in confirmed["text"] and IT_BASICS in confirmed["text"]
    assert "お名前は載りません" in confirmed["text"]
    [share] = shares(services)
    assert (share.course_id, share.municipality_id) == ("kanagawa-it-basics-10h", municipality.id)
    # 横須賀市 has one member here: "a member of 横須賀市" would name them, so the tip is just "a member's".
    assert [(s.text, s.municipality, s.member_name) for s in this_week(services).shares] == [
        ("ITパスポートの講座は3章の図解がわかりやすかったです", None, None)
    ]


def test_share_before_joining_asks_to_join(slack, fake_slack, services):
    slack.command("share 毎朝15分だけ進めるのが続けるコツでした")
    text = fake_slack.reply_text()
    assert "共有ありがとうございます" in text and "/dx join" in text
    assert shares(services)[0].course_id is None


def test_share_without_text_opens_the_modal(slack, fake_slack):
    response = slack.command("share")
    assert (response.status, response.body) == (200, "")  # acked with nothing to show: the modal is the answer
    [opened] = fake_slack.wait_for("views.open")
    view = opened.args["view"]
    view = json.loads(view) if isinstance(view, str) else view
    assert opened.args["trigger_id"].startswith("trigger-") and view["callback_id"] == "share_modal"
    assert view["blocks"][0]["block_id"] == "share_text"


def test_modal_submission_is_stored_and_confirmed_in_the_modal(slack, fake_slack, services, municipality):
    response = submit(slack, "動画は1.5倍速で、メモを取りながら見ると続きます")
    assert response.status == 200
    answer = json.loads(response.body)
    assert answer["response_action"] == "update"
    assert "共有ありがとうございます" in json.dumps(answer["view"], ensure_ascii=False)
    assert [s.text for s in shares(services)] == ["動画は1.5倍速で、メモを取りながら見ると続きます"]
    assert fake_slack.of("chat.postMessage") == []  # no DM to fail


def test_empty_modal_submission_is_refused_in_the_form(slack, fake_slack, services):
    response = submit(slack, "   ")
    assert response.status == 200
    assert json.loads(response.body)["response_action"] == "errors"
    assert "share_text" in json.loads(response.body)["errors"]
    assert shares(services) == [] and fake_slack.of("chat.postMessage") == []


def display_name(services) -> str | None:
    with services.db.scope() as session:
        return repo.member(session, "T1", "U1").display_name


def test_privacy_names_on_and_off(slack, fake_slack, services, municipality):
    slack.command("join 横須賀市")
    slack.command("privacy")
    assert "いまは「載せない」" in fake_slack.reply_text(2)

    slack.command("privacy names on")  # keywords only: the reply stays Japanese
    assert "お名前を載せます" in fake_slack.reply_text(3)
    assert fake_slack.wait_for("users.info")[0].args["user"] == "U1"  # after the ack: the profile's real name
    eventually(lambda: display_name(services) == "Staff Member")
    slack.command("share 過去問は午後から解くと効率的でした")
    assert "Staff Member" in fake_slack.reply_text(4)
    assert this_week(services).shares[0].member_name == "Staff Member"

    slack.command("privacy names off")
    assert "載せない設定にしました" in fake_slack.reply_text(5)
    assert this_week(services).shares[0].member_name is None
    with services.db.scope() as session:
        forgotten = repo.member(session, "T1", "U1")
        assert forgotten.show_name is False and forgotten.display_name is None  # opting out forgets the name


def test_digest_preview_for_a_coordinator(slack, fake_slack, services, municipality):
    slack.command("join 横須賀市")
    with services.db.scope() as session:
        repo.set_role(session, repo.member(session, "T1", "U1"), "coordinator")
    slack.command("done ITパスポート")
    fake_slack.wait_for("response_url", 2)
    slack.command("digest")
    assert "集計しています" in fake_slack.reply_text(3)  # the ack; counting is slow work, done by a job
    preview = fake_slack.reply(4)
    text = fake_slack.reply_text(4)
    assert preview["response_type"] == "ephemeral" and preview["replace_original"] and len(preview["blocks"]) <= 50
    assert "今週の学び報告" in text and "プレビュー" in text and "神奈川県の今週" in text and "修了 *1件*" in text
    assert fake_slack.of("chat.postMessage") == []  # nothing is posted


def test_a_coordinator_who_joins_another_prefecture_previews_nothing_of_it(slack, fake_slack, services, municipality):
    """Their role was 横須賀市's: in 前橋市 they are a learner, and no preview of 群馬県 is queued."""
    with services.db.scope() as session:
        repo.add_municipality(session, "前橋市", prefecture="群馬県", code="102016")
    slack.command("join 横須賀市")
    with services.db.scope() as session:
        repo.set_role(session, repo.member(session, "T1", "U1"), "coordinator")
    slack.command("join 前橋市")
    assert "前橋市では受講者（learner）になりました" in fake_slack.reply_text(2)
    slack.command("digest")
    assert "コーディネーター向け" in fake_slack.reply_text(3) and "今週の学び報告" not in fake_slack.reply_text(3)
    with services.db.scope() as session:
        assert session.query(Job).count() == 0


def test_digest_preview_is_refused_kindly_to_a_learner(slack, fake_slack):
    slack.command("digest")
    text = fake_slack.reply_text()
    assert "コーディネーター向け" in text and "dxbot members role U1 coordinator" in text
    assert "今週の学び報告" not in text


def test_members_role_cli(services, database_url, monkeypatch, municipality):
    from bot import cli
    from bot.cli.support import UserError

    monkeypatch.setenv("DATABASE_URL", database_url)
    with services.db.scope() as session:
        repo.member(session, "T1", "U7")
    nowhere = CliRunner().invoke(cli.cli, ["members", "role", "U7", "coordinator"])
    assert isinstance(nowhere.exception, UserError) and "--municipality" in str(nowhere.exception)
    result = CliRunner().invoke(cli.cli, ["members", "role", "U7", "coordinator", "--municipality", "横須賀市"])
    assert result.exit_code == 0 and "U7 is now coordinator of 横須賀市" in result.output
    with services.db.scope() as session:
        assert repo.member(session, "T1", "U7").role == "coordinator"
    unknown = CliRunner().invoke(cli.cli, ["members", "role", "U404", "admin"])
    assert isinstance(unknown.exception, UserError) and "U404" in str(unknown.exception)
    bad_role = CliRunner().invoke(cli.cli, ["members", "role", "U7", "boss"])
    assert isinstance(bad_role.exception, UserError)
