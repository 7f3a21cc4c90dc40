"""The `dxbot` console script, run as a subprocess the way staff and coordinators run it."""

from __future__ import annotations

import json

import pytest

from tests.cli_helpers import dxbot


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)  # the embedded default: ./dxbot.sqlite3
    return tmp_path


def test_help_lists_every_command(workdir):
    result = dxbot("--help", cwd=workdir)
    assert result.returncode == 0
    for command in ("serve", "socket", "db", "courses", "municipalities"):
        assert command in result.stdout


def test_db_upgrade_creates_the_sqlite_file_and_matching_works(workdir):
    result = dxbot("db", "upgrade", cwd=workdir)
    assert result.returncode == 0, result.stderr
    assert (workdir / "dxbot.sqlite3").exists()
    assert "5 courses" in result.stdout

    matches = json.loads(dxbot("courses", "match", "iパス", "--json", cwd=workdir).stdout)["matches"]
    assert matches[0]["title"] == "たった10時間で社会人に必要なIT基礎知識が全て身につく!"
    assert set(matches[0]) == {"id", "title", "score"}
    assert json.loads(dxbot("courses", "match", "明日の天気", "--json", cwd=workdir).stdout) == {"matches": []}


def test_municipalities_add_list_and_duplicates(workdir):
    dxbot("db", "upgrade", cwd=workdir)
    assert (
        dxbot(
            "municipalities", "add", "横須賀市", "--prefecture", "神奈川県", "--code", "142018", cwd=workdir
        ).returncode
        == 0
    )
    duplicate = dxbot("municipalities", "add", "横須賀市", cwd=workdir)
    assert duplicate.returncode == 2
    assert duplicate.stderr.strip().count("\n") == 0 and "already registered" in duplicate.stderr
    bad_code = dxbot("municipalities", "add", "鎌倉市", "--code", "12", cwd=workdir)
    assert bad_code.returncode == 2 and "団体コード" in bad_code.stderr
    listing = dxbot("municipalities", "list", cwd=workdir).stdout
    assert "横須賀市" in listing and "142018" in listing


def test_missing_configuration_is_one_clear_line(workdir):
    result = dxbot("serve", cwd=workdir)
    assert result.returncode == 3
    assert result.stderr.strip() == "dxbot: SLACK_BOT_TOKEN is not set: export it (or put it in .env) and try again."
    bad_tz = dxbot("courses", "list", cwd=workdir, env={"DXBOT_TZ": "Mars/Olympus"})
    assert bad_tz.returncode == 3 and "DXBOT_TZ" in bad_tz.stderr and "Traceback" not in bad_tz.stderr


def test_dotenv_file_is_read(workdir):
    (workdir / ".env").write_text("DATABASE_URL=sqlite:///from-dotenv.sqlite3\n")
    assert dxbot("db", "upgrade", cwd=workdir).returncode == 0
    assert (workdir / "from-dotenv.sqlite3").exists()


def test_socket_mode_needs_the_app_token(workdir):
    result = dxbot("socket", cwd=workdir, env={"SLACK_BOT_TOKEN": "xoxb-test-token"})
    assert result.returncode == 3
    assert result.stderr.strip() == "dxbot: SLACK_APP_TOKEN is not set: export it (or put it in .env) and try again."


def test_ask_offline_and_the_subsidy_calculator(workdir):
    answer = json.loads(dxbot("ask", "ITパスポートの講座は？", "--json", cwd=workdir).stdout)
    assert answer["answered"] and "たった10時間で" in answer["text"]
    assert {"id", "title", "url", "as_of"} <= set(answer["sources"][0])

    then = json.loads(
        dxbot(
            "subsidy",
            "--hours",
            "60",
            "--cost",
            "300000",
            "--size",
            "sme",
            "--as-of",
            "2024-08-26",
            "--json",
            cwd=workdir,
        ).stdout
    )
    assert then["per_person"] == {"expense": 225000, "wage": 57600, "total": 282600}
    now = json.loads(
        dxbot("subsidy", "--hours", "60", "--cost", "300000", "--size", "sme", "--json", cwd=workdir).stdout
    )
    assert now["per_person"]["wage"] == 60000 and now["rules_as_of"] == "2025-04-01"


@pytest.mark.parametrize(
    "args",
    [
        ("--hours", "-5", "--cost", "300000", "--size", "sme"),
        ("--hours", "abc", "--cost", "300000", "--size", "sme"),
        ("--hours", "60", "--cost", "300000", "--size", "huge"),
        ("--hours", "60", "--cost", "300000", "--size", "sme", "--as-of", "2024-13-01"),
    ],
)
def test_subsidy_bad_input_is_one_line_and_non_zero(workdir, args):
    result = dxbot("subsidy", *args, cwd=workdir)
    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_ask_as_of_a_date_leads_with_the_rules_in_force_then(workdir):
    now = dxbot("ask", "大企業の賃金助成は1時間いくら？", "--as-of", "2026-11-23", cwd=workdir)
    assert now.returncode == 0 and now.stdout.index("大企業 500円") < now.stdout.index("以前の規則")
    assert "480円" not in now.stdout
    then = dxbot("ask", "大企業の賃金助成は1時間いくら？", "--as-of", "2024-11-23", cwd=workdir)
    assert "大企業 480円" in then.stdout and "500円" not in then.stdout


def test_subsidy_delivery_modes_not_confirmed_are_left_out(workdir):
    result = dxbot(
        "subsidy", "--hours", "60", "--cost", "300000", "--size", "sme", "--delivery", "subscription", cwd=workdir
    )
    assert result.returncode == 0 and "total: 0 yen" in result.stdout and "要確認" in result.stdout
    wrong = dxbot("subsidy", "--hours", "60", "--cost", "1", "--size", "sme", "--delivery", "dvd", cwd=workdir)
    assert wrong.returncode == 2 and "classroom, elearning, correspondence or subscription" in wrong.stderr
