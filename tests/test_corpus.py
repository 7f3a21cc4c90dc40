"""bench/corpus.py: the generated distractors are valid entries that answer none of the evaluation questions, and
the generated catalogue reads as the Udemy Business API and `dxbot courses import` expect."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from bench import corpus
from knowledge import kb
from tests.eval.run_eval import QUESTIONS_FILE

# Every municipality the questions name (神奈川県, 北九州市, 小国町, 渋谷区…), not the words for a kind of one (市町).
_PLACE = re.compile(r"[一-龥々ヶ]+[県市町区]")
_GENERIC = set("都道府県市区町村")


@pytest.fixture(scope="module")
def entries() -> list[dict]:
    return corpus.distractor_entries(3000, seed=7)


@pytest.fixture(scope="module")
def courses() -> list[dict]:
    return corpus.catalogue_courses(3000, seed=7)


def forbidden_names() -> set[str]:
    named = {name for name in _PLACE.findall(QUESTIONS_FILE.read_text(encoding="utf-8")) if set(name) - _GENERIC}
    brief = {"Udemy", "ユーデミー", "ITパスポート", "iパス", "基本情報", "人材開発支援助成金", "助成金", "リスキリング"}
    brief |= {"ラーニングパートナー", "ベネッセ", "Benesse", "共同調達", "神奈川", "群馬", "横須賀", "東京", "特別区"}
    return named | brief | set(corpus.FORBIDDEN)


def test_entries_are_valid_with_unique_ids_and_look_like_faq_entries(entries):
    validated = [kb.Entry.model_validate(entry) for entry in entries]
    assert len({entry.id for entry in validated}) == len(entries)
    assert {entry.kind for entry in validated} == {"policy", "case", "programme", "procurement", "survey"}
    for entry in validated:
        assert 100 <= len(entry.body) <= 400, entry.id
        assert 2 <= entry.body.count("。") <= 6, entry.id
        assert 2 <= len(entry.tags) <= 4, entry.id
        assert entry.as_of is not None and 2023 <= entry.as_of.year <= 2025
        assert entry.source.file == "bench/corpus.py"
    assert len({entry.title for entry in validated}) > len(entries) / 2  # worded many ways, not one template


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data():
    assert corpus.distractor_entries(200, seed=3) == corpus.distractor_entries(200, seed=3)
    assert corpus.distractor_entries(200, seed=3) != corpus.distractor_entries(200, seed=4)
    assert corpus.catalogue_courses(200, seed=3) == corpus.catalogue_courses(200, seed=3)


def test_no_entry_names_anything_the_evaluation_questions_ask_about(entries):
    names = forbidden_names()
    assert {"北九州市", "小国町", "渋谷区", "長野県"} <= names
    found = {}
    for entry in entries:
        text = " ".join((entry["title"], entry["title_en"], entry["body"], entry["summary_en"], *entry["tags"]))
        text = text.casefold()
        found.update({name: entry["id"] for name in names if name.casefold() in text})
    assert not found


def test_a_written_directory_loads_as_a_deployments_knowledge_base(tmp_path: Path):
    paths = corpus.write_kb_dir(tmp_path / "kb", 50, per_file=20)
    assert [path.name for path in paths] == ["distractors-0000.yaml", "distractors-0001.yaml", "distractors-0002.yaml"]
    loaded = kb.load(extra_dir=tmp_path / "kb")
    generated = [entry_id for entry_id in loaded.entries if entry_id.startswith("distractor-")]
    assert len(generated) == 50
    assert len(loaded.entries) == len(kb.load().entries) + 50
    corpus.write_kb_dir(tmp_path / "kb", 10)  # a smaller run replaces the larger one's files
    assert [path.name for path in (tmp_path / "kb").iterdir()] == ["distractors-0000.yaml"]


def test_catalogue_titles_are_distinct_and_none_is_a_path_course(courses):
    titles = [course["title"] for course in courses]
    assert len(set(titles)) == len(titles)
    assert not set(titles) & corpus.PATH_COURSE_TITLES
    path_titles = {course.title for course in kb.load().courses.values()}
    assert path_titles == corpus.PATH_COURSE_TITLES
    ids = [course["id"] for course in courses]
    assert len(set(ids)) == len(ids) and min(ids) >= 1_000_000
    japanese = sum(course["locale"]["locale"] == "ja_JP" for course in courses) / len(courses)
    assert 0.35 < japanese < 0.45
    assert all(30 <= course["estimated_content_length"] <= 3000 for course in courses)
    assert len({course["url"] for course in courses}) == len(courses)


def test_the_csv_has_the_exact_header_and_the_locale_code(tmp_path: Path, courses):
    path = corpus.write_csv(tmp_path / "catalogue.csv", courses[:10])
    with path.open(encoding="utf-8", newline="") as file:
        rows = list(csv.reader(file))
    assert path.read_text(encoding="utf-8").splitlines()[0] == "id,title,url,headline,estimated_content_length,locale"
    assert len(rows) == 11
    assert [row[5] for row in rows[1:]] == [course["locale"]["locale"] for course in courses[:10]]


def test_json_pages_link_to_each_other_like_the_api(tmp_path: Path, courses):
    paths = corpus.write_json_pages(tmp_path / "pages", courses[:250], page_size=100)
    pages = [json.loads(path.read_text(encoding="utf-8")) for path in paths]
    assert [path.name for path in paths] == ["page-0001.json", "page-0002.json", "page-0003.json"]
    assert [len(page["results"]) for page in pages] == [100, 100, 50]
    assert all(page["count"] == 250 for page in pages)
    assert pages[0]["next"].endswith("?page=2&page_size=100") and pages[0]["previous"] is None
    assert pages[2]["next"] is None and pages[2]["previous"].endswith("?page=2&page_size=100")
    assert pages[1]["results"][0] == courses[100]
