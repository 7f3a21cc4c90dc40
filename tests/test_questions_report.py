"""`dxbot questions report` and the digest's lines for coordinators: questions the bot could not answer, grouped
by their normalised text, and answers marked 👎, grouped by topic; logged and voted on as the app does."""

from __future__ import annotations

import json
import sys
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import typer
from typer.testing import CliRunner

from bot import digest as sender
from bot.app import web_client
from bot.cli.questions import register
from bot.cli.support import UserError
from db import membership, repo
from db.digest import Week, digest_data
from db.questions_report import normalised, questions_report
from handlers.digest_blocks import digest_messages, plain_text
from tests.helpers import only_tenant

TOKYO = ZoneInfo("Asia/Tokyo")
W48 = Week.parse("2026-W48")  # Monday 2026-11-23 to Sunday 2026-11-29, Japan time
POINTER = "`dxbot questions report` で一覧"


def jst(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=TOKYO)


# --- logging and voting as the app does --------------------------------------------------------------


def _members(services) -> None:
    """Two members in 横須賀市, one in 鎌倉市, one who has not joined a municipality (yet)."""
    with services.db.scope() as session:
        yokosuka = repo.add_municipality(session, "横須賀市", "神奈川県", "142018")
        kamakura = repo.add_municipality(session, "鎌倉市", "神奈川県", "142000")
        for user, place in (("UY1", yokosuka), ("UY2", yokosuka), ("UK1", kamakura)):
            membership.join(session, repo.member(session, "T1", user), place, jst(1))
        repo.set_show_name(session, repo.member(session, "T1", "UY1"), True, "山田")
        repo.member(session, "T1", "UX1")


def _ask(services, user: str, text: str, when: datetime, *, topic: str | None = None, language: str = "ja") -> int:
    """One question logged as handlers/ask.py logs it: answered when a source was found."""
    with services.db.scope() as session:
        return repo.log_question(
            session,
            team_id="T1",
            user_id=user,
            surface="mention",
            text=text,
            answer_text="…" if topic else "申し訳ありません。",
            language=language,
            answered=topic is not None,
            source_ids=[topic] if topic else [],
            used_model=False,
            asked_at=when,
        )


def _vote(services, question_id: int, user: str, value: int) -> None:
    """A click on 👍 (1) or 👎 (-1), as handlers/ask.py records it."""
    with services.db.scope() as session:
        repo.vote(session, question_id, repo.member(session, "T1", user), value, services.now())


def _topics(services) -> tuple[str, str, str]:
    first, second, third = list(services.knowledge.entries)[:3]
    return first, second, third


def _seed(services, at) -> dict[str, str]:
    """A week of questions ending at `at(0)` (`at(n)`: n days before), and one asked long before."""
    _members(services)
    passport, rate, joint = _topics(services)
    _ask(services, "UY1", "助成率の上限は？", at(3))
    _ask(services, "UK1", "助成率の上限は?", at(2))  # the same question, half-width ?
    _ask(services, "UY2", "助成率の上限は？", at(1))
    _ask(services, "UX1", "What is the weather?", at(1), language="en")
    _ask(services, "UY1", "去年の講座は？", at(20))  # before the week
    down_twice = _ask(services, "UY1", "ITパスポートの講座は？", at(2), topic=passport)
    _vote(services, down_twice, "UY2", -1)
    _vote(services, down_twice, "UK1", 1)
    _vote(services, down_twice, "UX1", 1)
    _vote(services, down_twice, "UX1", -1)  # changed their mind: their latest click counts
    down_once = _ask(services, "UK1", "iパスの講座はどれ", at(1), topic=passport)
    _vote(services, down_once, "UY1", -1)
    helpful = _ask(services, "UY2", "助成率は？", at(1), topic=rate)
    _vote(services, helpful, "UY1", 1)
    _ask(services, "UY2", "共同調達とは？", at(1), topic=joint)  # answered, nobody voted
    other = _ask(services, "UY1", "共同調達の期限は？", at(2), topic=rate)
    _vote(services, other, "UK1", -1)
    return {"passport": passport, "rate": rate, "title": services.knowledge.entries[passport].title}


@pytest.fixture
def seeded(services):
    now = services.now()
    return _seed(services, lambda days: now - timedelta(days=days, hours=1))


# --- the report --------------------------------------------------------------------------------------


def test_two_spellings_are_one_question():
    assert normalised("助成率の上限は？") == normalised("助成率の上限は?") == normalised(" 助成率の上限は ？！ ")
    assert normalised("ＩＴパスポート　の講座は？") == "itパスポート の講座は"
    assert normalised("？") == ""


def test_unanswered_questions_are_grouped_and_counted(services, seeded):
    with services.db.scope(read_only=True) as session:
        found = questions_report(session, services.now() - timedelta(days=7))
    assert [(g.text, g.count) for g in found.unanswered] == [("助成率の上限は？", 3), ("What is the weather?", 1)]
    limit = found.unanswered[0]
    assert limit.spellings == ("助成率の上限は？", "助成率の上限は?")
    assert limit.municipalities == ("横須賀市", "鎌倉市") and limit.languages == ("ja",)
    assert (services.now() - limit.first_asked).days == 3 and (services.now() - limit.last_asked).days == 1
    weather = found.unanswered[1]
    assert (weather.languages, weather.municipalities) == (("en",), ())  # its asker joined no municipality
    assert found.unanswered_count == 4


def test_answers_marked_not_helpful_are_grouped_by_topic(services, seeded):
    with services.db.scope(read_only=True) as session:
        found = questions_report(session)  # the last 7 days
    assert [(g.topic, g.count, g.up, g.down) for g in found.not_helpful] == [
        (seeded["passport"], 2, 1, 3),
        (seeded["rate"], 1, 0, 1),
    ]
    passport = found.not_helpful[0]
    assert [(a.text, a.up, a.down) for a in passport.answers] == [
        ("ITパスポートの講座は？", 1, 2),
        ("iパスの講座はどれ", 0, 1),
    ]
    assert "助成率は？" not in {a.text for g in found.not_helpful for a in g.answers}  # only 👍
    assert found.not_helpful_count == 3


def test_since_leaves_out_older_questions(services, seeded):
    with services.db.scope(read_only=True) as session:
        recent = questions_report(session, services.now() - timedelta(days=7))
        month = questions_report(session, services.now() - timedelta(days=30))
        nothing = questions_report(session, services.now())
    assert "去年の講座は？" not in {g.text for g in recent.unanswered}
    assert "去年の講座は？" in {g.text for g in month.unanswered}
    assert not nothing and nothing.unanswered == () and nothing.not_helpful == ()


# --- the command line ------------------------------------------------------------------------------


@pytest.fixture
def questions(database_url, monkeypatch):
    """`dxbot questions …`, in process, on the suite's database."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    app = typer.Typer()
    register(app)
    return lambda *args: CliRunner().invoke(app, ["questions", *args])


def test_cli_report_text(services, seeded, questions):
    result = questions("report")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("questions asked since ") and "(Asia/Tokyo)" in lines[0]
    assert "unanswered: 4 in 2 groups" in lines
    limit = next(line for line in lines if "助成率の上限は？" in line)
    assert limit.split()[0] == "3" and "横須賀市, 鎌倉市" in limit
    assert "       also: 助成率の上限は?" in lines
    assert "marked 👎: 3 answers in 2 topics" in lines
    assert f"    2  {seeded['title']} ({seeded['passport']})  👍 1 👎 3" in lines
    assert "去年の講座は？" not in result.output
    assert "山田" not in result.output and "UY1" not in result.output  # never who asked


def test_cli_report_json_since(services, seeded, questions):
    since = (services.now() - timedelta(days=30)).astimezone(TOKYO).date()
    result = questions("report", "--since", since.isoformat(), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {"since", "unanswered", "not_helpful"}
    assert data["since"] == f"{since.isoformat()}T00:00:00+09:00"
    assert [(g["text"], g["count"]) for g in data["unanswered"]] == [
        ("助成率の上限は？", 3),
        ("What is the weather?", 1),
        ("去年の講座は？", 1),
    ]
    limit = data["unanswered"][0]
    assert set(limit) == {"text", "count", "languages", "first_asked", "last_asked", "municipalities", "spellings"}
    assert limit["languages"] == ["ja"] and limit["municipalities"] == ["横須賀市", "鎌倉市"]
    assert limit["spellings"] == ["助成率の上限は？", "助成率の上限は?"]
    assert datetime.fromisoformat(limit["first_asked"]) < datetime.fromisoformat(limit["last_asked"])
    passport = data["not_helpful"][0]
    assert {k: passport[k] for k in ("topic", "title", "count", "up", "down")} == {
        "topic": seeded["passport"],
        "title": seeded["title"],
        "count": 2,
        "up": 1,
        "down": 3,
    }
    assert [(q["text"], q["up"], q["down"]) for q in passport["questions"]] == [
        ("ITパスポートの講座は？", 1, 2),
        ("iパスの講座はどれ", 0, 1),
    ]
    assert set(passport["questions"][0]) == {"text", "up", "down", "asked_at"}


def test_cli_report_of_a_quiet_week(services, questions):
    result = questions("report", "--json")
    assert result.exit_code == 0, result.output
    assert {k: v for k, v in json.loads(result.output).items() if k != "since"} == {
        "unanswered": [],
        "not_helpful": [],
    }
    assert "unanswered: 0 in 0 groups" in questions("report").output


@pytest.mark.parametrize("since", ["2026-13-01", "yesterday", "2026/11/23", ""])
def test_cli_bad_since_is_a_user_error(questions, since):
    result = questions("report", "--since", since)
    assert isinstance(result.exception, UserError)
    message = str(result.exception)
    assert "\n" not in message and message.startswith("--since") and repr(since) in message


def test_dxbot_exits_2_with_one_line_on_a_bad_since(database_url, monkeypatch, capsys):
    from bot import cli

    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setattr(sys, "argv", ["dxbot", "questions", "report", "--since", "2026-02-30"])
    with pytest.raises(SystemExit) as exited:
        cli.main()
    assert exited.value.code == 2
    error = capsys.readouterr().err.strip()
    assert error == "dxbot: --since must be a date like 2026-11-23, not '2026-02-30'"


# --- the weekly digest -------------------------------------------------------------------------------


LONG = "Udemy Business の共同調達に参加するとき、年度の途中から加わった職員のライセンス費用は誰がどのように負担するのですか？"


def _week_seeded(services) -> None:
    """The same questions in week 48 (`at(n)`: n days before Sunday noon), and more unanswered ones."""
    _seed(services, lambda days: jst(29, 12) - timedelta(days=days))
    for day, user, text in [(24, "UY1", LONG), (25, "UK1", LONG), (26, "UY2", "天気は？"), (27, "UX1", "ランチは？")]:
        _ask(services, user, text, jst(day))


def _questions_section(text: str) -> list[str]:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("❓"))
    return lines[start : lines.index("", start)]


def test_the_digest_quotes_the_top_unanswered_for_coordinators(services, fake_slack):
    _week_seeded(services)
    with services.db.scope(read_only=True) as session:
        data = digest_data(session, W48, TOKYO, only_tenant(session))
    # UX1 joined no municipality: their questions belong to no prefecture (`dxbot questions report` has them).
    assert (data.questions.unanswered, data.questions.not_helpful) == (6, 3)
    section = _questions_section(plain_text(data, services.knowledge))
    assert section[1:] == [
        "答えが見つからなかった質問：6件（ナレッジ追加のヒントになります）",
        "　• 「助成率の上限は？」（3件）",
        f"　• 「{LONG[:59]}…」（2件）",  # shortened to 60 characters
        "👎（役に立たなかった）がついた回答：3件",
    ]
    assert "What is the weather?" not in plain_text(data, services.knowledge)  # one member's words stay private
    text = "\n".join(section)
    for name in ("山田", "横須賀市", "鎌倉市", "UY1"):
        assert name not in text  # who asked, or where, is never said

    [result] = [
        r for r in sender.send_digest(services, lambda *_: web_client(services.settings), W48) if r.channel == "CSHARED"
    ]
    assert result.state == "posted"
    blocks = fake_slack.of("chat.postMessage")[0].args["blocks"]
    posted = blocks if isinstance(blocks, str) else json.dumps(blocks, ensure_ascii=False)
    assert "「助成率の上限は？」（3件）" in posted and "がついた回答：3件" in posted and POINTER in posted


def test_no_coordinator_lines_when_every_question_was_answered_and_liked(services):
    _members(services)
    passport, rate, _ = _topics(services)
    liked = _ask(services, "UY1", "ITパスポートの講座は？", jst(24), topic=passport)
    _vote(services, liked, "UY2", 1)
    _ask(services, "UK1", "助成率は？", jst(25), topic=rate)
    _ask(services, "UY1", "天気は？", jst(17))  # unanswered, but the week before
    with services.db.scope(read_only=True) as session:
        data = digest_data(session, W48, TOKYO, only_tenant(session))
    assert (data.questions.asked, data.questions.unanswered, data.questions.not_helpful) == (2, 0, 0)
    rendered = json.dumps(
        [b.to_dict() for m in digest_messages(data, services.knowledge) for b in m.blocks], ensure_ascii=False
    )
    assert "今週の質問" in rendered
    for absent in ("答えが見つからなかった質問", "がついた回答", POINTER, "天気"):
        assert absent not in rendered


def test_a_not_helpful_answer_alone_brings_the_pointer(services):
    _members(services)
    passport, _, _ = _topics(services)
    disliked = _ask(services, "UY1", "ITパスポートの講座は？", jst(24), topic=passport)
    _vote(services, disliked, "UY2", -1)
    with services.db.scope(read_only=True) as session:
        data = digest_data(session, W48, TOKYO, only_tenant(session))
    text = plain_text(data, services.knowledge)
    assert "👎（役に立たなかった）がついた回答：1件" in text and POINTER in text
    assert "答えが見つからなかった質問" not in text
