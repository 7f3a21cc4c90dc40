"""`dxbot members list|role`: the people who use dxbot (each appears once they have used /dx)."""

from __future__ import annotations

from typing import Annotated

import typer

from bot.cli_support import JsonFlag, UserError, load_services, print_json

members_cli = typer.Typer(help="Members (each appears once they have used /dx).", no_args_is_help=True)


def register(cli: typer.Typer) -> None:
    cli.add_typer(members_cli, name="members")


@members_cli.command("list")
def list_members(
    municipality: Annotated[str | None, typer.Option(help="only this municipality's members, e.g. 横須賀市")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Members with their municipality, role, track, courses finished and last completion."""
    from db import repo

    services = load_services()
    with services.db.scope(read_only=True) as session:
        rows = repo.member_rows(session, municipality)
    tz = services.settings.tz
    found = [
        {
            "team_id": row.team_id,
            "user_id": row.user_id,
            "municipality": row.municipality,
            "role": row.role,
            "track": row.track,
            "completions": row.completions,
            "last_completed_at": row.last_completed_at.astimezone(tz).isoformat() if row.last_completed_at else None,
        }
        for row in rows
    ]
    if as_json:
        print_json({"members": found})
        return
    for member in found:
        values = (member["team_id"], member["user_id"], member["municipality"] or "-", member["role"])
        last = (member["last_completed_at"] or "-")[:10]
        typer.echo("\t".join(values) + f"\t{member['track'] or '-'}\t{member['completions']} done\tlast {last}")
    if not found:
        typer.echo(
            "no members yet" + (f" in {municipality}" if municipality else "") + ": they appear once they use /dx"
        )


@members_cli.command("role")
def set_role(
    user: Annotated[str, typer.Argument(help="their Slack user ID, e.g. U0123ABCD")],
    role: Annotated[str, typer.Argument(help="learner, coordinator or admin")],
    team: Annotated[str | None, typer.Option(help="Slack team ID, when the user is in several workspaces")] = None,
) -> None:
    """Make a member a learner, coordinator (sees `/dx digest`) or admin."""
    from db import repo
    from db.models import ROLES

    if role not in ROLES:
        raise UserError(f"ROLE must be one of {', '.join(ROLES)}, not {role!r}")
    with load_services().db.scope() as session:
        found = repo.members_by_user(session, user, team)
        if not found:
            raise UserError(f"no member with Slack user ID {user}: they appear once they have used /dx")
        if len(found) > 1:
            teams = ", ".join(m.slack_team_id for m in found)
            raise UserError(f"{user} is in several workspaces ({teams}): add --team")
        repo.set_role(session, found[0], role)
    typer.echo(f"{user} is now {role}")


@members_cli.command("forget")
def forget(
    user: Annotated[str, typer.Argument(help="their Slack user ID, e.g. U0123ABCD")],
    team: Annotated[str | None, typer.Option(help="Slack team ID, when the user is in several workspaces")] = None,
    yes: Annotated[bool, typer.Option("--yes", help="do not ask for confirmation")] = False,
) -> None:
    """Delete a person's personal data (ids, name, e-mail, tips, questions, votes, skill checks, escalations);
    their completions still count, anonymously, in their municipality's figures."""
    from db import lifecycle, repo

    services = load_services()
    with services.db.scope() as session:
        found = repo.members_by_user(session, user, team)
        if not found:
            raise UserError(f"no member with Slack user ID {user}: dxbot holds nothing about them")
        if len(found) > 1:
            teams = ", ".join(m.slack_team_id for m in found)
            raise UserError(f"{user} is in several workspaces ({teams}): add --team")
        if not yes:
            typer.confirm(f"Forget {user} ({found[0].slack_team_id})? This cannot be undone", abort=True)
        done = lifecycle.forget(session, found[0], services.now())
    typer.echo(
        f"{user} forgotten: deleted {done.shares} tips, {done.questions} questions, {done.votes} votes, "
        f"{done.skill_checks} skill checks, {done.escalations} escalations; "
        f"{done.completions_kept} completions kept anonymously"
    )
