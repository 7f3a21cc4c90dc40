"""`dxbot prefectures add|list|set`: the tenants. Each prefecture owns its municipalities, its shared channel, its
workspace, its licence pool and its digest's slot, and no data of one reaches another's channel."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli.channels import refuse_channel_used_elsewhere, warn_without_channel, without_channel
from bot.cli.support import MOST_LICENCES, JsonFlag, UserError, load_services, print_json, whole

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from bot.settings import Settings
    from db.models import Prefecture
    from db.prefectures import Tenant

prefectures_cli = typer.Typer(help="The prefectures (tenants) and their digest settings.", no_args_is_help=True)

CLEAR = "none"  # `dxbot prefectures set NAME --channel none`: back to the default
Channel = Annotated[
    str | None,
    typer.Option(help="the channel ID of its municipalities' shared digest channel, e.g. C0123456789"),
]
Team = Annotated[
    str | None, typer.Option(help="OAuth mode: the workspace ID whose installation posts its digest, e.g. T0123456789")
]
Licences = Annotated[str | None, typer.Option(help="the Udemy Business licences it procured")]
DigestCron = Annotated[
    str | None, typer.Option(help="its digest's slot as a crontab line in DXBOT_TZ, e.g. '0 9 * * mon'")
]


def register(cli: typer.Typer) -> None:
    cli.add_typer(prefectures_cli, name="prefectures")


@prefectures_cli.command("add")
def add(
    name: Annotated[str, typer.Argument(help="the prefecture's name, e.g. 神奈川県")],
    channel: Channel = None,
    team: Team = None,
    licences: Licences = None,
    digest_cron: DigestCron = None,
) -> None:
    """Add a prefecture (municipalities join it with `dxbot municipalities add NAME --prefecture …`)."""
    from db import prefectures

    name = _name(name, "the prefecture name")
    services = load_services()
    settings = services.settings
    values = _settings(settings, channel=channel, team=team, licences=licences, digest_cron=digest_cron)
    try:
        with services.db.scope() as session:
            added = prefectures.add_prefecture(session, name, **values)
            _check_shared_channel(session, settings, added)
            missing = without_channel(session, settings)
    except prefectures.AlreadyExists:
        raise UserError(f"{name} is already a prefecture: `dxbot prefectures list` shows it") from None
    typer.echo(f"added {name}")
    warn_without_channel(missing)


@prefectures_cli.command("set")
def set_settings(
    name: Annotated[str, typer.Argument(help="the prefecture's name, e.g. 神奈川県")],
    channel: Channel = None,
    team: Team = None,
    licences: Licences = None,
    digest_cron: DigestCron = None,
    rename: Annotated[str | None, typer.Option(help="its new name")] = None,
) -> None:
    """Change a prefecture's settings; `none` clears --channel, --team, --licences or --digest-cron (back to
    DXBOT_DIGEST_CHANNEL, DXBOT_DIGEST_TEAM, no pool, DXBOT_DIGEST_CRON)."""
    from db import prefectures

    services = load_services()
    settings = services.settings
    changes = _settings(settings, channel=channel, team=team, licences=licences, digest_cron=digest_cron)
    if rename is not None:
        changes["name"] = _name(rename, "--rename")
    if not changes:
        raise UserError("nothing to set: give --channel, --team, --licences, --digest-cron or --rename")
    try:
        with services.db.scope() as session:
            found = _prefecture(session, name)
            prefectures.change_prefecture(session, found, **changes)
            if "shared_channel_id" in changes:
                _check_shared_channel(session, settings, found)
            missing = without_channel(session, settings)
            shown = found.name
    except prefectures.AlreadyExists:
        raise UserError(f"{changes['name']} is already a prefecture: `dxbot prefectures list` shows it") from None
    typer.echo(f"{shown}: set " + ", ".join(sorted(f"--{_OPTIONS[column]}" for column in changes)))
    warn_without_channel(missing)


_OPTIONS = {
    "shared_channel_id": "channel",
    "slack_team_id": "team",
    "licences": "licences",
    "digest_cron": "digest-cron",
    "name": "rename",
}


@prefectures_cli.command("list")
def list_prefectures(as_json: JsonFlag = False) -> None:
    """The prefectures: shared channel, workspace, licence pool, digest slot, municipalities and members."""
    from db import prefectures

    services = load_services()
    with services.db.scope(read_only=True) as session:
        everyone = prefectures.tenants(session)
        counts = prefectures.counts(session)
    rows = [_row(services.settings, tenant, everyone, counts.get(tenant.id, (0, 0))) for tenant in everyone]
    if as_json:
        print_json({"prefectures": rows})
        return
    for row in rows:
        typer.echo("\t".join(_text(row)))
    if not rows:
        typer.echo("no prefectures yet: add one with `dxbot prefectures add NAME --channel C…`")


def _row(settings: Settings, tenant: Tenant, everyone: list[Tenant], counts: tuple[int, int]) -> dict[str, object]:
    from bot.digest import shared_channel

    channel = shared_channel(settings, tenant, everyone)
    return {
        "name": tenant.name,
        "channel": channel,
        "channel_default": channel is not None and not tenant.shared_channel_id,
        "team": tenant.slack_team_id or settings.digest_team,
        "team_default": not tenant.slack_team_id and settings.digest_team is not None,
        "licences": tenant.licences,
        "digest_cron": tenant.digest_cron or settings.digest_cron,
        "digest_cron_default": not tenant.digest_cron,
        "municipalities": counts[0],
        "members": counts[1],
    }


def _text(row: dict) -> list[str]:
    """One listing line's columns; a value that is a setting's default says which."""
    name = row["name"]
    if row["channel"] is None:
        channel = f"no shared channel: `dxbot prefectures set {name} --channel C…`"
    else:
        channel = f"{row['channel']}" + (" (DXBOT_DIGEST_CHANNEL)" if row["channel_default"] else "")
    team = (row["team"] or "") + (" (DXBOT_DIGEST_TEAM)" if row["team_default"] else "")
    licences = f"{row['licences']} licences" if row["licences"] is not None else "licences not set"
    cron = f"digest {row['digest_cron']!r}" + (" (DXBOT_DIGEST_CRON)" if row["digest_cron_default"] else "")
    counts = f"{_count(row['municipalities'], 'municipality', 'municipalities')}, {_count(row['members'], 'member')}"
    return [name, channel, team, licences, cron, counts]


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


def _name(raw: str, what: str) -> str:
    name = raw.strip()
    if not name or len(name) > 100:
        raise UserError(f"{what} must be 1–100 characters")
    return name


def _prefecture(session: Session, name: str) -> Prefecture:
    from db import prefectures

    found = prefectures.prefecture_named(session, name)
    if found is None:
        raise UserError(f"no prefecture named {name.strip()}: `dxbot prefectures list` shows them")
    return found


def _settings(settings: Settings, **given: str | None) -> dict[str, object]:
    """The columns the options given set (`none` clears one), each checked as the part that reads it does."""
    from bot.settings import valid_channel_id, valid_team_id

    checks = {
        "channel": (
            "shared_channel_id",
            lambda raw: _format(raw, valid_channel_id, "--channel", "a channel ID like C0123456789"),
        ),
        "team": (
            "slack_team_id",
            lambda raw: _format(raw, valid_team_id, "--team", "a workspace ID like T0123456789"),
        ),
        "licences": ("licences", lambda raw: whole("--licences", raw, positive=True, most=MOST_LICENCES)),
        "digest_cron": ("digest_cron", lambda raw: _cron(raw, settings)),
    }
    values: dict[str, object] = {}
    for option, raw in given.items():
        if raw is not None:
            column, check = checks[option]
            values[column] = None if raw.strip().lower() == CLEAR else check(raw.strip())
    return values


def _format(raw: str, valid: Callable[[str], bool], option: str, like: str) -> str:
    if not valid(raw):
        raise UserError(f"{option} must be {like} (or {CLEAR} to clear it), not {raw!r}")
    return raw


def _cron(line: str, settings: Settings) -> str:
    """The line as the clock will read it (bot.scheduler.parse_cron), in DXBOT_TZ."""
    from bot.scheduler import parse_cron
    from bot.settings import ConfigError

    try:
        parse_cron("--digest-cron", line, settings)
    except ConfigError as exc:
        raise UserError(str(exc)) from None
    return " ".join(line.split())


def _check_shared_channel(session: Session, settings: Settings, prefecture: Prefecture) -> None:
    """The channel the prefecture's digest now goes to (its own, or DXBOT_DIGEST_CHANNEL) is no other's."""
    from bot.digest import shared_channel
    from db import prefectures

    everyone = prefectures.tenants(session)
    mine = next(tenant for tenant in everyone if tenant.id == prefecture.id)
    channel = shared_channel(settings, mine, everyone)
    if channel is not None:
        refuse_channel_used_elsewhere(session, settings, channel, prefecture.id)
