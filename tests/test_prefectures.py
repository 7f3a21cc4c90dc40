"""Prefectures as tenants, from the operator's side and the access side: `dxbot prefectures add|list|set`, the
municipalities' --prefecture, migration 0010 moving existing municipalities, and `/dx admin` of one prefecture
reaching none of another's members or channels."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from bot import cli
from bot.cli.support import UserError
from db import access, channels, migrate, prefectures, repo
from tests.helpers import open_home, seat, text_of

SHARED = "C0SHARED00"  # DXBOT_DIGEST_CHANNEL in these tests


@pytest.fixture
def run(services, database_url, monkeypatch):
    """`dxbot …` in this process on the suite's database: (output, the UserError raised or None)."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("DXBOT_DIGEST_CHANNEL", SHARED)

    def invoke(*args: str) -> tuple[str, UserError | None]:
        result = CliRunner().invoke(cli.cli, list(args))
        if result.exception is not None and not isinstance(result.exception, UserError):
            raise result.exception
        return result.output, result.exception

    return invoke


def listed(run) -> dict[str, dict]:
    output, error = run("prefectures", "list", "--json")
    assert error is None
    return {row["name"]: row for row in json.loads(output)["prefectures"]}


def test_add_list_and_set_prefectures(run, services, municipality):
    assert listed(run)["神奈川県"] == {
        "name": "神奈川県",
        "channel": SHARED,
        "channel_default": True,
        "team": None,
        "team_default": False,
        "licences": None,
        "digest_cron": "0 9 * * mon",
        "digest_cron_default": True,
        "municipalities": 1,
        "members": 0,
    }
    output, error = run(
        "prefectures", "add", "群馬県", "--channel", "C0GUNMA00", "--team", "T0GUNMA00", "--licences", "40",
        "--digest-cron", "0  10 * * tue",
    )  # fmt: skip
    assert error is None and "added 群馬県" in output
    gunma = listed(run)["群馬県"]
    assert (gunma["channel"], gunma["channel_default"], gunma["team"], gunma["licences"]) == (
        "C0GUNMA00",
        False,
        "T0GUNMA00",
        40,
    )
    assert (gunma["digest_cron"], gunma["digest_cron_default"], gunma["municipalities"]) == ("0 10 * * tue", False, 0)

    text_listing, _ = run("prefectures", "list")
    assert f"神奈川県\t{SHARED} (DXBOT_DIGEST_CHANNEL)\t" in text_listing
    assert "'0 9 * * mon' (DXBOT_DIGEST_CRON)" in text_listing and "1 municipality, 0 members" in text_listing

    output, error = run(
        "prefectures", "set", "群馬県", "--rename", "群馬", "--licences", "none", "--digest-cron", "none"
    )
    assert error is None and output.startswith("群馬: set --digest-cron, --licences, --rename")
    gunma = listed(run)["群馬"]
    assert (gunma["licences"], gunma["digest_cron"], gunma["digest_cron_default"]) == (None, "0 9 * * mon", True)

    output, _ = run("prefectures", "set", "群馬", "--channel", "none")  # neither has a channel of its own now
    assert "神奈川県 has no shared channel" in output and "群馬 has no shared channel" in output
    assert "no shared channel: `dxbot prefectures set 群馬 --channel C…`" in run("prefectures", "list")[0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("add", ""), "the prefecture name must be 1–100 characters"),
        (("add", "県" * 101), "the prefecture name must be 1–100 characters"),
        (("add", "神奈川県"), "神奈川県 is already a prefecture"),
        (("add", "群馬県", "--channel", "#gunma"), "--channel must be a channel ID like C0123456789"),
        (("add", "群馬県", "--team", "gunma"), "--team must be a workspace ID like T0123456789"),
        (("add", "群馬県", "--licences", "0"), "--licences must be a number more than 0"),
        (("add", "群馬県", "--licences", "2.5"), "--licences must be a whole number, not '2.5'"),
        (("add", "群馬県", "--digest-cron", "0 9 * * 8"), "--digest-cron='0 9 * * 8' is not a crontab line"),
        (("add", "群馬県", "--digest-cron", "9am"), "--digest-cron='9am' is not a crontab line"),
        (("add", "群馬県", "--channel", SHARED), f"{SHARED} is already 神奈川県's shared channel: pick another"),
        (("set", "どこか県", "--licences", "1"), "no prefecture named どこか県"),
        (("set", "神奈川県"), "nothing to set"),
        (("set", "神奈川県", "--rename", " "), "--rename must be 1–100 characters"),
    ],
)
def test_bad_prefecture_options_are_refused_in_one_line(run, municipality, args, message):
    _, error = run("prefectures", *args)
    assert error is not None and message in str(error) and "\n" not in str(error)
    assert [row["name"] for row in listed(run).values()] == ["神奈川県"]


def test_a_shared_channel_stays_within_one_prefecture(run, services, municipality):
    with services.db.scope() as session:
        repo.municipality_named(session, "横須賀市").digest_channel_id = "C0YOKOSUKA"
    assert run("prefectures", "add", "群馬県", "--channel", "C0GUNMA00")[1] is None
    assert run("prefectures", "add", "栃木県", "--channel", "C0TOCHIGI")[1] is None
    taken = run("prefectures", "set", "栃木県", "--channel", "C0GUNMA00")[1]
    assert "C0GUNMA00 is already 群馬県's shared channel" in str(taken)
    own = run("prefectures", "set", "栃木県", "--channel", "C0YOKOSUKA")[1]
    assert "C0YOKOSUKA is 横須賀市's own digest channel, in another prefecture" in str(own)
    assert run("prefectures", "set", "神奈川県", "--channel", "C0YOKOSUKA")[1] is None  # its own municipality's
    elsewhere = run("municipalities", "add", "前橋市", "--prefecture", "群馬県", "--channel", "C0YOKOSUKA")[1]
    assert "C0YOKOSUKA is already 神奈川県's shared channel: pick another channel" in str(elsewhere)
    assert run("municipalities", "add", "前橋市", "--prefecture", "群馬県", "--channel", "C0GUNMA00")[1] is None
    rename = run("prefectures", "set", "栃木県", "--rename", "群馬県")[1]
    assert "群馬県 is already a prefecture" in str(rename)
    channels = {name: row["channel"] for name, row in listed(run).items()}
    assert channels == {"神奈川県": "C0YOKOSUKA", "栃木県": "C0TOCHIGI", "群馬県": "C0GUNMA00"}


def test_municipalities_join_move_and_list_by_prefecture(run, services, municipality):
    output, error = run("municipalities", "add", "前橋市", "--prefecture", "群馬県", "--code", "102016")
    assert error is None and "added 前橋市 to 群馬県" in output
    assert "added the prefecture 群馬県: `dxbot prefectures set 群馬県 --channel C…`" in output
    assert "群馬県 has no shared channel" in output  # nor 神奈川県: DXBOT_DIGEST_CHANNEL serves only one of two
    ambiguous = run("municipalities", "add", "鎌倉市")[1]
    assert str(ambiguous) == "which prefecture? give --prefecture, one of 神奈川県, 群馬県"
    assert run("municipalities", "add", "鎌倉市", "--prefecture", "神奈川県", "--code", "142042")[1] is None

    rows = json.loads(run("municipalities", "list", "--prefecture", "神奈川県", "--json")[0])["municipalities"]
    assert [(row["prefecture"], row["name"]) for row in rows] == [("神奈川県", "横須賀市"), ("神奈川県", "鎌倉市")]
    assert "no prefecture named 栃木県" in str(run("municipalities", "list", "--prefecture", "栃木県")[1])

    output, error = run("municipalities", "set", "鎌倉市", "--prefecture", "群馬県")
    assert error is None and output.startswith("鎌倉市: in 群馬県, ")
    assert "no prefecture named 栃木県" in str(run("municipalities", "set", "鎌倉市", "--prefecture", "栃木県")[1])
    rows = json.loads(run("municipalities", "list", "--prefecture", "群馬県", "--json")[0])["municipalities"]
    assert [row["name"] for row in rows] == ["前橋市", "鎌倉市"]
    with services.db.scope() as session:
        [entry] = access.audit_log(session)
        assert (entry.actor, entry.action, entry.details["from"], entry.details["to"]) == (
            "cli",
            "move_municipality",
            "神奈川県",
            "群馬県",
        )
        assert prefectures.counts(session)[prefectures.prefecture_named(session, "群馬県").id] == (2, 0)


def test_a_municipality_sharing_its_own_channel_with_a_neighbour_stays_in_their_prefecture(run, municipality):
    """Two towns of 神奈川県 may share a channel; moving one to 群馬県 would post both prefectures' slices there."""
    for name, code in (("逗子市", "142085"), ("葉山町", "143014")):
        added = run(
            "municipalities", "add", name, "--prefecture", "神奈川県", "--code", code, "--channel", "C0SHONAN01"
        )
        assert added[1] is None, added
    run("prefectures", "add", "群馬県", "--channel", "C0GUNMA001")
    refused = run("municipalities", "set", "葉山町", "--prefecture", "群馬県")[1]
    assert str(refused) == "C0SHONAN01 is 逗子市's own digest channel, in another prefecture: pick another channel"
    rows = json.loads(run("municipalities", "list", "--prefecture", "神奈川県", "--json")[0])["municipalities"]
    assert "葉山町" in {row["name"] for row in rows}  # nothing moved


def _municipalities_before_0010(engine, *places: tuple[int, str, str | None]) -> None:
    migrate.upgrade(engine, "0009")
    with engine.begin() as connection:
        for place_id, name, prefecture in places:
            connection.execute(
                text("INSERT INTO municipalities (id, name, prefecture) VALUES (:id, :name, :prefecture)"),
                {"id": place_id, "name": name, "prefecture": prefecture},
            )
    migrate.upgrade(engine)


def _homes(engine) -> list[tuple[str, str]]:
    with engine.connect() as connection:
        query = (
            "SELECT m.name, p.name FROM municipalities m JOIN municipality_prefectures l ON l.municipality_id = m.id"
            " JOIN prefectures p ON p.id = l.prefecture_id ORDER BY m.id"
        )
        return [tuple(row) for row in connection.execute(text(query))]


def test_migration_0010_moves_municipalities_to_their_prefectures(fresh_engine):
    _municipalities_before_0010(
        fresh_engine, (1, "横須賀市", "神奈川県"), (2, "前橋市", "群馬県"), (3, "どこか町", None)
    )
    assert _homes(fresh_engine) == [("横須賀市", "神奈川県"), ("前橋市", "群馬県"), ("どこか町", "default")]
    migrate.downgrade(fresh_engine, "0009")
    with fresh_engine.connect() as connection:
        rows = connection.execute(text("SELECT name, prefecture FROM municipalities ORDER BY id")).all()
    assert [tuple(row) for row in rows] == [("横須賀市", "神奈川県"), ("前橋市", "群馬県"), ("どこか町", "default")]


def test_migration_0010_puts_unnamed_municipalities_in_the_only_prefecture(fresh_engine):
    _municipalities_before_0010(fresh_engine, (1, "横須賀市", "神奈川県"), (2, "鎌倉市", None))
    assert _homes(fresh_engine) == [("横須賀市", "神奈川県"), ("鎌倉市", "神奈川県")]


def two_prefectures(services) -> None:
    """神奈川県: 横須賀市 (admin UA), 鎌倉市 (coordinator UKC, learner UK); 群馬県: 前橋市 (coordinator UGC, learner
    UG). UKC configured channel C0KQ, UGC channel C0GQ."""
    with services.db.scope() as session:
        yokosuka = repo.municipality_named(session, "横須賀市")
        kamakura = repo.add_municipality(session, "鎌倉市", prefecture="神奈川県")
        maebashi = repo.add_municipality(session, "前橋市", prefecture="群馬県")
        seat(
            session,
            services.now(),
            (
                ("UA", yokosuka, "admin"),
                ("UKC", kamakura, "coordinator"),
                ("UK", kamakura, "learner"),
                ("UGC", maebashi, "coordinator"),
                ("UG", maebashi, "learner"),
            ),
        )
        for channel, place, by in (("C0KQ", kamakura, "UKC"), ("C0GQ", maebashi, "UGC")):
            channels.configure_channel(
                session, team_id="T1", channel_id=channel, municipality_id=place.id, by=by, at=services.now()
            )


def roles(services) -> dict[str, str]:
    with services.db.scope() as session:
        return {user: repo.member(session, "T1", user).role for user in ("UK", "UG", "UGC")}


def answer_all(services, channel: str) -> bool:
    with services.db.scope() as session:
        return channels.channel_config(session, channel).answer_all


def test_an_admin_gives_roles_within_their_own_prefecture_only(slack, fake_slack, services, municipality):
    two_prefectures(services)
    slack.command("admin role <@UG|ug> coordinator", user="UA")  # 前橋市, in 群馬県
    assert "<@UG> さんは神奈川県の自治体のメンバーではないため、操作できません" in fake_slack.reply_text(1)
    slack.command("admin role <@UGC> learner", user="UA")
    assert "神奈川県の自治体のメンバーではない" in fake_slack.reply_text(2)
    slack.command("admin role <@UK|uk> coordinator", user="UA")  # 鎌倉市, in 神奈川県
    assert "<@UK> さんの役割を「coordinator（コーディネーター）」にしました" in fake_slack.reply_text(3)
    assert roles(services) == {"UK": "coordinator", "UG": "learner", "UGC": "coordinator"}
    with services.db.scope() as session:
        [entry] = [e for e in access.audit_log(session) if e.action != "join"]  # seating them joined them
        assert (entry.actor, entry.details) == ("UA", {"user": "UK", "from": "learner", "to": "coordinator"})


def test_a_role_belongs_to_a_municipality_of_the_admins_own_prefecture(slack, fake_slack, services, municipality):
    two_prefectures(services)
    with services.db.scope() as session, pytest.raises(repo.NoMunicipality):  # no role outside a municipality
        repo.set_role(session, repo.member(session, "T1", "UNOWHERE"), "admin")
    slack.command("admin role <@UNEW> coordinator 前橋市", user="UA")  # 群馬県's
    assert "「前橋市」は神奈川県の参加自治体に見つかりませんでした" in fake_slack.reply_text(1)
    slack.command("admin role <@UNEW> coordinator 鎌倉市", user="UA")  # before they first use /dx
    assert "<@UNEW> さんの役割を「coordinator（コーディネーター）」にしました" in fake_slack.reply_text(2)
    with services.db.scope() as session:
        appointed = repo.member(session, "T1", "UNEW")
        assert (appointed.role, appointed.municipality.name) == ("coordinator", "鎌倉市")
    assert roles(services)["UG"] == "learner"


def test_an_admin_configures_their_own_prefectures_channels_only(slack, fake_slack, services, municipality):
    two_prefectures(services)
    slack.command("admin channel <#C0GQ|gunma-q> answer-all on", user="UA")
    assert "<#C0GQ> は別の自治体のチャンネルのため、変更できません" in fake_slack.reply_text(1)
    slack.command("admin channel <#C0KQ|kamakura-q> answer-all on", user="UA")
    assert "設定しました" in fake_slack.reply_text(2)
    assert (answer_all(services, "C0GQ"), answer_all(services, "C0KQ")) == (False, True)
    slack.command("admin channel <#C0KQ|kamakura-q> answer-all off", user="UGC")  # and 群馬県's not 神奈川県's
    assert "変更できません" in fake_slack.reply_text(3)
    assert answer_all(services, "C0KQ") is True


def test_the_home_shows_tips_of_the_members_own_prefecture_only(slack, fake_slack, services, municipality):
    two_prefectures(services)
    with services.db.scope() as session:
        repo.add_share(session, repo.member(session, "T1", "UK"), "鎌倉の朝活で続けています", None, services.now())
        repo.add_share(session, repo.member(session, "T1", "UG"), "前橋の昼休みに15分", None, services.now())
    kanagawa, gunma = text_of(open_home(slack, fake_slack, "UA")), text_of(open_home(slack, fake_slack, "UGC"))
    assert "鎌倉の朝活" in kanagawa and "前橋の昼休み" not in kanagawa
    assert "前橋の昼休み" in gunma and "鎌倉の朝活" not in gunma
