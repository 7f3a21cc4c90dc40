"""Who may see and change whose records, and the audit log of every change made on someone else's behalf.

In Slack nobody sees another municipality's personal data: coordinators and admins see and correct their own
municipality's members only. Admins also give roles and configure channels across their own prefecture (they are its
operators), never in another (data never crosses prefectures: db/prefectures.py); coordinators give `learner` or
`coordinator` within their own municipality. A role belongs to the municipality it was given in (db/membership.py):
nobody holds one without belonging to a municipality. The command line (an operator with the database) is not
limited."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db import prefectures, repo
from db.channels import ChannelOwner
from db.models import AuditEntry, Member

CLI_ACTOR = "cli"
MANAGERS = ("coordinator", "admin")


def manages(actor: Member, municipality_id: int | None) -> bool:
    """Whether `actor` may see and correct the personal records of `municipality_id`'s members."""
    return actor.role in MANAGERS and municipality_id is not None and actor.municipality_id == municipality_id


def reaches(session: Session, actor: Member, municipality_id: int | None) -> bool:
    """Whether an admin's reach, their own prefecture, holds `municipality_id`'s members and channels. Members of no
    municipality are within nobody's: an admin who appoints one names the municipality they are appointed to."""
    return actor.role == "admin" and prefectures.same_prefecture(session, actor.municipality_id, municipality_id)


def may_give_role(session: Session, actor: Member, subject: Member, role: str) -> bool:
    if actor.role == "admin":
        return reaches(session, actor, subject.municipality_id)
    return (
        actor.role == "coordinator"
        and role != "admin"
        and subject.role != "admin"
        and manages(actor, subject.municipality_id)
    )


def may_configure_channel(session: Session, actor: Member, owner: ChannelOwner, served: Callable[[int], bool]) -> bool:
    """A municipality's channel (its own digest channel, or one configured for it) by its coordinators and its
    prefecture's admins; a prefecture's shared channel by that prefecture's admins; a channel nobody owns yet by an
    admin of a prefecture it serves (`served(prefecture_id)`: the channel's workspace hosts that prefecture)."""
    if owner.municipality_id is not None:
        return manages(actor, owner.municipality_id) or reaches(session, actor, owner.municipality_id)
    tenant = prefectures.tenant_of(session, actor.municipality_id) if actor.role == "admin" else None
    if tenant is None:
        return False
    return tenant.id == owner.prefecture_id if owner.prefecture_id is not None else served(tenant.id)


def coordinators(session: Session, municipality_id: int) -> list[Member]:
    """The municipality's coordinators (and admins who belong to it), who are told of escalations."""
    query = select(Member).where(
        Member.municipality_id == municipality_id, Member.role.in_(MANAGERS), Member.left_at.is_(None)
    )
    return list(session.scalars(query.order_by(Member.id)))


def audit(
    session: Session,
    *,
    at: datetime,
    actor: Member | None,
    action: str,
    member: Member | None = None,
    municipality_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Keep one change in the audit log, in the caller's unit of work (it commits or rolls back with the change).
    `actor` None is the command line."""
    entry = AuditEntry(
        at=at,
        actor=actor.slack_user_id if actor else CLI_ACTOR,
        actor_team_id=actor.slack_team_id if actor else None,
        action=action,
        member_id=member.id if member else None,
        municipality_id=municipality_id
        if municipality_id is not None
        else (member.municipality_id if member else None),
        details=details or {},
    )
    session.add(entry)
    session.flush()
    return entry


def record_on_behalf(
    session: Session,
    actor: Member,
    subject: Member,
    *,
    course_id: str | None,
    title: str,
    hours: float | None,
    completed_at: datetime,
    now: datetime,
) -> repo.Recorded:
    """A coordinator records a completion for one of their members (the caller checked `manages`); a new record is
    kept in the audit log with what was recorded, a repeat changes nothing and logs nothing."""
    recorded = repo.record_completion(
        session,
        subject.slack_team_id,
        subject.slack_user_id,
        course_id=course_id,
        title=title,
        hours=hours,
        completed_at=completed_at,
        source="coordinator",
    )
    if recorded.created:
        details = {"user": subject.slack_user_id, "course": title, "course_id": course_id, "hours": hours}
        details["completed_at"] = completed_at.isoformat()
        audit(session, at=now, actor=actor, action="record_on_behalf", member=subject, details=details)
    return recorded


def audit_log(session: Session, municipality_id: int | None = None, limit: int = 100) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
    if municipality_id is not None:
        query = query.where(AuditEntry.municipality_id == municipality_id)
    return list(session.scalars(query))
