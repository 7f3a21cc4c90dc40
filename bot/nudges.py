"""Sending the weekly nudges: a short DM to each member whose learning has paused, suggesting the next course on
their path (or, without a track, to pick one), at most one per member per week (Monday to Sunday in DXBOT_TZ).

Each member is claimed before their DM is sent: last_nudged_at is set and committed in one conditional UPDATE, so
two runs at once never both send, and a run killed after the claim never sends twice (that member waits for next
week: a missed reminder is kinder than a repeated one). A DM Slack refuses gives the claim back."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from slack_sdk import WebClient

from bot.digest import SLACK_FAILURES
from bot.installations import NotInstalled
from bot.jobs import Workspace
from bot.services import Services
from db import nudges, repo
from db.digest import Week
from knowledge.kb import Course, Knowledge
from knowledge.messages import t

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class NudgeResult:
    user_id: str
    state: str  # sent | skipped (another run has them, or they changed their mind meanwhile) | failed
    error: str | None = None


def next_course(knowledge: Knowledge, track: str, done: frozenset[str]) -> Course | None:
    """The first course on the track not done yet, required ones first, in the path's order."""
    ahead = [c for c in knowledge.courses_on_track(track) if c.id not in done]
    ahead.sort(key=lambda c: c.requirement != "required")  # stable: the path's order within each
    return ahead[0] if ahead else None


def nudge_text(knowledge: Knowledge, member: nudges.Due) -> str | None:
    """The DM for a member, in Japanese; None when their path is complete (nothing to suggest)."""
    if member.track is None:
        body = t("nudge_pick_track")
    else:
        course = next_course(knowledge, member.track, member.done)
        if course is None:
            return None
        hours = t("nudge_hours", hours=course.hours) if course.hours else ""
        body = t("nudge_next", title=course.title, hours=hours)
    return f"{body}\n{t('nudge_how_to_stop')}"


def workspace_of(team_id: str) -> Workspace:
    """The installation a member's DM goes through: their workspace, or their Grid organisation's."""
    return Workspace(None, team_id) if repo.is_organisation(team_id) else Workspace(team_id)


def send_nudges(services: Services, client_for: Callable[[Workspace], WebClient], now: datetime) -> list[NudgeResult]:
    """Nudge everyone due this week, unless today is not a business day (a run started late never nudges on a
    holiday). One member's failure never stops the others."""
    tz = services.settings.tz
    closed = services.settings.calendar.closed_because(now.astimezone(tz).date())
    if closed:
        log.info("no nudges today: %s", closed)
        return []
    week_start = Week.containing(now, tz).bounds(tz)[0]
    with services.db.scope(read_only=True) as session:
        members = nudges.due(session, now, week_start)
    results = []
    for member in members:
        text = nudge_text(services.knowledge, member)
        if text is not None:
            results.append(_nudge(services, client_for, member, text, now, week_start))
    return results


def _nudge(
    services: Services,
    client_for: Callable[[Workspace], WebClient],
    member: nudges.Due,
    text: str,
    now: datetime,
    week_start: datetime,
) -> NudgeResult:
    with services.db.scope() as session:  # committed before the DM: a second run, or a restart, skips them
        claim = nudges.claim(session, member.member_id, now, week_start)
    if claim is None:
        return NudgeResult(member.user_id, "skipped")
    try:
        client_for(workspace_of(member.team_id)).chat_postMessage(
            channel=member.user_id, text=text, unfurl_links=False
        )  # the client waits out 429s (Retry-After) before giving up
    except (*SLACK_FAILURES, NotInstalled) as exc:
        log.warning("nudge to %s failed: %s", member.user_id, exc)
        with services.db.scope() as session:
            nudges.release(session, claim)
        return NudgeResult(member.user_id, "failed", f"{type(exc).__name__}: {exc}")
    log.info("nudged %s", member.user_id)
    return NudgeResult(member.user_id, "sent")
