"""Nudges: who is due one this week, claiming it, and each member's own switches (`/dx nudges`, `/dx leave`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.orm import Session

from db.models import Completion, Member, Municipality

DEFAULT_NUDGE_WEEKS = 3  # when the municipality has not chosen (`dxbot municipalities set --nudge-weeks`)


@dataclass(frozen=True)
class Due:
    """A member due a nudge: who, where to send it, and what they have done on their path."""

    member_id: int
    team_id: str  # their home (T… or E…)
    user_id: str
    track: str | None
    done: frozenset[str]  # the course ids they completed


def nudge_weeks(municipality: Municipality) -> int:
    return municipality.nudge_weeks or DEFAULT_NUDGE_WEEKS


def due(session: Session, now: datetime, week_start: datetime) -> list[Due]:
    """Members to nudge now: in a municipality, still in the workspace, with nudges on and not on leave, not nudged
    since `week_start`, with no completion in their municipality's N weeks, and known for at least that long
    (they joined N weeks ago, or their latest completion is older): nobody is nudged the day after joining."""
    found: list[Due] = []
    for municipality in session.scalars(select(Municipality).order_by(Municipality.id)):
        cutoff = now - timedelta(weeks=nudge_weeks(municipality))
        recent = exists().where(Completion.member_id == Member.id, Completion.completed_at > cutoff)
        older = exists().where(Completion.member_id == Member.id, Completion.completed_at <= cutoff)
        rows = session.execute(
            select(Member.id, Member.slack_team_id, Member.slack_user_id, Member.track)
            .where(
                Member.municipality_id == municipality.id,
                *_may_be_nudged(week_start),
                ~recent,
                or_(and_(Member.joined_at.is_not(None), Member.joined_at <= cutoff), older),
            )
            .order_by(Member.id)
        ).all()
        done = _done(session, municipality.id) if rows else {}
        found.extend(Due(m, team, user, track, frozenset(done.get(m, ()))) for m, team, user, track in rows)
    return found


def _may_be_nudged(week_start: datetime) -> tuple:
    return (
        Member.nudges.is_(True),
        Member.on_leave.is_(False),
        Member.left_at.is_(None),
        or_(Member.last_nudged_at.is_(None), Member.last_nudged_at < week_start),
    )


def _done(session: Session, municipality_id: int) -> dict[int, set[str]]:
    """The course ids each member of the municipality completed."""
    done: dict[int, set[str]] = {}
    rows = session.execute(
        select(Completion.member_id, Completion.course_id)
        .join(Member, Member.id == Completion.member_id)
        .where(Member.municipality_id == municipality_id, Completion.course_id.is_not(None))
    )
    for member_id, course_id in rows:
        done.setdefault(member_id, set()).add(course_id)
    return done


@dataclass(frozen=True)
class Claim:
    member_id: int
    at: datetime
    previous: datetime | None  # their last_nudged_at before, given back if the DM cannot be sent


def claim(session: Session, member_id: int, now: datetime, week_start: datetime) -> Claim | None:
    """Mark the member nudged now, if they still may be (one statement: of two runs at once, one wins); None when
    they may not."""
    previous = session.scalar(select(Member.last_nudged_at).where(Member.id == member_id))
    claimed = session.execute(
        update(Member)
        .where(Member.id == member_id, *_may_be_nudged(week_start))
        .values(last_nudged_at=now)
        .execution_options(synchronize_session=False)
    )
    return Claim(member_id, now, previous) if claimed.rowcount == 1 else None


def release(session: Session, claim: Claim) -> None:
    """Give a claim back (the DM was not sent), unless something else has nudged them since."""
    session.execute(
        update(Member)
        .where(Member.id == claim.member_id, Member.last_nudged_at == claim.at)
        .values(last_nudged_at=claim.previous)
        .execution_options(synchronize_session=False)
    )


def set_nudges(session: Session, who: Member, on: bool) -> None:
    who.nudges = on
    session.flush()


def set_on_leave(session: Session, who: Member, on: bool) -> None:
    who.on_leave = on
    session.flush()
