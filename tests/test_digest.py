"""The weekly digest: exact figures for a seeded week, privacy, limits, sending exactly once, the CLI, the clock."""

from __future__ import annotations

import io
import json
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from sqlalchemy import insert, select
from typer.testing import CliRunner

from bot import digest as sender
from bot.app import web_client
from bot.settings import ConfigError
from db import membership, prefectures, repo
from db.digest import (
    TOP_MOVERS,
    CourseCount,
    DigestData,
    Milestone,
    MunicipalityWeek,
    QuestionStats,
    SharedTip,
    TopicCount,
    Totals,
    Week,
    claim_run,
    digest_data,
    finish_run,
    record_progress,
    run,
    top_movers,
)
from db.models import Completion, DigestRun, Member, Municipality, MunicipalityPrefecture, Prefecture, Question
from db.questions_report import UnansweredGroup
from handlers.blocks import SECTION_LIMIT
from handlers.digest_blocks import MAX_BLOCKS, TOP_SHARES, digest_messages, plain_text
from knowledge.messages import t
from tests.helpers import only_tenant

TOKYO = ZoneInfo("Asia/Tokyo")
W48 = Week.parse("2026-W48")  # Monday 2026-11-23 to Sunday 2026-11-29, Japan time
IT_BASICS = "kanagawa-it-basics-10h"  # the business track's required course (10 hours)
FE = "kanagawa-fe-fastest"  # the ICT track's required course
REFORM = "kanagawa-process-reform"
MINDSET = "kanagawa-dx-mindset"


def jst(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=TOKYO)


def top_posts(fake_slack) -> list:
    """The digest posts themselves, not their thread replies."""
    return [p for p in fake_slack.of("chat.postMessage") if not p.args.get("thread_ts")]


def blocks_of(call) -> list[dict]:
    blocks = call.args.get("blocks") or []
    return json.loads(blocks) if isinstance(blocks, str) else blocks


# --- a seeded week --------------------------------------------------------------------------------


def _member(session, user, place, *, track=None, joined=None, name=None, show=False) -> Member:
    who = repo.member(session, "T1", user)
    if place is not None:
        membership.join(session, who, place, joined or jst(1, 9))
    if track:
        repo.set_track(session, who, track)
    repo.set_show_name(session, who, show, name)
    return who


def _done(session, services, who, course_id, when, *, title=None, hours=None) -> None:
    course = services.knowledge.courses.get(course_id) if course_id else None
    repo.record_completion(
        session,
        who.slack_team_id,
        who.slack_user_id,
        course_id=course_id,
        title=course.title if course else title,
        hours=course.hours if course else hours,
        completed_at=when,
    )


@pytest.fixture
def seeded(services):
    """横須賀市 is busier than 鎌倉市 but comes after it in code order; 葉山町 had a quiet week."""
    with services.db.scope() as session:
        yokosuka = repo.add_municipality(session, "横須賀市", "神奈川県", "142018")
        kamakura = repo.add_municipality(session, "鎌倉市", "神奈川県", "142000")
        hayama = repo.add_municipality(session, "葉山町", "神奈川県", "143014")
        kamakura.digest_channel_id = "CKAMA"
        y1 = _member(session, "UY1", yokosuka, track="business", joined=jst(24, 9), name="山田", show=True)
        y2 = _member(session, "UY2", yokosuka, track="business", name="佐藤", show=False)
        _member(session, "UY3", yokosuka, track="ict")
        k1 = _member(session, "UK1", kamakura, track="ict")
        k2 = _member(session, "UK2", kamakura, joined=jst(23, 9))
        h1 = _member(session, "UH1", hayama)
        outsider = _member(session, "UX1", None)

        _done(session, services, y1, IT_BASICS, jst(29, 23, 30))  # Sunday 23:30 JST: still week 48
        _done(session, services, y1, REFORM, jst(24, 10))
        _done(session, services, y2, IT_BASICS, jst(23, 0, 10))  # Monday 00:10 JST: the first minutes of 48
        _done(session, services, y2, MINDSET, jst(18, 12))  # week 47
        _done(session, services, y2, None, jst(30, 0, 10), title="自治体向けExcel入門", hours=3)  # Monday: week 49
        _done(session, services, k1, FE, jst(25, 15))
        _done(session, services, k2, None, jst(26, 15), title="自治体向けExcel入門", hours=2.5)
        _done(session, services, h1, MINDSET, jst(10, 12))  # week 46

        repo.add_share(session, y1, "3章の図解がわかりやすかったです", IT_BASICS, jst(25, 12))
        repo.add_share(session, y2, "朝の15分が続けるコツでした", None, jst(26, 12))
        repo.add_share(session, outsider, "動画は1.5倍速で", None, jst(27, 12))
        repo.add_share(session, y1, "先週の話", None, jst(20, 12))

        topic = next(iter(services.knowledge.entries))
        for text, answered, when, about in [
            ("助成率は？", True, jst(24, 9), topic),
            ("助成率の上限は？", False, jst(25, 9), topic),
            ("天気は？", False, jst(26, 9), None),
            ("先週の質問", False, jst(17, 9), topic),
        ]:
            session.add(
                Question(
                    surface="command",
                    text=text,
                    answered=answered,
                    source_ids=[],
                    topic=about,
                    asked_at=when,
                    municipality_id=yokosuka.id,
                )
            )
    return {"topic": services.knowledge.entries[topic].title}


def data_for(services, week: Week = W48) -> DigestData:
    with services.db.scope() as session:
        return digest_data(session, week, TOKYO, only_tenant(session))


def by_name(data: DigestData) -> dict[str, MunicipalityWeek]:
    return {m.name: m for m in data.municipalities}


def test_week_figures_are_exact(services, seeded):
    data = data_for(services)
    assert (data.week, data.first_day.isoformat(), data.last_day.isoformat()) == (
        "2026-W48",
        "2026-11-23",
        "2026-11-29",
    )
    yokosuka, kamakura, hayama = (by_name(data)[n] for n in ("横須賀市", "鎌倉市", "葉山町"))

    assert (yokosuka.completions, yokosuka.hours, yokosuka.learners, yokosuka.new_members) == (3, 20.0, 2, 1)
    assert (yokosuka.members, yokosuka.on_path, yokosuka.path_done) == (3, 3, 2)
    assert yokosuka.path_progress == pytest.approx(2 / 3)
    assert yokosuka.last_week_completions == 1
    assert [(c.title, c.completions) for c in yokosuka.top_courses] == [
        ("たった10時間で社会人に必要なIT基礎知識が全て身につく!", 2),
        ("手を動かして学ぶプロセス改革!", 1),
    ]

    assert (kamakura.completions, kamakura.hours, kamakura.learners, kamakura.new_members) == (2, 2.5, 2, 1)
    assert (kamakura.on_path, kamakura.path_done, kamakura.path_progress, kamakura.last_week_completions) == (
        1,
        1,
        1,
        0,
    )
    assert (hayama.completions, hayama.active, hayama.path_progress) == (0, False, None)

    assert data.totals == Totals(
        completions=5,
        hours=22.5,
        learners=4,
        new_members=2,
        last_week_completions=1,
        active_municipalities=2,
        municipalities=3,
        top_courses=(
            CourseCount("たった10時間で社会人に必要なIT基礎知識が全て身につく!", 2),
            CourseCount("基本情報技術者試験 最速合格講座", 1),
            CourseCount("手を動かして学ぶプロセス改革!", 1),
        ),
        last_week_learners=1,
        members=6,
    )


def test_milestones_count_without_naming(services, seeded):
    milestones = set(data_for(services).milestones)
    ids = {m.municipality: m.municipality_id for m in milestones}
    assert milestones == {
        Milestone("first_completion", ids["鎌倉市"], "鎌倉市", 2),
        Milestone("path_finished", ids["鎌倉市"], "鎌倉市", 1),
        Milestone("path_finished", ids["横須賀市"], "横須賀市", 2),  # both finished the required course this week
    }


def test_cumulative_milestone_when_crossing_ten(services, municipality):
    with services.db.scope() as session:
        place = session.get(Municipality, municipality.id)
        for n in range(12):
            who = _member(session, f"U{n}", place)
            _done(session, services, who, MINDSET, jst(16 if n < 8 else 24, 9))  # 8 before, 4 during week 48
    found = {(m.kind, m.value) for m in data_for(services).milestones}
    assert ("cumulative", 10) in found and not any(kind == "first_completion" for kind, _ in found)


def test_week_bounds_are_in_japan_time(services, seeded):
    next_week = by_name(data_for(services, W48.shift(1)))["横須賀市"]
    assert (next_week.completions, next_week.last_week_completions) == (1, 3)
    start, end = W48.bounds(TOKYO)
    assert (start, end) == (datetime(2026, 11, 22, 15, tzinfo=UTC), datetime(2026, 11, 29, 15, tzinfo=UTC))
    assert Week.containing(jst(29, 23, 59), TOKYO) == W48 and Week.containing(jst(30, 0, 0), TOKYO) == W48.shift(1)


@pytest.mark.parametrize("text", ["2026-W60", "2026-48", "abc", "2026-W00", "2025-W53", ""])
def test_impossible_weeks_are_refused(text):
    with pytest.raises(ValueError):
        Week.parse(text)


def test_week_labels_follow_iso_years():
    assert Week.parse("2020-w53").label == "2020-W53"
    assert Week.containing(datetime(2027, 1, 1, 12, tzinfo=TOKYO), TOKYO).label == "2026-W53"


def test_names_only_for_members_who_opted_in(services, seeded):
    data = data_for(services)
    # A tip from someone who joined no municipality belongs to no prefecture: no prefecture's digest shows it.
    assert [(s.text, s.municipality, s.member_name) for s in data.shares] == [
        ("3章の図解がわかりやすかったです", "横須賀市", "山田"),
        ("朝の15分が続けるコツでした", "横須賀市", None),
    ]
    text = plain_text(data, services.knowledge)
    messages = digest_messages(data, services.knowledge)
    rendered = json.dumps([b.to_dict() for m in messages for b in m.blocks], ensure_ascii=False)
    for output in (text, rendered):
        assert "山田さん" in output and "佐藤" not in output
        assert "横須賀市のメンバー" in output
    assert "（たった10時間で社会人に必要なIT基礎知識が全て身につく!）" in text


def test_quiet_municipalities_are_listed_not_ranked(services, seeded):
    text = plain_text(data_for(services), services.knowledge)
    lines = text.splitlines()
    kamakura = next(i for i, line in enumerate(lines) if line.startswith("• *鎌倉市*"))
    yokosuka = next(i for i, line in enumerate(lines) if line.startswith("• *横須賀市*"))
    assert kamakura < yokosuka  # code order, not by how much was done
    assert "修了3件（先週比 +2）・20時間・2人が学習・新メンバー1人・必修修了67%" in lines[yokosuka]
    assert "🌱 今週はひと休み（1自治体）。次の一歩を楽しみにしています：葉山町" in lines
    assert not any(line.startswith("• *葉山町*") for line in lines)
    assert "❓ *今週の質問* 3件　よく聞かれたこと：" + f"{seeded['topic']}（2件）" in lines
    assert "答えが見つからなかった質問：2件（ナレッジ追加のヒントになります）" in lines


def test_municipalities_without_members_are_counted_not_listed_as_resting(services, seeded):
    with services.db.scope() as session:
        repo.add_municipality(session, "真鶴町", "神奈川県", "143839")
    data = data_for(services)
    assert (data.totals.municipalities, data.totals.without_members) == (3, 1)
    lines = plain_text(data, services.knowledge).splitlines()
    assert "🌱 今週はひと休み（1自治体）。次の一歩を楽しみにしています：葉山町" in lines
    assert not any("真鶴町" in line for line in lines)
    assert any(line.startswith("まだ参加メンバーのいない自治体：1") for line in lines)


def test_the_shared_channel_leaves_out_falls_and_empty_paths(services, seeded):
    with services.db.scope() as session:  # 葉山町: 2 completions last week, 1 this week, nobody on the path done
        hayama = session.scalar(select(Municipality).where(Municipality.name == "葉山町"))
        for n, when in enumerate((jst(17, 9), jst(18, 9), jst(24, 9))):
            _done(session, services, _member(session, f"UH{n + 2}", hayama, track="ict"), MINDSET, when)
    data = data_for(services)
    shared = plain_text(data, services.knowledge)
    own = plain_text(data.only({by_name(data)["葉山町"].id}), services.knowledge, own=True)
    hayama_line = next(line for line in shared.splitlines() if line.startswith("• *葉山町*"))
    assert "先週比 −" not in hayama_line and "必修修了0%" not in hayama_line
    own_line = next(line for line in own.splitlines() if line.startswith("• *葉山町*"))
    assert "（先週比 −1）" in own_line and "必修修了0%" in own_line


def test_a_tip_from_a_municipality_of_one_or_two_members_does_not_name_it(services, seeded):
    with services.db.scope() as session:
        hayama = session.scalar(select(Municipality).where(Municipality.name == "葉山町"))
        lone = repo.member(session, "T1", "UH1")
        repo.add_share(session, lone, "ひとりでも続けられました", None, jst(25, 9))
        assert hayama.id == lone.municipality_id
    tip = next(s for s in data_for(services).shares if s.text == "ひとりでも続けられました")
    assert tip.municipality is None  # 「葉山町のメンバー」 would be the only member
    assert by_name(data_for(services))["葉山町"].active  # the tip still counts as the municipality's activity


def test_members_words_are_shown_not_parsed(services, municipality):
    with services.db.scope() as session:
        who = _member(session, "U9", session.get(Municipality, municipality.id))
        repo.add_share(session, who, "<!channel> <https://evil.example|click> & more", None, jst(24, 9))
    blocks = json.dumps([b.to_dict() for b in digest_messages(data_for(services), services.knowledge)[0].blocks])
    assert "<!channel>" not in blocks and "&lt;!channel&gt;" in blocks and "&amp; more" in blocks


# --- Block Kit limits -------------------------------------------------------------------------------


def _asked_often(text: str) -> UnansweredGroup:
    at = datetime(2026, 11, 24, tzinfo=UTC)
    return UnansweredGroup(text, text, 99, 50, ("ja",), at, at, ("テスト自治体0001",), (text,))


def _big_digest(count: int = 1741) -> DigestData:
    places = tuple(
        MunicipalityWeek(
            id=n,
            name=f"テスト自治体{n:04d}",
            code=f"{100000 + n}",
            digest_channel_id=None,
            completions=0 if n % 7 == 0 else n % 40 + 1,
            hours=n * 1.5,
            learners=n % 9,
            new_members=n % 3,
            on_path=10,
            path_done=n % 11,
            path_progress=(n % 11) / 10,
            last_week_completions=n % 13,
            members=50,
        )
        for n in range(count)
    )
    shares = tuple(
        SharedTip("長い共有" * 300, n, f"テスト自治体{n:04d}", None, None, datetime(2026, 11, 24, tzinfo=UTC))
        for n in range(50)
    )
    milestones = (
        *(Milestone("path_finished", n, f"テスト自治体{n:04d}", 2) for n in range(0, count, 2)),
        *(Milestone("first_completion", n, f"テスト自治体{n:04d}", 1) for n in range(1, count, 3)),
        *(Milestone("cumulative", n, f"テスト自治体{n:04d}", (10, 50, 100)[n % 3]) for n in range(1, count, 5)),
    )
    totals = Totals(
        100_000, 123_456.5, 50_000, 5_000, 90_000, count, count, 3, (CourseCount("講座" * 100, 9_999),) * 3,
        last_week_hours=99_999.5, last_week_learners=60_000, members=50 * count, licences=40 * count,
        licences_used=30 * count,
    )  # fmt: skip
    return DigestData(
        "神奈川県",
        "2026-W48",
        W48.monday,
        W48.sunday,
        places,
        totals,
        shares=shares,
        shares_total=80,
        milestones=milestones,
        questions=QuestionStats(
            asked=9_999,
            unanswered=999,
            top_topics=tuple(TopicCount("話題" * 80, 99) for _ in range(5)),
            top_unanswered=(_asked_often("質問" * 200),) * 3,
            not_helpful=99,
        ),
        movers=top_movers(places),
    )


@pytest.mark.parametrize("count", [5, 500])
def test_the_shared_post_is_one_screen_at_any_size(services, count):
    """At most 15 blocks and 3,000 characters: figures as counts, long words clipped; the rest in the thread."""
    for lead, threaded in ((None, True), (t("digest_preview_note"), False)):
        first = digest_messages(_big_digest(count), services.knowledge, lead=lead, threaded=threaded)[0]
        blocks = [b.to_dict() for b in first.blocks]
        text = "\n".join(_block_text(b) for b in blocks)
        assert len(blocks) <= 15 and len(text) <= 3000, (len(blocks), len(text))
        assert text.count("テスト自治体") <= TOP_MOVERS + TOP_SHARES  # named only as movers and tips' authors
        assert "1人あたり" in text and "自治体名はスレッドに" in text and "🧵" in text


def _block_text(block: dict) -> str:
    if block["type"] in ("section", "header"):
        return block["text"]["text"]
    return "\n".join(e["text"] for e in block.get("elements", []))


def test_block_kit_stays_within_limits_for_1741_municipalities(services):
    data = _big_digest()
    messages = digest_messages(data, services.knowledge)
    assert len(messages) > 1
    text = ""
    for message in messages:
        blocks = [b.to_dict() for b in message.blocks]
        assert len(blocks) <= MAX_BLOCKS and message.text and len(message.text) <= SECTION_LIMIT
        for block in blocks:
            if block["type"] == "section":
                assert len(block["text"]["text"]) <= SECTION_LIMIT
                text += block["text"]["text"] + "\n"
            if block["type"] == "header":
                assert len(block["text"]["text"]) <= 150
    assert "はスレッドに" in json.dumps([b.to_dict() for b in messages[0].blocks], ensure_ascii=False)
    assert "ほか30件" in text  # the tips beyond the first 50 are counted, not silently dropped
    for place in data.municipalities:  # every municipality is somewhere: a line, or the quiet list
        assert place.name in text


def in_one_prefecture(connection) -> list[int]:
    """Every municipality bulk-inserted so far joins 神奈川県; their ids."""
    ids = connection.scalars(select(Municipality.id)).all()
    prefecture = connection.execute(insert(Prefecture).values(name="神奈川県").returning(Prefecture.id)).scalar_one()
    connection.execute(
        insert(MunicipalityPrefecture), [{"municipality_id": i, "prefecture_id": prefecture} for i in ids]
    )
    return ids


def test_send_puts_the_overflow_in_the_thread(services, fake_slack):
    with services.db.engine.begin() as connection:
        connection.execute(
            insert(Municipality), [{"name": f"自治体{n:04d}", "code": f"{100000 + n}"} for n in range(1741)]
        )
        ids = in_one_prefecture(connection)
        connection.execute(
            insert(Member),
            [{"slack_team_id": "T1", "slack_user_id": f"U{i}", "municipality_id": i, "role": "learner"} for i in ids],
        )
        members = connection.execute(select(Member.id, Member.municipality_id)).all()
        connection.execute(
            insert(Completion),
            [
                {"member_id": m, "municipality_id": p, "course_key": "free:x", "title_snapshot": "x", "hours": 1.0}
                | {"completed_at": jst(24, 9), "source": "import"}
                for m, p in members
                if p % 5
            ],
        )
    results = sender.send_digest(services, lambda *_: web_client(services.settings), W48)
    assert [r.state for r in results] == ["posted"]
    posts = fake_slack.of("chat.postMessage")
    assert len(posts) > 1 and "thread_ts" not in posts[0].args
    assert all(p.args["thread_ts"] == results[0].message_ts for p in posts[1:])
    for post in posts:
        blocks = blocks_of(post)
        assert len(blocks) <= MAX_BLOCKS and post.args["text"]
        assert all(len(b["text"]["text"]) <= SECTION_LIMIT for b in blocks if b["type"] == "section")


# --- sending exactly once ---------------------------------------------------------------------------


def send(services, week: Week = W48, **options):
    return sender.send_digest(services, lambda *_: web_client(services.settings), week, **options)


def runs_of(services, label: str) -> list[DigestRun]:
    with services.db.scope() as session:
        return list(session.scalars(select(DigestRun).where(DigestRun.iso_week == label)))


def runs(services) -> dict[str, DigestRun]:
    with services.db.scope() as session:
        return {r.channel_id: r for r in session.scalars(select(DigestRun).where(DigestRun.iso_week == "2026-W48"))}


def test_sending_twice_posts_once_per_channel(services, fake_slack, seeded):
    first = send(services)
    assert [(r.channel, r.state) for r in first] == [("CSHARED", "posted"), ("CKAMA", "posted")]
    assert [(r.channel, r.state) for r in send(services)] == [("CSHARED", "skipped"), ("CKAMA", "skipped")]
    posts = fake_slack.of("chat.postMessage")
    assert [(p.args["channel"], bool(p.args.get("thread_ts"))) for p in posts] == [
        ("CSHARED", False),
        ("CSHARED", True),  # each municipality's line, in the thread
        ("CKAMA", False),
    ]
    shared, thread, own = (json.dumps(blocks_of(p), ensure_ascii=False) for p in posts)
    assert "今週の学び報告（2026-W48・11/23〜11/29）" in shared and "葉山町" not in shared
    assert "横須賀市" in thread and "葉山町" in thread
    assert "鎌倉市" in own and "横須賀市" not in own  # a municipality's channel gets its own slice
    assert "神奈川県の今週" in own  # ...and the prefecture's week, for context
    recorded = runs(services)
    assert {c: (r.state, r.attempts, r.message_ts) for c, r in recorded.items()} == {
        r.channel: ("posted", 1, r.message_ts) for r in first
    }


def test_a_failure_on_the_second_channel_is_completed_by_the_next_run(services, fake_slack, seeded, monkeypatch):
    original, failed = fake_slack._record, []

    def fail_kamakura_once(call):
        if call.method == "chat.postMessage" and call.args.get("channel") == "CKAMA" and not failed:
            failed.append(call)
            fake_slack.fail_next("chat.postMessage", "internal_error")
        return original(call)

    monkeypatch.setattr(fake_slack, "_record", fail_kamakura_once)
    assert [r.state for r in send(services)] == ["posted", "failed"]
    assert runs(services)["CKAMA"].state == "failed" and "internal_error" in runs(services)["CKAMA"].error
    assert [r.state for r in send(services)] == ["skipped", "posted"]
    assert [p.args["channel"] for p in top_posts(fake_slack)] == ["CSHARED", "CKAMA", "CKAMA"]
    assert runs(services)["CKAMA"].attempts == 2 and runs(services)["CKAMA"].error is None


def test_channel_not_found_is_recorded_with_what_to_do(services, fake_slack, seeded):
    fake_slack.fail_next("chat.postMessage", "channel_not_found")
    results = send(services)
    assert [r.state for r in results] == ["failed", "posted"]  # the other channel still gets its digest
    error = runs(services)["CSHARED"].error
    assert results[0].error == error and "CSHARED" in error and "DXBOT_DIGEST_CHANNEL" in error
    fake_slack.reset()
    fake_slack.fail_next("chat.postMessage", "not_in_channel")
    assert "/invite @dxbot" in send(services)[0].error


def test_rate_limited_posts_are_retried(services, fake_slack, seeded):
    fake_slack.fail_next("chat.postMessage", "ratelimited", status=429, headers={"Retry-After": "1"})
    assert [r.state for r in send(services)] == ["posted", "posted"]
    assert [p.args["channel"] for p in top_posts(fake_slack)] == ["CSHARED", "CSHARED", "CKAMA"]


def test_force_posts_again(services, fake_slack, seeded):
    send(services)
    assert [r.state for r in send(services, force=True)] == ["posted", "posted"]
    assert len(top_posts(fake_slack)) == 4
    assert {r.attempts for r in runs(services).values()} == {2}


def test_a_crashed_run_is_taken_over_only_when_stale(services):
    now = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)
    with services.db.scope() as session:
        assert claim_run(session, "2026-W48", "C1", now)
    with services.db.scope() as session:
        assert not claim_run(session, "2026-W48", "C1", now + timedelta(minutes=5))  # another run is posting
    with services.db.scope() as session:
        assert not claim_run(session, "2026-W48", "C1", now + timedelta(minutes=5), force=True)
    with services.db.scope() as session:
        assert claim_run(session, "2026-W48", "C1", now + timedelta(minutes=11))  # that one crashed
    with services.db.scope() as session:
        assert run(session, "2026-W48", "C1").attempts == 2


def _many_municipalities(services) -> None:
    """1,741 municipalities with a completion each: the digest needs thread replies."""
    with services.db.engine.begin() as connection:
        connection.execute(insert(Municipality), [{"name": f"市{n:04d}", "code": f"{200000 + n}"} for n in range(1741)])
        ids = in_one_prefecture(connection)
        connection.execute(
            insert(Member), [{"slack_team_id": "T1", "slack_user_id": f"U{i}", "municipality_id": i} for i in ids]
        )
        connection.execute(
            insert(Completion),
            [
                {"member_id": m, "municipality_id": p, "course_key": "free:x", "title_snapshot": "x", "hours": 1.0}
                | {"completed_at": jst(24, 9), "source": "import"}
                for m, p in connection.execute(select(Member.id, Member.municipality_id)).all()
            ],
        )


def test_a_failed_thread_reply_is_finished_by_the_next_run(services, fake_slack):
    _many_municipalities(services)
    original, calls = fake_slack._record, []

    def fail_the_second_reply(call):
        if call.method == "chat.postMessage":
            calls.append(call)
            if len(calls) == 3:
                fake_slack.fail_next("chat.postMessage", "internal_error")
        return original(call)

    fake_slack._record = fail_the_second_reply
    try:
        [first] = send(services)
    finally:
        fake_slack._record = original
    assert first.state == "posted" and "internal_error" in first.error
    recorded = runs(services)["CSHARED"]
    assert (recorded.state, recorded.replies_posted) == ("posted", 1) and "next `dxbot digest send`" in recorded.error
    total = len(digest_messages(data_for(services), services.knowledge))

    fake_slack.reset()
    [second] = send(services)
    posts = fake_slack.of("chat.postMessage")
    assert second.state == "posted" and second.message_ts == first.message_ts and second.error is None
    assert len(posts) == total - 2 and all(p.args["thread_ts"] == first.message_ts for p in posts)
    assert runs(services)["CSHARED"].replies_posted == total - 1
    assert [r.state for r in send(services)] == ["skipped"]


def _crashed_run(services, started: datetime) -> None:
    with services.db.scope() as session:
        assert claim_run(session, "2026-W48", "CSHARED", started)


def test_a_run_that_crashed_after_posting_finishes_without_posting_again(services, fake_slack, municipality):
    eleven_minutes_ago = services.now() - timedelta(minutes=11)
    _crashed_run(services, eleven_minutes_ago)
    client = web_client(services.settings)  # the crashed run's post reached Slack; its ts never reached us
    posted = client.chat_postMessage(
        channel="CSHARED", text="digest", metadata={"event_type": "dxbot_digest", "event_payload": {"week": "2026-W48"}}
    )["ts"]
    fake_slack.reset_calls()
    [result] = send(services)
    assert result.state == "posted" and result.message_ts == posted
    assert not fake_slack.of("chat.postMessage")  # this small digest has no thread: nothing more to post
    assert fake_slack.of("conversations.history")[0].args["include_all_metadata"] in (True, "true", "1")
    assert runs(services)["CSHARED"].message_ts == posted


def test_a_run_that_crashed_before_posting_posts_once(services, fake_slack, municipality):
    _crashed_run(services, services.now() - timedelta(minutes=11))
    assert [r.state for r in send(services)] == ["posted"]
    assert len(fake_slack.of("chat.postMessage")) == 1
    metadata = fake_slack.of("chat.postMessage")[0].args["metadata"]
    assert metadata == {"event_type": "dxbot_digest", "event_payload": {"week": "2026-W48"}}


def _posted_earlier(fake_slack, channel: str, when: datetime) -> str:
    """A digest post that reached Slack at `when` although no run recorded it."""
    ts = f"{when.timestamp():.6f}"
    metadata = {"event_type": "dxbot_digest", "event_payload": {"week": "2026-W48"}}
    fake_slack.channels.setdefault(channel, []).append({"ts": ts, "text": "digest", "metadata": metadata})
    return ts


def test_a_post_whose_reply_was_lost_is_not_posted_again(services, fake_slack, municipality):
    """chat.postMessage reached Slack but its answer timed out: the run was recorded as failed."""
    with services.db.scope() as session:
        claim = claim_run(session, "2026-W48", "CSHARED", services.now() - timedelta(minutes=1))
        finish_run(session, claim, services.now(), error="timed out")
    posted = _posted_earlier(fake_slack, "CSHARED", services.now() - timedelta(minutes=1))
    [result] = send(services)
    assert result.state == "posted" and result.message_ts == posted
    assert not fake_slack.of("chat.postMessage")


def test_a_post_made_before_an_earlier_takeover_is_still_found(services, fake_slack, municipality):
    """Run A posted and died unrecorded; run B took over and died too; run C must find A's post."""
    posted = _posted_earlier(fake_slack, "CSHARED", services.now() - timedelta(minutes=40))
    _crashed_run(services, services.now() - timedelta(minutes=45))  # A
    with services.db.scope() as session:  # B, which never got as far as looking
        assert claim_run(session, "2026-W48", "CSHARED", services.now() - timedelta(minutes=20))
    [result] = send(services)  # C
    assert result.message_ts == posted and not fake_slack.of("chat.postMessage")


def test_a_slow_run_taken_over_stops_instead_of_posting_along(services):
    start = services.now() - timedelta(minutes=30)
    with services.db.scope() as session:
        slow = claim_run(session, "2026-W48", "C1", start)
    with services.db.scope() as session:
        assert record_progress(session, slow, start + timedelta(minutes=5), message_ts="1.1", replies_posted=1)
    with services.db.scope() as session:  # ten minutes without progress: taken for crashed
        assert not claim_run(session, "2026-W48", "C1", start + timedelta(minutes=14))
        successor = claim_run(session, "2026-W48", "C1", start + timedelta(minutes=16))
    assert (successor.message_ts, successor.replies_posted) == ("1.1", 1)
    with services.db.scope() as session:
        assert not record_progress(session, slow, start + timedelta(minutes=17), message_ts="1.1", replies_posted=2)
        finish_run(session, slow, start + timedelta(minutes=17))  # no effect: not its run any more
        assert run(session, "2026-W48", "C1").state == "pending"


def test_missing_digest_channel_is_a_clear_error(services, fake_slack, municipality):
    broken = replace(services, settings=replace(services.settings, digest_channel=None))
    [result] = sender.send_digest(broken, lambda *_: web_client(services.settings), W48)
    assert (result.prefecture, result.channel, result.state) == ("神奈川県", None, "failed")
    assert "dxbot prefectures set 神奈川県 --channel" in result.error
    with pytest.raises(ConfigError, match="神奈川県 has no shared channel"):
        sender.require_shared_channels(broken)  # the clock refuses to start without it
    assert not fake_slack.of("chat.postMessage")


# --- the chart ------------------------------------------------------------------------------------


def test_chart_is_uploaded_in_the_thread_when_there_is_data(services, fake_slack, seeded):
    shared = send(services)[0]
    complete = fake_slack.wait_for("files.completeUploadExternal")
    assert len(fake_slack.of("files.getUploadURLExternal")) == 1 and len(complete) == 1
    assert complete[0].args["channel_id"] == "CSHARED" and complete[0].args["thread_ts"] == shared.message_ts
    assert "神奈川県の直近8週" in complete[0].args["initial_comment"]
    [upload] = fake_slack.of("upload")
    with Image.open(io.BytesIO(upload.args["content"])) as png:  # a real PNG, its size what the chart draws
        assert (png.format, png.size) == ("PNG", sender.CHART_SIZE)
        png.verify()


def test_no_data_means_no_chart_and_a_kind_post(services, fake_slack, municipality):
    assert [r.state for r in send(services)] == ["posted"]
    assert fake_slack.of("files.getUploadURLExternal") == []
    assert "今週の記録はまだありません" in fake_slack.of("chat.postMessage")[0].args["text"]


def test_a_broken_chart_never_blocks_the_post(services, fake_slack, seeded, monkeypatch):
    monkeypatch.setattr(sender, "weekly_chart", lambda *_: 1 / 0)
    assert [r.state for r in send(services)] == ["posted", "posted"]
    assert fake_slack.of("files.getUploadURLExternal") == []


def test_the_chart_compares_the_prefectures_weeks():
    weeks = [W48.shift(n - 7) for n in range(8)]
    png = sender.weekly_chart([3, 0, 5, 8, 13, 21, 34, 55], weeks)
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG" and image.size == sender.CHART_SIZE
        colours = {colour for _, colour in image.convert("RGB").getcolors(1 << 16)}
    assert {(31, 119, 180), (166, 200, 228)} <= colours  # the week reported, and the weeks before it
    assert sender.weekly_chart([0] * 8, weeks) is None


# --- the CLI --------------------------------------------------------------------------------------


@pytest.fixture
def dxbot_cli(database_url, monkeypatch):
    """bot.cli, in process, on the suite's database."""
    from bot import cli

    monkeypatch.setenv("DATABASE_URL", database_url)
    return cli


def test_cli_preview_json(services, seeded, dxbot_cli):
    result = CliRunner().invoke(dxbot_cli.cli, ["digest", "preview", "--week", "2026-W48", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["week"], data["first_day"], data["totals"]["completions"]) == ("2026-W48", "2026-11-23", 5)
    yokosuka = next(m for m in data["municipalities"] if m["name"] == "横須賀市")
    assert (yokosuka["completions"], yokosuka["hours"], yokosuka["learners"], yokosuka["new_members"]) == (
        3,
        20.0,
        2,
        1,
    )
    assert {s["member_name"] for s in data["shares"]} == {"山田", None}


def test_cli_preview_text_defaults_to_this_week(services, municipality, dxbot_cli):
    result = CliRunner().invoke(dxbot_cli.cli, ["digest", "preview"])
    assert result.exit_code == 0, result.output
    assert Week.containing(datetime.now(UTC), TOKYO).label in result.output


@pytest.mark.parametrize("week", ["2026-W60", "2026-48", "abc"])
def test_cli_bad_week_is_one_line_and_exit_2(dxbot_cli, monkeypatch, capsys, week):
    monkeypatch.setattr(sys, "argv", ["dxbot", "digest", "preview", "--week", week])
    with pytest.raises(SystemExit) as exited:
        dxbot_cli.main()
    assert exited.value.code == 2
    error = capsys.readouterr().err.strip()
    assert "\n" not in error and error.startswith("dxbot: --week") and week in error


def test_licences_in_use_are_shown_against_those_allocated(services, seeded):
    """Members active in the 30 days before the week's end (repo.active_members), only where licences are set."""
    with services.db.scope() as session:
        yokosuka = repo.municipality_named(session, "横須賀市")
        yokosuka.licences = 20
        end = W48.bounds(TOKYO)[1]
        assert repo.active_members(session, yokosuka.id, end - timedelta(days=30)) == 2
    data = data_for(services)
    assert (by_name(data)["横須賀市"].licences_used, by_name(data)["横須賀市"].licences) == (2, 20)
    lines = plain_text(data, services.knowledge, own=True).splitlines()
    assert any("横須賀市" in line and "ライセンス 2/20 利用中" in line for line in lines)
    assert not any("鎌倉市" in line and "ライセンス" in line for line in lines)
    assert (data.totals.licences, data.totals.licences_used) == (20, 2)  # only 横須賀市 has licences allocated


def test_the_shared_post_shows_participation_against_the_prefectures_pool(services, seeded):
    with services.db.scope() as session:
        prefectures.prefecture_named(session, "神奈川県").licences = 40
    data = data_for(services)
    assert (data.totals.licences, data.totals.licences_used, data.totals.members) == (40, 5, 6)
    top = digest_messages(data, services.knowledge)[0].text
    assert "メンバーの *67%* が今週学習（4/6人）" in top and "ライセンス *12%* 利用中（5/40・直近30日）" in top
    assert "修了 *5件*（先週比 +4）・学習 *22.5時間*（先週比 +22.5）・学んだ人 *4人*（先週比 +3）" in top
