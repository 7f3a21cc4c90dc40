"""Escalations: answers that did not help, handed to the municipality's coordinators."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.models import Escalation, Member


def open_escalations(session: Session, municipality_id: int) -> list[Escalation]:
    """The municipality's open escalations, oldest first (the coordinator's App Home lists them)."""
    query = select(Escalation).where(Escalation.municipality_id == municipality_id, Escalation.state == "open")
    return list(session.scalars(query.order_by(Escalation.created_at, Escalation.id)))


def escalation(session: Session, escalation_id: int) -> Escalation | None:
    return session.get(Escalation, escalation_id)


def escalate(
    session: Session,
    *,
    team_id: str,
    channel_id: str,
    thread_ts: str,
    question_id: int | None,
    asker: Member | None,
    at: datetime,
) -> tuple[Escalation, bool]:
    """The thread's escalation, and True when this call opened it: a thread is escalated once, however many
    times (or however many people at once) press the button."""
    query = select(Escalation).where(Escalation.channel_id == channel_id, Escalation.thread_ts == thread_ts)
    found = session.scalar(query)
    if found is not None:
        return found, False
    created = Escalation(
        team_id=team_id,
        channel_id=channel_id,
        thread_ts=thread_ts,
        question_id=question_id,
        member_id=asker.id if asker else None,
        municipality_id=asker.municipality_id if asker else None,
        state="open",
        created_at=at,
    )
    try:
        with session.begin_nested():
            session.add(created)
    except IntegrityError:  # another click opened it a moment ago
        return session.scalar(query), False
    return created, True


def resolve(session: Session, found: Escalation, *, by: str, at: datetime) -> bool:
    """Close an open escalation; False when it was closed already (two clicks at once close it once)."""
    closed = session.execute(
        update(Escalation)
        .where(Escalation.id == found.id, Escalation.state == "open")
        .values(state="resolved", resolved_at=at, resolved_by=by)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.refresh(found)
    return closed == 1
