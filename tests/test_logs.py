"""What an operator reads: one format (text or JSON lines), one line per Slack request with its request id,
surface, team, status and latency, and never a token nor what a member wrote."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.cli_helpers import DXBOT, clean_environment, dxbot, free_port, wait_until_healthy
from tests.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.fakes.signed import SignedSlack

SECRET_QUESTION = "秘密の質問ゼットワイエックス"


def serve_and_log(tmp_path, fake_slack, log_format: str) -> list[str]:
    """The lines `dxbot serve` logged while a member recorded a course, asked a question and clicked."""
    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake_slack.api_url,
        "DXBOT_LOG_FORMAT": log_format,
    }
    assert dxbot("db", "upgrade", cwd=tmp_path, env=env).returncode == 0
    port = free_port()
    server = subprocess.Popen(
        [DXBOT, "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=tmp_path,
        env=clean_environment(**env),
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        if not wait_until_healthy(url, server):
            pytest.fail("dxbot serve did not start")
        slack = SignedSlack(url=url, signing_secret=SIGNING_SECRET, response_url=fake_slack.response_url())
        assert slack.command("done ITパスポート").status == 200
        assert slack.command(f"ask {SECRET_QUESTION}").status == 200
        fake_slack.wait_for("response_url", 1)
    finally:
        server.terminate()
        _, logged = server.communicate(timeout=30)
    return logged.strip().splitlines()


def test_json_lines(tmp_path, fake_slack):
    lines = serve_and_log(tmp_path, fake_slack, "json")
    records = [json.loads(line) for line in lines]  # every line, gunicorn's included
    requests = [r for r in records if r["message"] == "slack request"]
    assert [r["surface"] for r in requests] == ["/dx done", "/dx ask"]
    for r in requests:
        assert r["team"] == "T1" and r["status"] == 200 and r["latency_ms"] >= 0 and len(r["request_id"]) == 16
    assert {r["logger"] for r in records} >= {"gunicorn.error", "dxbot.requests"}
    assert_nothing_private(lines)


def test_text_lines(tmp_path, fake_slack):
    lines = serve_and_log(tmp_path, fake_slack, "text")
    requests = [line for line in lines if "slack request" in line]
    assert len(requests) == 2 and "surface=/dx done team=T1 status=200 latency_ms=" in requests[0]
    assert not any(line.lstrip().startswith("{") for line in lines)
    assert_nothing_private(lines)


def assert_nothing_private(lines: list[str]) -> None:
    logged = "\n".join(lines)
    assert SECRET_QUESTION not in logged and BOT_TOKEN not in logged and SIGNING_SECRET not in logged
