"""Joining a municipality over signed HTTP, on its terms: open, by the Slack e-mail's domain (read with users.info
from the fake Web API), or by a coordinator's approval (DMs with buttons, decided once); roles that stay in their
municipality when their holder moves; a guest from another workspace joins none; `municipalities set --join`."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from db import access, membership, repo
from db.models import JoinRequest, Member
from tests.helpers import eventually, open_home, seat, text_of, view_of

DOMAIN = "city.yokosuka.kanagawa.jp"


def municipality_of(services, user: str, team: str = "T1") -> str | None:
    with services.db.scope(read_only=True) as session:
        found = repo.members_by_user(session, user, team)
        return found[0].municipality.name if found and found[0].municipality else None


def role_of(services, user: str) -> str:
    with services.db.scope(read_only=True) as session:
        return repo.members_by_user(session, user, "T1")[0].role


def set_join(services, database_url, monkeypatch, *args: str) -> str:
    from bot import cli

    monkeypatch.setenv("DATABASE_URL", database_url)
    result = CliRunner().invoke(cli.cli, ["municipalities", "set", "横須賀市", *args])
    assert result.exit_code == 0, result.output
    return result.output


def click(slack, action_id: str, value: str, user: str) -> None:
    assert slack.action(action_id, value, user=user).status == 200


def buttons_in(call) -> dict[str, str]:
    blocks = call.args["blocks"]
    blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
    return {e["action_id"]: e["value"] for b in blocks if b["type"] == "actions" for e in b["elements"]}


def test_an_open_municipality_takes_anyone_and_a_repeat_changes_nothing(slack, fake_slack, services, municipality):
    slack.command("join よこすか")
    assert "横須賀市の参加メンバーとして登録しました" in fake_slack.reply_text(1)
    slack.command("join 横須賀市")
    assert "すでに横須賀市のメンバー" in fake_slack.reply_text(2)
    with services.db.scope(read_only=True) as session:
        [entry] = access.audit_log(session, municipality.id)
    assert (entry.actor, entry.action, entry.details) == ("U1", "join", {"user": "U1", "how": "open", "moved": False})


def test_a_coordinator_who_moves_is_a_learner_in_the_new_municipality(slack, fake_slack, services, municipality):
    """The breach L was filed for: a 横須賀市 coordinator who joins 前橋市 must not manage 前橋市's members."""
    with services.db.scope() as session:
        maebashi = repo.add_municipality(session, "前橋市", prefecture="群馬県", code="102016")
        seat(session, services.now(), (("UC", municipality, "coordinator"), ("UG", maebashi, "learner")))
    slack.command("join 前橋市", user="UC")
    reply = fake_slack.reply_text(1)
    assert "前橋市の参加メンバーとして登録しました" in reply and "前橋市では受講者（learner）になりました" in reply
    assert (municipality_of(services, "UC"), role_of(services, "UC")) == ("前橋市", "learner")
    for text in ("admin members", "admin done <@UG|ug> ITパスポート", "export csv"):
        slack.command(text, user="UC")
    assert all("UG" not in fake_slack.reply_text(n) for n in (2, 3, 4))
    assert "コーディネーターと管理者向け" in fake_slack.reply_text(2)
    assert "コーディネーター" in fake_slack.reply_text(4) and not fake_slack.of("files.completeUploadExternal")
    with services.db.scope(read_only=True) as session:
        left = [(e.action, e.details) for e in access.audit_log(session, municipality.id) if e.actor == "UC"]
        there = [(e.action, e.details["how"]) for e in access.audit_log(session, maebashi.id) if e.actor == "UC"]
    assert left == [
        ("set_role", {"user": "UC", "from": "coordinator", "to": "learner", "because": "moved"}),
        ("leave", {"user": "UC", "because": "joined another municipality"}),
    ]
    assert there == [("join", "open")]


def test_a_slack_connect_guest_joins_no_municipality_of_this_workspace(slack, fake_slack, services, municipality):
    picked = {"type": "external_select", "action_id": "home_join", "block_id": "b", "action_ts": "1"}
    picked["selected_option"] = {"value": "横須賀市", "text": {"type": "plain_text", "text": "横須賀市"}}
    payload = slack.block_actions([picked], user="UGUEST")
    payload["user"]["team_id"] = "T0OTHERORG"  # their own workspace is another organisation's
    del payload["response_url"]
    assert slack.form({"payload": json.dumps(payload)}).status == 200
    [told] = fake_slack.wait_for("chat.postMessage")
    assert told.args["channel"] == "UGUEST" and "このワークスペースからは参加できません" in told.args["text"]
    assert municipality_of(services, "UGUEST", "T0OTHERORG") is None


def test_a_domain_municipality_takes_its_staff_only(
    slack, fake_slack, services, municipality, database_url, monkeypatch
):
    shown = set_join(
        services, database_url, monkeypatch, "--join", "domain", "--email-domain", "@City.Yokosuka.Kanagawa.jp"
    )
    assert f"members join with an e-mail at {DOMAIN}" in shown
    fake_slack.add_user(f"taro@{DOMAIN}", "UTARO")
    fake_slack.add_user(f"hanako@kikaku.{DOMAIN}", "UHANA")  # a department's subdomain
    fake_slack.add_user("someone@gmail.com", "UGMAIL")
    fake_slack.add_user(f"new@{DOMAIN}", "UNEW", confirmed=False)

    for user in ("UTARO", "UHANA", "UGMAIL", "UNEW"):
        slack.command("join 横須賀市", user=user)
    assert "メールアドレスを確認中" in fake_slack.reply_text(1)
    shown = [call.args["text"] for call in fake_slack.wait_for("response_url", 8)]
    outcomes = [text for text in shown if "確認中" not in text]  # each ack, then its job's outcome, interleaved
    assert sum("横須賀市の参加メンバーとして登録しました" in text for text in outcomes) == 2
    assert any(f"{DOMAIN} のメールアドレスの職員です" in text and "someone@gmail.com" in text for text in outcomes)
    assert any("確認済みのメールアドレスを受け取れませんでした" in text for text in outcomes)
    joined = {user: municipality_of(services, user) for user in ("UTARO", "UHANA", "UGMAIL", "UNEW")}
    assert joined == {"UTARO": "横須賀市", "UHANA": "横須賀市", "UGMAIL": None, "UNEW": None}
    with services.db.scope(read_only=True) as session:
        assert repo.members_by_user(session, "UTARO", "T1")[0].email == f"taro@{DOMAIN}"
        hows = {
            e.details["user"]: e.details["how"]
            for e in access.audit_log(session, municipality.id)
            if e.action == "join"
        }
    assert hows == {"UTARO": "domain", "UHANA": "domain"}


def test_a_domain_check_that_slack_cannot_answer_joins_nobody_and_says_so(
    slack, fake_slack, services, municipality, database_url, monkeypatch
):
    set_join(services, database_url, monkeypatch, "--join", "domain", "--email-domain", DOMAIN)
    fake_slack.add_user(f"taro@{DOMAIN}", "UTARO")
    fake_slack.fail_next("users.info", "user_not_found")
    slack.command("join 横須賀市", user="UTARO")
    told = fake_slack.wait_for("response_url", 2)[1].args["text"]
    assert "いまSlackからメールアドレスを確認できませんでした" in told
    assert municipality_of(services, "UTARO") is None


def test_an_approval_municipality_waits_for_its_coordinator(
    slack, fake_slack, services, municipality, database_url, monkeypatch
):
    with services.db.scope() as session:
        kamakura = repo.add_municipality(session, "鎌倉市", prefecture="神奈川県", code="142042")
        seat(session, services.now(), (("UC", municipality, "coordinator"), ("UKC", kamakura, "coordinator")))
    assert "on a coordinator's approval" in set_join(services, database_url, monkeypatch, "--join", "approval")

    slack.command("join 横須賀市", user="UNEW")
    assert "参加を申請しました" in fake_slack.reply_text(1)
    slack.command("join 横須賀市", user="UNEW")
    assert "申請済みで、承認を待っています" in fake_slack.reply_text(2)
    [asked] = fake_slack.wait_for("chat.postMessage")  # one DM, to 横須賀市's coordinator only
    assert asked.args["channel"] == "UC" and "<@UNEW> さんが横須賀市への参加を申請しています" in asked.args["text"]
    request_id = buttons_in(asked)["join_approve"]
    assert municipality_of(services, "UNEW") is None
    assert "横須賀市への参加を申請中です" in text_of(open_home(slack, fake_slack, "UNEW"))
    coordinator_home = open_home(slack, fake_slack, "UC")
    assert "参加申請（1件）" in text_of(coordinator_home) and "<@UNEW>" in text_of(coordinator_home)

    click(slack, "join_approve", request_id, user="UKC")  # 鎌倉市's coordinator: not theirs to decide
    assert "横須賀市のコーディネーターと管理者だけです" in fake_slack.reply_text(3)
    click(slack, "join_approve", request_id, user="UNEW")  # nor the member's own
    assert "だけです" in fake_slack.reply_text(4)
    assert municipality_of(services, "UNEW") is None

    click(slack, "join_approve", request_id, user="UC")
    decided = fake_slack.reply(5)
    assert decided["replace_original"] and "✅ <@UNEW> さんの横須賀市への参加を承認しました（<@UC>）" in decided["text"]
    eventually(lambda: any(c.args["channel"] == "UNEW" for c in fake_slack.of("chat.postMessage")))
    welcome = next(c for c in fake_slack.of("chat.postMessage") if c.args["channel"] == "UNEW")
    assert "横須賀市への参加が承認されました" in welcome.args["text"]
    assert municipality_of(services, "UNEW") == "横須賀市"
    click(slack, "join_deny", request_id, user="UC")  # a second click, or a second coordinator
    assert "すでに処理されています" in fake_slack.reply_text(6) and municipality_of(services, "UNEW") == "横須賀市"
    with services.db.scope(read_only=True) as session:
        entry = next(e for e in access.audit_log(session, municipality.id) if e.action == "join")
    assert (entry.actor, entry.details["how"]) == ("UC", "approved")


def test_a_denied_member_is_told_and_joins_nothing(
    slack, fake_slack, services, municipality, database_url, monkeypatch
):
    with services.db.scope() as session:
        seat(session, services.now(), (("UC", municipality, "coordinator"),))
    set_join(services, database_url, monkeypatch, "--join", "approval")
    slack.command("join 横須賀市", user="UNEW")
    request_id = buttons_in(fake_slack.wait_for("chat.postMessage")[0])["join_deny"]
    click(slack, "join_deny", request_id, user="UC")
    assert "承認されませんでした（<@UC>）" in fake_slack.reply_text(2)
    eventually(lambda: any(c.args["channel"] == "UNEW" for c in fake_slack.of("chat.postMessage")))
    assert municipality_of(services, "UNEW") is None
    with services.db.scope(read_only=True) as session:
        assert session.get(JoinRequest, int(request_id)).state == "denied"


def test_without_a_coordinator_the_prefectures_admins_approve_and_the_member_is_told_who(
    slack, fake_slack, services, municipality, database_url, monkeypatch
):
    with services.db.scope() as session:
        kamakura = repo.add_municipality(session, "鎌倉市", prefecture="神奈川県", code="142042")
        seat(session, services.now(), (("UA", kamakura, "admin"),))
    set_join(services, database_url, monkeypatch, "--join", "approval")
    slack.command("join 横須賀市", user="UNEW")
    [asked] = fake_slack.wait_for("chat.postMessage")
    assert asked.args["channel"] == "UA"
    click(slack, "join_approve", buttons_in(asked)["join_approve"], user="UA")
    eventually(lambda: municipality_of(services, "UNEW") == "横須賀市")


def test_a_request_elsewhere_withdraws_the_first(slack, fake_slack, services, municipality, database_url, monkeypatch):
    with services.db.scope() as session:
        repo.add_municipality(session, "鎌倉市", prefecture="神奈川県", code="142042")
    set_join(services, database_url, monkeypatch, "--join", "approval")
    slack.command("join 横須賀市", user="UNEW")
    assert "承認できるコーディネーターがいません" in fake_slack.reply_text(1)
    slack.command("join 鎌倉市", user="UNEW")
    with services.db.scope(read_only=True) as session:
        states = [r.state for r in session.query(JoinRequest).order_by(JoinRequest.id)]
    assert states == ["withdrawn"] and municipality_of(services, "UNEW") == "鎌倉市"


def test_municipalities_set_join_is_checked(services, database_url, monkeypatch, municipality):
    from bot import cli

    monkeypatch.setenv("DATABASE_URL", database_url)
    run = lambda *args: CliRunner().invoke(cli.cli, ["municipalities", "set", "横須賀市", *args])  # noqa: E731
    for args, problem in (
        (("--join", "maybe"), "--join must be one of open, domain, approval"),
        (("--join", "domain"), "--join domain needs --email-domain"),
        (("--email-domain", "not a domain"), "--email-domain must be a domain"),
    ):
        result = run(*args)
        assert result.exit_code != 0 and problem in str(result.exception), args
    assert run("--join", "domain", "--email-domain", f"{DOMAIN},city.yokosuka.lg.jp").exit_code == 0
    with services.db.scope(read_only=True) as session:
        place = repo.municipality_named(session, "横須賀市")
        assert (place.join_policy, place.email_domains) == ("domain", [DOMAIN, "city.yokosuka.lg.jp"])
        [entry] = [e for e in access.audit_log(session, place.id) if e.action == "join_policy"]
        assert entry.details == {"join": "domain", "email_domains": [DOMAIN, "city.yokosuka.lg.jp"], "was": "open"}


def test_addresses_and_domains():
    assert membership.address_in(f"a@{DOMAIN}", [DOMAIN]) and membership.address_in(f"a@x.{DOMAIN}.", [DOMAIN])
    assert not membership.address_in(f"a@evil{DOMAIN}", [DOMAIN])  # a suffix is not a subdomain
    assert not membership.address_in(f"a@{DOMAIN}.evil.example", [DOMAIN])
    assert not membership.address_in(None, [DOMAIN]) and not membership.address_in("a@b@" + DOMAIN, [DOMAIN])
    assert membership.normalise_domains([" @City.Yokosuka.Kanagawa.JP. ", DOMAIN]) == [DOMAIN]


def test_the_home_picker_joins_on_the_same_terms(slack, fake_slack, services, municipality, database_url, monkeypatch):
    set_join(services, database_url, monkeypatch, "--join", "approval")
    picked = {"type": "external_select", "action_id": "home_join", "block_id": "b", "action_ts": "1"}
    picked["selected_option"] = {"value": "横須賀市", "text": {"type": "plain_text", "text": "横須賀市"}}
    payload = slack.block_actions([picked], user="UNEW")
    del payload["response_url"]
    payload["container"] = {"type": "view", "view_id": "VHOME"}
    assert slack.form({"payload": json.dumps(payload)}).status == 200
    [told] = fake_slack.wait_for("chat.postMessage")
    assert told.args["channel"] == "UNEW" and "承認できるコーディネーターがいません" in told.args["text"]
    home = view_of(fake_slack.wait_for("views.publish")[0])
    assert "横須賀市への参加を申請中です" in text_of(home)
    with services.db.scope(read_only=True) as session:
        assert session.query(Member).filter_by(slack_user_id="UNEW").one().municipality_id is None


def test_a_member_has_one_pending_request_even_when_two_race(services, municipality):
    """The database holds the rule, for two requests arriving at once (each saw none pending before it wrote)."""
    import pytest
    from sqlalchemy.exc import IntegrityError

    with services.db.scope() as session:
        who = repo.member(session, "T1", "UNEW")
        first, created = membership.request_to_join(session, who, municipality, services.now())
        again, created_again = membership.request_to_join(session, who, municipality, services.now())
        assert created and not created_again and again.id == first.id
    with pytest.raises(IntegrityError), services.db.scope() as session:
        twin = JoinRequest(member_id=first.member_id, municipality_id=municipality.id, state="pending")
        session.add(twin)
        twin.requested_at = services.now()
        session.flush()


def test_after_a_move_the_old_municipality_keeps_the_records_not_the_person(slack, fake_slack, services, municipality):
    """横須賀市 keeps UM's completions there (its ledger), not UM's name or address once they belong elsewhere; and
    鎌倉市's coordinator can neither remove 横須賀市's records nor appoint UM as 横須賀市's."""
    with services.db.scope() as session:
        kamakura = repo.add_municipality(session, "鎌倉市", prefecture="神奈川県", code="142042")
        seat(session, services.now(), (("UC", municipality, "coordinator"), ("UM", municipality, "learner")))
        seat(session, services.now(), (("UKC", kamakura, "coordinator"), ("UA", kamakura, "admin")))
        who = repo.member(session, "T1", "UM")
        who.email, who.show_name, who.display_name = "um@city.kamakura.kanagawa.jp", True, "鎌倉 太郎"
        repo.record_completion(session, "T1", "UM", course_id=None, title="横須賀の庁内研修", hours=3.0,
                               completed_at=services.now())  # fmt: skip
    slack.command("join 鎌倉市", user="UM")
    slack.command("admin undo <@UM|um> 横須賀の庁内研修", user="UKC")
    assert "見つかりませんでした" in fake_slack.reply_text(2)
    slack.command("admin role <@UM|um> coordinator 横須賀市", user="UA")
    assert "<@UM> さんは鎌倉市のメンバーです（「横須賀市」ではありません）" in fake_slack.reply_text(3)

    from db import ledger

    with services.db.scope(read_only=True) as session:
        [row] = ledger.export_rows(session, municipality, services.settings.tz)
        assert (row.user_id, row.title, row.hours, row.name, row.email) == ("UM", "横須賀の庁内研修", 3.0, None, None)
        assert repo.members_by_user(session, "UM", "T1")[0].role == "learner"
