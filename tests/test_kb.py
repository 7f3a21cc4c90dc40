"""The knowledge base as data: validated, sourced and dated, and extensible by a deployment."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge import kb
from tests.cli_helpers import dxbot

SEEDS = {"000_486f6aefeeac509d.txt", "004_49c64ad8f79fdc11.txt"}

OWN_ENTRY = """
entries:
  - id: yokosuka-study-group
    kind: programme
    title: 横須賀市 DX勉強会（毎月第2水曜）
    title_en: Yokosuka monthly DX study group
    body: 横須賀市では毎月第2水曜にDX勉強会を開いています。
    summary_en: Yokosuka holds a DX study group on the second Wednesday of every month.
    tags: [勉強会, study group]
    source: {file: yokosuka-internal.md, document: 横須賀市 研修案内}
    as_of: 2026-10-01
"""


def test_every_entry_is_sourced_from_a_seed_and_dated():
    knowledge = kb.load()
    assert len(knowledge.entries) >= 45
    for entry in knowledge.entries.values():
        assert any(seed in entry.source.file for seed in SEEDS), entry.id
        assert entry.as_of.year >= 2024


def test_the_five_kanagawa_courses_are_in_the_catalogue():
    titles = {c.title for c in kb.load().courses.values()}
    assert titles == {
        "基本情報技術者試験 最速合格講座",
        "たった10時間で社会人に必要なIT基礎知識が全て身につく!",
        "手を動かして学ぶプロセス改革!",
        "DXの取り組み方と心構え【自治体職員対象】",
        "システムを作らせる技術(要求事項編)",
    }


def test_problems_are_all_listed(tmp_path: Path):
    (tmp_path / "broken.yaml").write_text(
        "entries:\n  - id: Bad Id\n    kind: rumour\n  - id: kanagawa-learning-path-2024\n"
        "    kind: path\n    title: x\n    title_en: x\n    body: x\n    summary_en: x\n"
        "    related: [nowhere]\n    source: {file: x, document: y}\n    as_of: 2024-01-01\n"
    )
    with pytest.raises(kb.KnowledgeError) as error:
        kb.load(tmp_path)
    problems = "\n".join(error.value.problems)
    assert "entries.0.id" in problems and "entries.0.kind" in problems
    assert "duplicate id 'kanagawa-learning-path-2024'" in problems and "'nowhere'" in problems


def test_a_deployment_adds_its_own_entries(tmp_path: Path):
    own = tmp_path / "kb"
    own.mkdir()
    (own / "yokosuka.yaml").write_text(OWN_ENTRY)
    env = {"DXBOT_KB_DIR": str(own), "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"}
    check = dxbot("kb", "check", cwd=tmp_path, env=env)
    assert check.returncode == 0 and "71 entries" in check.stdout
    answer = dxbot("ask", "横須賀市のDX勉強会はいつ？", "--json", cwd=tmp_path, env=env)
    assert "yokosuka-study-group" in answer.stdout

    (own / "broken.yaml").write_text("entries: [ {id: oops")
    failed = dxbot("kb", "check", cwd=tmp_path, env=env)
    assert failed.returncode == 2 and "broken.yaml" in failed.stderr and "Traceback" not in failed.stderr
