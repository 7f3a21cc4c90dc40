"""The command line behaves as operators expect: -h and --version, help on every option, --json on every
listing, and bad input worded the same way everywhere."""

from __future__ import annotations

import json
import re

import pytest
import typer

from bot.cli import cli
from tests.cli_helpers import dxbot


def _commands(group, path: tuple[str, ...] = ()):
    """Every leaf command of the click tree typer builds, by its words (typer vendors click: duck-typed)."""
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            yield from _commands(command, (*path, name))
        else:
            yield (*path, name), command


COMMANDS = dict(_commands(typer.main.get_command(cli)))


def test_version_and_short_help(tmp_path):
    version = dxbot("--version", cwd=tmp_path)
    assert version.returncode == 0 and re.fullmatch(r"dxbot \d+\.\d+\.\d+\n", version.stdout)
    for args in (("-h",), ("db", "-h"), ("members", "list", "-h")):
        shown = dxbot(*args, cwd=tmp_path)
        assert shown.returncode == 0 and "Usage:" in shown.stdout, args


@pytest.mark.parametrize("path", sorted(COMMANDS), ids=" ".join)
def test_every_command_and_option_says_what_it_is_for(path):
    command = COMMANDS[path]
    assert command.help, path
    for parameter in command.params:
        if parameter.param_type_name == "option":
            assert parameter.help, f"{' '.join(path)} {parameter.opts[0]} has no help"


LISTINGS = [
    ("municipalities", "list"),
    ("prefectures", "list"),
    ("members", "list"),
    ("members", "audit"),
    ("courses", "list"),
    ("jobs",),
    ("questions", "report"),
]


def test_every_listing_has_json():
    for path in LISTINGS:
        assert any("--json" in p.opts for p in COMMANDS[path].params), path


def test_listings_as_json_on_a_real_database(tmp_path):
    assert dxbot("db", "upgrade", cwd=tmp_path).returncode == 0
    assert dxbot("municipalities", "add", "横須賀市", "--code", "142018", cwd=tmp_path).returncode == 0
    for path in LISTINGS:
        result = dxbot(*path, "--json", cwd=tmp_path)
        assert result.returncode == 0, (path, result.stderr)
        json.loads(result.stdout)
    places = json.loads(dxbot("municipalities", "list", "--json", cwd=tmp_path).stdout)["municipalities"]
    assert places == [
        {
            "name": "横須賀市",
            "prefecture": "default",  # the tenant of municipalities added without one (db/prefectures.py)
            "reading": "よこすかし",
            "code": "142018",
            "channel": None,
            "members": 0,
            "licences": None,
            "nudge_weeks": 3,
            "join": "open",
            "email_domains": [],
        }
    ]
    assert json.loads(dxbot("members", "list", "--json", cwd=tmp_path).stdout) == {"members": []}


def _refused(tmp_path, *args: str) -> str:
    result = dxbot(*args, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1
    return result.stderr.strip()


def test_subsidy_wording(tmp_path):
    base = ("subsidy", "--cost", "300000", "--size", "sme")
    assert _refused(tmp_path, *base, "--hours", "0") == (
        "dxbot: --hours must be a number more than 0 and at most 10,000, not '0'"
    )
    assert "at most 10,000, not '1e9'" in _refused(tmp_path, *base, "--hours", "1e9")
    assert "--hours must be a number, not 'ten'" in _refused(tmp_path, *base, "--hours", "ten")
    assert "--people must be a whole number, not '1.5'" in _refused(tmp_path, *base, "--hours", "60", "--people", "1.5")
    assert "--size must be one of sme, large, 中小 or 大企業, not 'tiny'" in _refused(
        tmp_path, "subsidy", "--hours", "60", "--cost", "300000", "--size", "tiny"
    )
    shown = dxbot("subsidy", "--hours", "60", "--cost", "30万", "--size", "中小", cwd=tmp_path)
    assert shown.returncode == 0 and shown.stdout.startswith("eligible: yes\n"), shown.stderr
    same = dxbot("subsidy", "--hours", "60", "--cost", "300,000", "--size", "sme", "--json", cwd=tmp_path)
    assert json.loads(same.stdout)["total"] == int(re.search(r"total: ([\d,]+)", shown.stdout)[1].replace(",", ""))


def test_municipality_wording(tmp_path):
    assert dxbot("db", "upgrade", cwd=tmp_path).returncode == 0
    assert "the check digit of 14201 is 8, not 9" in _refused(
        tmp_path, "municipalities", "add", "横須賀市", "--code", "142019"
    )
    assert "--channel must be a channel ID like C0123456789" in _refused(
        tmp_path, "municipalities", "add", "横須賀市", "--channel", "#dx-share"
    )
    assert dxbot("municipalities", "add", "横須賀市", cwd=tmp_path).returncode == 0
    again = _refused(tmp_path, "municipalities", "add", "横須賀市")
    assert "横須賀市 is already registered" in again and "None" not in again


def test_digest_send_help_names_its_own_default(tmp_path):
    shown = " ".join(dxbot("digest", "send", "-h", cwd=tmp_path).stdout.split())
    assert "Default: the last finished week" in shown and "current week" not in shown
