"""Many members at once, against the real app over signed HTTP: the database cut mid-burst, Slack answering
429, 500 or not at all, a slow, failing or garbled model, and more questions than the model lane holds.
(Killing and restarting the server is in test_crash.py; the long load runs are benchmarks in bench/.)"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import create_engine, func, select, text

from bot.services import build_services
from db import jobs
from db.jobs import NewJob
from db.models import Completion, Member
from db.session import APPLICATION_NAME
from tests.conftest import SIGNING_SECRET, make_settings, serving
from tests.fakes.openai import Behaviour
from tests.fakes.signed import SignedSlack
from tests.helpers import eventually, member_mention

IT_BASICS = "たった10時間で社会人に必要なIT基礎知識が全て身につく!"
STORED = ("記録しました", "記録済み")  # a new record, or the one already kept
SORRY = "申し訳ありません"


def at_once(send: Callable, items: Iterable, threads: int = 32) -> list:
    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(send, items))


def ack_text(response) -> str:
    assert response.status == 200, response
    return json.loads(response.body)["text"]


def rows_per_member(services) -> dict[str, int]:
    with services.db.scope() as session:
        rows = session.execute(
            select(Member.slack_user_id, func.count(Completion.id))
            .join(Completion, Completion.member_id == Member.id)
            .group_by(Member.slack_user_id)
        )
        return {user: count for user, count in rows}


def timed(send: Callable) -> Callable:
    def run(item):
        started = time.monotonic()
        response = send(item)
        return response, time.monotonic() - started

    return run


@pytest.fixture
def served_with(database_url, fake_slack, services):
    """dxbot served with some settings changed (and its own job lanes); `services` keeps the tables clean."""
    opened = []

    def serve(**overrides) -> tuple[SignedSlack, object]:
        custom = build_services(make_settings(database_url, fake_slack, **overrides))
        context = serving(custom)
        url = context.__enter__()
        opened.append((context, custom))
        member = SignedSlack(url=url, signing_secret=SIGNING_SECRET, response_url=fake_slack.response_url())
        return member, custom

    yield serve
    for context, custom in opened:
        context.__exit__(None, None, None)
        custom.db.dispose()


def test_two_hundred_members_record_at_once_and_each_ack_confirms_a_committed_row(slack, services):
    users = [f"U{n:04d}" for n in range(200)]
    results = at_once(timed(lambda user: slack.command("done ITパスポート", user=user)), users)
    texts = [ack_text(response) for response, _ in results]
    assert all("記録しました" in t and IT_BASICS in t for t in texts)
    assert max(seconds for _, seconds in results) < 3.0  # Slack's limit, with 32 senders at once
    assert rows_per_member(services) == dict.fromkeys(users, 1)


def _cut_postgres(url: str, stop: threading.Event) -> None:
    """Terminate dxbot's connections over and over, as a failover or a restarted server would."""
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        while not stop.is_set():
            connection.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = :name"),
                {"name": APPLICATION_NAME},
            )
            stop.wait(0.05)
    admin.dispose()


def _lock_sqlite(url: str, stop: threading.Event) -> None:
    """Hold the database file locked longer than dxbot waits for it (DXBOT_DB_TIMEOUT), twice."""
    import sqlite3

    path = url.removeprefix("sqlite:///")
    for _ in range(2):
        locker = sqlite3.connect(path, isolation_level=None)
        locker.execute("BEGIN EXCLUSIVE")
        stop.wait(1.5)
        locker.execute("ROLLBACK")
        locker.close()
        stop.wait(0.3)


def test_while_the_database_is_cut_every_member_is_told_the_truth_and_nothing_is_lost(served_with, database_url):
    member, custom = served_with(db_timeout_seconds=1.0)
    users = [f"U{n:04d}" for n in range(200)]
    stop = threading.Event()
    cut = _cut_postgres if database_url.startswith("postgresql") else _lock_sqlite
    cutter = threading.Thread(target=cut, args=(database_url, stop))
    cutter.start()
    try:
        results = at_once(timed(lambda user: member.command("done ITパスポート", user=user)), users)
    finally:
        stop.set()
        cutter.join()
    outcome = {user: ack_text(response) for user, (response, _) in zip(users, results, strict=True)}
    assert max(seconds for _, seconds in results) < 3.0, "every ack in Slack's 3 seconds, cut or not"
    stored = {user for user, reply in outcome.items() if any(word in reply for word in STORED)}
    sorry = {user for user, reply in outcome.items() if SORRY in reply}
    assert stored | sorry == set(users) and not stored & sorry
    assert stored and sorry, "the cut both let some through and stopped some"
    rows = rows_per_member(custom)
    assert all(rows.get(user) == 1 for user in stored), "an acknowledged completion is stored exactly once"
    assert all(rows.get(user, 0) <= 1 for user in sorry)

    # Told to try again, they do; each ends with exactly one record.
    retried = at_once(lambda user: member.command("done ITパスポート", user=user), sorted(sorry))
    assert all(any(word in ack_text(response) for word in STORED) for response in retried)
    assert rows_per_member(custom) == dict.fromkeys(users, 1)


def thread_posts(fake_slack, ts: str) -> list[dict]:
    return [m for m in fake_slack.replies.get(ts, []) if m.get("bot_id")]


def answers(fake_slack) -> dict[str, str]:
    """The latest text each placeholder was updated to, by placeholder ts."""
    return {c.args["ts"]: c.args["text"] for c in fake_slack.of("chat.update")}


def test_slack_answering_429_500_or_too_late_is_retried_and_nothing_is_posted_twice(served_with, fake_slack):
    member, _ = served_with(slack_timeout_seconds=1.0)
    fake_slack.fail_next("chat.postMessage", "ratelimited", status=429, headers={"Retry-After": "1"})
    fake_slack.fail_next("chat.postMessage", "internal_error", status=500)
    fake_slack.slow_next("chat.postMessage", 2.5)  # carried out, but answered after the client gave up
    fake_slack.fail_next("chat.update", "ratelimited", status=429, headers={"Retry-After": "1"})
    fake_slack.fail_next("chat.update", "internal_error", status=503)
    fake_slack.fail_next("response_url", "ratelimited", status=429, headers={"Retry-After": "1"})
    fake_slack.fail_next("response_url", "internal_error", status=500)
    events = [member_mention(n) for n in range(3)]
    assert all(member.event(event).status == 200 for event in events)
    assert member.command("ask 共同調達とは？").status == 200

    def all_answered():
        done = answers(fake_slack)
        placeholders = [thread_posts(fake_slack, e["ts"]) for e in events]
        return all(len(p) == 1 and IT_BASICS in done.get(p[0]["ts"], "") for p in placeholders if p) and all(
            placeholders
        )

    eventually(all_answered, timeout=40)
    for event in events:
        assert len(thread_posts(fake_slack, event["ts"])) == 1, "one placeholder per question, whatever Slack did"
    eventually(lambda: any("共同調達" in (r.get("text") or "") for r in _to(fake_slack, "r1")), timeout=20)


def test_quick_commands_are_unaffected_by_a_slow_failing_or_garbled_model(fake_openai, fake_slack, served_with):
    member, _ = served_with(
        openai_api_key="sk-test-not-a-real-key", openai_base_url=fake_openai.base_url, openai_deadline_seconds=4.0
    )
    fake_openai.reset()
    slow, failing, garbled = Behaviour(delay=3), Behaviour(status=500), Behaviour(reply="助成率は95%です [1]")
    fake_openai.queue(*[slow] * 6, *[failing] * 8, *[garbled] * 3)
    askers = [SignedSlack(member.url, SIGNING_SECRET, fake_slack.response_url(f"ask{n}")) for n in range(12)]
    with ThreadPoolExecutor(12) as pool:
        asked = [pool.submit(a.command, "ask ITパスポートの講座は？", user=f"UA{n}") for n, a in enumerate(askers)]
        time.sleep(0.2)  # the questions are in the model's hands
        results = at_once(
            timed(lambda user: member.command("done ITパスポート", user=user)), [f"U{n}" for n in range(40)]
        )
    assert all("記録しました" in ack_text(response) for response, _ in results)
    # The goal (< 1 s at 40 members) is measured by bench.starvation; here, on a shared CI machine, a margin.
    assert max(seconds for _, seconds in results) < 1.5
    assert all(future.result().status == 200 for future in asked)

    def answered(n: int) -> bool:
        return any(IT_BASICS in (r.get("text") or "") for r in _to(fake_slack, f"ask{n}"))

    eventually(lambda: all(answered(n) for n in range(12)), timeout=60)
    assert not any("95%" in (r.get("text") or "") for n in range(12) for r in _to(fake_slack, f"ask{n}"))


def _to(fake_slack, name: str) -> list[dict]:
    return [c.args for c in fake_slack.of("response_url") if c.path == f"/response/{name}"]


def test_more_questions_than_the_model_lane_holds_wait_visibly_in_line_and_past_the_limit_are_told_busy(
    served_with, fake_openai, fake_slack
):
    member, _ = served_with(
        openai_api_key="sk-test-not-a-real-key",
        openai_base_url=fake_openai.base_url,
        ask_concurrency=1,
        ask_queue_limit=2,
    )
    fake_openai.reset()
    fake_openai.queue(*[Behaviour(delay=1.0)] * 5)
    askers = [SignedSlack(member.url, SIGNING_SECRET, fake_slack.response_url(f"q{n}")) for n in range(5)]
    acks = []
    for n, asker in enumerate(askers):  # one after another, so that their order is known
        acks.append(ack_text(asker.command("ask ITパスポートの講座は？", user=f"UQ{n}")))
        time.sleep(0.1)
    assert acks[0] == "調べています…"
    assert "順番待ち" in acks[1] and "1番目" in acks[1]
    assert "順番待ち" in acks[2] and "2番目" in acks[2]
    assert all("混み合っています" in ack for ack in acks[3:])

    eventually(lambda: all(any(IT_BASICS in r.get("text", "") for r in _to(fake_slack, f"q{n}")) for n in range(3)), 20)
    finished = [
        next(
            i
            for i, c in enumerate(fake_slack.of("response_url"))
            if c.path == f"/response/q{n}" and IT_BASICS in c.args.get("text", "")
        )
        for n in range(3)
    ]
    assert finished == sorted(finished), "answered in the order asked"
    assert all(not _to(fake_slack, f"q{n}") for n in (3, 4)), "a busy question is not queued"

    # A mention waiting in line shows its place in the thread, then is answered there.
    fake_openai.queue(*[Behaviour(delay=1.0)] * 2)
    asked_before = len(fake_openai.requests)
    member.event(member_mention(1))
    eventually(lambda: len(fake_openai.requests) > asked_before)  # its answer is now the one being written
    member.event(member_mention(2))
    eventually(lambda: thread_posts(fake_slack, member_mention(2)["ts"]))
    assert "順番待ち" in thread_posts(fake_slack, member_mention(2)["ts"])[0]["text"]
    placeholder = thread_posts(fake_slack, member_mention(2)["ts"])[0]["ts"]
    eventually(lambda: IT_BASICS in answers(fake_slack).get(placeholder, ""), 20)


def test_a_job_of_a_kind_this_release_does_not_know_is_left_for_one_that_does(slack, services, fake_slack):
    """In a rolling deploy an older worker must neither run nor give up a job only the newer release knows."""
    services.jobs.submit(NewJob("reply", "from_a_newer_release", {}))
    assert slack.command("help").status == 200  # the lanes are running
    time.sleep(1.5)  # more than a poll
    with services.db.scope() as session:
        assert jobs.counts(session) == {("reply", "queued"): 1}
