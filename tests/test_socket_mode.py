"""`dxbot socket` end to end: the real Socket Mode client against loopback fakes of Slack's WebSocket and
Web API. A slash command arrives as an envelope, is acknowledged, and answered through its response_url."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from slack_sdk.oauth.installation_store import Installation

from bot.installations import Installations
from bot.settings import Settings
from db.session import Database
from tests.cli_helpers import DXBOT, dxbot
from tests.conftest import BOT_TOKEN
from tests.fakes.socket_mode import start_fake_socket_mode
from tests.helpers import member_mention


@contextmanager
def socket_mode_running(tmp_path, fake_slack, settings: dict, before=None) -> Iterator:
    """`dxbot socket` with `settings` on a migrated SQLite file (`before(database_url)` fills it first)."""
    socket_mode = start_fake_socket_mode()
    fake_slack.reset()
    fake_slack.socket_mode_url = socket_mode.url
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "OPENAI_", "DXBOT_"))},
        "DATABASE_URL": f"sqlite:///{tmp_path / 'socket.sqlite3'}",
        "SLACK_APP_TOKEN": "xapp-test-token",
        "SLACK_API_URL": fake_slack.api_url,
        **settings,
    }
    assert dxbot("db", "upgrade", cwd=tmp_path, env=env).returncode == 0
    if before is not None:
        before(env["DATABASE_URL"])
    process = subprocess.Popen([DXBOT, "socket"], cwd=tmp_path, env=env, stderr=subprocess.PIPE)
    if not socket_mode.connected.wait(timeout=30):
        process.kill()
        pytest.fail("dxbot socket never connected: " + process.stderr.read().decode()[-2000:])
    socket_mode.process = process
    try:
        yield socket_mode
    finally:
        process.terminate()
        process.wait(timeout=10)
        socket_mode.server.shutdown()
        fake_slack.socket_mode_url = None


@pytest.fixture
def socket_app(tmp_path, fake_slack):
    with socket_mode_running(tmp_path, fake_slack, {"SLACK_BOT_TOKEN": BOT_TOKEN}) as socket_mode:
        yield socket_mode


def test_slash_command_over_socket_mode(socket_app, fake_slack):
    socket_app.deliver(
        {
            "envelope_id": "env-1",
            "type": "slash_commands",
            "accepts_response_payload": True,
            "payload": {
                "command": "/dx",
                "text": "done ITパスポート",
                "team_id": "T1",
                "user_id": "U1",
                "channel_id": "C1",
                "response_url": fake_slack.response_url(),
                "trigger_id": "t-1",
            },
        }
    )
    deadline = time.monotonic() + 10
    ack = socket_app.acks.get(timeout=10)
    assert ack["envelope_id"] == "env-1" and time.monotonic() < deadline
    # The confirmation rides in the ack itself, as over HTTP.
    assert "たった10時間で社会人に必要なIT基礎知識が全て身につく!" in ack["payload"]["text"]
    socket_app.process.terminate()  # the request's line, as over HTTP: its surface and team, never its text
    logged = socket_app.process.communicate(timeout=30)[1].decode()
    assert "slack request request_id=env-1 surface=/dx done team=T1 status=200" in logged
    assert "ITパスポート" not in logged


def test_socket_mode_in_oauth_mode_answers_with_the_workspaces_own_token(tmp_path, fake_slack):
    """No SLACK_BOT_TOKEN: the app token connects, and bolt's authorize finds each workspace's installation."""
    oauth = {"SLACK_CLIENT_ID": "1111111111.2222222222", "SLACK_CLIENT_SECRET": "test-client-secret"}

    def installed(database_url: str) -> None:
        db = Database(database_url)
        settings = Settings(slack_client_id=oauth["SLACK_CLIENT_ID"], slack_client_secret="test-client-secret")
        Installations(settings, db).store.save(
            Installation(app_id="A1", team_id="T0YOKOSUKA", bot_token="xoxb-yokosuka", bot_id="BY", user_id="UI")
        )
        db.dispose()

    with socket_mode_running(tmp_path, fake_slack, oauth, before=installed) as socket_app:
        body = {
            "team_id": "T0YOKOSUKA",
            "api_app_id": "A1",
            "type": "event_callback",
            "event_id": "EvSOCKET1",
            "event_time": int(time.time()),
            "authorizations": [{"team_id": "T0YOKOSUKA", "user_id": "UBOTY", "is_bot": True}],
            "event": member_mention(1),
        }
        socket_app.deliver({"envelope_id": "env-2", "type": "events_api", "payload": body})
        [placeholder, *_] = fake_slack.wait_for("chat.postMessage")
        assert placeholder.headers["Authorization"] == "Bearer xoxb-yokosuka"
