"""`dxbot import udemy`: load what Udemy Business already knows (its user activity or course completion report,
or dxbot's own completions export) into a municipality's completions."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot.cli.support import JsonFlag, UserError, load_services, print_json, whole

import_cli = typer.Typer(help="Load completions from other systems.", no_args_is_help=True)
SHOWN_REJECTIONS = 20


def register(cli: typer.Typer) -> None:
    cli.add_typer(import_cli, name="import")


@import_cli.command("udemy")
def udemy(
    file: Annotated[Path, typer.Argument(help="the report as CSV (UTF-8 or Shift_JIS)", dir_okay=False)],
    municipality: Annotated[str, typer.Option(help="whose completions they are, e.g. 横須賀市")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="show what would change and write nothing")] = False,
    licences: Annotated[
        str | None, typer.Option(help="the Udemy Business licences allocated to the municipality")
    ] = None,
    team: Annotated[
        str | None, typer.Option(help="the Slack team ID of rows that name a slack_user_id but no slack_team_id")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Import a Udemy Business report: people by e-mail (Slack's users.lookupByEmail) or a slack_user_id column,
    courses by ID or title. All or nothing: a file with one bad row imports nothing and names the line; importing
    the same file again adds nothing. Exits 2 when a row is rejected."""
    from bot.failures import ExitCode
    from bot.importing import UnknownMunicipality, import_udemy, slack_client
    from bot.settings import valid_team_id
    from knowledge.udemy_csv import UdemyFileError

    allocated = whole("--licences", licences, positive=True) if licences is not None else None
    if team is not None and not valid_team_id(team):
        raise UserError(f"--team must be a Slack team ID like T0123ABCD, not {team!r}")
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise UserError(f"cannot read {file}: {exc.strerror or exc}") from None
    services = load_services()
    try:
        report = import_udemy(
            services, slack_client(services), municipality, raw, dry_run=dry_run, licences=allocated, team=team
        )
    except UdemyFileError as exc:
        raise UserError(f"{file}: {exc}") from None
    except UnknownMunicipality:
        raise UserError(f"no municipality named {municipality}: `dxbot municipalities list` shows them") from None
    if as_json:
        print_json(report.as_json())
    else:
        _print(report, file)
    if report.rejected:
        raise typer.Exit(ExitCode.USAGE)


def _print(report, file: Path) -> None:
    if report.rejected:
        lines = [f"  line {r.line}: {r.reason}" for r in report.rejected[:SHOWN_REJECTIONS]]
        more = len(report.rejected) - SHOWN_REJECTIONS
        if more > 0:
            lines.append(f"  … and {more} more (--json lists them all)")
        typer.echo(f"{file}: {len(report.rejected)} row(s) rejected, nothing imported:\n" + "\n".join(lines), err=True)
        return
    verb = "would add" if report.dry_run else "added"
    typer.echo(
        f"{report.municipality}: {verb} {report.new_completions} completion(s) and {report.new_members} new "
        f"member(s); {report.known} already known; {report.not_completed} row(s) of courses not completed skipped"
        + (" (dry run: nothing written)" if report.dry_run else "")
    )
    if report.licences is not None:
        typer.echo(f"licences: {report.licences}")
