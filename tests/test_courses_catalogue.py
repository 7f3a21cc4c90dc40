"""The organisation's Udemy Business catalogue: imported from a file or pulled from the API, recommended for "which
course?" questions, and recorded with `/dx done` with its length."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest

from db import repo
from knowledge import kb
from knowledge.catalogue import CatalogueCourse
from knowledge.courses import CourseMatcher, Listing
from tests.cli_helpers import dxbot
from tests.fakes.udemy import start_fake_udemy

ASKED_ON = date(2026, 11, 23)
FE_PATH_COURSE = "kanagawa-fe-fastest"
HEADER = ["id", "title", "url", "headline", "estimated_content_length", "locale"]
SAMPLE = [
    ["1001", "Python データ分析入門：pandasで業務データを集計する", "https://www.udemy.com/course/python-pandas-jp/",
     "Excelの集計をPythonで自動化します", "300", "ja_JP"],
    ["1002", "Excel VBA 業務自動化 完全ガイド", "https://www.udemy.com/course/excel-vba-jp/",
     "定型業務をマクロで自動化", "420", "ja_JP"],
    ["1003", "Complete Python Bootcamp: From Zero to Hero", "https://www.udemy.com/course/complete-python/",
     "Learn Python like a professional", "1320", "en_US"],
    ["1004", "ITパスポート試験 一発合格講座", "https://www.udemy.com/course/itpassport-jp/",
     "ITパスポート試験の全分野を解説", "600", "ja_JP"],
    ["1005", "基本情報技術者試験 最速合格講座", "https://www.udemy.com/course/fe-fastest/",
     "基本情報技術者試験の合格に必要な知識", "900", "ja_JP"],
]  # fmt: skip


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as file:
        csv.writer(file).writerows([HEADER, *rows])
    return path


def as_courses(rows: list[list[str]]) -> list[CatalogueCourse]:
    return [
        CatalogueCourse(
            udemy_id=r[0], title=r[1], url=r[2], headline=r[3], minutes=int(r[4]), locale=r[5], where=f"line {n}"
        )
        for n, r in enumerate(rows, start=2)
    ]


@pytest.fixture
def database(tmp_path) -> dict[str, str]:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'catalogue.sqlite3'}"}
    assert dxbot("db", "upgrade", cwd=tmp_path, env=env).returncode == 0
    return env


def listed(tmp_path: Path, env: dict[str, str]) -> dict[str, dict]:
    shown = dxbot("courses", "list", "--all", "--json", cwd=tmp_path, env=env)
    return {course["id"]: course for course in json.loads(shown.stdout)["courses"]}


# --- import and sync -----------------------------------------------------------------------------


def test_a_csv_import_adds_links_path_courses_rejects_bad_rows_and_a_second_import_changes_nothing(tmp_path, database):
    file = write_csv(tmp_path / "catalogue.csv", [*SAMPLE, ["1006", "", "https://www.udemy.com/x/", "", "60", "ja_JP"]])
    first = dxbot("courses", "import", str(file), cwd=tmp_path, env=database)
    assert first.returncode == 0, first.stderr
    assert "4 added, 1 updated, 0 unchanged, 1 rejected" in first.stdout
    assert "line 7" in first.stdout  # the header is line 1
    courses = listed(tmp_path, database)
    assert len(courses) == 5 + 4
    fe = courses[FE_PATH_COURSE]  # the path course, found in the catalogue: its id and track, the catalogue's link
    assert fe["track"] == "ict" and fe["url"] == "https://www.udemy.com/course/fe-fastest/" and fe["hours"] == 15
    assert courses["udemy-1002"]["hours"] == 7 and courses["udemy-1002"]["track"] is None

    again = dxbot("courses", "import", str(file), cwd=tmp_path, env=database)
    assert "0 added, 0 updated, 5 unchanged, 1 rejected" in again.stdout
    assert listed(tmp_path, database) == courses


def test_json_pages_import_and_a_changed_title_updates_one_course(tmp_path, database):
    pages = tmp_path / "pages"
    pages.mkdir()
    results = [_api_course(row) for row in SAMPLE]
    (pages / "page-0001.json").write_text(json.dumps({"count": 5, "next": None, "results": results[:3]}))
    (pages / "page-0002.json").write_text(json.dumps({"count": 5, "next": None, "results": results[3:]}))
    assert (
        "4 added, 1 updated, 0 unchanged, 0 rejected"
        in dxbot("courses", "import", str(pages), cwd=tmp_path, env=database).stdout
    )
    results[1]["title"] = "Excel VBA 業務自動化 完全ガイド【2026年版】"
    (pages / "page-0001.json").write_text(json.dumps({"count": 5, "next": None, "results": results[:3]}))
    assert (
        "0 added, 1 updated, 4 unchanged" in dxbot("courses", "import", str(pages), cwd=tmp_path, env=database).stdout
    )
    assert listed(tmp_path, database)["udemy-1002"]["title"] == "Excel VBA 業務自動化 完全ガイド【2026年版】"


def test_a_file_that_is_no_catalogue_changes_nothing_and_says_why_in_one_line(tmp_path, database):
    bad = tmp_path / "users.csv"
    bad.write_text("email,name\na@example.jp,Aさん\n", encoding="utf-8")
    result = dxbot("courses", "import", str(bad), cwd=tmp_path, env=database)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "header" in result.stderr
    assert len(listed(tmp_path, database)) == 5


def test_sync_pages_through_the_api_and_waits_out_a_429(tmp_path, database):
    catalogue = [_api_course([str(5000 + n), f"業務改善 実践講座 その{n}", "", "", "90", "ja_JP"]) for n in range(250)]
    with start_fake_udemy(catalogue, client_id="dxbot-id", client_secret="s3cret-value", rate_limited=2) as fake:
        env = udemy_environment(database, fake)
        synced = dxbot("courses", "sync", cwd=tmp_path, env=env)
        assert synced.returncode == 0, synced.stderr
        assert "250 added" in synced.stdout
        assert sum(r.status == 429 for r in fake.requests) == 2 and len(fake.requests) == 2 + 3  # 3 pages
        refused = dxbot("courses", "sync", cwd=tmp_path, env={**env, "DXBOT_UDEMY_CLIENT_SECRET": "wrong-one"})
    assert refused.returncode != 0 and "401" in refused.stderr and "wrong-one" not in refused.stderr + refused.stdout
    assert len(listed(tmp_path, database)) == 5 + 250


def test_a_course_listed_on_two_pages_is_imported_once(tmp_path, database):
    catalogue = [_api_course([str(7000 + n), f"文書管理 実践講座 その{n}", "", "", "45", "ja_JP"]) for n in range(150)]
    catalogue[0]["url"] = "/course/bunsho-kanri-0/"  # as Udemy's APIs give it: a path on the organisation's site
    catalogue[120] = {**catalogue[5], "title": "文書管理 実践講座 その5（改訂）"}  # the list changed while paged
    with start_fake_udemy(catalogue, client_id="dxbot-id", client_secret="s3cret-value") as fake:
        env = udemy_environment(database, fake)
        synced = dxbot("courses", "sync", cwd=tmp_path, env=env)
    assert synced.returncode == 0, synced.stderr
    assert "149 added, 0 updated, 0 unchanged, 1 rejected" in synced.stdout
    assert "page 2 item 21: duplicate id 7005 (first at page 1 item 6)" in synced.stdout
    courses = listed(tmp_path, database)
    assert courses["udemy-7005"]["title"] == "文書管理 実践講座 その5"
    assert courses["udemy-7000"]["url"] == f"{fake.base_url}/course/bunsho-kanri-0/"


def udemy_environment(database: dict[str, str], fake) -> dict[str, str]:
    return {
        **database,
        "DXBOT_UDEMY_URL": fake.base_url,
        "DXBOT_UDEMY_ACCOUNT_ID": "42",
        "DXBOT_UDEMY_CLIENT_ID": "dxbot-id",
        "DXBOT_UDEMY_CLIENT_SECRET": "s3cret-value",
    }


def _api_course(row: list[str]) -> dict:
    return {
        "_class": "course",
        "id": int(row[0]),
        "title": row[1],
        "url": row[2] or f"https://www.udemy.com/course/{row[0]}/",
        "headline": row[3],
        "estimated_content_length": int(row[4]),
        "locale": {"_class": "locale", "locale": row[5], "title": "日本語"},
    }


# --- answers and /dx done ------------------------------------------------------------------------


@pytest.fixture
def imported(services) -> None:
    with services.db.scope() as session:
        repo.import_catalogue(session, as_courses(SAMPLE), services.now())


def test_a_which_course_question_recommends_from_the_catalogue_with_length_and_link(services, imported):
    answer = services.answerer.answer("Pythonでデータ分析を学べる講座は？", on=ASKED_ON)
    assert answer.answered
    assert answer.courses[0].id == "udemy-1001"  # Japanese first for a Japanese question
    assert "https://www.udemy.com/course/python-pandas-jp/" in answer.text and "約5時間" in answer.text

    english = services.answerer.answer("Which course teaches Python?", on=ASKED_ON)
    assert english.answered and english.courses[0].id == "udemy-1003" and "about 22 h" in english.text


def test_path_courses_come_first_where_they_fit(services, imported):
    answer = services.answerer.answer("ITパスポートの講座は？", on=ASKED_ON)
    assert answer.answered and "たった10時間" in answer.text  # the knowledge base's answer stays
    assert [c.id for c in answer.courses][:2] == ["kanagawa-it-basics-10h", "udemy-1004"]


def test_a_course_nobody_offers_is_still_refused(services, imported):
    assert not services.answerer.answer("量子コンピュータの講座は？", on=ASKED_ON).answered


def test_done_records_an_imported_course_with_its_length(slack, fake_slack, services, imported):
    slack.command("done Excel VBA 業務自動化")
    reply = fake_slack.reply_text()
    assert "Excel VBA 業務自動化 完全ガイド" in reply and "7時間" in reply
    with services.db.scope() as session:
        (completion,) = repo.completions(session, repo.member(session, "T1", "U1"))
        assert completion.course_id == "udemy-1002" and completion.hours == 7


# --- matching among thousands --------------------------------------------------------------------


def test_path_courses_keep_their_names_among_thousands_of_catalogue_titles():
    catalogue = [Listing(id=f"udemy-{n}", title=f"ITパスポート試験 対策講座 第{n}版") for n in range(3000)]
    catalogue += [Listing(id=f"udemy-e{n}", title=f"Python for Data Analysis, part {n}") for n in range(3000)]
    matcher = CourseMatcher([*kb.load().courses.values(), *catalogue])
    assert CourseMatcher.clear_winner(matcher.match("ITパスポート")).id == "kanagawa-it-basics-10h"
    assert CourseMatcher.clear_winner(matcher.match("きほんじょうほう")).id == "kanagawa-fe-fastest"
    assert CourseMatcher.clear_winner(matcher.match("ITパスポート試験 対策講座 第1234版")).id == "udemy-1234"
    assert matcher.match("ＩＴパスポート試験対策講座 第2718")[0].course.id == "udemy-2718"  # offered first
    near = matcher.match("Pyhton for Data Analysis, part 77")  # a typo: offered, never recorded unasked
    assert near[0].course.id == "udemy-e77" and CourseMatcher.clear_winner(near) is None
    assert matcher.match("量子コンピュータ") == []
