"""Tips members share for the weekly digest, and members' roles. Every function takes the caller's session."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Member, Share


def add_share(session: Session, who: Member, text: str, course_id: str | None, now: datetime) -> Share:
    """Keep a tip; the municipality is the member's at the time, as the digest should show it."""
    share = Share(member_id=who.id, municipality_id=who.municipality_id, course_id=course_id, text=text, created_at=now)
    session.add(share)
    session.flush()
    return share


def members_by_user(session: Session, user_id: str, team_id: str | None = None) -> list[Member]:
    """Members with this Slack user ID (one per workspace), for commands that know only the user ID."""
    query = select(Member).where(Member.slack_user_id == user_id)
    if team_id is not None:
        query = query.where(Member.slack_team_id == team_id)
    return list(session.scalars(query.order_by(Member.slack_team_id)))


def set_role(session: Session, who: Member, role: str) -> None:
    who.role = role
    session.flush()
