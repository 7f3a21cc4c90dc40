"""`dxbot serve` killed mid-load (SIGKILL: an OOM, a crashed host) and stopped for a deploy (SIGTERM): nothing
that Slack was told we received is lost or done twice. The server is a real gunicorn subprocess on a database
of its own; Slack and the model are the loopback fakes."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import create_engine, func, select

from db.models import Completion, Job, Member
from tests.cli_helpers import DXBOT, clean_environment, dxbot, free_port, wait_until_healthy
from tests.conftest import BOT_TOKEN, SIGNING_SECRET, own_database
from tests.fakes.openai import Behaviour
from tests.fakes.signed import SignedSlack
from tests.helpers import eventually, member_mention

IT_BASICS = "たった10時間で社会人に必要なIT基礎知識が全て身につく!"


@pytest.fixture
def own_database_url(tmp_path):
    with own_database(tmp_path, "crash") as url:
        yield url


class Server:
    """`dxbot serve` in its own process group, started and stopped as a platform would."""

    def __init__(self, env: dict, cwd):
        self.env, self.cwd, self.port = env, cwd, free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Server:
        self.process = subprocess.Popen(
            [DXBOT, "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            cwd=self.cwd,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        if wait_until_healthy(self.url, self.process):
            return self
        self.kill()
        raise AssertionError("dxbot serve did not start")

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)  # master and workers at once, mid-work
        self.process.wait(timeout=10)

    def terminate(self) -> int:
        self.process.send_signal(signal.SIGTERM)  # the master stops its workers gracefully
        return self.process.wait(timeout=40)


@pytest.fixture
def server(own_database_url, tmp_path, fake_slack, fake_openai):
    env = {
        **clean_environment(),
        "DATABASE_URL": own_database_url,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake_slack.api_url,
        "OPENAI_API_KEY": "sk-test-not-a-real-key",
        "OPENAI_BASE_URL": fake_openai.base_url,
        "WEB_CONCURRENCY": "2",
        "DXBOT_ASK_CONCURRENCY": "2",
        "DXBOT_JOB_LEASE": "3",  # a killed worker's job is taken over this soon
    }
    assert dxbot("db", "upgrade", cwd=tmp_path, env=env).returncode == 0
    fake_slack.reset()
    fake_openai.reset()
    started = Server(env, tmp_path)
    yield started
    if started.process and started.process.poll() is None:
        started.kill()


def answered_once(fake_slack, thread_ts: str) -> bool:
    """Exactly one placeholder in the thread, and it now holds the answer."""
    posts = [m for m in fake_slack.replies.get(thread_ts, []) if m.get("bot_id")]
    updates = [c.args["text"] for c in fake_slack.of("chat.update") if posts and c.args["ts"] == posts[0]["ts"]]
    return len(posts) == 1 and bool(updates) and IT_BASICS in updates[-1]


def send_all(member: SignedSlack, events: list[dict], users: list[str]) -> tuple[list, list]:
    """Mentions and `/dx done`s at once; a request cut off by the kill counts as not acknowledged."""

    def safely(send):
        try:
            return send()
        except (OSError, http.client.HTTPException):  # refused, reset, or cut off mid-response
            return None

    with ThreadPoolExecutor(24) as pool:
        asked = [pool.submit(safely, lambda e=e: member.event(e)) for e in events]
        done = [  # spread over about a second, so that a kill lands mid-stream
            pool.submit(safely, lambda n=n, u=u: time.sleep(n * 0.006) or member.command("done ITパスポート", user=u))
            for n, u in enumerate(users)
        ]
        return [f.result() for f in asked], [f.result() for f in done]


def rows_per_member(url: str) -> dict[str, int]:
    engine = create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            select(Member.slack_user_id, func.count(Completion.id))
            .join(Completion, Completion.member_id == Member.id)
            .group_by(Member.slack_user_id)
        )
        counted = {user: count for user, count in rows}
    engine.dispose()
    return counted


def jobs_by_state(url: str) -> dict[str, int]:
    engine = create_engine(url)
    with engine.connect() as connection:
        counted = {state: n for state, n in connection.execute(select(Job.state, func.count()).group_by(Job.state))}
    engine.dispose()
    return counted


def test_sigkill_mid_load_loses_no_acknowledged_completion_or_question(
    server, fake_slack, fake_openai, own_database_url
):
    fake_openai.queue(*[Behaviour(delay=1.5)] * 10)
    member = SignedSlack(server.start().url, SIGNING_SECRET, fake_slack.response_url())
    events, users = [member_mention(n) for n in range(10)], [f"UD{n:03d}" for n in range(160)]
    with ThreadPoolExecutor(1) as killer:
        killer.submit(lambda: (time.sleep(0.6), server.kill()))  # while questions are with the model
        asked, done = send_all(member, events, users)

    acked_events = [e for e, r in zip(events, asked, strict=True) if r is not None and r.status == 200]
    acked_users = [
        u
        for u, r in zip(users, done, strict=True)
        if r is not None and r.status == 200 and "記録" in json.loads(r.body)["text"]
    ]
    assert acked_events and acked_users, "the kill came mid-load, after some acks"
    assert len(acked_users) < len(users) or len(acked_events) < len(events), "and before all of them"

    server.start()  # the platform restarts it; leases of the killed workers lapse and their jobs are taken over
    eventually(lambda: all(answered_once(fake_slack, e["ts"]) for e in acked_events), timeout=45)
    rows = rows_per_member(own_database_url)
    assert all(rows.get(u) == 1 for u in acked_users), "every acknowledged /dx done stored exactly once"
    assert all(count == 1 for count in rows.values()), "and nothing twice"


def test_sigterm_drains_answers_in_hand_and_leaves_the_rest_for_the_next_start(
    server, fake_slack, fake_openai, own_database_url
):
    fake_openai.queue(*[Behaviour(delay=2.0)] * 8)
    member = SignedSlack(server.start().url, SIGNING_SECRET, fake_slack.response_url())
    events = [member_mention(n) for n in range(8)]
    asked, _ = send_all(member, events, [])
    assert all(r.status == 200 for r in asked)
    eventually(lambda: len(fake_openai.requests) >= 2)  # some answers are being written
    assert server.terminate() == 0, "a clean exit"
    assert jobs_by_state(own_database_url).get("running", 0) == 0, "answers in hand were finished, not abandoned"

    server.start()
    eventually(lambda: all(answered_once(fake_slack, e["ts"]) for e in events), timeout=45)

    def queue_is_empty() -> bool:
        status = json.loads(dxbot("jobs", "--json", cwd=server.cwd, env=server.env).stdout)
        return all(count == 0 for states in status["lanes"].values() for count in states.values())

    eventually(queue_is_empty, timeout=15)  # what the operator sees: nothing waiting, nothing given up
