"""`dxbot courses match|list|import|sync`: the learning paths' courses and the organisation's catalogue."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli.support import JsonFlag, UserError, load_services, load_settings, print_json

if TYPE_CHECKING:
    from knowledge.catalogue import CatalogueCourse, Rejected

courses_cli = typer.Typer(help="The course catalogue.", no_args_is_help=True)


def register(cli: typer.Typer) -> None:
    cli.add_typer(courses_cli, name="courses")


@courses_cli.command("match")
def match(
    text: Annotated[str, typer.Argument(help="what a member typed, e.g. iパス or 基本情報")],
    as_json: JsonFlag = False,
) -> None:
    """Which courses TEXT may mean, best first (empty when none is plausible)."""
    matches = load_services().catalogue().matcher.match(text)
    found = [{"id": m.course.id, "title": m.course.title, "score": m.score} for m in matches]
    if as_json:
        print_json({"matches": found})
        return
    for match in found or [{"id": "-", "title": "(no plausible course)", "score": 0}]:
        typer.echo(f"{match['score']:>5}  {match['id']}  {match['title']}")


@courses_cli.command("list")
def list_courses(
    everything: Annotated[bool, typer.Option("--all", help="the whole catalogue, not only the paths' courses")] = False,
    as_json: JsonFlag = False,
) -> None:
    """The learning paths' courses (with --all, every course): id, track, required/recommended, hours, title."""
    import dataclasses

    courses = [c for c in load_services().catalogue().courses if everything or c.on_path]
    if as_json:
        print_json({"courses": [dataclasses.asdict(course) for course in courses]})
        return
    for c in courses:
        typer.echo(f"{c.id}\t{c.track or '-'}\t{c.requirement or '-'}\t{c.hours or '-'}\t{c.title}")


@courses_cli.command("import")
def import_file(
    file: Annotated[
        Path,
        typer.Argument(
            help="a CSV (id,title,url,headline,estimated_content_length,locale), an "
            "API page as JSON, a list of them, or a directory of pages"
        ),
    ],
) -> None:
    """Load the organisation's course catalogue; importing the same file again changes nothing."""
    from knowledge.catalogue import CatalogueFileError, read_catalogue

    try:
        found = read_catalogue(file)
    except CatalogueFileError as exc:
        raise UserError(str(exc)) from None
    _import(found.courses, found.rejected)


@courses_cli.command("sync")
def sync() -> None:
    """Pull the course catalogue from the Udemy Business API (DXBOT_UDEMY_* settings) and import it."""
    from bot.udemy import UdemyClient, UdemyError  # only this command talks to Udemy
    from knowledge.catalogue import read_pages

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
    from db import repo

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
