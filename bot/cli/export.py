"""`dxbot export completions`: a municipality's completions and its training-hours ledger (研修時間台帳), for
reports to the prefecture and 人材開発支援助成金 paperwork."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot.cli.support import UserError, choice, day, load_services

export_cli = typer.Typer(help="Export records as files.", no_args_is_help=True)


def register(cli: typer.Typer) -> None:
    cli.add_typer(export_cli, name="export")


@export_cli.command("completions")
def completions(
    municipality: Annotated[str, typer.Option(help="whose completions, e.g. 横須賀市")],
    from_: Annotated[str | None, typer.Option("--from", help="first completion date, e.g. 2026-04-01")] = None,
    to: Annotated[str | None, typer.Option(help="last completion date (included), e.g. 2027-03-31")] = None,
    file_format: Annotated[str, typer.Option("--format", help="csv (two files) or xlsx (two sheets)")] = "csv",
    output: Annotated[
        Path | None, typer.Option(help="the file to write (default: <municipality>_completions_<today>.csv)")
    ] = None,
) -> None:
    """One row per completion (importable again with `dxbot import udemy`) and a ledger per member: hours by
    course and totals per fiscal year (April start). CSV is UTF-8 with a BOM (Excel opens it); the ledger goes
    to a second file, <name>_台帳.csv."""
    from db import ledger, repo
    from db.access import audit
    from knowledge.ledger import FORMATS, export_files

    chosen = choice("--format", file_format, FORMATS)
    first = day("--from", from_) if from_ is not None else None
    last = day("--to", to) if to is not None else None
    if first and last and first > last:
        raise UserError(f"--from {first} is after --to {last}")
    services = load_services()
    tz = services.settings.tz
    with services.db.scope(read_only=True) as session:
        found = repo.municipality_named(session, municipality)
        if found is None:
            raise UserError(f"no municipality named {municipality}: `dxbot municipalities list` shows them")
        rows = ledger.export_rows(session, found, tz, first, last)
    target = output or Path(f"{municipality}_completions_{services.today().isoformat()}.{chosen}")
    if target.suffix.lower() != f".{chosen}":
        target = target.with_name(target.name + f".{chosen}")
    files = export_files(rows, target.stem, chosen)
    for produced in files:
        path = target.with_name(produced.filename)
        try:
            path.write_bytes(produced.content)
        except OSError as exc:
            raise UserError(f"cannot write {path}: {exc.strerror or exc}") from None
        typer.echo(f"wrote {path}")
    with services.db.scope() as session:  # personal data left the database: kept in the audit log
        details = {"format": chosen, "rows": len(rows), "surface": "cli", "from": from_, "to": to}
        audit(session, at=services.now(), actor=None, action="export", municipality_id=found.id, details=details)
    typer.echo(f"{len(rows)} completion(s) of {municipality}")
