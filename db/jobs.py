"""The durable job queue's SQL: work acknowledged to Slack is inserted in the acknowledging unit of work, claimed
by a worker (FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite's BEGIN IMMEDIATE serialises claims), and deleted
when done. A claim is a lease: a worker that dies lets it lapse and another worker takes the job over."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.orm import Session

from db import repo
from db.models import Job


@dataclass(frozen=True)
class NewJob:
    lane: str
    kind: str
    payload: dict[str, Any] = field(default_factory=dict)
    team_id: str | None = None  # the workspace it works for (bot/jobs.py fills it in from the request)
    enterprise_id: str | None = None


@dataclass(frozen=True)
class ClaimedJob:
    id: int
    lane: str
    kind: str
    payload: dict[str, Any]
    attempts: int  # including this one
    team_id: str | None = None
    enterprise_id: str | None = None


def enqueue(session: Session, job: NewJob, now: datetime, *, event_id: str | None = None) -> int | None:
    """Add a job to the caller's unit of work; returns its id. With a Slack event id, only the first delivery
    of that event is queued (None for Slack's retries), in the same transaction, so that a crash between the
    two can neither drop the event nor queue it twice."""
    if event_id is not None and not repo.claim_event(session, event_id):
        return None
    row = Job(
        lane=job.lane,
        kind=job.kind,
        payload=job.payload,
        state="queued",
        attempts=0,
        run_after=now,
        created_at=now,
        team_id=job.team_id,
        enterprise_id=job.enterprise_id,
    )
    session.add(row)
    session.flush()
    return row.id


def _due(lane: str, kinds: Collection[str], now: datetime):
    """Due jobs of the lane, of the kinds this worker knows (in a rolling deploy an older worker leaves the
    newer kinds alone)."""
    return and_(
        Job.lane == lane,
        Job.kind.in_(kinds),
        or_(and_(Job.state == "queued", Job.run_after <= now), and_(Job.state == "running", Job.lease_until < now)),
    )


def any_due(session: Session, lane: str, kinds: Collection[str], now: datetime) -> bool:
    """A cheap look (no lock) before claiming: idle workers look often."""
    return session.scalar(select(Job.id).where(_due(lane, kinds, now)).limit(1)) is not None


def claim(session: Session, lane: str, kinds: Collection[str], now: datetime, lease: timedelta) -> ClaimedJob | None:
    """The oldest due job of these kinds, or one whose worker's lease lapsed; marks it running until the lease
    ends."""
    due = _due(lane, kinds, now)
    row = session.scalar(select(Job).where(due).order_by(Job.id).limit(1).with_for_update(skip_locked=True))
    if row is None:
        return None
    row.state, row.attempts, row.lease_until = "running", row.attempts + 1, now + lease
    session.flush()
    return ClaimedJob(
        id=row.id,
        lane=row.lane,
        kind=row.kind,
        payload=dict(row.payload),
        attempts=row.attempts,
        team_id=row.team_id,
        enterprise_id=row.enterprise_id,
    )


def _held(job: ClaimedJob):
    """Still this worker's: a job whose lease lapsed may have been taken over (its attempts then went up)."""
    return and_(Job.id == job.id, Job.state == "running", Job.attempts == job.attempts)


def finish(session: Session, job: ClaimedJob, follow_ups: list[NewJob], now: datetime) -> bool:
    """Done: remove the job and queue what comes next, atomically; False (nothing queued) if it was taken over."""
    if session.execute(delete(Job).where(_held(job))).rowcount != 1:
        return False
    for follow_up in follow_ups:
        enqueue(session, follow_up, now)
    return True


def save_progress(session: Session, job: ClaimedJob, payload: dict[str, Any]) -> None:
    """Keep what a running job has already done (a posted placeholder, a logged question) for a retry."""
    session.execute(update(Job).where(_held(job)).values(payload=payload))


def retry_later(session: Session, job: ClaimedJob, run_after: datetime, error: str) -> None:
    session.execute(
        update(Job).where(_held(job)).values(state="queued", run_after=run_after, lease_until=None, error=error[:2000])
    )


def give_up(session: Session, job: ClaimedJob, error: str) -> None:
    """Kept as failed for the operator (`dxbot jobs`), never run again."""
    session.execute(update(Job).where(_held(job)).values(state="failed", lease_until=None, error=error[:2000]))


def waiting(session: Session, lane: str) -> int:
    """Jobs of the lane not yet finished: running, or queued to run."""
    return session.scalar(select(func.count()).where(Job.lane == lane, Job.state.in_(("queued", "running")))) or 0


def counts(session: Session) -> dict[tuple[str, str], int]:
    """How many jobs per (lane, state)."""
    rows = session.execute(select(Job.lane, Job.state, func.count()).group_by(Job.lane, Job.state))
    return {(lane, state): count for lane, state, count in rows}


def failed(session: Session, limit: int = 20) -> list[Job]:
    """The latest jobs given up, for the operator."""
    return list(session.scalars(select(Job).where(Job.state == "failed").order_by(Job.id.desc()).limit(limit)))


def forget_failed_before(session: Session, cutoff: datetime) -> int:
    return session.execute(delete(Job).where(Job.state == "failed", Job.created_at < cutoff)).rowcount
