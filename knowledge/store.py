"""The knowledge base as a process opens it: validated and indexed once — by `dxbot kb build`, `dxbot db upgrade`
or the first process to see a change — saved under DXBOT_INDEX_DIR, then loaded, never rebuilt, by every process.

A saved index is named by a fingerprint of everything it was built from (the YAML files, the synonyms and the code
that analyses them), so an edited entry or a new release builds a new one and nothing serves a stale index. The
entries are read one at a time when a hit needs them, and the postings are memory-mapped, so a worker's memory
and start-up barely grow with the size of the knowledge base.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np

from knowledge import kb, search, text
from knowledge.courses import COURSE_FIELDS, Listing, course_texts
from knowledge.kb import Course, Entry, Knowledge, Municipality
from knowledge.search import SYNONYMS_FILE, SearchIndex

log = logging.getLogger(__name__)

FORMAT = 1  # raise when the saved layout changes in a way the fingerprint of the code would not show
_ENTRIES = "entries.jsonl"
_OFFSETS = "entries.offsets.npy"
_REST = "knowledge.json"  # courses and municipalities: few, read whole
_CODE = (kb.__file__, search.__file__, text.__file__, __file__)


class StoredEntries(Mapping[str, Entry]):
    """The entries of a saved knowledge base by id, each parsed from its JSON line when first asked for."""

    def __init__(self, directory: Path, ids: list[str]):
        # Held open: a newer build may delete this directory while the process still answers from it (POSIX).
        self._file = (directory / _ENTRIES).open("rb")
        self._offsets = np.load(directory / _OFFSETS)
        self._numbers = {entry_id: number for number, entry_id in enumerate(ids)}
        self.numbered = _Numbered(self)
        self.at = lru_cache(maxsize=4096)(self._read)  # the entries questions keep finding stay parsed

    def __getitem__(self, entry_id: str) -> Entry:
        return self.at(self._numbers[entry_id])

    def __iter__(self) -> Iterator[str]:
        return iter(self._numbers)

    def __len__(self) -> int:
        return len(self._numbers)

    def _read(self, number: int) -> Entry:
        start, end = int(self._offsets[number]), int(self._offsets[number + 1])
        return Entry.model_validate_json(os.pread(self._file.fileno(), end - start, start))  # no shared file position


class _Numbered(Sequence[Entry]):
    """The same entries in index order, as the search index numbers them."""

    def __init__(self, entries: StoredEntries):
        self._entries = entries

    def __getitem__(self, number):  # type: ignore[override]  -- the index asks for one entry at a time
        return self._entries.at(number)

    def __len__(self) -> int:
        return len(self._entries)


@dataclass(frozen=True)
class Opened:
    knowledge: Knowledge
    directory: Path | None  # the saved index; None when there is nowhere to save one

    @cached_property
    def index(self) -> SearchIndex:
        if self.directory is None or not isinstance(self.knowledge.entries, StoredEntries):
            return SearchIndex.of_knowledge(self.knowledge)
        return SearchIndex.load(self.directory, self.knowledge.entries.numbered)


def open_knowledge(kb_dir: Path | None, index_dir: Path | None) -> Opened:
    """The knowledge base, from its saved index when one matches the files, else built (and saved when it can be)."""
    if index_dir is None:
        return Opened(kb.load(kb_dir), None)
    directory = index_dir / f"kb-{fingerprint(kb_dir)}"
    if not (directory / _REST).is_file():
        try:
            build(kb_dir, index_dir)
        except OSError as exc:  # a read-only disk must not stop the bot: it builds in memory, as before
            log.warning("could not save the search index in %s (%s); building it in memory", index_dir, exc)
            return Opened(kb.load(kb_dir), None)
    return _load(directory)


def build(kb_dir: Path | None, index_dir: Path) -> Path:
    """Validate the knowledge base, index it and save both; return the directory. Raises KnowledgeError."""
    knowledge = kb.load(kb_dir)

    def write(directory: Path) -> None:
        SearchIndex.of_knowledge(knowledge).save(directory)
        _save_entries(directory, list(knowledge.entries.values()))
        rest = {
            "courses": [c.model_dump(mode="json") for c in knowledge.courses.values()],
            "municipalities": [m.model_dump(mode="json") for m in knowledge.municipalities.values()],
        }
        (directory / _REST).write_text(json.dumps(rest, ensure_ascii=False), encoding="utf-8")

    return _save(index_dir, f"kb-{fingerprint(kb_dir)}", write)


def open_catalogue_index(courses: Sequence[Listing], revision: str, index_dir: Path | None) -> SearchIndex[Listing]:
    """The recommendation index of the catalogue at `revision`: loaded when saved, else built and saved."""
    if index_dir is not None:
        name = f"catalogue-{_digest(revision, [SYNONYMS_FILE, *map(Path, _CODE)])}"
        by_id = {course.id: course for course in courses}
        ids = SearchIndex.saved_ids(index_dir / name)
        if ids is not None and all(course_id in by_id for course_id in ids):
            return SearchIndex.load(index_dir / name, [by_id[course_id] for course_id in ids])
    index = SearchIndex(courses, [course.id for course in courses], course_texts, COURSE_FIELDS)
    if index_dir is not None:
        try:
            _save(index_dir, name, index.save)
        except OSError as exc:
            log.warning("could not save the catalogue index in %s (%s); keeping it in memory", index_dir, exc)
    return index


def fingerprint(kb_dir: Path | None) -> str:
    """What a saved index was built from: each file's name, size and modification time, the format and the
    Sudachi dictionary (another cuts other words)."""
    return _digest("", [*kb.yaml_files(kb_dir), SYNONYMS_FILE, *map(Path, _CODE)])


def _digest(revision: str, files: list[Path]) -> str:
    digest = hashlib.sha256(f"format {FORMAT} {revision} sudachidict-{search.SUDACHI_DICT}".encode())
    for path in files:
        stat = path.stat()
        digest.update(f"\n{path.resolve()} {stat.st_size} {stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def _save(index_dir: Path, name: str, write: Callable[[Path], None]) -> Path:
    """Write into a scratch directory, then rename it into place: a process opening it sees all of it or
    nothing. Earlier builds of the same kind go (a process still reading one keeps its open files, POSIX)."""
    final = index_dir / name
    index_dir.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=".building-", dir=index_dir))
    try:
        write(building)
        try:
            building.rename(final)
        except OSError:
            if not final.is_dir():  # not another process's finished copy: a real failure
                raise
    finally:
        shutil.rmtree(building, ignore_errors=True)
    kind = name.split("-")[0]
    for other in index_dir.glob(f"{kind}-*"):
        if other != final:
            shutil.rmtree(other, ignore_errors=True)
    return final


def _save_entries(directory: Path, entries: list[Entry]) -> None:
    offsets = [0]
    with (directory / _ENTRIES).open("wb") as file:
        for entry in entries:
            offsets.append(offsets[-1] + file.write(entry.model_dump_json().encode() + b"\n"))
    np.save(directory / _OFFSETS, np.array(offsets, dtype=np.int64))


def _load(directory: Path) -> Opened:
    rest = json.loads((directory / _REST).read_text(encoding="utf-8"))
    ids = SearchIndex.saved_ids(directory) or []
    courses = [Course.model_validate(course) for course in rest["courses"]]
    municipalities = [Municipality.model_validate(m) for m in rest["municipalities"]]
    knowledge = Knowledge(
        entries=StoredEntries(directory, ids),
        courses={course.id: course for course in courses},
        municipalities={m.code: m for m in municipalities},
    )
    return Opened(knowledge, directory)
