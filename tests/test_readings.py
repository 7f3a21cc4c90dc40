"""Readings as data: kana and romaji find municipalities and courses (よこすか, ﾖｺｽｶ, Yokosuka; きほんじょうほう,
kihon joho), and a reading never makes an unrelated or too short query match."""

from __future__ import annotations

from pathlib import Path

import pytest

from db import repo
from knowledge import kb
from knowledge.courses import CourseMatcher
from knowledge.text import municipal_readings, rank_names, reading_key, reading_score
from tests.cli_helpers import dxbot

FE_COURSE = "基本情報技術者試験 最速合格講座"
IT_BASICS = "たった10時間で社会人に必要なIT基礎知識が全て身につく!"


# --- the pure parts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spellings", "key"),
    [
        (["よこすか", "ヨコスカ", "ﾖｺｽｶ", "Yokosuka", "YOKOSUKA", "Ｙｏｋｏｓｕｋａ"], "yokosuka"),
        (["よこすかし", "yokosuka-shi", "Yokosuka Shi"], "yokosukashi"),
        (["とうきょう", "Tōkyō", "Tokyo", "Toukyou", "Tôkyô"], "tokyo"),
        (["きほんじょうほう", "ｷﾎﾝｼﾞｮｳﾎｳ", "kihon jouhou", "kihon joho", "Kihon Jōhō"], "kihonjoho"),
        (["しんばし", "Shimbashi", "Shinbashi"], "shinbashi"),
        (["おおいずみまち", "Ōizumi-machi", "Oizumi machi"], "oizumimachi"),
    ],
)
def test_kana_and_hepburn_variants_share_one_key(spellings, key):
    assert {reading_key(spelling) for spelling in spellings} == {key}


@pytest.mark.parametrize("text", ["横須賀", "ITパスポート", "よこすか市", "", "  "])
def test_kanji_or_mixed_text_has_no_reading_key(text):
    assert reading_key(text) == ""


def test_a_municipality_is_also_said_without_its_suffix():
    assert municipal_readings("よこすかし") == ("よこすかし", "よこすか")
    assert municipal_readings("なかのじょうまち") == ("なかのじょうまち", "なかのじょう")
    assert municipal_readings("ずしし") == ("ずしし", "ずし")


def test_pieces_of_fewer_than_three_syllables_match_nothing():
    assert reading_score(reading_key("よこ"), reading_key("よこすか")) == 0
    assert reading_score(reading_key("おおた"), reading_key("こおたろう")) == 0
    assert 75 <= reading_score(reading_key("よこす"), reading_key("よこすかし")) < 90  # suggested, not chosen


def test_rank_names_finds_a_name_by_its_reading_and_only_then():
    readings = {"横須賀市": municipal_readings("よこすかし"), "横浜市": municipal_readings("よこはまし")}
    names = list(readings)
    assert rank_names("ﾖｺｽｶ", names, readings=readings)[0] == ("横須賀市", 100.0)
    assert rank_names("Yokohama-shi", names, readings=readings)[0] == ("横浜市", 100.0)
    assert rank_names("よこ", names, readings=readings) == []
    assert rank_names("よこはま", ["横須賀市"], readings={"横須賀市": readings["横須賀市"]}) == []
    assert rank_names("横須賀", names)[0][0] == "横須賀市"  # names alone still work


@pytest.fixture(scope="module")
def matcher() -> CourseMatcher:
    return CourseMatcher(kb.load().courses.values())


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("きほんじょうほう", FE_COURSE),
        ("ｷﾎﾝｼﾞｮｳﾎｳ", FE_COURSE),
        ("kihon jouhou", FE_COURSE),
        ("Kihon Joho", FE_COURSE),
        ("きほんじょうほうぎじゅつしゃしけん", FE_COURSE),
        ("ようけんていぎ", "システムを作らせる技術(要求事項編)"),
        ("ITパスポート", IT_BASICS),
        ("iパス", IT_BASICS),
        ("IT Passport", IT_BASICS),
    ],
)
def test_course_readings_and_names_find_their_course(matcher, text, title):
    winner = CourseMatcher.clear_winner(matcher.match(text))
    assert winner is not None and winner.title == title


@pytest.mark.parametrize("text", ["きほ", "しけん", "よこすか", "Yokosuka"])
def test_short_or_unrelated_kana_finds_no_course(matcher, text):
    assert CourseMatcher.clear_winner(matcher.match(text)) is None


# --- the bundled municipalities ------------------------------------------------------------------


def test_the_bundled_list_has_every_municipality_of_kanagawa_and_gunma():
    municipalities = kb.load().municipalities.values()
    assert sum(m.prefecture == "神奈川県" for m in municipalities) == 33
    assert sum(m.prefecture == "群馬県" for m in municipalities) == 35
    assert kb.check_digit("14201") == 8 and kb.check_digit("10201") == 6


def test_a_wrong_check_digit_or_a_reading_not_in_hiragana_is_reported(tmp_path: Path):
    (tmp_path / "mine.yaml").write_text(
        "municipalities:\n"
        "  - {code: '011003', prefecture: 北海道, name: 札幌市, reading: さっぽろし}\n"
        "  - {code: '012025', prefecture: 北海道, name: 函館市, reading: ハコダテシ}\n",
        encoding="utf-8",
    )
    with pytest.raises(kb.KnowledgeError) as raised:
        kb.load(tmp_path)
    assert len(raised.value.problems) == 2
    assert "check digit of 01100 is 2" in raised.value.problems[0]
    assert "hiragana" in raised.value.problems[1]


def test_the_registered_reading_comes_first_then_the_bundled_one_by_code_or_name():
    knowledge = kb.load()
    assert knowledge.reading_of("横須賀市", "142018") == "よこすかし"
    assert knowledge.reading_of("横須賀", "142018") == "よこすかし"  # by code, whatever the name says
    assert knowledge.reading_of("横須賀市", None) == "よこすかし"
    assert knowledge.reading_of("札幌市", "011002") is None
    assert knowledge.reading_of("札幌市", "011002", registered="さっぽろし") == "さっぽろし"


# --- over signed HTTP -----------------------------------------------------------------------------


def joined(services) -> str | None:
    with services.db.scope() as session:
        municipality = repo.member(session, "T1", "U1").municipality
        return municipality.name if municipality else None


@pytest.mark.parametrize("text", ["よこすか", "ヨコスカ", "ﾖｺｽｶ", "Yokosuka", "yokosuka-shi", "よこすかし", "横須賀市"])
def test_join_by_kana_or_romaji_uses_the_bundled_reading(slack, fake_slack, services, municipality, text):
    slack.command(f"join {text}")  # the fixture's row has no reading of its own: the bundled one applies
    assert "横須賀市" in fake_slack.reply_text()
    assert joined(services) == "横須賀市"


def test_join_uses_the_reading_registered_with_the_municipality(slack, fake_slack, services):
    with services.db.scope() as session:
        repo.add_municipality(session, "札幌市", prefecture="北海道", code="011002", reading="さっぽろし")
    slack.command("join Sapporo")
    assert joined(services) == "札幌市"


@pytest.mark.parametrize("text", ["よこはま", "よこ", "Yokohama"])
def test_a_reading_does_not_make_another_name_match(slack, fake_slack, services, municipality, text):
    slack.command(f"join {text}")
    assert "見つかりませんでした" in fake_slack.reply_text() or "couldn't find" in fake_slack.reply_text()
    assert joined(services) is None


def test_join_tells_two_registered_readings_apart(slack, fake_slack, services, municipality):
    with services.db.scope() as session:
        repo.add_municipality(session, "横浜市", prefecture="神奈川県", code="141003")
    slack.command("join よこはま")
    assert joined(services) == "横浜市"
    slack.command("join ﾖｺｽｶ")
    assert joined(services) == "横須賀市"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("きほんじょうほう", FE_COURSE),
        ("ｷﾎﾝｼﾞｮｳﾎｳ", FE_COURSE),
        ("kihon jouhou", FE_COURSE),
        ("ITパスポート", IT_BASICS),
        ("iパス", IT_BASICS),
    ],
)
def test_done_by_reading_or_name_records_the_course(slack, fake_slack, services, text, title):
    slack.command(f"done {text}")
    assert title in fake_slack.reply_text()
    with services.db.scope() as session:
        records = repo.completions(session, repo.member(session, "T1", "U1"))
    assert [r.title_snapshot for r in records] == [title]


# --- the command line -----------------------------------------------------------------------------


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert dxbot("db", "upgrade", cwd=tmp_path).returncode == 0
    return tmp_path


def test_municipalities_add_takes_the_reading_from_the_bundled_list_or_from_the_option(workdir):
    assert dxbot("municipalities", "add", "横須賀市", "--code", "142018", cwd=workdir).returncode == 0
    assert dxbot("municipalities", "add", "嬬恋村", cwd=workdir).returncode == 0  # by name
    given = dxbot("municipalities", "add", "札幌市", "--code", "011002", "--reading", "ｻｯﾎﾟﾛｼ", cwd=workdir)
    assert given.returncode == 0, given.stderr
    unknown = dxbot("municipalities", "add", "架空町", cwd=workdir)
    assert unknown.returncode == 0 and "no reading" in unknown.stdout
    listing = dxbot("municipalities", "list", cwd=workdir).stdout
    assert "横須賀市\tよこすかし\t142018" in listing
    assert "嬬恋村\tつまごいむら" in listing
    assert "札幌市\tさっぽろし\t011002" in listing


def test_municipalities_add_refuses_a_wrong_check_digit_or_a_reading_not_in_kana(workdir):
    bad_code = dxbot("municipalities", "add", "横須賀市", "--code", "142019", cwd=workdir)
    assert bad_code.returncode == 2
    assert bad_code.stderr.strip().count("\n") == 0 and "check digit of 14201 is 8" in bad_code.stderr
    bad_reading = dxbot("municipalities", "add", "横須賀市", "--reading", "Yokosuka", cwd=workdir)
    assert bad_reading.returncode == 2 and "kana" in bad_reading.stderr
    assert "横須賀市" not in dxbot("municipalities", "list", cwd=workdir).stdout
