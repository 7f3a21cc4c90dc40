"""`/dx admin` over signed HTTP: roles, members, completions on a member's behalf and the audit log, each within
the coordinator's own municipality; `dxbot members set-role` and `dxbot members audit`."""

from __future__ import annotations

import json

from sqlalchemy import select
from typer.testing import CliRunner

from db import access, repo
from db.models import Completion, Member
from tests.helpers import seat

IT_BASICS = "たった10時間で社会人に必要なIT基礎知識が全て身につく!"


def people(services) -> None:
    """横須賀市: coordinator UC, learner UL; 鎌倉市: coordinator UKC, learner UK."""
    with services.db.scope() as session:
        yokosuka = repo.municipality_named(session, "横須賀市")
        kamakura = repo.add_municipality(session, "鎌倉市", prefecture="神奈川県", code="142042")
        seat(
            session,
            services.now(),
            (
                ("UC", yokosuka, "coordinator"),
                ("UL", yokosuka, "learner"),
                ("UKC", kamakura, "coordinator"),
                ("UK", kamakura, "learner"),
            ),
        )


def role_of(services, user: str) -> str:
    with services.db.scope() as session:
        return repo.member(session, "T1", user).role


def titles(services, user: str) -> list[tuple[str, str]]:
    with services.db.scope() as session:
        query = select(Completion.title_snapshot, Completion.source).join(Member).where(Member.slack_user_id == user)
        return [tuple(row) for row in session.execute(query)]


def audit_actions(services, skip: tuple[str, ...] = ("join",)) -> list[tuple[str, str, dict]]:
    """The audit log, oldest first, without the joins that seating the test's members wrote."""
    with services.db.scope() as session:
        return [(e.actor, e.action, e.details) for e in reversed(access.audit_log(session)) if e.action not in skip]


def test_a_learner_is_refused_politely(slack, fake_slack, services, municipality):
    people(services)
    for n, text in enumerate(("admin", "admin members", "admin role <@UL|ul> coordinator", "管理 audit"), start=1):
        slack.command(text, user="UL")
        assert "コーディネーターと管理者向け" in fake_slack.reply_text(n), text
    assert role_of(services, "UL") == "learner" and audit_actions(services) == []


def test_admin_alone_shows_the_admin_help(slack, fake_slack, services, municipality):
    people(services)
    slack.command("管理", user="UC")
    assert "/dx admin role @名前" in fake_slack.reply_text(1)
    slack.command("admin help en", user="UC")
    assert "/dx admin role @name" in fake_slack.reply_text(2)
    slack.command("admin promote", user="UC")
    assert "`/dx admin promote` という操作はありません" in fake_slack.reply_text(3)


def test_a_coordinator_gives_roles_in_their_own_municipality_only(slack, fake_slack, services, municipality):
    people(services)
    slack.command("admin role <@UL|ul> coordinator", user="UC")
    assert "<@UL> さんの役割を「coordinator（コーディネーター）」にしました" in fake_slack.reply_text(1)
    assert role_of(services, "UL") == "coordinator"

    slack.command("admin role <@UK|uk> coordinator", user="UC")  # 鎌倉市's member
    assert "横須賀市のメンバーとして登録されていません" in fake_slack.reply_text(2)
    slack.command("admin role <@UL> admin", user="UC")  # coordinators give no admin role
    assert "admin にするには管理者にご相談ください" in fake_slack.reply_text(3)
    slack.command("admin role @tanaka coordinator", user="UC")  # typed, not picked from Slack's list
    assert "@ で名前を選んで" in fake_slack.reply_text(4)
    slack.command("admin role <@UL> boss", user="UC")
    assert "learner|coordinator|admin" in fake_slack.reply_text(5)
    assert (role_of(services, "UK"), role_of(services, "UL")) == ("learner", "coordinator")
    assert audit_actions(services) == [("UC", "set_role", {"user": "UL", "from": "learner", "to": "coordinator"})]


def test_an_admin_gives_roles_in_their_prefecture_and_names_the_municipality_of_someone_new(
    slack, fake_slack, services, municipality
):
    people(services)
    with services.db.scope() as session:
        repo.set_role(session, repo.member(session, "T1", "UC"), "admin")
    slack.command("admin role <@UK|uk> coordinator", user="UC")
    assert "<@UK> さんの役割を" in fake_slack.reply_text(1)
    slack.command("admin role <@UNEW> admin", user="UC")  # someone who has not used /dx yet: which municipality?
    assert "どの自治体の役割かを添えてください" in fake_slack.reply_text(2)
    slack.command("admin role <@UNEW> admin どこか市", user="UC")
    assert "「どこか市」は神奈川県の参加自治体に見つかりませんでした" in fake_slack.reply_text(3)
    slack.command("admin role <@UNEW> admin 鎌倉市", user="UC")  # appointed before they first use /dx
    assert "<@UNEW> さんの役割を「admin（管理者）」にしました" in fake_slack.reply_text(4)
    assert (role_of(services, "UK"), role_of(services, "UNEW")) == ("coordinator", "admin")
    with services.db.scope() as session:
        assert repo.member(session, "T1", "UNEW").municipality.name == "鎌倉市"
    joined = [d for actor, action, d in audit_actions(services, skip=()) if action == "join" and actor == "UC"]
    assert joined == [{"user": "UNEW", "how": "appointed", "moved": False}]


def test_members_lists_the_own_municipality_only(slack, fake_slack, services, municipality):
    people(services)
    slack.command("done ITパスポート", user="UL")
    slack.command("admin members", user="UC")
    text = fake_slack.reply_text(2)
    assert "横須賀市のメンバー（2人）" in text and "<@UL>" in text and "1件完了" in text
    assert "UK" not in text


def test_records_on_behalf_are_kept_in_the_audit_log(slack, fake_slack, services, municipality):
    people(services)
    slack.command("admin done <@UL|ul> ITパスポート", user="UC")
    assert f"<@UL> さんの受講完了を記録しました: *{IT_BASICS}*" in fake_slack.reply_text(1)
    assert titles(services, "UL") == [(IT_BASICS, "coordinator")]
    slack.command("admin done <@UL> ITパスポート", user="UC")
    assert "記録済み" in fake_slack.reply_text(2)

    slack.command("admin done <@UK|uk> ITパスポート", user="UC")  # not theirs
    assert "横須賀市のメンバーとして登録されていません" in fake_slack.reply_text(3)
    slack.command("admin undo <@UK|uk> ITパスポート", user="UC")
    assert "横須賀市のメンバーとして登録されていません" in fake_slack.reply_text(4)
    slack.command("admin done <@UL>", user="UC")
    assert "/dx admin done @名前 講座名" in fake_slack.reply_text(5)
    assert titles(services, "UK") == []

    slack.command("admin undo <@UL> iパス", user="UC")
    assert f"<@UL> さんの記録を取り消しました: *{IT_BASICS}*" in fake_slack.reply_text(6)
    assert titles(services, "UL") == []
    slack.command("admin undo <@UL> iパス", user="UC")
    assert "見つかりませんでした" in fake_slack.reply_text(7)

    course = {"user": "UL", "course": IT_BASICS, "course_id": "kanagawa-it-basics-10h"}
    (recorded_by, recorded, what), undone = audit_actions(services)
    assert (recorded_by, recorded, what["hours"]) == ("UC", "record_on_behalf", 10.0) and course.items() <= what.items()
    assert undone == ("UC", "undo_on_behalf", course)
    slack.command("admin audit", user="UC")
    text = fake_slack.reply_text(8)
    assert "横須賀市の監査ログ" in text and "代理記録" in text and "代理取り消し" in text and "<@UL>" in text

    slack.command("admin audit", user="UKC")  # 鎌倉市's coordinator sees none of 横須賀市's entries
    theirs = fake_slack.reply_text(9)
    assert "鎌倉市の監査ログ" in theirs and "参加 <@UKC>" in theirs and "<@UL>" not in theirs and "代理" not in theirs


def test_cli_set_role_bootstraps_the_first_admin_and_is_audited(services, database_url, monkeypatch, municipality):
    from bot import cli
    from bot.cli.support import UserError

    monkeypatch.setenv("DATABASE_URL", database_url)
    unknown = CliRunner().invoke(cli.cli, ["members", "set-role", "UADMIN", "admin"])
    assert isinstance(unknown.exception, UserError) and "--team" in str(unknown.exception)
    nowhere = CliRunner().invoke(cli.cli, ["members", "set-role", "UADMIN", "admin", "--team", "T1"])
    assert isinstance(nowhere.exception, UserError) and "--municipality" in str(nowhere.exception)
    assert role_of(services, "UADMIN") == "learner"
    result = CliRunner().invoke(
        cli.cli, ["members", "set-role", "UADMIN", "admin", "--team", "T1", "--municipality", "横須賀市"]
    )
    assert result.exit_code == 0 and "UADMIN is now admin of 横須賀市" in result.output
    assert CliRunner().invoke(cli.cli, ["members", "role", "UADMIN", "coordinator"]).exit_code == 0  # the old name
    assert role_of(services, "UADMIN") == "coordinator"

    listed = CliRunner().invoke(cli.cli, ["members", "audit", "--json"])
    entries = json.loads(listed.output)["entries"]
    assert [(e["actor"], e["action"], e["details"].get("to") or e["details"]["how"]) for e in entries] == [
        ("cli", "set_role", "coordinator"),
        ("cli", "set_role", "admin"),
        ("cli", "join", "appointed"),
    ]
    theirs = CliRunner().invoke(cli.cli, ["members", "audit", "--municipality", "横須賀市"])
    assert theirs.exit_code == 0 and theirs.output.count("\tcli\t") == 3
    missing = CliRunner().invoke(cli.cli, ["members", "audit", "--municipality", "どこか市"])
    assert isinstance(missing.exception, UserError)


def test_a_person_or_channel_typed_by_hand_names_nobody(slack, fake_slack, services, municipality):
    """Slack sends a picked person as <@U…> but a typed one as &lt;@U…&gt;: typed ids could name anyone (another
    workspace's channel too), so only picked ones count."""
    people(services)
    slack.command("admin role &lt;@UL&gt; coordinator", user="UC")
    assert "@ で名前を選んで" in fake_slack.reply_text(1)
    slack.command("admin channel &lt;#CQ&gt; answer-all on", user="UC")
    assert "# で一覧から選んで" in fake_slack.reply_text(2)
    assert role_of(services, "UL") == "learner" and audit_actions(services) == []
