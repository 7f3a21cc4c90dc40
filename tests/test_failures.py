"""Every failure a new user or an operator meets is one line naming what is wrong and what to do, with an exit
code of its own (bot/failures.py), and no command but `dxbot db upgrade` creates a database. Each case is the
real `dxbot` console script against a real (or really absent) database or Slack."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlalchemy import create_engine, text

from tests.cli_helpers import dxbot, free_port
from tests.conftest import POSTGRES_URL, own_database


def needs_postgres(test):
    return pytest.mark.database(
        pytest.mark.skipif(POSTGRES_URL is None, reason="PostgreSQL: set TEST_DATABASE_URL")(test)
    )


SERVER = POSTGRES_URL.rsplit("/", 1)[0] if POSTGRES_URL else ""


def failed(result, code: int, *words: str, server: bool = False) -> str:
    """The one line a failed command printed, after checking its exit code and that it says `words`. A server
    (`serve`, `socket`) may have logged its start before it: the error is then its last line."""
    lines = result.stderr.strip().splitlines()
    assert result.returncode == code, result.stderr
    assert server or len(lines) == 1, f"not one line: {result.stderr}"
    assert lines[-1].startswith("dxbot: ") and "Traceback" not in result.stderr
    for word in words:
        assert word in lines[-1], lines[-1]
    return lines[-1]


def listing(tmp_path, url: str):
    return dxbot("municipalities", "list", cwd=tmp_path, env={"DATABASE_URL": url}, timeout=30)


def test_a_refused_port(tmp_path):
    line = failed(listing(tmp_path, f"postgresql://postgres@127.0.0.1:{free_port()}/dxbot"), 4, "refused")
    assert "DATABASE_URL" in line


def test_an_unknown_host(tmp_path):
    failed(listing(tmp_path, "postgresql://postgres@no-such-host.invalid:5432/dxbot"), 4, "cannot find the host")


@needs_postgres
def test_a_missing_database(tmp_path):
    failed(listing(tmp_path, f"{SERVER}/dxbot_no_such_database"), 4, '"dxbot_no_such_database"', "createdb")


@needs_postgres
def test_a_wrong_role(tmp_path):
    url = SERVER.replace("postgres@", "dxbot_no_such_role@") + "/test"
    failed(listing(tmp_path, url), 4, 'no user "dxbot_no_such_role"')


@pytest.mark.parametrize(
    "url",
    [
        "mysql://root:secret@127.0.0.1/dxbot",
        "mysql://root:se@cr:e/t@127.0.0.1/dxbot",  # a password holding @, : and / as typed
        "dxbot.sqlite3",
        "sqlite://relative",
    ],
)
def test_a_database_dxbot_cannot_use_is_a_setting_error_without_the_password(tmp_path, url):
    line = failed(listing(tmp_path, url), 3, "DATABASE_URL", "postgresql://", "sqlite:///")
    assert not any(part in line for part in ("secret", "se@", "@cr", "cr:", ":e/", "e/t", "t@")), line


def test_an_unwritable_sqlite_path(tmp_path):
    (tmp_path / "a-file").write_text("")
    url = f"sqlite:///{tmp_path / 'a-file' / 'dxbot.sqlite3'}"
    failed(dxbot("db", "upgrade", cwd=tmp_path, env={"DATABASE_URL": url}), 4, "cannot open", "DATABASE_URL")


def test_commands_before_db_upgrade_create_nothing_and_say_what_to_run(tmp_path):
    for command in (("municipalities", "list"), ("members", "list"), ("jobs",), ("digest", "preview")):
        result = dxbot(*command, cwd=tmp_path)
        failed(result, 5, str(tmp_path / "dxbot.sqlite3"), "dxbot db upgrade")
    assert list(tmp_path.iterdir()) == []


def test_an_empty_database_file_is_not_migrated(tmp_path):
    create_engine(f"sqlite:///{tmp_path / 'dxbot.sqlite3'}").connect().close()
    failed(dxbot("members", "list", cwd=tmp_path), 5, "no dxbot tables", "dxbot db upgrade")


def test_ask_answers_before_db_upgrade_and_creates_nothing(tmp_path):
    result = dxbot("ask", "ITパスポートの講座は？", cwd=tmp_path)
    assert result.returncode == 0 and "ITパスポート" in result.stdout
    assert list(tmp_path.iterdir()) == []


@needs_postgres
def test_postgres_urls_as_platforms_write_them(tmp_path):
    with own_database(tmp_path, "scheme") as url:
        platform_url = url.replace("postgresql+psycopg://", "postgres://")
        result = dxbot("db", "upgrade", cwd=tmp_path, env={"DATABASE_URL": platform_url})
        assert result.returncode == 0, result.stderr
        assert listing(tmp_path, platform_url).returncode == 0


def test_serve_refuses_a_database_that_is_down(tmp_path):
    env = {
        "DATABASE_URL": f"postgresql://postgres@127.0.0.1:{free_port()}/dxbot",
        "SLACK_BOT_TOKEN": "xoxb-x",
        "SLACK_SIGNING_SECRET": "s",
    }
    failed(dxbot("serve", "--port", str(free_port()), cwd=tmp_path, env=env), 4, "refused", server=True)


def test_serve_refuses_an_unmigrated_database_with_the_right_advice(tmp_path):
    create_engine(f"sqlite:///{tmp_path / 'dxbot.sqlite3'}").connect().close()
    env = {"SLACK_BOT_TOKEN": "xoxb-x", "SLACK_SIGNING_SECRET": "s"}
    failed(dxbot("serve", "--port", str(free_port()), cwd=tmp_path, env=env), 5, "dxbot db upgrade", server=True)


def test_a_bad_app_token_in_socket_mode(tmp_path, fake_slack):
    env = {"SLACK_BOT_TOKEN": "xoxb-x", "SLACK_APP_TOKEN": "xapp-wrong", "SLACK_API_URL": fake_slack.api_url}
    assert dxbot("db", "upgrade", cwd=tmp_path, env=env).returncode == 0
    fake_slack.fail_next("apps.connections.open", "invalid_auth")
    failed(dxbot("socket", cwd=tmp_path, env=env), 6, "SLACK_APP_TOKEN", "invalid_auth", server=True)


def test_slack_out_of_reach(tmp_path):
    env = {
        "SLACK_BOT_TOKEN": "xoxb-x",
        "SLACK_APP_TOKEN": "xapp-x",
        "SLACK_API_URL": f"http://127.0.0.1:{free_port()}/api/",
    }
    assert dxbot("db", "upgrade", cwd=tmp_path, env=env).returncode == 0
    failed(dxbot("socket", cwd=tmp_path, env=env, timeout=60), 6, "network", "HTTPS_PROXY", server=True)


def test_settings_that_are_malformed(tmp_path):
    for name, value in (("DXBOT_DIGEST_CHANNEL", "#dx-share"), ("DXBOT_LOG_FORMAT", "xml"), ("DXBOT_TZ", "Mars")):
        failed(dxbot("members", "list", cwd=tmp_path, env={name: value}), 3, name)


@needs_postgres
def test_the_suite_refuses_a_database_it_did_not_create(tmp_path):
    """A person's real database in TEST_DATABASE_URL is left as it is: the suite stops before touching it."""
    with own_database(tmp_path, "precious") as url:
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE precious (id int)"))
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_db.py"],
            env={**os.environ, "TEST_DATABASE_URL": url},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        with engine.connect() as connection:
            assert connection.scalar(text("SELECT count(*) FROM precious")) == 0  # still there
        engine.dispose()
    assert result.returncode == 4 and "tests did not create" in result.stdout + result.stderr
