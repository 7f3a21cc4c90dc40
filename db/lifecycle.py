"""A person's data over time: leaving the workspace (and coming back), and being forgotten on request.

Forgetting keeps what the municipality's figures are made of and nothing that points at the person. Their member
row stays, emptied, as an anonymous stand-in that belongs to no municipality: it has no Slack ids (a random key),
name, e-mail, role, track or dates, so nothing links it to anyone. Their completions stay on it, each with the
municipality it was recorded for: the digest's completions, hours, learners (distinct stand-ins, one per person
forgotten, so two forgotten people still count as two), top courses and milestones of every week are unchanged.
What they wrote (tips, questions), their votes, skill checks, escalations, join requests and the work queued for them
(jobs, with the response_urls and texts they carry) are deleted; the audit entries they made or that are about them
stay (the prefecture's audit), and so do others' jobs, escalations, channel settings, join decisions and an
installation they made, each naming them nowhere."""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Collection
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import String, Text, and_, cast, delete, func, literal, or_, select, update
from sqlalchemy.orm import Session

from db.access import audit
from db.models import (
    AuditEntry,
    ChannelConfig,
    Completion,
    Escalation,
    Job,
    JoinRequest,
    Member,
    Question,
    Share,
    SkillCheck,
    Vote,
)

FORGOTTEN = "forgotten"  # the team of every anonymous stand-in, and the actor of the changes they made
FORGOTTEN_TITLE = "（本人の依頼で削除した講座名）"  # a free-text course title of someone forgotten


@dataclass(frozen=True)
class Forgotten:
    """What forgetting someone deleted and kept (counts only: the audit log and the operator see these)."""

    completions_kept: int
    shares: int
    questions: int
    votes: int
    skill_checks: int
    escalations: int


def forget(session: Session, who: Member, now: datetime) -> Forgotten:
    """Delete `who`'s personal data and keep their completions anonymously (see the module's docstring); audited
    as `forget` with the counts only. The caller's unit of work commits it, or nothing."""
    municipality_id = who.municipality_id
    team, user = who.slack_team_id, who.slack_user_id
    forgotten = Forgotten(
        completions_kept=_count(session, Completion, Completion.member_id == who.id),
        shares=_delete(session, Share, Share.member_id == who.id),
        questions=_delete(session, Question, Question.slack_team_id == team, Question.slack_user_id == user),
        votes=_delete(session, Vote, Vote.member_id == who.id),
        skill_checks=_delete(session, SkillCheck, SkillCheck.member_id == who.id),
        escalations=_delete(session, Escalation, Escalation.member_id == who.id),
    )
    session.execute(delete(JoinRequest).where(JoinRequest.member_id == who.id))
    _unword_free_titles(session, who)
    _unname_elsewhere(session, user)
    _scrub_jobs(session, who)
    _unname_audit(session, who)
    _empty(who)
    session.flush()
    audit(
        session,
        at=now,
        actor=None,
        action="forget",
        member=who,
        municipality_id=municipality_id,
        details=asdict(forgotten),
    )
    return forgotten


def _unword_free_titles(session: Session, who: Member) -> None:
    """A course typed as free text is in the person's own words: it stays a completion with its hours, under a
    title that says nothing (each its own, so that none is taken for a repeat of another)."""
    mine = and_(Completion.member_id == who.id, Completion.course_id.is_(None))
    session.execute(
        update(Completion)
        .where(mine)
        .values(title_snapshot=FORGOTTEN_TITLE, course_key=literal("free:forgotten:") + cast(Completion.id, String))
    )


def _unname_elsewhere(session: Session, user: str) -> None:
    """What they did for others stays done, by nobody named: escalations they resolved (in any municipality),
    channels they configured, join requests they decided, a workspace's installation they made."""
    from db import slack_tables  # slack_sdk's tables: only here

    session.execute(update(Escalation).where(Escalation.resolved_by == user).values(resolved_by=None))
    session.execute(update(ChannelConfig).where(ChannelConfig.updated_by == user).values(updated_by=FORGOTTEN))
    session.execute(update(JoinRequest).where(JoinRequest.decided_by == user).values(decided_by=FORGOTTEN))
    installations = slack_tables.installations
    session.execute(
        update(installations)
        .where(installations.c.user_id == user)
        .values(user_id=FORGOTTEN, user_token=None, user_refresh_token=None, user_scopes=None)
    )


def _scrub_jobs(session: Session, who: Member) -> None:
    """Work queued or given up for them goes (with its response_url and what they asked); another's job that
    names them (an escalation calling them as coordinator) keeps its work, with their id as `forgotten`."""
    user = who.slack_user_id
    named = re.compile(rf"(?<![A-Z0-9]){re.escape(user)}(?![A-Z0-9])")
    for job in session.scalars(select(Job).where(cast(Job.payload, Text).contains(user))):
        payload = job.payload
        if payload.get("user_id") == user or payload.get("member_id") == who.id:
            session.delete(job)
        elif named.search(json.dumps(payload, ensure_ascii=False)):
            job.payload, job.error = _renamed(payload, named), None


def _renamed(value, named: re.Pattern):
    if isinstance(value, str):
        return named.sub(FORGOTTEN, value)
    if isinstance(value, dict):
        return {key: _renamed(item, named) for key, item in value.items()}
    if isinstance(value, list):
        return [_renamed(item, named) for item in value]
    return value


def _unname_audit(session: Session, who: Member) -> None:
    """The audit entries they made or that are about them stay, without their Slack id, name or e-mail: the
    actor becomes "forgotten", and so does any detail that names them (`{"user": "U…"}`)."""
    names = [name for name in (who.slack_user_id, who.display_name, who.email) if name]
    made = and_(AuditEntry.actor == who.slack_user_id, AuditEntry.actor_team_id == who.slack_team_id)
    for entry in session.scalars(select(AuditEntry).where(or_(made, AuditEntry.member_id == who.id))):
        if entry.actor == who.slack_user_id and entry.actor_team_id == who.slack_team_id:
            entry.actor, entry.actor_team_id = FORGOTTEN, None
        free_text = entry.member_id == who.id and "course" in entry.details and not entry.details.get("course_id")
        entry.details = {
            key: FORGOTTEN
            if isinstance(value, str) and (any(name in value for name in names) or (key == "course" and free_text))
            else value
            for key, value in entry.details.items()
        }


def _empty(who: Member) -> None:
    who.slack_team_id, who.slack_user_id = FORGOTTEN, secrets.token_hex(8)
    who.municipality_id = None
    who.role, who.track = "learner", None
    who.show_name, who.display_name, who.email = False, None, None
    who.nudges, who.on_leave = False, False
    who.joined_at, who.last_nudged_at, who.left_at = None, None, None


def _count(session: Session, model: type, *where) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def _delete(session: Session, model: type, *where) -> int:
    found = _count(session, model, *where)
    session.execute(delete(model).where(*where))
    return found


# --- leaving and coming back ------------------------------------------------------------------------


def members_of(session: Session, user_id: str, homes: Collection[str]) -> list[Member]:
    """The members a Slack user is at any of `homes` (their workspace, their Grid organisation)."""
    query = select(Member).where(Member.slack_user_id == user_id, Member.slack_team_id.in_(list(homes)))
    return list(session.scalars(query.order_by(Member.id)))


def left(session: Session, members: list[Member], now: datetime) -> int:
    """They left the workspace (or were deactivated): no more nudges (`left_at`), and a coordinator's or admin's
    role goes back to learner, audited. Returns how many had a role taken away. Told twice, nothing changes."""
    dropped = 0
    for who in members:
        if who.left_at is None:
            who.left_at = now
        if who.role != "learner":
            audit(
                session,
                at=now,
                actor=None,
                action="role",
                member=who,
                details={"role": "learner", "was": who.role, "because": "left the workspace"},
            )
            who.role = "learner"
            dropped += 1
    session.flush()
    return dropped


def returned(session: Session, members: list[Member]) -> int:
    """They are back (reactivated): nudges resume; a role taken away is not given back (a coordinator does).
    Returns how many had left."""
    back = [who for who in members if who.left_at is not None]
    for who in back:
        who.left_at = None
    session.flush()
    return len(back)
