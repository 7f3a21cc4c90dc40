"""`dxbot …`: the command line. Each command reads settings once and calls into the domain."""

from __future__ import annotations

import dataclasses
import logging
import math
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Annotated, get_args

import typer

from bot.cli_digest import register as register_digest
from bot.cli_questions import register as register_questions
from bot.cli_support import UserError, load_services, load_settings, print_json
from bot.settings import ConfigError
from db import jobs, repo
from db.models import JOB_LANES, JOB_STATES, Municipality
from knowledge import kb, provenance, store
from knowledge.answer import QUESTION_LIMIT
from knowledge.catalogue import CatalogueCourse, CatalogueFileError, Rejected, read_catalogue, read_pages
from knowledge.kb import KnowledgeError
from knowledge.subsidy import Delivery, SubsidyInputError, calculate, load_editions
from knowledge.text import clean_input, to_hiragana

cli = typer.Typer(
    help="dxbot: the Slack learning assistant for municipal DX training.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
db_cli = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)
courses_cli = typer.Typer(help="The course catalogue.", no_args_is_help=True)
municipalities_cli = typer.Typer(help="The participating municipalities.", no_args_is_help=True)
kb_cli = typer.Typer(help="The curated knowledge base.", no_args_is_help=True)
cli.add_typer(db_cli, name="db")
cli.add_typer(courses_cli, name="courses")
cli.add_typer(municipalities_cli, name="municipalities")
cli.add_typer(kb_cli, name="kb")
register_digest(cli)
register_questions(cli)


# --- db ----------------------------------------------------------------------------------------------


@db_cli.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Apply migrations (creates the SQLite file on first use), sync the paths' courses, and save the search
    indexes of the knowledge base and the catalogue when they changed, for every process to load."""
    from db import migrate  # Alembic: only for the commands that migrate

    services = load_services()  # opens the knowledge base: builds and saves its index when it changed
    migrate.upgrade(services.db.engine, revision)
    count = services.sync_courses()
    catalogue = services.catalogue()
    catalogue.index  # noqa: B018 -- built and saved now, not on a member's first course question
    typer.echo(
        f"database at revision {migrate.current_revision(services.db.engine)}; {count} path courses, "
        f"{len(catalogue.courses)} courses in the catalogue"
    )


@db_cli.command("downgrade")
def db_downgrade(revision: str) -> None:
    """Revert migrations down to REVISION (`base` empties the schema)."""
    from db import migrate

    services = load_services()
    migrate.downgrade(services.db.engine, revision)
    typer.echo(f"database at revision {migrate.current_revision(services.db.engine)}")


@db_cli.command("check")
def db_check() -> None:
    """Fail when the models and the migrations disagree (alembic check)."""
    from db import migrate

    migrate.check(load_services().db.engine)
    typer.echo("models and migrations agree")


# --- courses -----------------------------------------------------------------------------------------


@courses_cli.command("match")
def courses_match(text: str, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Which courses TEXT may mean, best first (empty when none is plausible)."""
    matches = load_services().catalogue().matcher.match(text)
    found = [{"id": m.course.id, "title": m.course.title, "score": m.score} for m in matches]
    if as_json:
        print_json({"matches": found})
        return
    for match in found or [{"id": "-", "title": "(no plausible course)", "score": 0}]:
        typer.echo(f"{match['score']:>5}  {match['id']}  {match['title']}")


@courses_cli.command("list")
def courses_list(
    everything: Annotated[bool, typer.Option("--all", help="the whole catalogue, not only the paths' courses")] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """The learning paths' courses (with --all, every course): id, track, required/recommended, hours, title."""
    courses = [c for c in load_services().catalogue().courses if everything or c.on_path]
    if as_json:
        print_json({"courses": [dataclasses.asdict(course) for course in courses]})
        return
    for c in courses:
        typer.echo(f"{c.id}\t{c.track or '-'}\t{c.requirement or '-'}\t{c.hours or '-'}\t{c.title}")


@courses_cli.command("import")
def courses_import(
    file: Annotated[
        Path,
        typer.Argument(
            help="a CSV (id,title,url,headline,estimated_content_length,locale), an "
            "API page as JSON, a list of them, or a directory of pages"
        ),
    ],
) -> None:
    """Load the organisation's course catalogue; importing the same file again changes nothing."""
    try:
        found = read_catalogue(file)
    except CatalogueFileError as exc:
        raise UserError(str(exc)) from None
    _import(found.courses, found.rejected)


@courses_cli.command("sync")
def courses_sync() -> None:
    """Pull the course catalogue from the Udemy Business API (DXBOT_UDEMY_* settings) and import it."""
    from bot.udemy import UdemyClient, UdemyError  # only this command talks to Udemy

    settings = load_settings()
    settings.require("DXBOT_UDEMY_URL", "DXBOT_UDEMY_ACCOUNT_ID", "DXBOT_UDEMY_CLIENT_ID", "DXBOT_UDEMY_CLIENT_SECRET")
    client = UdemyClient(
        settings.udemy_url, settings.udemy_account_id, settings.udemy_client_id, settings.udemy_client_secret
    )

    def arriving() -> Iterator[tuple[str, dict]]:
        for number, page in client.pages():
            typer.echo(f"page {number}: {len(page['results'])} courses", err=True)
            yield f"page {number}", page

    try:
        found = read_pages(arriving(), settings.udemy_url)
    except UdemyError as exc:  # nothing is imported from a catalogue that did not arrive whole
        raise UserError(f"{exc}; nothing was imported") from None
    _import(found.courses, found.rejected)


def _import(courses: list[CatalogueCourse], rejected: list[Rejected]) -> None:
    """One transaction for the whole catalogue, then its recommendation index, so servers load rather than build."""
    services = load_services()
    started = time.perf_counter()
    with services.db.scope() as session:
        summary = repo.import_catalogue(session, courses, services.now())
    catalogue = services.catalogue()
    catalogue.index  # noqa: B018 -- built and saved now, not on a member's first question
    for refused in rejected:
        typer.echo(f"rejected {refused.where}: {refused.reason}")
    typer.echo(
        f"{summary.added} added, {summary.updated} updated, {summary.unchanged} unchanged, {len(rejected)} rejected; "
        f"{len(catalogue.courses)} courses in the catalogue ({time.perf_counter() - started:.1f} s)"
    )


# --- questions and the subsidy calculator -----------------------------------------------------------


@cli.command()
def ask(
    question: str,
    as_json: Annotated[bool, typer.Option("--json", help="print {answered, text, sources}")] = False,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="answer for this date (YYYY-MM-DD); default today")
    ] = None,
) -> None:
    """Answer a question from the knowledge base, citing sources (works offline; uses OPENAI_API_KEY if set)."""
    services = load_services()
    cleaned = clean_input(question, QUESTION_LIMIT)
    if cleaned is None:
        raise UserError(f"the question must be 1–{QUESTION_LIMIT} characters")
    answer = services.answerer.answer(cleaned, on=_date("--as-of", as_of) if as_of else services.today())
    if as_json:
        print_json(answer.as_json())
        return
    typer.echo(answer.text)
    for n, source in enumerate(answer.sources, start=1):
        typer.echo(f"[{n}] {source.title} ({source.as_of or 'date unknown'}) {source.url or ''}".rstrip())


@cli.command()
def subsidy(
    hours: Annotated[str, typer.Option(help="training hours per person")],
    cost: Annotated[str, typer.Option(help="training cost per person in yen (300000 or 30万)")],
    size: Annotated[str, typer.Option(help="sme or large")],
    people: Annotated[str, typer.Option(help="how many people")] = "1",
    delivery: Annotated[str, typer.Option(help="classroom, elearning, correspondence or subscription")] = "classroom",
    as_of: Annotated[str | None, typer.Option("--as-of", help="rules in force on YYYY-MM-DD; default today")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Estimate the 人材開発支援助成金 (事業展開等リスキリング支援コース) for an employer's training."""
    services = load_services()
    estimate = calculate(
        services.editions,
        hours=_number("--hours", hours),
        cost_per_person=_whole("--cost", cost.replace(",", "").replace("万", "e4").removesuffix("円")),
        size=_choice("--size", size, ("sme", "large")),
        people=_whole("--people", people),
        delivery=_choice("--delivery", delivery, get_args(Delivery)),
        on=_date("--as-of", as_of) if as_of else services.today(),
    )
    if as_json:
        print_json(estimate.model_dump(mode="json"))
        return
    per_person = estimate.per_person
    typer.echo(
        f"eligible: {estimate.eligible}\nper person: expense {per_person.expense:,} + wage {per_person.wage:,}"
        f" = {per_person.total:,} yen\ntotal: {estimate.total:,} yen (rules as of {estimate.rules_as_of})"
    )
    for note in estimate.notes:
        typer.echo(f"※ {note}")


def _number(option: str, raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise UserError(f"{option} {raw!r} is not a number") from None
    if not math.isfinite(value) or value < 0:
        raise UserError(f"{option} must be a number of 0 or more, not {raw!r}")
    return value


def _whole(option: str, raw: str) -> int:
    value = _number(option, raw)
    if not value.is_integer():
        raise UserError(f"{option} must be a whole number, not {raw!r}")
    return int(value)


def _choice(option: str, raw: str, choices: tuple[str, ...]) -> str:
    value = raw.strip().lower()
    if value not in choices:
        raise UserError(f"{option} must be one of {', '.join(choices)}, not {raw!r}")
    return value


def _date(option: str, raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise UserError(f"{option} {raw!r} is not a date like 2024-08-26") from None


# --- knowledge base --------------------------------------------------------------------------------


@kb_cli.command("check")
def kb_check(
    sources: Annotated[
        Path | None,
        typer.Option(
            "--sources",
            metavar="DIR",
            help="also check that every figure an entry states is in the document it cites, when that file is in DIR",
        ),
    ] = None,
    stale: Annotated[
        bool, typer.Option("--stale", help="list the entries past their review_by date (on --on, default today)")
    ] = False,
    on: Annotated[str | None, typer.Option("--on", metavar="YYYY-MM-DD", help="the day --stale checks")] = None,
) -> None:
    """Validate the knowledge base: schema, unique ids, sources and dates, cross-references, subsidy rules."""
    knowledge = kb.load(load_settings().kb_dir)
    editions = load_editions()
    typer.echo(
        f"knowledge base OK: {len(knowledge.entries)} entries, {len(knowledge.courses)} courses, "
        f"{len(editions)} subsidy rule editions ({', '.join(e.edition.isoformat() for e in editions)})"
    )
    if sources is not None:
        if not sources.is_dir():
            raise UserError(f"--sources {sources} is not a directory")
        problems, checked = provenance.unsupported(knowledge.entries.values(), editions, sources)
        if problems:
            raise KnowledgeError([f"figure not in its source: {problem}" for problem in problems])
        typer.echo(f"sources OK: every figure of {checked} entries and editions is in the document it cites")
    if stale:
        day = _date("--on", on) if on else date.today()
        overdue = [e for e in knowledge.entries.values() if e.stale(day)]
        for entry in sorted(overdue, key=lambda e: (e.review_by, e.id)):
            typer.echo(f"stale: {entry.id} (review by {entry.review_by}; source: {entry.source.document})")
        typer.echo(f"{len(overdue)} entries past their review date on {day}")


@kb_cli.command("build")
def kb_build() -> None:
    """Validate the knowledge base and save its search index (DXBOT_INDEX_DIR) for every process to load."""
    settings = load_settings()
    if settings.index_dir is None:
        raise UserError("DXBOT_INDEX_DIR is empty: set it to a directory the bot can write to")
    started = time.perf_counter()
    directory = store.build(settings.kb_dir, settings.index_dir)
    opened = store.open_knowledge(settings.kb_dir, settings.index_dir)
    typer.echo(
        f"search index of {len(opened.knowledge.entries)} entries saved in {directory} "
        f"({time.perf_counter() - started:.1f} s)"
    )


# --- municipalities ----------------------------------------------------------------------------------


@municipalities_cli.command("add")
def municipalities_add(
    name: str,
    prefecture: Annotated[str | None, typer.Option(help="e.g. 神奈川県")] = None,
    code: Annotated[str | None, typer.Option(help="全国地方公共団体コード (6 digits)")] = None,
    channel: Annotated[str | None, typer.Option(help="the municipality's own digest channel id")] = None,
    reading: Annotated[
        str | None,
        typer.Option(help="the name in kana, e.g. よこすかし (default: the bundled list's, by code or name)"),
    ] = None,
) -> None:
    """Add a participating municipality."""
    name = name.strip()
    if not name or len(name) > 100:
        raise UserError("the municipality name must be 1–100 characters")
    if code is not None and not (code.isdigit() and len(code) == 6):
        raise UserError(f"--code {code!r} is not a 6-digit 全国地方公共団体コード")
    if code is not None and int(code[5]) != kb.check_digit(code):
        raise UserError(
            f"--code {code} is not a valid 全国地方公共団体コード: "
            f"the check digit of {code[:5]} is {kb.check_digit(code)}, not {code[5]}"
        )
    services = load_services()
    kana = _municipal_reading(reading, name, code, services.knowledge)
    try:
        with services.db.scope() as session:
            added = repo.add_municipality(session, name, prefecture, code, kana)
            added.digest_channel_id = channel
    except repo.AlreadyExists as exc:
        raise UserError(f"{name} (or code {code}) is already registered") from exc
    typer.echo(f"added {name}" + (f" ({kana})" if kana else " (no reading: /dx join will know it by its name only)"))


def _municipal_reading(given: str | None, name: str, code: str | None, knowledge: kb.Knowledge) -> str | None:
    """--reading as hiragana, else the bundled list's reading; None when neither knows it."""
    if given is None:
        return knowledge.reading_of(name, code)
    kana = to_hiragana(given)
    if kana is None or len(kana) > 100:
        raise UserError(f"--reading {given!r} is not the name in kana, e.g. よこすかし")
    return kana


@municipalities_cli.command("list")
def municipalities_list() -> None:
    """The participating municipalities and how many members each has."""
    services = load_services()
    with services.db.scope() as session:
        counts = repo.member_counts(session)
        lines = [_listed(m, services.knowledge, counts.get(m.id, 0)) for m in repo.municipalities(session)]
    for line in lines:
        typer.echo(line)
    if not lines:
        typer.echo("no municipalities yet: add one with `dxbot municipalities add NAME`")


def _listed(m: Municipality, knowledge: kb.Knowledge, members: int) -> str:
    reading = knowledge.reading_of(m.name, m.code, m.reading) or ""
    return f"{m.prefecture or ''}\t{m.name}\t{reading}\t{m.code or ''}\t{members} members"


# --- jobs --------------------------------------------------------------------------------------------


@cli.command("jobs")
def jobs_status(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Work queued after Slack's ack: how many jobs wait or run per lane, and the latest given up, with why."""
    services = load_services()
    with services.db.scope(read_only=True) as session:
        counted = jobs.counts(session)
        given_up = [
            {
                "id": j.id,
                "kind": j.kind,
                "attempts": j.attempts,
                "created_at": j.created_at.isoformat(),
                "error": j.error,
            }
            for j in jobs.failed(session)
        ]
    lanes = {lane: {state: counted.get((lane, state), 0) for state in JOB_STATES} for lane in JOB_LANES}
    if as_json:
        print_json({"lanes": lanes, "failed": given_up})
        return
    for lane, states in lanes.items():
        typer.echo(f"{lane}: " + ", ".join(f"{count} {state}" for state, count in states.items()))
    for job in given_up:
        typer.echo(
            f"failed #{job['id']} {job['kind']} ({job['attempts']} attempts, {job['created_at']}): {job['error']}"
        )


# --- serving -----------------------------------------------------------------------------------------


@cli.command()
def serve(
    port: Annotated[int | None, typer.Option(help="default: $PORT or 3000")] = None,
    host: Annotated[str, typer.Option(help="the address to listen on (127.0.0.1: this machine only)")] = "0.0.0.0",
) -> None:
    """Serve Slack's HTTP requests (POST /slack/events, GET /healthz) under gunicorn."""
    from bot.server import run_gunicorn

    settings = load_settings()
    settings.require("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET")
    run_gunicorn(settings, host, port or settings.port)


@cli.command()
def socket() -> None:
    """Run in Socket Mode, for networks that cannot accept Slack's inbound HTTP."""
    from bot.server import run_socket_mode

    settings = load_settings()
    settings.require("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN")
    run_socket_mode(settings)


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        cli()
    except (ConfigError, UserError, SubsidyInputError) as exc:
        typer.echo(f"dxbot: {exc}", err=True)
        sys.exit(2)
    except KnowledgeError as exc:
        typer.echo("dxbot: the knowledge base is invalid:\n" + str(exc), err=True)
        sys.exit(2)
