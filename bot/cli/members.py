"""`dxbot members list|set-role|audit`: the people who use dxbot (each appears once they have used /dx), their
roles, and the audit log of changes made on someone else's behalf."""

from __future__ import annotations

from typing import Annotated

import typer

from bot.cli.support import JsonFlag, UserError, load_services, print_json

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


@members_cli.command("set-role")
def set_role(
    user: Annotated[str, typer.Argument(help="their Slack user ID, e.g. U0123ABCD")],
    role: Annotated[str, typer.Argument(help="learner, coordinator or admin")],
    team: Annotated[
        str | None,
        typer.Option(
            help="their Slack team ID (T…, or E… on Enterprise Grid): needed when they are in several "
            "workspaces, or have not used /dx yet"
        ),
    ] = None,
    municipality: Annotated[
        str | None,
        typer.Option(
            help="the municipality the role is for, e.g. 横須賀市: needed for someone of no municipality yet "
            "(they join it); a member of another municipality moves there"
        ),
    ] = None,
) -> None:
    """Make a member a learner, coordinator (their municipality's digest, members and escalations) or admin (also
    roles and channels across their prefecture); kept in the audit log. A role belongs to a municipality. This is
    how the first admin is appointed."""
    from db import access, membership, repo
    from db.models import ROLES

    if role not in ROLES:
        raise UserError(f"ROLE must be one of {', '.join(ROLES)}, not {role!r}")
    services = load_services()
    with services.db.scope() as session:
        found = repo.members_by_user(session, user, team)
        if not found and team is not None:  # appointed before they first use /dx
            found = [repo.member(session, team, user)]
        if not found:
            raise UserError(
                f"no member with Slack user ID {user}: they appear once they have used /dx (or give --team T…)"
            )
        if len(found) > 1:
            teams = ", ".join(m.slack_team_id for m in found)
            raise UserError(f"{user} is in several workspaces ({teams}): add --team")
        who = found[0]
        if municipality is not None:
            place = repo.municipality_named(session, municipality.strip())
            if place is None:
                raise UserError(f"no municipality named {municipality}: `dxbot municipalities list` shows them")
            membership.join(session, who, place, services.now(), how="appointed")
        if role != "learner" and who.municipality_id is None:
            raise UserError(f"a role belongs to a municipality: {user} has joined none, so add --municipality NAME")
        before = who.role
        repo.set_role(session, who, role)
        details = {"user": user, "from": before, "to": role}
        access.audit(session, at=services.now(), actor=None, action="set_role", member=who, details=details)
        where = who.municipality.name if who.municipality else None
    typer.echo(f"{user} is now {role}" + (f" of {where}" if where and role != "learner" else ""))


members_cli.command("role", hidden=True, help="Old name of `set-role`.")(set_role)


@members_cli.command("audit")
def audit(
    municipality: Annotated[str | None, typer.Option(help="only this municipality's entries, e.g. 横須賀市")] = None,
    limit: Annotated[int, typer.Option(min=1, help="at most this many entries, newest first")] = 100,
    as_json: JsonFlag = False,
) -> None:
    """The audit log: role changes and records made on a member's behalf, newest first."""
    from db import access, repo

    services = load_services()
    with services.db.scope(read_only=True) as session:
        municipality_id = None
        if municipality is not None:
            found = repo.municipality_named(session, municipality)
            if found is None:
                raise UserError(f"no municipality named {municipality!r}: see `dxbot municipalities list`")
            municipality_id = found.id
        entries = [
            {
                "at": entry.at.astimezone(services.settings.tz).isoformat(),
                "actor": entry.actor,
                "actor_team_id": entry.actor_team_id,
                "action": entry.action,
                "member_id": entry.member_id,
                "municipality_id": entry.municipality_id,
                "details": entry.details,
            }
            for entry in access.audit_log(session, municipality_id, limit=limit)
        ]
    if as_json:
        print_json({"entries": entries})
        return
    for entry in entries:
        details = " ".join(f"{key}={value}" for key, value in entry["details"].items())
        typer.echo(f"{entry['at'][:16]}\t{entry['actor']}\t{entry['action']}\t{details}")
    if not entries:
        typer.echo("no audit entries yet" + (f" for {municipality}" if municipality else ""))


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
