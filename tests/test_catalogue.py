"""Reading a Udemy Business catalogue from a CSV or the Courses API's JSON pages (knowledge/catalogue.py), and
pulling those pages from the API (bot/udemy.py) against a loopback fake of it."""

from __future__ import annotations

import csv
import json
import time
from pathlib import Path

import pytest

from bot.udemy import UdemyClient, UdemyError
from knowledge.catalogue import CatalogueCourse, CatalogueFileError, Rejected, parse_page, read_catalogue
from tests.fakes.udemy import start_fake_udemy

HEADER = ["id", "title", "url", "headline", "estimated_content_length", "locale"]
CLIENT_ID, CLIENT_SECRET = "dxbot-client", "s3cret-not-to-be-shown"


def write_csv(path: Path, rows: list[list[str]], *, header: list[str] = HEADER, encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as file:
        csv.writer(file).writerows([header, *rows])
    return path


def api_course(number: int, **overrides) -> dict:
    """A course as the Courses API gives it, with the fields dxbot asks for."""
    return {
        "_class": "course",
        "id": 5000 + number,
        "title": f"業務改善 実践講座 その{number}",
        "url": f"https://example.udemy.com/course/kaizen-{number}/",
        "headline": "現場の業務を見直す",
        "estimated_content_length": 90,
        "locale": {"_class": "locale", "locale": "ja_JP", "title": "日本語", "english_title": "Japanese"},
    } | overrides


def page(results: list[dict], next_url: str | None = None) -> dict:
    return {"count": len(results), "next": next_url, "previous": None, "results": results}


def rejections(found) -> list[tuple[str, str]]:
    return [(r.where, r.reason) for r in found.rejected]


# --- CSV ----------------------------------------------------------------------------------------------------------


def test_a_csv_keeps_good_rows_and_rejects_bad_ones_by_line(tmp_path):
    file = write_csv(
        tmp_path / "catalogue.csv",
        [
            ["1001", "  Python データ分析入門：\tpandas  ", "https://www.udemy.com/course/pandas/", "集計を自動化", "300", "ja_JP"],
            ["1002", "", "https://www.udemy.com/course/x/", "", "60", "ja_JP"],
            ["1003", "Excel VBA 業務自動化", "", "", "abc", "ja_JP"],
            ["1001", "Python データ分析入門 (再掲)", "", "", "", ""],
            ["1004", "Complete Python Bootcamp", "", "h" * 600, "", "en_US"],
        ],
    )  # fmt: skip
    found = read_catalogue(file)
    assert found.courses == [
        CatalogueCourse(
            udemy_id="1001",
            title="Python データ分析入門： pandas",
            url="https://www.udemy.com/course/pandas/",
            headline="集計を自動化",
            minutes=300,
            locale="ja_JP",
            where="line 2",
        ),
        CatalogueCourse("1004", "Complete Python Bootcamp", None, "h" * 500, None, "en_US", "line 6"),
    ]
    assert rejections(found) == [
        ("line 3", "title is empty"),
        ("line 4", "estimated_content_length 'abc' is not a whole number of minutes"),
        ("line 5", "duplicate id 1001 (first at line 2)"),
    ]


@pytest.mark.parametrize(
    ("cells", "reason"),
    [
        (["", "題名", "", "", "", ""], "id is empty"),
        (["7", "題名", "", "", "-5", ""], "estimated_content_length -5 is negative"),
        (["7", "題名", "", "", "100001", ""], "estimated_content_length 100001 is more than 100000 minutes"),
        (["7", "題名", "", "", "1.5", ""], "estimated_content_length '1.5' is not a whole number of minutes"),
        (["7", "題名", "javascript:alert(1)", "", "", ""], "url 'javascript:alert(1)' is not an http(s) address"),
        (["7", "題名", "/course/x/", "", "", ""], "url '/course/x/' is not an http(s) address"),
        (["7", "題名", "https://x.jp/" + "a" * 500, "", "", ""], "url is longer than 500 characters"),
        (["7", "題名", "", "", "", "日本語"], "locale '日本語' is not a locale code like ja_JP"),
        (["x" * 33, "題名", "", "", "", ""], f"id {'x' * 33!r} is longer than 32 characters"),
    ],
)
def test_each_bad_field_rejects_its_row_with_a_reason_an_operator_can_act_on(tmp_path, cells, reason):
    found = read_catalogue(write_csv(tmp_path / "c.csv", [cells]))
    assert found.courses == [] and rejections(found) == [("line 2", reason)]


def test_a_csv_from_excel_with_a_bom_extra_columns_another_order_and_empty_rows_reads(tmp_path):
    file = tmp_path / "excel.csv"
    header = ["Locale", "ID", "Title", "category", "url", "headline", "estimated_content_length"]
    write_csv(
        file,
        [["ja-JP", "1", "題名", "IT", "", "", "６０"], ["", "", "", "", "", "", ""]],
        header=header,
        encoding="utf-8-sig",
    )
    assert file.read_bytes().startswith(b"\xef\xbb\xbf")
    found = read_catalogue(file)
    assert found.courses == [CatalogueCourse("1", "題名", None, None, 60, "ja_JP", "line 2")] and found.rejected == []


def test_a_quoted_title_over_two_lines_is_one_row_found_by_its_first_line(tmp_path):
    file = tmp_path / "c.csv"
    file.write_text(",".join(HEADER) + '\n1,"二行に\nわたる題名",,,,\n2,次の講座,,,x,\n', encoding="utf-8")
    found = read_catalogue(file)
    assert [(c.title, c.where) for c in found.courses] == [("二行に わたる題名", "line 2")]
    assert rejections(found) == [("line 4", "estimated_content_length 'x' is not a whole number of minutes")]


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("users.csv", "email,name\na@example.jp,Aさん\n".encode(), "the header must name"),
        ("empty.csv", b"", "is empty"),
        ("dup.csv", b"id,title,title,url,headline,estimated_content_length,locale\n", "more than once"),
        ("sjis.csv", ",".join(HEADER).encode() + "\n1,講座,,,,\n".encode("cp932"), "not UTF-8"),
        ("broken.json", b'{"results": [', "not valid JSON"),
        ("other.json", b'{"users": []}', "not a Courses API page"),
        ("catalogue.xlsx", b"PK", "neither .csv nor .json"),
    ],
)
def test_a_file_that_is_no_catalogue_says_so_in_one_line(tmp_path, name, content, says):
    (tmp_path / name).write_bytes(content)
    with pytest.raises(CatalogueFileError, match=says) as raised:
        read_catalogue(tmp_path / name)
    assert "\n" not in str(raised.value) and name in str(raised.value)


def test_a_missing_file_or_an_empty_directory_says_what_to_give(tmp_path):
    with pytest.raises(CatalogueFileError, match="does not exist"):
        read_catalogue(tmp_path / "nowhere.csv")
    with pytest.raises(CatalogueFileError, match=r"no \.json files"):
        read_catalogue(tmp_path)


def test_thirty_thousand_rows_read_well_under_a_second(tmp_path):
    rows = [
        [str(n), f"講座 {n}", f"https://www.udemy.com/course/c{n}/", "見出し", "120", "ja_JP"] for n in range(30_000)
    ]
    file = write_csv(tmp_path / "big.csv", rows)
    started = time.perf_counter()
    found = read_catalogue(file)
    elapsed = time.perf_counter() - started
    assert len(found.courses) == 30_000 and found.rejected == []
    assert elapsed < 1.0, f"{elapsed:.2f} s"  # typically a third of that


# --- JSON pages ---------------------------------------------------------------------------------------------------


def test_a_page_gives_the_api_id_as_text_and_the_locale_code():
    courses, rejected = parse_page(page([api_course(1), api_course(2, title="  "), "oops"]), "page 3")
    assert courses == [
        CatalogueCourse(
            udemy_id="5001",
            title="業務改善 実践講座 その1",
            url="https://example.udemy.com/course/kaizen-1/",
            headline="現場の業務を見直す",
            minutes=90,
            locale="ja_JP",
            where="page 3 item 1",
        )
    ]
    assert rejected == [Rejected("page 3 item 2", "title is empty"), Rejected("page 3 item 3", "not a course object")]
    assert parse_page({"detail": "Not found."}, "page 1") == (
        [],
        [Rejected("page 1", "not a Courses API page: it has no results list")],
    )


def test_a_json_file_may_hold_one_page_a_list_of_pages_or_a_list_of_courses(tmp_path):
    one = tmp_path / "one.json"
    one.write_text(json.dumps(page([api_course(1), api_course(2)]), ensure_ascii=False), encoding="utf-8")
    several = tmp_path / "several.json"
    several.write_text(json.dumps([page([api_course(1)]), page([api_course(2), api_course(1)])]), encoding="utf-8")
    plain = tmp_path / "plain.json"
    plain.write_text(json.dumps([api_course(1), api_course(2, estimated_content_length=None)]), encoding="utf-8")

    assert [c.where for c in read_catalogue(one).courses] == ["one.json item 1", "one.json item 2"]
    found = read_catalogue(several)
    assert [c.where for c in found.courses] == ["several.json page 1 item 1", "several.json page 2 item 1"]
    assert rejections(found) == [
        ("several.json page 2 item 2", "duplicate id 5001 (first at several.json page 1 item 1)")
    ]
    assert [(c.udemy_id, c.minutes) for c in read_catalogue(plain).courses] == [("5001", 90), ("5002", None)]


def test_a_directory_of_pages_reads_in_name_order_and_names_the_file_of_each_row(tmp_path):
    for number, results in [(2, [api_course(3), api_course(1)]), (1, [api_course(1), api_course(2)])]:
        (tmp_path / f"page-{number:04d}.json").write_text(json.dumps(page(results)), encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a page", encoding="utf-8")
    found = read_catalogue(tmp_path)
    assert [c.udemy_id for c in found.courses] == ["5001", "5002", "5003"]
    assert found.courses[2].where == "page-0002.json item 1"
    assert rejections(found) == [("page-0002.json item 2", "duplicate id 5001 (first at page-0001.json item 1)")]


# --- the Courses API ----------------------------------------------------------------------------------------------


class Sleeps(list):
    """Stands in for time.sleep: remembers how long the client would have waited, and waits not at all."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def client(base_url: str, *, secret: str = CLIENT_SECRET, **options) -> UdemyClient:
    options.setdefault("sleep", Sleeps())
    return UdemyClient(base_url, "42", CLIENT_ID, secret, **options)


def fake(courses: list[dict], **behaviour):
    return start_fake_udemy(courses, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, **behaviour)


def test_every_page_is_fetched_in_order_through_two_rate_limits():
    catalogue = [api_course(n) for n in range(250)]
    sleeps = Sleeps()
    with fake(catalogue, rate_limited=2, retry_after="1") as api:
        pages = list(client(api.base_url, page_size=100, sleep=sleeps).pages())
    assert [(number, len(body["results"])) for number, body in pages] == [(1, 100), (2, 100), (3, 50)]
    assert [course for _, body in pages for course in body["results"]] == catalogue
    assert [r.status for r in api.requests] == [429, 429, 200, 200, 200]
    assert sleeps == [1.0, 1.0]  # as long as Retry-After asked, no longer
    assert all(r.authorised and r.path == "/api-2.0/organizations/42/courses/list/" for r in api.requests)
    assert {(r.query["page_size"][0], r.query["fields[course]"][0]) for r in api.requests} == {
        ("100", "id,title,url,headline,estimated_content_length,locale")
    }
    assert [r.query["page"][0] for r in api.requests] == ["1", "1", "1", "2", "3"]


def test_server_errors_and_429s_without_retry_after_back_off_exponentially():
    sleeps = Sleeps()
    with fake([api_course(1)], rate_limited=1, retry_after=None, server_errors=2) as api:
        pages = list(client(api.base_url, sleep=sleeps).pages())
    assert len(pages) == 1 and [r.status for r in api.requests] == [429, 503, 503, 200]
    assert sleeps == [1, 2, 4]


def test_rate_limits_that_outlast_the_budget_end_in_one_line_saying_to_try_later():
    sleeps = Sleeps()
    refusal = r"^the Udemy Business API still fails \(429 .*try again later$"
    with fake([api_course(1)], rate_limited=100, retry_after="2") as api, pytest.raises(UdemyError, match=refusal):
        list(client(api.base_url, max_wait_seconds=7, sleep=sleeps).pages())
    assert sleeps == [2, 2, 2] and len(api.requests) == 4
    with fake([api_course(1)], rate_limited=1, retry_after="3600") as api, pytest.raises(UdemyError, match="3600 s"):
        list(client(api.base_url).pages())
    assert len(api.requests) == 1  # not waited for an hour


def test_wrong_credentials_fail_at_once_without_showing_the_secret():
    with fake([api_course(1)]) as api, pytest.raises(UdemyError) as raised:
        list(client(api.base_url, secret="wrong-secret-value").pages())
    message = str(raised.value)
    assert message == (
        "the Udemy Business API refused the credentials (401): check DXBOT_UDEMY_CLIENT_ID and DXBOT_UDEMY_CLIENT_SECRET"
    )
    assert "wrong-secret-value" not in message and CLIENT_SECRET not in message
    assert [(r.authorised, r.status) for r in api.requests] == [(False, 401)]


def test_a_next_page_on_another_host_is_not_followed():
    with fake([api_course(n) for n in range(3)], next_base="http://elsewhere.invalid:8080") as api:
        pages = client(api.base_url, page_size=2).pages()
        assert next(pages)[0] == 1
        with pytest.raises(UdemyError, match=r"another host \(elsewhere\.invalid:8080\)") as raised:
            next(pages)
    assert CLIENT_SECRET not in str(raised.value) and len(api.requests) == 1


def test_a_wrong_account_or_address_names_the_settings_to_check():
    settings = r"answered 404 for /elsewhere/api-2\.0/.*DXBOT_UDEMY_URL and DXBOT_UDEMY_ACCOUNT_ID$"
    with fake([api_course(1)]) as api, pytest.raises(UdemyError, match=settings):
        list(client(api.base_url + "/elsewhere").pages())


def test_an_api_that_cannot_be_reached_is_retried_then_reported():
    with fake([]) as api:
        base_url = api.base_url
    sleeps = Sleeps()
    with pytest.raises(UdemyError, match=r"could not connect, reaching 127\.0\.0\.1.*try again later") as raised:
        list(client(base_url, max_wait_seconds=10, sleep=sleeps).pages())
    assert sleeps == [1, 2, 4] and CLIENT_SECRET not in str(raised.value)
