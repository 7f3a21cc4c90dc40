"""Liveness and readiness as a load balancer or a platform asks them: /healthz while the process runs, /readyz
only while the database is reachable and migrated and the knowledge base is loaded."""

from __future__ import annotations

import urllib.error
import urllib.request

from sqlalchemy import create_engine

from bot.services import build_services
from tests.cli_helpers import free_port
from tests.conftest import make_settings, serving


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode().strip()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read().decode().strip()


def test_ready_when_migrated(app_url):
    assert get(app_url + "/healthz") == (200, "ok")
    assert get(app_url + "/readyz") == (200, "ready")


def test_not_ready_while_the_database_is_down(fake_slack, caplog):
    """Anyone may ask /readyz: it says no more than "not ready"; why (the database's host) is in the log."""
    down = build_services(make_settings(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/dxbot", fake_slack))
    with serving(down) as url:
        assert get(url + "/healthz") == (200, "ok")
        assert get(url + "/readyz") == (503, "not ready")
    assert "not ready: cannot reach the PostgreSQL database 'dxbot' on 127.0.0.1:" in caplog.text


def test_not_ready_on_a_database_that_is_not_migrated(tmp_path, fake_slack, caplog):
    path = tmp_path / "empty.sqlite3"
    create_engine(f"sqlite:///{path}").connect().close()
    empty = build_services(make_settings(f"sqlite:///{path}", fake_slack))
    with serving(empty) as url:
        assert get(url + "/readyz") == (503, "not ready")
    assert "has no dxbot tables yet: run `dxbot db upgrade`" in caplog.text
