"""`dxbot installations list|map`: the workspaces dxbot is installed in (OAuth mode) and the municipalities each
hosts."""

from __future__ import annotations

from typing import Annotated

import typer

from bot.cli.support import JsonFlag, UserError, load_services, print_json

installations_cli = typer.Typer(
    help="The workspaces dxbot is installed in (OAuth mode) and their municipalities.", no_args_is_help=True
)


def register(cli: typer.Typer) -> None:
    cli.add_typer(installations_cli, name="installations")


@installations_cli.command("list")
def list_installations(as_json: JsonFlag = False) -> None:
    """Each installed workspace: team id, name, organisation, when it installed, its municipalities."""
    from db import workspaces

    services = load_services()
    with services.db.scope(read_only=True) as session:
        rows = [
            {
                "team_id": found.team_id,
                "team_name": found.team_name,
                "enterprise_id": found.enterprise_id,
                "installed_at": found.installed_at.isoformat(),
                "municipalities": found.municipalities,
            }
            for found in workspaces.installed(session)
        ]
    if as_json:
        print_json({"installations": rows})
        return
    for row in rows:
        values = (row["team_id"], row["team_name"], row["enterprise_id"], row["installed_at"])
        typer.echo("\t".join(value or "" for value in values) + "\t" + (", ".join(row["municipalities"]) or "-"))
    if not rows:
        typer.echo("no installations yet: a workspace installs dxbot at https://<your host>/slack/install")


@installations_cli.command("map")
def map_installation(
    team_id: Annotated[str, typer.Argument(help="the workspace's team id, as `dxbot installations list` shows it")],
    municipality: Annotated[str, typer.Argument(help="a registered municipality's name, e.g. 横須賀市")],
) -> None:
    """Record that a workspace hosts a municipality's staff (a workspace may host several)."""
    from db import repo, workspaces

    services = load_services()
    with services.db.scope() as session:
        if not workspaces.is_installed(session, team_id):
            raise UserError(
                f"no workspace {team_id} has installed dxbot: `dxbot installations list` shows those that have"
            )
        found = repo.municipality_named(session, municipality.strip())
        if found is None:
            raise UserError(
                f"{municipality} is not a registered municipality: add it with `dxbot municipalities add`, "
                "or see `dxbot municipalities list`"
            )
        added = workspaces.map_installation(session, team_id, found, services.now())
    typer.echo(f"{team_id} hosts {found.name}" + ("" if added else " (already recorded)"))
