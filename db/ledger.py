"""The completions export's query and the Udemy import's writes: a municipality's completions as export rows, and
a parsed report turned into members and completions in bulk (a few statements per thousand rows, never one per
row), all in the caller's unit of work so that an import is all or nothing."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import case, insert, select, update
from sqlalchemy.orm import Session

from db.models import Completion, Course, InstallationMunicipality, Member, Municipality
from knowledge.ledger import ExportRow

CHUNK = 500  # parameters per IN (…): well under SQLite's and PostgreSQL's limits


def _chunks(values: Sequence, size: int = CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


# --- export ------------------------------------------------------------------------------------


def export_rows(
    session: Session, municipality: Municipality, tz: ZoneInfo, first: date | None = None, last: date | None = None
) -> list[ExportRow]:
    """The municipality's completions (those its members finished while in it), oldest first; `first` and `last`
    are local dates, both included. The name and e-mail only of those who still belong to it: who moved on keeps
    their ids and records here, and their address (perhaps their new municipality's) is no longer its to see."""
    still_here = Member.municipality_id == municipality.id
    query = (
        select(
            Member.slack_team_id,
            Member.slack_user_id,
            case((still_here, Member.display_name)),
            case((still_here, Member.email)),
            Completion.course_id,
            Completion.title_snapshot,
            Completion.hours,
            Completion.completed_at,
            Completion.source,
        )
        .join(Member, Completion.member_id == Member.id)
        .where(Completion.municipality_id == municipality.id)
        .order_by(Completion.completed_at, Member.slack_team_id, Member.slack_user_id, Completion.id)
    )
    if first is not None:
        query = query.where(Completion.completed_at >= datetime.combine(first, time(), tz))
    if last is not None:
        query = query.where(Completion.completed_at < datetime.combine(last + timedelta(days=1), time(), tz))
    return [
        ExportRow(
            municipality=municipality.name,
            team_id=team_id,
            user_id=user_id,
            name=name,
            email=email,
            course_id=course_id,
            title=title,
            hours=hours,
            completed_on=completed_at.astimezone(tz).date(),
            source=source,
        )
        for team_id, user_id, name, email, course_id, title, hours, completed_at, source in session.execute(query)
    ]


# --- import ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    team_id: str
    user_id: str
    email: str | None = None


@dataclass(frozen=True)
class Incoming:
    """One completion to import, its person and course resolved."""

    line: int
    person: Person
    course_id: str | None
    course_key: str
    title: str
    hours: float | None
    completed_at: datetime


@dataclass
class ImportPlan:
    """What an import would change: the members to add, and the completions to add or already known."""

    new_members: list[Person] = field(default_factory=list)
    new_completions: list[Incoming] = field(default_factory=list)
    known: int = 0  # completions the database has already (a re-import)
    elsewhere: list[tuple[int, str]] = field(default_factory=list)  # (line, reason): members of another place
    _member_ids: dict[tuple[str, str], int] = field(default_factory=dict)
    _to_join: list[int] = field(default_factory=list)
    _emails: dict[int, str] = field(default_factory=dict)


def course_ids(session: Session) -> tuple[set[str], dict[str, str]]:
    """Every course id, and dxbot's id by Udemy's, for rows that give a course id."""
    rows = session.execute(select(Course.id, Course.udemy_id)).all()
    return {row.id for row in rows}, {row.udemy_id: row.id for row in rows if row.udemy_id}


def members_by_email(session: Session, municipality_id: int, emails: Iterable[str]) -> dict[str, Person]:
    """Members an earlier import already matched by e-mail, so that their address needs no Slack look-up."""
    wanted = sorted(set(emails))
    found: dict[str, Person] = {}
    for chunk in _chunks(wanted):
        rows = session.execute(
            select(Member.email, Member.slack_team_id, Member.slack_user_id).where(
                Member.email.in_(chunk), Member.municipality_id == municipality_id
            )
        )
        for email, team_id, user_id in rows:
            found[email] = Person(team_id, user_id, email)
    return found


def municipality_team(session: Session, municipality: Municipality) -> str | None:
    """The workspace a municipality's staff use: its own setting, else the one installation that serves it."""
    if municipality.slack_team_id:
        return municipality.slack_team_id
    teams = session.scalars(
        select(InstallationMunicipality.team_id).where(InstallationMunicipality.municipality_id == municipality.id)
    ).all()
    return teams[0] if len(teams) == 1 else None


def municipality_teams(session: Session, municipality_ids: Iterable[int]) -> dict[int, str | None]:
    """municipality_team of each municipality named, by id."""
    found = session.scalars(select(Municipality).where(Municipality.id.in_(list(municipality_ids))))
    return {municipality.id: municipality_team(session, municipality) for municipality in found}


def plan_import(session: Session, municipality_id: int, incoming: Sequence[Incoming]) -> ImportPlan:
    """What importing `incoming` would do, read in a few queries; nothing is written."""
    plan = ImportPlan()
    people = {(i.person.team_id, i.person.user_id): i.person for i in incoming}
    existing: dict[tuple[str, str], tuple[int, int | None, str | None]] = {}
    for chunk in _chunks(sorted({user for _, user in people})):
        rows = session.execute(
            select(Member.id, Member.slack_team_id, Member.slack_user_id, Member.municipality_id, Member.email).where(
                Member.slack_user_id.in_(chunk)
            )
        )
        for member_id, team_id, user_id, place, email in rows:
            if (team_id, user_id) in people:
                existing[(team_id, user_id)] = (member_id, place, email)
    refused: set[tuple[str, str]] = set()
    for key, person in people.items():
        if key not in existing:
            plan.new_members.append(person)
            continue
        member_id, place, email = existing[key]
        if place is not None and place != municipality_id:
            refused.add(key)
            continue
        plan._member_ids[key] = member_id
        if place is None:
            plan._to_join.append(member_id)
        if person.email and email != person.email:
            plan._emails[member_id] = person.email
    known: set[tuple[int, str]] = set()
    ids = sorted(plan._member_ids.values())
    for chunk in _chunks(ids):
        rows = session.execute(
            select(Completion.member_id, Completion.course_key).where(Completion.member_id.in_(chunk))
        )
        known.update((member_id, key) for member_id, key in rows)
    seen: set[tuple[tuple[str, str], str]] = set()
    for item in incoming:
        key = (item.person.team_id, item.person.user_id)
        if key in refused:
            plan.elsewhere.append((item.line, f"{item.person.user_id} belongs to another municipality"))
            continue
        if (key, item.course_key) in seen:  # the same completion twice in one file: the first counts
            plan.known += 1
            continue
        seen.add((key, item.course_key))
        member_id = plan._member_ids.get(key)
        if member_id is not None and (member_id, item.course_key) in known:
            plan.known += 1
        else:
            plan.new_completions.append(item)
    return plan


def apply_import(session: Session, municipality_id: int, plan: ImportPlan, now: datetime) -> None:
    """Write the plan: new members (joined to the municipality, with their e-mail), then the new completions."""
    if plan.new_members:
        session.execute(
            insert(Member),
            [
                {
                    "slack_team_id": p.team_id,
                    "slack_user_id": p.user_id,
                    "municipality_id": municipality_id,
                    "joined_at": now,
                    "email": p.email,
                    "role": "learner",
                    "show_name": False,
                }
                for p in plan.new_members
            ],
        )
        added = {(p.team_id, p.user_id) for p in plan.new_members}
        for chunk in _chunks(sorted({user for _, user in added})):
            rows = session.execute(
                select(Member.id, Member.slack_team_id, Member.slack_user_id).where(Member.slack_user_id.in_(chunk))
            )
            for member_id, team_id, user_id in rows:
                if (team_id, user_id) in added:
                    plan._member_ids[(team_id, user_id)] = member_id
    for chunk in _chunks(plan._to_join):
        session.execute(
            update(Member)
            .where(Member.id.in_(chunk), Member.municipality_id.is_(None))
            .values(municipality_id=municipality_id, joined_at=now)
        )
    if plan._emails:
        session.execute(update(Member), [{"id": key, "email": value} for key, value in plan._emails.items()])
    if plan.new_completions:
        session.execute(
            insert(Completion),
            [
                {
                    "member_id": plan._member_ids[(i.person.team_id, i.person.user_id)],
                    "municipality_id": municipality_id,
                    "course_id": i.course_id,
                    "course_key": i.course_key,
                    "title_snapshot": i.title,
                    "hours": i.hours,
                    "completed_at": i.completed_at,
                    "source": "import",
                }
                for i in plan.new_completions
            ],
        )
    session.flush()


def set_municipality_settings(
    session: Session, municipality: Municipality, *, licences: int | None = None, nudge_weeks: int | None = None
) -> None:
    if licences is not None:
        municipality.licences = licences
    if nudge_weeks is not None:
        municipality.nudge_weeks = nudge_weeks
    session.flush()
