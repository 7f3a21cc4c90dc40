"""`dxbot serve` end to end: gunicorn + bolt's WSGI adapter, signed requests, the fake Slack Web API."""

from __future__ import annotations

import json
import subprocess
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.cli_helpers import DXBOT, clean_environment, dxbot, free_port, wait_until_healthy
from tests.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.fakes.signed import SignedSlack


@pytest.fixture
def served(tmp_path, fake_slack):
    env = {
        **clean_environment(),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake_slack.api_url,
    }
    assert dxbot("db", "upgrade", cwd=tmp_path, env=env).returncode == 0
    assert dxbot("municipalities", "add", "横須賀市", cwd=tmp_path, env=env).returncode == 0
    port = free_port()
    server = subprocess.Popen(
        [DXBOT, "serve", "--host", "127.0.0.1", "--port", str(port)], cwd=tmp_path, env=env, stderr=subprocess.PIPE
    )
    url = f"http://127.0.0.1:{port}"
    if not wait_until_healthy(url, server):
        server.kill()
        pytest.fail("dxbot serve did not answer /healthz: " + server.stderr.read().decode()[-2000:])
    fake_slack.reset()
    yield SignedSlack(url=url, signing_secret=SIGNING_SECRET, response_url=fake_slack.response_url(), fake=fake_slack)
    server.terminate()
    server.wait(timeout=10)


def test_done_when_for_the_foundation(served, fake_slack):
    forged = served.headers("command=%2Fdx&text=progress", content_type="application/x-www-form-urlencoded")
    forged["X-Slack-Signature"] = "v0=" + "f" * 64
    assert served.post("command=%2Fdx&text=progress", forged).status == 401
    assert served.command("progress", timestamp=int(time.time()) - 301).status == 401

    assert served.command("join 横須賀市").status == 200
    assert "横須賀市" in fake_slack.wait_for("response_url", 1)[0].args["text"]
    served.command("done ITパスポート")
    confirmed = fake_slack.wait_for("response_url", 2)[1].args
    assert "たった10時間で社会人に必要なIT基礎知識が全て身につく!" in confirmed["text"]
    served.command("progress")
    progress = fake_slack.wait_for("response_url", 3)[2].args
    assert "たった10時間で社会人に必要なIT基礎知識が全て身につく!" in json.dumps(progress["blocks"], ensure_ascii=False)
    served.command("done " + "x" * 3000)
    assert "/dx done" in fake_slack.wait_for("response_url", 4)[3].args["text"]


def test_done_when_for_the_digest(served, fake_slack, tmp_path):
    """Issue C: after a join and two completions the preview shows them, and sending twice posts once."""
    served.command("join 横須賀市")
    served.command("done ITパスポート")
    served.command("done 基本情報")
    fake_slack.wait_for("response_url", 3)
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_API_URL": fake_slack.api_url,
        "DXBOT_DIGEST_CHANNEL": "C0SHARED00",
    }
    week = datetime.now(ZoneInfo("Asia/Tokyo")).strftime("%G-W%V")
    preview = json.loads(dxbot("digest", "preview", "--week", week, "--json", cwd=tmp_path, env=env).stdout)
    yokosuka = next(m for m in preview["municipalities"] if m["name"] == "横須賀市")
    assert yokosuka["completions"] == 2 and preview["week"] == week

    fake_slack.reset()
    first = dxbot("digest", "send", "--week", week, cwd=tmp_path, env=env)
    second = dxbot("digest", "send", "--week", week, cwd=tmp_path, env=env)
    assert first.returncode == 0 and "posted" in first.stdout, first.stderr
    assert second.returncode == 0 and "skipped" in second.stdout
    top_level = [c for c in fake_slack.of("chat.postMessage") if not c.args.get("thread_ts")]
    assert [c.args["channel"] for c in top_level] == ["C0SHARED00"]


def test_scheduler_starts_and_shows_its_next_run(tmp_path, fake_slack):
    env = {
        **clean_environment(),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'clock.sqlite3'}",
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_API_URL": fake_slack.api_url,
        "DXBOT_DIGEST_CHANNEL": "C0SHARED00",
    }
    assert dxbot("db", "upgrade", cwd=tmp_path, env=env).returncode == 0
    clock = subprocess.Popen([DXBOT, "scheduler"], cwd=tmp_path, env=env, stderr=subprocess.PIPE, text=True)
    try:
        deadline, seen = time.monotonic() + 30, ""
        while "next digest run" not in seen and time.monotonic() < deadline:
            seen += clock.stderr.readline()
        assert "next digest run: " in seen and "09:00:00+09:00" in seen
    finally:
        clock.terminate()
        clock.wait(timeout=10)
    assert clock.returncode == 0 and "the clock stopped" in clock.stderr.read()  # SIGTERM: a clean stop
