"""Two prefectures of 30 municipalities each, on one deployment: each digest, preview and figure keeps to its own
prefecture, and the shared post stays one screen."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from bot import digest as sender
from bot.app import web_client
from db import membership, prefectures, repo
from db.digest import MIN_NAMED_GROUP, MunicipalityWeek, Week, digest_data, top_movers
from handlers.digest_blocks import digest_messages

TOKYO = ZoneInfo("Asia/Tokyo")
W48 = Week.parse("2026-W48")
PLACES = 30
CHANNELS = {"神奈川県": "CKANAGAWA", "群馬県": "CGUNMA"}
CODES = {"神奈川県": 140000, "群馬県": 100000}  # not real codes: only their order matters here
MINDSET = "kanagawa-dx-mindset"


def jst(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=TOKYO)


def names(prefecture: str) -> list[str]:
    town = "町" if prefecture == "神奈川県" else "村"
    return [f"{prefecture[:2]}{n:02d}{town}" for n in range(PLACES)]


@pytest.fixture
def two_prefectures(services):
    """Municipality n of each prefecture has 1 + n % 7 members; this week every member of every third one finished
    a course (their first), last week half of the others from the sixth on did."""
    with services.db.scope() as session:
        for prefecture, channel in CHANNELS.items():
            for n, name in enumerate(names(prefecture)):
                place = repo.add_municipality(session, name, prefecture, f"{CODES[prefecture] + PLACES - n:06d}")
                if n == 0:
                    place.digest_channel_id = f"COWN{prefecture[:2]}"
                for m in range(1 + n % 7):
                    who = repo.member(session, "T1", f"U{prefecture[:1]}{n:02d}{m}")
                    membership.join(session, who, place, jst(1))
                    when = jst(24) if n % 3 == 0 else jst(17) if m % 2 == 0 and n >= 5 else None
                    if when is not None:
                        _done(session, services, who, when)
                    if n % 10 == 0 and m == 0:
                        repo.add_share(session, who, f"{name}の工夫です", None, jst(25))
            prefectures.prefecture_named(session, prefecture).shared_channel_id = channel
    return services


def _done(session, services, who, when) -> None:
    course = services.knowledge.courses[MINDSET]
    repo.record_completion(
        session, who.slack_team_id, who.slack_user_id, course_id=MINDSET, title=course.title, hours=1, completed_at=when
    )


def data_of(services, prefecture: str):
    with services.db.scope(read_only=True) as session:
        return digest_data(session, W48, TOKYO, prefectures.tenant_named(session, prefecture))


def other(prefecture: str) -> str:
    return next(p for p in CHANNELS if p != prefecture)


def test_each_shared_channel_gets_only_its_own(two_prefectures, fake_slack):
    results = sender.send_digest(two_prefectures, lambda *_: web_client(two_prefectures.settings), W48)
    assert {(r.prefecture, r.channel, r.state) for r in results} == {
        ("神奈川県", "CKANAGAWA", "posted"),
        ("神奈川県", "COWN神奈", "posted"),
        ("群馬県", "CGUNMA", "posted"),
        ("群馬県", "COWN群馬", "posted"),
    }
    posts = fake_slack.of("chat.postMessage")
    for prefecture, channel in CHANNELS.items():
        seen = "\n".join(
            json.dumps(p.args["blocks"], ensure_ascii=False) for p in posts if p.args["channel"] == channel
        )
        assert f"{prefecture}の今週" in seen and other(prefecture) not in seen
        assert all(name in seen for name in names(prefecture) if int(name[2:4]) % 7)  # the thread names them all
        assert not any(name in seen for name in names(other(prefecture)))
        thread = [p for p in posts if p.args["channel"] == channel and p.args.get("thread_ts")]
        lines = [line for p in thread for line in json.dumps(p.args["blocks"], ensure_ascii=False).split("\\n")]
        listed = [name for line in lines for name in names(prefecture) if line.startswith(f"• *{name}*")]
        assert listed == sorted(listed, key=lambda name: -int(name[2:4]))  # code order: the codes run backwards


def test_milestones_and_movers_are_per_prefecture(two_prefectures):
    for prefecture in CHANNELS:
        data = data_of(two_prefectures, prefecture)
        ids = {m.id for m in data.municipalities}
        assert {m.name for m in data.municipalities} == set(names(prefecture))
        assert data.milestones and {m.municipality_id for m in data.milestones} <= ids
        assert data.movers and {m.municipality_id for m in data.movers} <= ids
        assert {s.municipality_id for s in data.shares} <= ids and data.shares_total == 3
        first_timers = {m.municipality for m in data.milestones if m.kind == "first_completion"}
        assert first_timers == {name for n, name in enumerate(names(prefecture)) if n % 3 == 0}
        assert data.totals.members == sum(1 + n % 7 for n in range(PLACES))
        top = digest_messages(data, two_prefectures.knowledge)[0]
        assert f"はじめての修了 {len(first_timers)}自治体" in top.text


def test_movers_are_those_who_rose_most_for_their_size():
    def place(n: int, members: int, now: int, before: int) -> MunicipalityWeek:
        return MunicipalityWeek(
            n, f"自治体{n}", f"{n:06d}", None, completions=now, last_week_completions=before, members=members
        )

    city, town, village, falling, tiny = (
        place(1, 100, 30, 20),  # +10: 0.1 a member
        place(2, 4, 4, 1),  # +3: 0.75 a member
        place(3, 10, 5, 2),  # +3: 0.3 a member
        place(4, 10, 1, 8),  # a fall is never a "mover"
        place(5, MIN_NAMED_GROUP - 1, 2, 0),  # too few members to name a figure
    )
    assert [m.municipality for m in top_movers([city, town, village, falling, tiny])] == [
        "自治体2",
        "自治体3",
        "自治体1",
    ]


def test_a_coordinator_previews_only_their_own_prefecture(two_prefectures, slack, fake_slack):
    with two_prefectures.db.scope() as session:
        who = repo.member(session, "T1", "U1")
        membership.join(session, who, repo.municipality_named(session, names("群馬県")[3]), jst(1))
        repo.set_role(session, who, "coordinator")
    slack.command("digest")
    preview = fake_slack.reply_text(2)
    assert "群馬県の今週" in preview and "神奈川" not in preview
    assert not any(name in preview for name in names("神奈川県"))
    assert fake_slack.of("chat.postMessage") == []


@pytest.fixture
def dxbot_cli(database_url, monkeypatch):
    from bot import cli

    monkeypatch.setenv("DATABASE_URL", database_url)
    return cli


def test_cli_preview_of_one_prefecture_and_the_national_totals(two_prefectures, dxbot_cli):
    runner = CliRunner()
    one = runner.invoke(
        dxbot_cli.cli, ["digest", "preview", "--prefecture", "神奈川県", "--week", "2026-W48", "--json"]
    )
    assert one.exit_code == 0, one.output
    shown = json.loads(one.output)
    assert shown["prefecture"] == "神奈川県" and [m["name"] for m in shown["municipalities"]] == names("神奈川県")[::-1]

    national = runner.invoke(dxbot_cli.cli, ["digest", "preview", "--week", "2026-W48", "--json"])
    assert national.exit_code == 0, national.output
    totals = {p["prefecture"]: p["totals"] for p in json.loads(national.output)["prefectures"]}
    assert (
        set(totals) == set(CHANNELS)
        and totals["群馬県"]["completions"] == data_of(two_prefectures, "群馬県").totals.completions
    )
    text = runner.invoke(dxbot_cli.cli, ["digest", "preview", "--week", "2026-W48"]).output
    assert "神奈川県の今週" in text and "群馬県の今週" in text
    for output in (national.output, text):  # the national view is totals only
        assert not any(name in output for p in CHANNELS for name in names(p))

    unknown = runner.invoke(dxbot_cli.cli, ["digest", "preview", "--prefecture", "大阪府"])
    assert "no prefecture named 大阪府" in str(unknown.exception)  # main() prints it on one line, exit 2
