"""`dxbot digest preview|send` and `dxbot scheduler`, added to the main CLI by register()."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli.support import JsonFlag, UserError, load_services, load_settings, print_json

if TYPE_CHECKING:
    from bot.services import Services
    from bot.settings import Settings
    from db.digest import Week
    from db.prefectures import Tenant

digest_cli = typer.Typer(help="The weekly peer-sharing digest.", no_args_is_help=True)

PreviewWeek = Annotated[
    str | None,
    typer.Option("--week", metavar="YYYY-Www", help="ISO week, e.g. 2026-W48. Default: the current week in DXBOT_TZ."),
]
SendWeek = Annotated[
    str | None,
    typer.Option(
        "--week", metavar="YYYY-Www", help="ISO week, e.g. 2026-W48. Default: the last finished week in DXBOT_TZ."
    ),
]


def register(cli: typer.Typer) -> None:
    cli.add_typer(digest_cli, name="digest")
    cli.command("scheduler")(scheduler)


def _week(text: str | None, settings: Settings, *, finished: bool = False) -> Week:
    """The --week given, else this week (or, with `finished`, the last finished one) in DXBOT_TZ."""
    from db.digest import Week

    if text is None:
        current = Week.containing(datetime.now(UTC), settings.tz)
        return current.shift(-1) if finished else current
    try:
        return Week.parse(text)
    except ValueError as exc:
        raise UserError(f"--week must be an ISO week like 2026-W48, not {text!r} ({exc})") from None


def _jsonable(pairs: list[tuple[str, object]]) -> dict[str, object]:
    return {key: value.isoformat() if isinstance(value, date) else value for key, value in pairs}


PrefectureOption = Annotated[
    str | None, typer.Option("--prefecture", metavar="NAME", help="one prefecture's digest (`dxbot prefectures list`)")
]


def _tenants(services: Services, name: str | None) -> list[Tenant]:
    """The prefecture named, or all of them."""
    from db import prefectures

    with services.db.scope(read_only=True) as session:
        if name is None:
            return prefectures.tenants(session)
        found = prefectures.tenant_named(session, name)
    if found is None:
        raise UserError(f"no prefecture named {name}: `dxbot prefectures list` shows them")
    return [found]


@digest_cli.command("preview")
def preview(
    week: PreviewWeek = None,
    prefecture: PrefectureOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Show a prefecture's digest of a week as it would be posted (plain text), or its figures as JSON. Posts
    nothing. Without --prefecture: the only prefecture's, or with several a national summary, prefecture by
    prefecture, that names no municipality."""
    from bot.digest import load, national  # with the chart: imported only by the commands that need it

    chosen = _week(week, load_settings())
    built = load_services()
    tenants = _tenants(built, prefecture)
    if len(tenants) > 1:
        summary = national(built, chosen, tenants)
        if as_json:
            print_json(asdict(summary, dict_factory=_jsonable))
        else:
            from handlers.digest_blocks import national_text

            typer.echo(national_text(summary))
        return
    if not tenants:
        raise UserError("no prefecture yet: add one with `dxbot prefectures add NAME` (or a municipality)")
    data = load(built, chosen, tenants[0])
    if as_json:
        print_json(asdict(data, dict_factory=_jsonable))
    else:
        from handlers.digest_blocks import plain_text

        typer.echo(plain_text(data, built.knowledge))


@digest_cli.command("send")
def send(
    week: SendWeek = None,
    prefecture: PrefectureOption = None,
    force: Annotated[bool, typer.Option("--force", help="post again where this week's digest is already")] = False,
) -> None:
    """Post a week's digest of each prefecture (or the one named) to its shared channel and to each of its
    municipalities' own channels, once per channel.

    Without --week this is the last finished week, as the scheduler sends it on Monday. Channels that already
    have it are skipped (use --force to post again); an unfinished thread is completed; exits 1 if any
    channel failed.
    """
    from functools import partial

    from bot.app import digest_client
    from bot.digest import send_digest

    built = load_services()
    chosen = _week(week, built.settings, finished=True)
    tenants = _tenants(built, prefecture)
    built.settings.require_bot_tokens(digest=not all(tenant.slack_team_id for tenant in tenants))
    if chosen.shift(1).monday > datetime.now(built.settings.tz).date():
        typer.echo(f"note: {chosen.label} is not over yet; Monday's run will skip channels that have it.", err=True)
    results = send_digest(built, partial(digest_client, built), chosen, tenants=tenants, force=force)
    for result in results:
        outcome = f"{result.state} {result.message_ts or result.error or ''}".rstrip()
        typer.echo(f"{chosen.label} {result.prefecture} {result.channel or '-'}: {outcome}")
    if any(result.state == "failed" or result.error for result in results):  # unfinished threads too
        raise typer.Exit(1)


def scheduler(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="list the next runs and why they moved; send and start nothing")
    ] = False,
    start: Annotated[
        str | None,
        typer.Option("--from", metavar="ISO_DATETIME", help="with --dry-run: list runs from then (default: now)"),
    ] = None,
    weeks: Annotated[int, typer.Option("--weeks", min=1, max=60, help="with --dry-run: how far ahead")] = 4,
    as_json: JsonFlag = False,
) -> None:
    """Run the clock: last week's digest of each prefecture at its slot (`dxbot prefectures set NAME
    --digest-cron …`, else DXBOT_DIGEST_CRON, default Monday 09:00) and the nudges at DXBOT_NUDGE_CRON (default
    Wednesday 10:00) in DXBOT_TZ, each moved to the next business day off weekends, holidays and DXBOT_CLOSED_DAYS
    (unless DXBOT_HOLIDAYS=none). Slots changed while it runs are picked up within ten minutes. With --dry-run,
    only list the runs ahead, each digest run with the prefectures it sends."""
    if not dry_run:
        if start is not None or as_json:
            raise UserError("--from and --json list the runs ahead: add --dry-run (the clock itself prints logs)")
        from bot.scheduler import run

        run(load_services())
        return
    from datetime import timedelta

    from bot.digest import all_tenants
    from bot.scheduler import planned_runs

    settings = load_settings()
    begin = _moment(start, settings)
    tenants = all_tenants(load_services())
    planned = planned_runs(settings, tenants, begin, begin + timedelta(weeks=weeks))
    if not tenants:
        typer.echo(
            "note: no prefecture yet: the digest runs send none until one is added (`dxbot prefectures add NAME`)",
            err=True,
        )
    if as_json:
        print_json({"from": begin.isoformat(), "tz": settings.tz_name, "runs": [p.as_json() for p in planned]})
        return
    for run_ahead in planned:
        typer.echo(run_ahead.describe())


def _moment(text: str | None, settings: Settings) -> datetime:
    """--from as an aware time (a time without an offset is in DXBOT_TZ), or now."""
    if text is None:
        return datetime.now(settings.tz)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise UserError(f"--from must be a date and time like 2026-11-22T00:00+09:00, not {text!r}") from None
    return moment.replace(tzinfo=settings.tz) if moment.tzinfo is None else moment.astimezone(settings.tz)
