"""`dxbot import udemy`: a Udemy Business report (or dxbot's own export) into a municipality's completions.

The file is parsed (knowledge/udemy_csv.py), every person found (a `slack_user_id` column, an e-mail an earlier
import matched, else Slack's users.lookupByEmail once per distinct address), every course found (its id, else its
title through the course matcher, else kept as a free-text course), and only then, when no row was rejected,
written in one unit of work: a file with one bad row imports nothing and names the line."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.services import Services
from db import ledger, repo
from db.access import audit
from knowledge.courses import CourseMatcher, Listing
from knowledge.udemy_csv import ParsedRow, Rejection, decode, parse

NOT_FOUND = ("users_not_found", "user_not_found")
LOOKUPS_AT_ONCE = 4


class UnknownMunicipality(Exception):
    pass


@dataclass
class ImportReport:
    municipality: str
    dry_run: bool
    rows: int = 0  # completed-course rows read
    not_completed: int = 0  # rows of courses in progress, skipped
    rejected: list[Rejection] = field(default_factory=list)
    new_members: int = 0
    new_completions: int = 0
    known: int = 0
    licences: int | None = None
    written: bool = False

    def as_json(self) -> dict:
        return {
            "municipality": self.municipality,
            "dry_run": self.dry_run,
            "written": self.written,
            "rows": self.rows,
            "not_completed": self.not_completed,
            "new_members": self.new_members,
            "new_completions": self.new_completions,
            "already_known": self.known,
            "licences": self.licences,
            "rejected": [{"line": r.line, "reason": r.reason} for r in self.rejected],
        }


class _People:
    """Who each row is: a `slack_user_id` column, an address an earlier import matched, else Slack's answer for
    the address, asked once per distinct address. The Web API client is made only when a call is needed."""

    def __init__(self, known: dict[str, ledger.Person], client: Callable[[str | None], WebClient], team: str | None):
        self._known = known
        self._make_client = client
        self._team = team  # the municipality's workspace, when known
        self._client: WebClient | None = None
        self._looked_up: dict[str, ledger.Person | str] = {}

    def look_up(self, emails: set[str]) -> None:
        """Every address not known yet, a few at a time (slack_sdk waits out 429s per call)."""
        wanted = sorted(emails - self._known.keys() - self._looked_up.keys())
        if not wanted:
            return
        client = self._web_client()
        with ThreadPoolExecutor(LOOKUPS_AT_ONCE) as pool:
            found = pool.map(lambda email: self._lookup(client, email), wanted)
            self._looked_up.update(zip(wanted, found, strict=True))

    def of(self, row: ParsedRow) -> ledger.Person | str:
        """The person, or why they cannot be found (after look_up of every row's address)."""
        if row.user_id is not None:
            return ledger.Person(row.team_id or self._home(), row.user_id, row.email)
        email = row.email or ""
        return self._known.get(email) or self._looked_up[email]

    def _web_client(self) -> WebClient:
        if self._client is None:
            self._client = self._make_client(self._team)
        return self._client

    def _home(self) -> str:
        """For rows naming a Slack user but no team: the municipality's workspace, else the token's."""
        if self._team is None:
            self._team = self._web_client().auth_test()["team_id"]
        return self._team

    def _lookup(self, client: WebClient, email: str) -> ledger.Person | str:
        try:
            user = client.users_lookupByEmail(email=email)["user"]
        except SlackApiError as exc:
            if exc.response.get("error") in NOT_FOUND:
                return f"no Slack user has the address {email} (add a slack_user_id column for them)"
            raise
        home = (user.get("enterprise_user") or {}).get("enterprise_id") or user.get("team_id") or self._home()
        return ledger.Person(home, user["id"], email)


def import_udemy(
    services: Services,
    client: Callable[[str | None], WebClient],
    municipality_name: str,
    raw: bytes,
    *,
    dry_run: bool = False,
    licences: int | None = None,
    team: str | None = None,
) -> ImportReport:
    """Import the file, or (dry run, or any row rejected) only say what it would change. `client` gives the Web API
    client for a workspace (None: not known), made only if an e-mail needs looking up. UdemyFileError when the
    file as a whole cannot be read; UnknownMunicipality."""
    tz = services.settings.tz
    parsed = parse(decode(raw), tz)
    report = ImportReport(municipality_name, dry_run, rows=len(parsed.rows) + len(parsed.rejected))
    report.not_completed, report.rejected = parsed.not_completed, list(parsed.rejected)
    # Read and look up first, without holding the writers' turn through the Slack calls.
    with services.db.scope(read_only=True) as session:
        municipality = repo.municipality_named(session, municipality_name)
        if municipality is None:
            raise UnknownMunicipality(municipality_name)
        emails = {row.email for row in parsed.rows if row.email and row.user_id is None}
        known = ledger.members_by_email(session, municipality.id, emails)
        people = _People(known, client, team or ledger.municipality_team(session, municipality))
        people.look_up(emails)
        incoming = _resolve(services, session, municipality.name, parsed.rows, people, report)
    with services.db.scope(read_only=dry_run) as session:
        municipality = repo.municipality_named(session, municipality_name)
        if municipality is None:
            raise UnknownMunicipality(municipality_name)
        plan = ledger.plan_import(session, municipality.id, incoming)
        report.rejected += [Rejection(line, reason) for line, reason in plan.elsewhere]
        report.rejected.sort(key=lambda r: r.line)
        report.new_members, report.new_completions, report.known = (
            len(plan.new_members),
            len(plan.new_completions),
            plan.known,
        )
        report.licences = licences if licences is not None else municipality.licences
        if dry_run or report.rejected:
            return report
        now = services.now()
        ledger.apply_import(session, municipality.id, plan, now)
        if licences is not None:
            ledger.set_municipality_settings(session, municipality, licences=licences)
        audit(
            session,
            at=now,
            actor=None,
            action="import",
            municipality_id=municipality.id,
            details={
                "source": "udemy",
                "rows": report.rows,
                "new_members": report.new_members,
                "new_completions": report.new_completions,
                "already_known": report.known,
                "not_completed": report.not_completed,
                **({"licences": licences} if licences is not None else {}),
            },
        )
        report.written = True
    return report


def _resolve(
    services: Services,
    session: Session,
    municipality: str,
    rows: list[ParsedRow],
    people: _People,
    report: ImportReport,
) -> list[ledger.Incoming]:
    """Each row's person and course; a row that has neither known goes to the report's rejections."""
    catalogue = services.catalogue()
    listings = {course.id: course for course in catalogue.courses}
    ids, by_udemy_id = ledger.course_ids(session)
    courses: dict[tuple[str | None, str | None], tuple[str | None, str, float | None] | str] = {}
    incoming: list[ledger.Incoming] = []
    for row in rows:
        if row.municipality is not None and row.municipality != municipality:
            report.rejected.append(Rejection(row.line, f"the row is for {row.municipality}, not {municipality}"))
            continue
        person = people.of(row)
        key = (row.course_id, row.title)
        if key not in courses:  # each distinct course matched once
            courses[key] = _course(row, ids, by_udemy_id, catalogue.matcher, listings)
        course = courses[key]
        if isinstance(person, str) or isinstance(course, str):
            report.rejected.append(Rejection(row.line, person if isinstance(person, str) else str(course)))
            continue
        course_id, title, length = course
        incoming.append(
            ledger.Incoming(
                line=row.line,
                person=person,
                course_id=course_id,
                course_key=course_id or repo.free_text_key(title),
                title=title,
                hours=row.hours if row.hours_given else length,
                completed_at=row.completed_at,
            )
        )
    return incoming


def slack_client(services: Services) -> Callable[[str | None], WebClient]:
    """SLACK_BOT_TOKEN's client, or in OAuth mode the installation's of the municipality's workspace (else
    DXBOT_DIGEST_TEAM's)."""
    from bot.app import web_client
    from bot.cli.support import UserError

    settings = services.settings

    def make(team_id: str | None) -> WebClient:
        settings.require_bot_tokens()
        if services.installations is None:
            return web_client(settings)
        team_id = team_id or settings.digest_team
        if team_id is None:
            raise UserError("which workspace do this municipality's staff use? add --team T0123ABCD")
        return web_client(settings, services.installations.team_token(team_id))

    return make


def _course(
    row: ParsedRow,
    ids: set[str],
    by_udemy_id: dict[str, str],
    matcher: CourseMatcher,
    listings: dict[str, Listing],
) -> tuple[str | None, str, float | None] | str:
    """(course id or None for free text, the title to keep, the course's hours), or why the row's course is
    unknown."""
    course_id = row.course_id
    if course_id is not None:
        known = course_id if course_id in ids else by_udemy_id.get(course_id)
        if known is not None:
            listing = listings.get(known)
            return known, row.title or (listing.title if listing else known), listing.hours if listing else None
        if row.title is None:
            return f"no course has the ID {course_id!r}"
    title = row.title or ""
    found = CourseMatcher.clear_winner(matcher.match(title))
    if found is not None:
        return found.id, title, found.hours
    return None, title, None
