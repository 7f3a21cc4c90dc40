"""The queries the rest of dxbot may call. Every function takes the session of the caller's unit of work."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import Float, Insert, String, bindparam, delete, func, insert, select, type_coerce, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from db import prefectures
from db.models import (
    Completion,
    Course,
    Member,
    Municipality,
    MunicipalityPrefecture,
    Prefecture,
    ProcessedEvent,
    Question,
    Share,
    UTCDateTime,
    Vote,
)
from knowledge.catalogue import CatalogueCourse
from knowledge.courses import Listing
from knowledge.text import compact

UDEMY = "Udemy Business"


class AlreadyExists(Exception):
    """A unique name or code is taken."""


# --- municipalities ---------------------------------------------------------------------------


def add_municipality(
    session: Session, name: str, prefecture: str | None = None, code: str | None = None, reading: str | None = None
) -> Municipality:
    """A new municipality in the prefecture named (created when new), else in the only one there is: see
    prefectures.home_for_new_municipality, which raises Ambiguous when several exist and none is named."""
    home, _ = prefectures.home_for_new_municipality(session, prefecture)
    municipality = Municipality(name=name, code=code, reading=reading)
    try:
        with session.begin_nested():
            session.add(municipality)
            session.flush()
            session.add(MunicipalityPrefecture(municipality_id=municipality.id, prefecture_id=home.id))
    except IntegrityError as exc:
        raise AlreadyExists(name) from exc
    return municipality


def municipalities(session: Session, prefecture_id: int | None = None) -> list[Municipality]:
    """Every municipality, or one prefecture's, by prefecture, code and name."""
    query = (
        select(Municipality)
        .outerjoin(MunicipalityPrefecture, MunicipalityPrefecture.municipality_id == Municipality.id)
        .outerjoin(Prefecture, Prefecture.id == MunicipalityPrefecture.prefecture_id)
        .options(joinedload(Municipality.prefecture))
    )
    if prefecture_id is not None:
        query = query.where(MunicipalityPrefecture.prefecture_id == prefecture_id)
    return list(session.scalars(query.order_by(Prefecture.name, Municipality.code, Municipality.name)).unique())


def member_counts(session: Session) -> dict[int, int]:
    rows = session.execute(
        select(Member.municipality_id, func.count())
        .where(Member.municipality_id.is_not(None))
        .group_by(Member.municipality_id)
    )
    return dict(rows.all())


def municipality_named(session: Session, name: str) -> Municipality | None:
    return session.scalar(select(Municipality).where(Municipality.name == name))


# --- members ----------------------------------------------------------------------------------


def member(session: Session, team_id: str, user_id: str) -> Member:
    """The member for a Slack user at their home (handlers/identity.py), created on first contact so that
    nothing they record is lost."""
    found = session.scalar(
        select(Member)
        .options(joinedload(Member.municipality))
        .where(Member.slack_team_id == team_id, Member.slack_user_id == user_id)
    )
    if found is not None:
        return found
    if is_organisation(team_id):
        adopted = _adopt_workspace_member(session, team_id, user_id)
        if adopted is not None:
            return adopted
    created = Member(slack_team_id=team_id, slack_user_id=user_id, role="learner", show_name=False)
    try:
        with session.begin_nested():
            session.add(created)
    except IntegrityError:  # another request created them a moment ago
        return member(session, team_id, user_id)
    return created


def is_organisation(home: str) -> bool:
    """An Enterprise Grid organisation's id (E…), as opposed to a workspace's (T…)."""
    return home.startswith("E")


def _adopt_workspace_member(session: Session, organisation: str, user_id: str) -> Member | None:
    """Grid members were keyed by a workspace before dxbot read their organisation: such a row is this person
    (Grid user ids are unique across the organisation), so it is moved to the organisation, not duplicated."""
    earlier = session.scalars(
        select(Member).where(Member.slack_user_id == user_id).order_by(Member.municipality_id.is_(None), Member.id)
    ).first()
    if earlier is not None:
        earlier.slack_team_id = organisation
        session.flush()
    return earlier


def set_track(session: Session, who: Member, track: str) -> None:
    who.track = track
    session.flush()


def set_show_name(session: Session, who: Member, show: bool, display_name: str | None) -> None:
    """Opt in to being named in digests (keeping the name to show), or out (forgetting it)."""
    who.show_name = show
    who.display_name = display_name if show else None
    session.flush()


def rename_if_shown(session: Session, member_id: int, display_name: str) -> None:
    """Update the name the digest shows, unless the member has opted out in the meantime."""
    session.execute(
        update(Member).where(Member.id == member_id, Member.show_name.is_(True)).values(display_name=display_name)
    )


def members_by_user(session: Session, user_id: str, team_id: str | None = None) -> list[Member]:
    """Members with this Slack user ID (one per workspace), for commands that know only the user ID."""
    query = select(Member).where(Member.slack_user_id == user_id)
    if team_id is not None:
        query = query.where(Member.slack_team_id == team_id)
    return list(session.scalars(query.order_by(Member.slack_team_id)))


@dataclass(frozen=True)
class MemberRow:
    team_id: str
    user_id: str
    municipality: str | None
    role: str
    track: str | None
    completions: int
    last_completed_at: datetime | None


def member_rows(session: Session, municipality: str | None = None) -> list[MemberRow]:
    """Every member (or a municipality's), with how many courses they finished and when they last did."""
    done = (
        select(Completion.member_id, func.count().label("n"), func.max(Completion.completed_at).label("last"))
        .group_by(Completion.member_id)
        .subquery()
    )
    query = (
        select(
            Member.slack_team_id,
            Member.slack_user_id,
            Municipality.name,
            Member.role,
            Member.track,
            func.coalesce(done.c.n, 0),
            type_coerce(done.c.last, UTCDateTime),
        )
        .outerjoin(Municipality, Member.municipality_id == Municipality.id)
        .outerjoin(done, done.c.member_id == Member.id)
        .order_by(Municipality.name, Member.slack_team_id, Member.slack_user_id)
    )
    if municipality is not None:
        query = query.where(Municipality.name == municipality)
    return [MemberRow(*row) for row in session.execute(query)]


def active_members(session: Session, municipality_id: int, since: datetime) -> int:
    """How many of the municipality's members finished a course since `since`: the licences in use (a licence
    counts as used when its holder was active in the last 30 days)."""
    query = select(func.count(func.distinct(Completion.member_id))).where(
        Completion.municipality_id == municipality_id, Completion.completed_at >= since
    )
    return session.scalar(query) or 0


class NoMunicipality(ValueError):
    """A coordinator's or admin's role is given in a municipality: the member must belong to one."""


def set_role(session: Session, who: Member, role: str) -> None:
    if role != "learner" and who.municipality_id is None:
        raise NoMunicipality(who.slack_user_id)
    who.role = role
    session.flush()


# --- courses and completions ------------------------------------------------------------------


def sync_courses(session: Session, courses: Iterable[dict], now: datetime) -> int:
    """Upsert the learning paths' courses (course dicts from the knowledge base); returns how many. Only a course
    that changed is touched, so processes rebuild the catalogue's index only when something did. A course the
    catalogue import linked keeps the catalogue's link."""
    columns = set(Course.__table__.columns.keys())
    wanted = {course["id"]: {k: v for k, v in course.items() if k in columns} for course in courses}
    existing = {row.id: row for row in session.scalars(select(Course).where(Course.id.in_(wanted)))}
    for course_id, values in wanted.items():
        row = existing.get(course_id)
        if row is None:
            session.add(Course(**values, updated_at=now))
            continue
        if row.udemy_id is not None:
            values.pop("url", None)
        if any(getattr(row, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(row, key, value)
            row.updated_at = now
    session.flush()
    return len(wanted)


@dataclass(frozen=True)
class ImportSummary:
    added: int
    updated: int
    unchanged: int


def import_catalogue(session: Session, courses: Sequence[CatalogueCourse], now: datetime) -> ImportSummary:
    """Add or update catalogue courses by their Udemy id, in bulk; importing the same catalogue again changes
    nothing. A course with a path course's title is that path course: it keeps its id, title and track, and
    takes the catalogue's id, link and length."""
    fields = (Course.id, Course.udemy_id, Course.title, Course.url, Course.headline, Course.minutes, Course.locale)
    rows = session.execute(select(*fields, Course.track)).all()
    by_udemy_id = {row.udemy_id: row for row in rows if row.udemy_id is not None}
    paths = {compact(row.title): row for row in rows if row.track is not None}
    added: list[dict] = []
    changed: list[dict] = []
    for course in courses:
        values = {
            "udemy_id": course.udemy_id,
            "title": course.title,
            "url": course.url,
            "headline": course.headline,
            "minutes": course.minutes,
            "locale": course.locale,
        }
        row = by_udemy_id.get(course.udemy_id) or paths.get(compact(course.title))
        if row is None:
            added.append({**values, "id": f"udemy-{course.udemy_id}", "provider": UDEMY, "updated_at": now})
            continue
        if row.track is not None:
            del values["title"]  # a path course keeps the title its path gives it
        if any(getattr(row, key) != value for key, value in values.items()):
            changed.append({**values, "id": row.id, "updated_at": now})
    if added:
        session.execute(insert(Course), [{"aliases": [], "readings": [], **values} for values in added])
    if changed:
        session.execute(update(Course), changed)
    return ImportSummary(len(added), len(changed), len(courses) - len(added) - len(changed))


def catalogue_revision(session: Session) -> str:
    """Changes whenever a course is added or changed (both set updated_at): cheap enough to ask before each use."""
    latest = session.scalar(select(func.max(Course.updated_at)))
    return latest.isoformat() if latest else "empty"


def catalogue(session: Session) -> list[Listing]:
    """Every course, path courses and the catalogue's, as members find them."""
    return [
        Listing(
            id=row.id,
            title=row.title,
            url=row.url,
            hours=row.hours or (round(row.minutes / 60, 1) if row.minutes else None),
            track=row.track,
            requirement=row.requirement,
            headline=row.headline,
            locale=row.locale,
            aliases=tuple(row.aliases or ()),
            readings=tuple(row.readings or ()),
        )
        for row in session.execute(select(*Course.__table__.columns).order_by(Course.id))
    ]


def free_text_key(title: str) -> str:
    return "free:" + compact(title)[:290]


@dataclass(frozen=True)
class Recorded:
    """What `record_completion` did: `created` False when the member had recorded this course already."""

    title: str
    completed_at: datetime
    created: bool
    joined: bool  # the member belongs to a municipality


def record_completion(
    session: Session,
    team_id: str,
    user_id: str,
    *,
    course_id: str | None,
    title: str,
    hours: float | None,
    completed_at: datetime,
    source: str = "slash",
) -> Recorded:
    """Record that a Slack user (a member from now on, if not yet) finished a course; a repeat keeps the first.

    Two statements, each a no-op on a repeat or a race (INSERT … ON CONFLICT DO NOTHING), built once and run
    with parameters: this runs inside Slack's ack, many members at once, and holds SQLite's one write lock."""
    add_member, add_completion = _recording_statements(_insert(session))
    if is_organisation(team_id):  # adopt a row keyed by a workspace before inserting one
        member(session, team_id, user_id)
    key = course_id or free_text_key(title)
    parameters = dict(
        team_id=team_id,
        user_id=user_id,
        course_id=course_id,
        course_key=key,
        title=title,
        hours=hours,
        completed_at=completed_at,
        source=source,
    )
    session.execute(add_member, parameters)
    added = session.execute(add_completion, parameters).first()
    if added is not None:
        return Recorded(title, completed_at, created=True, joined=added.municipality_id is not None)
    first, municipality_id = session.execute(
        select(Completion, Member.municipality_id)
        .join(Member, Completion.member_id == Member.id)
        .where(Member.slack_team_id == team_id, Member.slack_user_id == user_id, Completion.course_key == key)
    ).one()
    return Recorded(first.title_snapshot, first.completed_at, created=False, joined=municipality_id is not None)


def _insert(session: Session) -> Callable[..., Insert]:
    """The dialect's INSERT, which has ON CONFLICT (SQLAlchemy's generic one has not). Imported here: the
    PostgreSQL dialect alone costs a SQLite process ~50 ms of start-up."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


@cache
def _recording_statements(insert: Callable[..., Insert]) -> tuple[Insert, Insert]:
    """The member, then the completion taking the member's municipality, each skipped if already there."""
    members, completions = Member.__table__, Completion.__table__
    the_user = (members.c.slack_team_id == bindparam("team_id"), members.c.slack_user_id == bindparam("user_id"))
    add_member = (
        insert(members)
        .values(slack_team_id=bindparam("team_id"), slack_user_id=bindparam("user_id"), role="learner", show_name=False)
        .on_conflict_do_nothing(index_elements=["slack_team_id", "slack_user_id"])
    )
    values = {
        "course_id": bindparam("course_id", type_=String),
        "course_key": bindparam("course_key", type_=String),
        "title_snapshot": bindparam("title", type_=String),
        "hours": bindparam("hours", type_=Float),
        "completed_at": bindparam("completed_at", type_=UTCDateTime),
        "source": bindparam("source", type_=String),
    }
    add_completion = (
        insert(completions)
        .from_select(
            ["member_id", "municipality_id", *values],
            select(members.c.id, members.c.municipality_id, *values.values()).where(*the_user),
        )
        .on_conflict_do_nothing(index_elements=["member_id", "course_key"])
        .returning(completions.c.municipality_id)
    )
    return add_member, add_completion


def completions(session: Session, who: Member) -> list[Completion]:
    return list(
        session.scalars(
            select(Completion).where(Completion.member_id == who.id).order_by(Completion.completed_at, Completion.id)
        )
    )


def remove_completion(
    session: Session, who: Member, course_key: str | None, *, municipality_id: int | None = None
) -> Completion | None:
    """Remove one completion (the latest when no key is given); returns what was removed, or None. With
    `municipality_id`, only one that counts for that municipality (a coordinator's reach)."""
    query = select(Completion).where(Completion.member_id == who.id)
    if municipality_id is not None:
        query = query.where(Completion.municipality_id == municipality_id)
    if course_key is not None:
        query = query.where(Completion.course_key == course_key)
    found = session.scalar(query.order_by(Completion.completed_at.desc(), Completion.id.desc()).limit(1))
    if found is not None:
        session.execute(delete(Completion).where(Completion.id == found.id))
    return found


# --- shares ----------------------------------------------------------------------------------


def add_share(session: Session, who: Member, text: str, course_id: str | None, now: datetime) -> Share:
    """Keep a tip; the municipality is the member's at the time, as the digest should show it."""
    share = Share(member_id=who.id, municipality_id=who.municipality_id, course_id=course_id, text=text, created_at=now)
    session.add(share)
    session.flush()
    return share


# --- Slack event de-duplication ---------------------------------------------------------------


def claim_event(session: Session, event_id: str) -> bool:
    """True the first time an event id is seen; False for Slack's retries of it."""
    try:
        with session.begin_nested():
            session.add(ProcessedEvent(event_id=event_id))
    except IntegrityError:
        return False
    return True


def forget_events_before(session: Session, cutoff: datetime) -> int:
    """Drop event ids older than Slack's retry window; returns how many were dropped."""
    return session.execute(delete(ProcessedEvent).where(ProcessedEvent.received_at < cutoff)).rowcount


# --- questions and votes ---------------------------------------------------------------------


def log_question(
    session: Session,
    *,
    team_id: str | None,
    user_id: str | None,
    surface: str,
    text: str,
    answer_text: str,
    language: str,
    answered: bool,
    source_ids: list[str],
    used_model: bool,
    asked_at: datetime,
) -> int:
    """Keep every question for coordinators; returns its id (the feedback buttons carry it)."""
    municipality_id = None
    if team_id and user_id:
        municipality_id = session.scalar(
            select(Member.municipality_id).where(Member.slack_team_id == team_id, Member.slack_user_id == user_id)
        )
    question = Question(
        slack_team_id=team_id,
        slack_user_id=user_id,
        municipality_id=municipality_id,
        surface=surface,
        text=text,
        answer_text=answer_text,
        language=language,
        answered=answered,
        source_ids=source_ids,
        topic=source_ids[0] if source_ids else None,  # the best source: what the question was about
        used_model=used_model,
        asked_at=asked_at,
    )
    session.add(question)
    session.flush()
    return question.id


def question(session: Session, question_id: int) -> Question | None:
    return session.get(Question, question_id)


def vote(session: Session, question_id: int, voter: Member, value: int, now: datetime) -> Question | None:
    """Record the voter's 👍 (1) or 👎 (-1) on a logged answer; their latest click counts, and only theirs.
    None when the question is unknown."""
    found = session.get(Question, question_id)
    if found is None:
        return None
    upsert = _insert(session)(Vote).values(question_id=question_id, member_id=voter.id, vote=value, voted_at=now)
    excluded = upsert.excluded  # a double click races itself: the second one updates the first
    session.execute(
        upsert.on_conflict_do_update(
            index_elements=["question_id", "member_id"], set_={"vote": excluded.vote, "voted_at": excluded.voted_at}
        )
    )
    return found
