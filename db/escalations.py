"""Escalations: answers that did not help, handed to the municipality's coordinators."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Escalation


def open_escalations(session: Session, municipality_id: int) -> list[Escalation]:
    """The municipality's open escalations, oldest first (the coordinator's App Home lists them)."""
    query = select(Escalation).where(Escalation.municipality_id == municipality_id, Escalation.state == "open")
    return list(session.scalars(query.order_by(Escalation.created_at, Escalation.id)))
