"""The saved knowledge base: built once, loaded (not rebuilt) by every process, rebuilt when a file changes, and
answering exactly as the index built in memory does."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from knowledge import kb, search, store
from knowledge.search import SearchIndex
from tests.eval.run_eval import evaluate, load_questions

OWN_ENTRY = """
entries:
  - id: own-faq-vpn
    kind: policy
    title: 庁内VPNの接続手順
    title_en: Connecting to the office VPN
    body: 在宅勤務でUdemy Businessを受講するときは、庁内VPNに接続してから学習ポータルを開きます。
    summary_en: Connect to the office VPN before opening the learning portal from home.
    source: {document: 情報政策課 FAQ, file: faq.md}
    as_of: 2026-04-01
"""


@pytest.fixture
def own_kb(tmp_path) -> Path:
    directory = tmp_path / "kb"
    directory.mkdir()
    (directory / "own.yaml").write_text(OWN_ENTRY, encoding="utf-8")
    return directory


def test_a_saved_index_answers_exactly_as_one_built_in_memory(tmp_path):
    questions = load_questions()
    opened = store.open_knowledge(None, tmp_path)
    assert isinstance(opened.knowledge.entries, store.StoredEntries)
    in_memory = SearchIndex.of_knowledge(kb.load())
    for question in questions:
        saved_hits = opened.index.lookup(question["q"])
        memory_hits = in_memory.lookup(question["q"])
        assert [(h.entry.id, h.score, h.missing) for h in saved_hits.hits] == [
            (h.entry.id, h.score, h.missing) for h in memory_hits.hits
        ]
        assert saved_hits.unknown_names == memory_hits.unknown_names
    assert evaluate(opened.index, questions)["hit_at_3"] == evaluate(in_memory, questions)["hit_at_3"]


def test_the_second_process_loads_what_the_first_built(tmp_path, own_kb):
    first = store.open_knowledge(own_kb, tmp_path)
    (built,) = tmp_path.glob("kb-*")
    stamp = built.stat().st_mtime_ns
    second = store.open_knowledge(own_kb, tmp_path)
    assert second.directory == first.directory == built and built.stat().st_mtime_ns == stamp
    assert second.knowledge.entries["own-faq-vpn"].title == "庁内VPNの接続手順"
    assert second.index.search("VPNの接続手順は？")[0].entry.id == "own-faq-vpn"


def test_a_process_still_reads_entries_after_a_newer_build_removed_its_index(tmp_path, own_kb):
    running = store.open_knowledge(own_kb, tmp_path)
    assert running.index.search("在宅勤務")  # the index is opened (memory-mapped) before the newer build
    own = own_kb / "own.yaml"
    own.write_text(OWN_ENTRY + "\n", encoding="utf-8")
    os.utime(own, ns=(own.stat().st_atime_ns, own.stat().st_mtime_ns + 1_000_000))
    store.build(own_kb, tmp_path)
    assert not running.directory.exists()
    assert running.index.search("VPNの接続手順は？")[0].entry.title == "庁内VPNの接続手順"


def test_an_edited_file_builds_a_new_index_and_drops_the_old(tmp_path, own_kb):
    before = store.open_knowledge(own_kb, tmp_path).directory
    own = own_kb / "own.yaml"
    own.write_text(OWN_ENTRY.replace("庁内VPNの接続手順", "庁内VPN（リモートアクセス）の接続手順"), encoding="utf-8")
    os.utime(own, ns=(own.stat().st_atime_ns, own.stat().st_mtime_ns + 1_000_000))
    after = store.open_knowledge(own_kb, tmp_path)
    assert after.directory != before and not before.exists()
    assert [p.name for p in tmp_path.glob("kb-*")] == [after.directory.name]
    assert after.knowledge.entries["own-faq-vpn"].title == "庁内VPN（リモートアクセス）の接続手順"


def test_another_sudachi_dictionary_is_another_index(monkeypatch):
    """The dictionary decides the words an index holds: one built with another would answer with its words."""
    core = store.fingerprint(None)
    monkeypatch.setattr(search, "SUDACHI_DICT", "small")
    assert store.fingerprint(None) != core


def test_processes_building_at_once_leave_one_complete_index(tmp_path, own_kb):
    errors: list[BaseException] = []

    def build() -> None:
        try:
            store.build(own_kb, tmp_path)
        except BaseException as error:  # reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=build) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(list(tmp_path.glob("kb-*"))) == 1 and not list(tmp_path.glob(".building-*"))
    assert store.open_knowledge(own_kb, tmp_path).knowledge.entries["own-faq-vpn"].kind == "policy"


def test_an_invalid_knowledge_base_is_never_saved(tmp_path, own_kb):
    (own_kb / "own.yaml").write_text(OWN_ENTRY.replace("kind: policy", "kind: rumour"), encoding="utf-8")
    with pytest.raises(kb.KnowledgeError, match="kind"):
        store.open_knowledge(own_kb, tmp_path)
    assert not list(tmp_path.glob("kb-*"))


def test_an_unwritable_index_directory_falls_back_to_memory(tmp_path):
    blocked = tmp_path / "file-not-dir"
    blocked.write_text("")
    opened = store.open_knowledge(None, blocked / "index")
    assert opened.directory is None
    assert opened.index.search("ITパスポートの講座は？")
