"""Small waiting helpers for work that finishes after the ack (in the job lanes)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

from db import membership, prefectures, repo
from db.prefectures import Tenant


def eventually(condition: Callable[[], object], timeout: float = 10.0, interval: float = 0.05):
    """Wait until `condition()` is truthy and return it; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"not true after {timeout} s: {getattr(condition, '__name__', condition)}")
        time.sleep(interval)


def member_mention(n: int, question: str = "ITパスポートの講座は？") -> dict:
    """The n-th member's app_mention, each in a thread of its own."""
    return {
        "type": "app_mention",
        "user": f"UM{n:03d}",
        "text": f"<@UBOT> {question}",
        "ts": f"1700001{n:03d}.000100",
        "channel": "C1",
    }


def votes_by_user(services, question_id: int) -> dict[str, int]:
    """Each voter's 👍 (1) or 👎 (-1) on a logged answer, by Slack user id."""
    from sqlalchemy import select

    from db.models import Member, Vote

    with services.db.scope(read_only=True) as session:
        rows = session.execute(
            select(Member.slack_user_id, Vote.vote)
            .join(Vote, Vote.member_id == Member.id)
            .where(Vote.question_id == question_id)
        )
        return {user: vote for user, vote in rows}


def only_tenant(session) -> Tenant:
    """The one prefecture of a test that set up a single one (as every setup from before prefectures is)."""
    [tenant] = prefectures.tenants(session)
    return tenant


def view_of(call) -> dict:
    """The view a views.publish or views.open call carried."""
    view = call.args["view"]
    return json.loads(view) if isinstance(view, str) else view


def open_home(slack, fake_slack, user: str = "U1") -> dict:
    """The Home tab `user` sees on opening it."""
    before = len(fake_slack.of("views.publish"))
    slack.event({"type": "app_home_opened", "user": user, "tab": "home", "event_ts": "1.1"})
    call = fake_slack.wait_for("views.publish", before + 1)[-1]
    assert call.args["user_id"] == user
    return view_of(call)


def text_of(view: dict) -> str:
    return json.dumps(view, ensure_ascii=False)


def seat(session, now, people) -> None:
    """Members of team T1 in their municipalities with their roles: (user id, municipality, role) each."""
    for user, place, role in people:
        who = repo.member(session, "T1", user)
        membership.join(session, who, place, now)
        repo.set_role(session, who, role)
