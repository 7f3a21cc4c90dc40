"""A deployment's own knowledge (DXBOT_KB_DIR): a minimal documented format, one-line problems a coordinator can
act on, the shipped example, and `dxbot kb new` to start an entry."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from knowledge import kb
from tests.cli_helpers import dxbot

EXAMPLE = kb.DATA_DIR / "examples" / "own_entries.yaml"

MINIMAL = {
    "id": "yokohama-tips",
    "title": "横浜市 DX推進課の問い合わせ先",
    "body": "DX推進課の窓口は本庁舎8階です。",
    "source": "横浜市 庁内ポータル",
    "as_of": "2026-11-01",
}


def _write_entry(directory: Path, fields: dict[str, str], name: str = "tips.yaml") -> Path:
    directory.mkdir(exist_ok=True)
    lines = [f"    {field}: {value}" for field, value in fields.items()]
    (directory / name).write_text("entries:\n  - " + "\n".join(lines).lstrip() + "\n", encoding="utf-8")
    return directory


def _env(tmp_path: Path, own: Path | None = None) -> dict[str, str]:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"}
    return env | ({"DXBOT_KB_DIR": str(own)} if own else {})


def test_a_minimal_entry_is_enough(tmp_path: Path):
    entry = kb.load(_write_entry(tmp_path / "own", MINIMAL)).entries["yokohama-tips"]
    assert entry.source.document == "横浜市 庁内ポータル" and entry.as_of == date(2026, 11, 1)
    assert entry.title_in("en") == entry.title and entry.body_in("en") == entry.body  # no English: the Japanese
    assert entry.kind is None and entry.review_by is None and entry.tags == ()


def test_a_source_may_be_only_a_url(tmp_path: Path):
    own = _write_entry(tmp_path / "own", MINIMAL | {"source": "{url: https://portal.example/dx}"})
    assert kb.load(own).entries["yokohama-tips"].source.document == "https://portal.example/dx"


@pytest.mark.parametrize(
    ("field", "line", "advice"),
    [
        ("id", "entry #1: id is missing", "(write id: and a name of a-z, 0-9 and -, e.g. id: it-helpdesk)"),
        ("title", "entry 'yokohama-tips': title is missing", "(write title: and what the entry is about"),
        ("body", "entry 'yokohama-tips': body is missing", "(write body: and the answer members should get)"),
        ("source", "entry 'yokohama-tips': source is missing", "(write source: and the name of the document"),
        ("as_of", "entry 'yokohama-tips': as_of is missing", "e.g. as_of: "),
    ],
)
def test_each_missing_field_is_one_line_naming_what_to_write(tmp_path: Path, field: str, line: str, advice: str):
    own = _write_entry(tmp_path / "own", {k: v for k, v in MINIMAL.items() if k != field})
    check = dxbot("kb", "check", cwd=tmp_path, env=_env(tmp_path, own))
    assert check.returncode == 7 and "Traceback" not in check.stderr
    header, problem = check.stderr.splitlines()
    assert header == "dxbot: the knowledge base is invalid:"
    assert problem.startswith(f"{own / 'tips.yaml'}:2: {line} ") and advice in problem


def test_a_wrong_value_says_where_and_how_to_write_it(tmp_path: Path):
    own = _write_entry(tmp_path / "own", MINIMAL | {"as_of": "2026/11/01", "tittle": "x", "id": "Yokohama Tips"})
    with pytest.raises(kb.KnowledgeError) as error:
        kb.load(own)
    assert error.value.problems == [
        f"{own / 'tips.yaml'}:2: entry 'Yokohama Tips': id 'Yokohama Tips' may hold only a-z, 0-9 and - "
        "(e.g. id: it-helpdesk)",
        f"{own / 'tips.yaml'}:6: entry 'Yokohama Tips': as_of '2026/11/01' is not a date "
        "(write it as YYYY-MM-DD, e.g. as_of: 2026-12-01)",
        f"{own / 'tips.yaml'}:7: entry 'Yokohama Tips': tittle is not a field dxbot knows (did you mean title?)",
    ]


def test_an_impossible_date_or_broken_yaml_is_one_line(tmp_path: Path):
    own = _write_entry(tmp_path / "own", MINIMAL | {"as_of": "2026-13-01"})
    assert kb_problems(own) == [f"{own / 'tips.yaml'}:6: month must be in 1..12 (write a date that exists, YYYY-MM-DD)"]
    (own / "tips.yaml").write_text("entries:\n  - id: x\n   title: y\n", encoding="utf-8")
    (problem,) = kb_problems(own)
    assert problem.startswith(f"{own / 'tips.yaml'}:3: not valid YAML: ")
    (own / "tips.yaml").write_text("entries: []\n", encoding="utf-8")
    (own / "sjis.yaml").write_bytes("entries:\n  - title: 問い合わせ先\n".encode("cp932"))
    assert kb_problems(own) == [f"{own / 'sjis.yaml'}: not UTF-8 text (save it again as UTF-8)"]


def kb_problems(own: Path) -> list[str]:
    with pytest.raises(kb.KnowledgeError) as error:
        kb.load(own)
    return error.value.problems


def test_an_id_already_taken_names_both_files(tmp_path: Path):
    own = _write_entry(tmp_path / "own", MINIMAL | {"id": "gunma-reskilling-programme"})
    _write_entry(own, MINIMAL, name="more.yaml")
    _write_entry(own, MINIMAL, name="tips2.yaml")
    assert kb_problems(own) == [
        f"{own / 'tips.yaml'}:2: entry 'gunma-reskilling-programme': id 'gunma-reskilling-programme' is already used "
        "in knowledge/data/kb/gunma.yaml (choose another id)",
        f"{own / 'tips2.yaml'}:2: entry 'yokohama-tips': id 'yokohama-tips' is already used in {own / 'more.yaml'} "
        "(choose another id)",
    ]


def test_kb_check_refuses_a_kb_dir_that_is_not_a_directory(tmp_path: Path):
    check = dxbot("kb", "check", cwd=tmp_path, env=_env(tmp_path, tmp_path / "nowhere"))
    assert check.returncode == 7
    assert check.stderr.splitlines()[1] == f"DXBOT_KB_DIR={tmp_path / 'nowhere'} is not a directory " + (
        "(set it to the folder of your own YAML files)"
    )


def test_the_example_file_is_valid_and_answerable_but_not_shipped_knowledge(tmp_path: Path):
    own = tmp_path / "own"
    own.mkdir()
    shutil.copy(EXAMPLE, own)
    shipped = len(kb.load().entries)
    assert not {"minato-udemy-helpdesk", "minato-dx-study-group"} & set(kb.load().entries)
    env = _env(tmp_path, own)
    check = dxbot("kb", "check", cwd=tmp_path, env=env)
    assert check.returncode == 0 and f"{shipped + 2} entries" in check.stdout, check.stderr
    helpdesk = dxbot("ask", "Udemy Businessにログインできないときの問い合わせ先は？", "--json", cwd=tmp_path, env=env)
    assert '"id": "minato-udemy-helpdesk"' in helpdesk.stdout, helpdesk.stdout
    study = dxbot("ask", "昼ゼミはいつ開かれていますか？", "--json", cwd=tmp_path, env=env)
    assert '"id": "minato-dx-study-group"' in study.stdout, study.stdout


def test_kb_new_writes_an_entry_that_kb_check_points_at_until_filled_in(tmp_path: Path):
    own = tmp_path / "own"
    made = dxbot(
        "kb", "new", "it-helpdesk", "--title", "情報システムの問い合わせ先", cwd=tmp_path, env=_env(tmp_path, own)
    )
    path = own / "it-helpdesk.yaml"
    assert made.returncode == 0, made.stderr
    assert made.stdout.splitlines() == [f"wrote {path}", "next: edit it (replace every TODO), then run dxbot kb check"]

    check = dxbot("kb", "check", cwd=tmp_path, env=_env(tmp_path, own))
    assert check.returncode == 7
    assert check.stderr.splitlines()[1:] == [
        f"{path}:7: entry 'it-helpdesk': body still says TODO (write body: and the answer members should get)",
        f"{path}:9: entry 'it-helpdesk': source still says TODO (write source: and the name of the document that "
        "says it, e.g. source: 庁内ポータル「問い合わせ先一覧」)",
    ]
    filled = path.read_text(encoding="utf-8").replace("TODO ここに答えを書いてください", "情報政策課（内線 2315）へ")
    path.write_text(filled.replace("TODO 資料名", "庁内ポータル「問い合わせ先一覧」"), encoding="utf-8")
    assert dxbot("kb", "check", cwd=tmp_path, env=_env(tmp_path, own)).returncode == 0
    entry = kb.load(own).entries["it-helpdesk"]
    assert (entry.title, entry.as_of) == ("情報システムの問い合わせ先", date.today())


def test_kb_new_with_a_source_and_its_own_dir_says_how_dxbot_will_read_it(tmp_path: Path):
    made = dxbot("kb", "new", "study-group", "--dir", "mine", "--source", "https://portal.example/dx", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert made.stdout.splitlines()[1].endswith("then run dxbot kb check with DXBOT_KB_DIR=mine")
    assert 'source: "https://portal.example/dx"' in (tmp_path / "mine" / "study-group.yaml").read_text("utf-8")


@pytest.mark.parametrize(
    ("args", "refusal"),
    [
        (("Bad_Id",), "ID 'Bad_Id' may hold only a-z, 0-9 and - (e.g. it-helpdesk)"),
        (("it-helpdesk",), "no folder to write the entry in: set DXBOT_KB_DIR, or pass --dir DIR"),
        (("gunma-reskilling-programme", "--dir", "own"), "is already an entry shipped with dxbot: choose another ID"),
        (("taken", "--dir", "own"), "own/taken.yaml already exists: edit it, or choose another ID"),
    ],
)
def test_kb_new_refuses_in_one_line(tmp_path: Path, args: tuple[str, ...], refusal: str):
    (tmp_path / "own").mkdir()
    (tmp_path / "own" / "taken.yaml").write_text("entries: []\n", encoding="utf-8")
    refused = dxbot("kb", "new", *args, cwd=tmp_path, env=_env(tmp_path))
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1, refused.stderr
    assert refusal in refused.stderr
    assert sorted(p.name for p in (tmp_path / "own").iterdir()) == ["taken.yaml"]
