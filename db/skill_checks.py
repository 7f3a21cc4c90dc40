"""Skill checks: each member's answers and the learning plan they were given (the latest is their plan)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Member, SkillCheck


def save(
    session: Session,
    who: Member,
    *,
    answers: dict[str, int],
    scores: dict[str, int],
    track: str,
    plan: list[str],
    now: datetime,
) -> SkillCheck:
    check = SkillCheck(member_id=who.id, answers=answers, scores=scores, track=track, plan=plan, taken_at=now)
    session.add(check)
    session.flush()
    return check


def latest(session: Session, who: Member) -> SkillCheck | None:
    """The member's learning plan: their latest skill check, or None before their first."""
    query = select(SkillCheck).where(SkillCheck.member_id == who.id)
    return session.scalars(query.order_by(SkillCheck.taken_at.desc(), SkillCheck.id.desc())).first()
