"""What the App Home shows: a member's own figures, their prefecture's latest tips, and a coordinator's view of their
own municipality (never another's)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db import membership, prefectures, repo
from db.digest import MIN_NAMED_GROUP, SharedTip
from db.escalations import open_escalations
from db.models import Completion, Course, Member, Municipality, Share


def hours_between(session: Session, who: Member, start: datetime, end: datetime) -> float:
    """The member's recorded training hours in [start, end) (a fiscal year's, for the home)."""
    query = select(func.coalesce(func.sum(Completion.hours), 0.0)).where(
        Completion.member_id == who.id, Completion.completed_at >= start, Completion.completed_at < end
    )
    return float(session.scalar(query) or 0.0)


def latest_tips(session: Session, municipality_id: int | None, limit: int) -> list[SharedTip]:
    """The newest tips of the municipality's prefecture (none for a member who joined no municipality: the digest
    shows no tip from outside a prefecture either), newest first, credited as the digest credits them: a name only
    for members who opted in, and no municipality when naming it would point at the author (fewer than
    MIN_NAMED_GROUP members)."""
    tenant = prefectures.tenant_of(session, municipality_id)
    if tenant is None:
        return []
    rows = session.execute(
        select(Share, Member.show_name, Member.display_name, Municipality.name, Course.title)
        .join(Member, Member.id == Share.member_id)
        .outerjoin(Municipality, Municipality.id == Share.municipality_id)
        .outerjoin(Course, Course.id == Share.course_id)
        .where(Share.municipality_id.in_(prefectures.municipality_ids(tenant.id)))
        .order_by(Share.created_at.desc(), Share.id.desc())
        .limit(limit)
    ).all()
    sizes = repo.member_counts(session)
    tips = []
    for share, show, name, municipality, course in rows:
        named = name if show and name else None
        small = sizes.get(share.municipality_id, 0) < MIN_NAMED_GROUP
        tips.append(
            SharedTip(
                text=share.text,
                municipality_id=share.municipality_id,
                municipality=None if small and named is None else municipality,
                member_name=named,
                course_title=course,
                created_at=share.created_at,
            )
        )
    return tips


@dataclass(frozen=True)
class OpenEscalation:
    channel_id: str
    thread_ts: str
    created_at: datetime


@dataclass(frozen=True)
class PendingJoin:
    request_id: int
    user_id: str
    requested_at: datetime


@dataclass(frozen=True)
class Overview:
    """A municipality as its coordinators see it on the App Home."""

    name: str
    members: int
    active_this_month: int
    required_done: int  # required courses finished, counted over every member's own path
    required_total: int
    not_started: tuple[str, ...]  # Slack user ids of members with no completion yet
    licences: int | None
    licences_in_use: int
    escalations: tuple[OpenEscalation, ...]
    join_requests: tuple[PendingJoin, ...] = ()


def overview(
    session: Session,
    municipality_id: int,
    required: Mapping[str | None, Collection[str]],
    *,
    month_start: datetime,
    licence_window_start: datetime,
) -> Overview:
    """`required`: the required course ids of each track (None: a member who has not chosen one)."""
    place = session.get(Municipality, municipality_id)
    members = session.execute(
        select(Member.id, Member.slack_user_id, Member.track)
        .where(Member.municipality_id == municipality_id, Member.left_at.is_(None))
        .order_by(Member.joined_at, Member.id)
    ).all()
    finished: dict[int, set[str]] = {}
    for member_id, course_id in session.execute(
        select(Completion.member_id, Completion.course_key)
        .join(Member, Member.id == Completion.member_id)
        .where(Member.municipality_id == municipality_id)
    ):
        finished.setdefault(member_id, set()).add(course_id)
    done = total = 0
    for member_id, _, track in members:
        needed = set(required.get(track, ()))
        total += len(needed)
        done += len(needed & finished.get(member_id, set()))
    return Overview(
        name=place.name,
        members=len(members),
        active_this_month=repo.active_members(session, municipality_id, month_start),
        required_done=done,
        required_total=total,
        not_started=tuple(user for member_id, user, _ in members if member_id not in finished),
        licences=place.licences,
        licences_in_use=repo.active_members(session, municipality_id, licence_window_start),
        escalations=tuple(
            OpenEscalation(e.channel_id, e.thread_ts, e.created_at) for e in open_escalations(session, municipality_id)
        ),
        join_requests=tuple(
            PendingJoin(request.id, member.slack_user_id, request.requested_at)
            for request, member in membership.pending_in(session, municipality_id)
        ),
    )


def pending_join(session: Session, who: Member) -> str | None:
    """The municipality the member asked to join and waits for, if any."""
    found = membership.pending_of(session, who)
    return session.get(Municipality, found.municipality_id).name if found is not None else None


def member_of(session: Session, team_id: str, user_id: str) -> Member | None:
    """A known member, without creating one (a coordinator picking someone is not that person's first contact)."""
    return session.scalar(select(Member).where(Member.slack_team_id == team_id, Member.slack_user_id == user_id))
