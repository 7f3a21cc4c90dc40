"""`dxbot socket` end to end: the real Socket Mode client against loopback fakes of Slack's WebSocket and
Web API. A slash command arrives as an envelope, is acknowledged, and answered through its response_url."""

from __future__ import annotations

import os
import subprocess
import time

import pytest

from tests.cli_helpers import DXBOT, dxbot
from tests.conftest import BOT_TOKEN
from tests.fakes.socket_mode import start_fake_socket_mode


@pytest.fixture
def socket_app(tmp_path, fake_slack):
    socket_mode = start_fake_socket_mode()
    fake_slack.reset()
    fake_slack.socket_mode_url = socket_mode.url
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "OPENAI_", "DXBOT_"))},
        "DATABASE_URL": f"sqlite:///{tmp_path / 'socket.sqlite3'}",
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_APP_TOKEN": "xapp-test-token",
        "SLACK_API_URL": fake_slack.api_url,
    }
    assert dxbot("db", "upgrade", cwd=tmp_path, env=env).returncode == 0
    process = subprocess.Popen([DXBOT, "socket"], cwd=tmp_path, env=env, stderr=subprocess.PIPE)
    if not socket_mode.connected.wait(timeout=30):
        process.kill()
        pytest.fail("dxbot socket never connected: " + process.stderr.read().decode()[-2000:])
    socket_mode.process = process
    yield socket_mode
    process.terminate()
    process.wait(timeout=10)
    socket_mode.server.shutdown()
    fake_slack.socket_mode_url = None


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
