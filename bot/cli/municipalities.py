"""`dxbot municipalities add|set|list`: the participating municipalities, their Udemy Business licences and
nudge settings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli.channels import refuse_channel_used_elsewhere, warn_without_channel, without_channel
from bot.cli.support import MOST_LICENCES, JsonFlag, UserError, load_services, print_json, whole

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from bot.services import Services
    from db.models import Municipality
    from knowledge.kb import Knowledge

municipalities_cli = typer.Typer(help="The participating municipalities.", no_args_is_help=True)


def register(cli: typer.Typer) -> None:
    cli.add_typer(municipalities_cli, name="municipalities")


@municipalities_cli.command("add")
def add(
    name: Annotated[str, typer.Argument(help="the municipality's name, e.g. 横須賀市")],
    prefecture: Annotated[
        str | None,
        typer.Option(help="its prefecture, e.g. 神奈川県, created when new (default: the only one there is)"),
    ] = None,
    code: Annotated[str | None, typer.Option(help="its 全国地方公共団体コード: 6 digits, e.g. 142018")] = None,
    channel: Annotated[
        str | None, typer.Option(help="the channel ID of its own digest channel, e.g. C0123456789")
    ] = None,
    reading: Annotated[
        str | None,
        typer.Option(help="the name in kana, e.g. よこすかし (default: the bundled list's, by code or name)"),
    ] = None,
) -> None:
    """Add a participating municipality."""
    from bot.settings import valid_channel_id
    from db import prefectures, repo
    from knowledge import kb

    name = name.strip()
    if not name or len(name) > 100:
        raise UserError("the municipality name must be 1–100 characters")
    if code is not None and not (code.isdigit() and len(code) == 6):
        raise UserError(f"--code must be a 6-digit 全国地方公共団体コード, not {code!r}")
    if code is not None and int(code[5]) != kb.check_digit(code):
        raise UserError(
            f"--code {code} is not a valid 全国地方公共団体コード: "
            f"the check digit of {code[:5]} is {kb.check_digit(code)}, not {code[5]}"
        )
    if channel is not None and not valid_channel_id(channel):
        raise UserError(f"--channel must be a channel ID like C0123456789 (channel details → bottom), not {channel!r}")
    services = load_services()
    kana = _reading(reading, name, code, services.knowledge)
    try:
        with services.db.scope() as session:
            before = len(prefectures.tenants(session))
            added = repo.add_municipality(session, name, prefecture, code, kana)
            added.digest_channel_id = channel
            if channel is not None:
                refuse_channel_used_elsewhere(session, services.settings, channel, added.prefecture.id)
            home = added.prefecture.name
            new_prefecture = len(prefectures.tenants(session)) > before
            missing = without_channel(session, services.settings)
    except repo.AlreadyExists:
        taken = f"{name} or the code {code}" if code else name
        raise UserError(f"{taken} is already registered: `dxbot municipalities list` shows it") from None
    except prefectures.Ambiguous:
        raise UserError(f"which prefecture? give --prefecture, one of {_prefecture_names(services)}") from None
    typer.echo(
        f"added {name} to {home}" + (f" ({kana})" if kana else " (no reading: /dx join will know it by its name only)")
    )
    if new_prefecture:
        typer.echo(f"added the prefecture {home}: `dxbot prefectures set {home} --channel C…` gives it its own channel")
    warn_without_channel(missing)


def _prefecture_names(services: Services) -> str:
    from db import prefectures

    with services.db.scope(read_only=True) as session:
        return ", ".join(tenant.name for tenant in prefectures.tenants(session))


def _reading(given: str | None, name: str, code: str | None, knowledge: Knowledge) -> str | None:
    """--reading as hiragana, else the bundled list's reading; None when neither knows it."""
    from knowledge.text import to_hiragana

    if given is None:
        return knowledge.reading_of(name, code)
    kana = to_hiragana(given)
    if kana is None or len(kana) > 100:
        raise UserError(f"--reading must be the name in kana, e.g. よこすかし, not {given!r}")
    return kana


DEFAULT_NUDGE_WEEKS = 3  # what the nudges use while a municipality sets none
MOST_NUDGE_WEEKS = 52


@municipalities_cli.command("set")
def set_settings(
    name: Annotated[str, typer.Argument(help="the municipality's name, e.g. 横須賀市")],
    licences: Annotated[
        str | None, typer.Option(help="Udemy Business licences allocated to it (the digest shows how many are in use)")
    ] = None,
    nudge_weeks: Annotated[
        str | None,
        typer.Option(help=f"weeks without a completion before a member is nudged (default {DEFAULT_NUDGE_WEEKS})"),
    ] = None,
    prefecture: Annotated[
        str | None,
        typer.Option(help="move it, its members and their records to this existing prefecture (kept in the audit log)"),
    ] = None,
    join: Annotated[
        str | None,
        typer.Option(
            help="how members join: open (anyone), domain (a Slack e-mail at --email-domain) or approval "
            "(a coordinator approves)"
        ),
    ] = None,
    email_domain: Annotated[
        list[str] | None,
        typer.Option(help="an e-mail domain of its staff, e.g. city.yokosuka.kanagawa.jp (repeat for several)"),
    ] = None,
) -> None:
    """Set a municipality's allocated licences, its nudge interval or how members join, or move it to another
    prefecture."""
    from db import ledger, repo
    from db.models import JOIN_POLICIES

    allocated = whole("--licences", licences, positive=True, most=MOST_LICENCES) if licences is not None else None
    weeks = (
        whole("--nudge-weeks", nudge_weeks, positive=True, most=MOST_NUDGE_WEEKS) if nudge_weeks is not None else None
    )
    policy = join.strip().lower() if join is not None else None
    if policy is not None and policy not in JOIN_POLICIES:
        raise UserError(f"--join must be one of {', '.join(JOIN_POLICIES)}, not {join!r}")
    domains = _domains(email_domain) if email_domain else None
    if all(value is None for value in (allocated, weeks, prefecture, policy, domains)):
        raise UserError(
            "nothing to set: give --licences N, --nudge-weeks N, --prefecture NAME, --join POLICY or --email-domain D"
        )
    services = load_services()
    with services.db.scope() as session:
        found = repo.municipality_named(session, name.strip())
        if found is None:
            raise UserError(f"no municipality named {name}: `dxbot municipalities list` shows them")
        ledger.set_municipality_settings(session, found, licences=allocated, nudge_weeks=weeks)
        if policy is not None or domains is not None:
            _set_join(session, services, found, policy or found.join_policy, domains)
        if prefecture is not None:
            _move(session, services, found, prefecture)
        shown = f"in {found.prefecture.name}, " + _settings_text(found.licences, found.nudge_weeks)
        shown += ", " + _joining_text(found.join_policy, found.email_domains)
    typer.echo(f"{name.strip()}: {shown}")


def _domains(given: list[str]) -> list[str]:
    from db import membership

    try:
        return membership.normalise_domains(part for value in given for part in value.split(","))
    except ValueError as exc:
        raise UserError(f"--email-domain must be a domain like city.yokosuka.kanagawa.jp, not {str(exc)!r}") from None


def _set_join(session: Session, services: Services, municipality: Municipality, policy: str, domains) -> None:
    """The join policy (audited); members who joined before keep their municipality."""
    from db import access, membership

    before = (municipality.join_policy, list(municipality.email_domains or ()))
    try:
        membership.set_policy(session, municipality, policy, domains)
    except ValueError:
        raise UserError("--join domain needs --email-domain: the domains its staff's Slack e-mails are at") from None
    after = (municipality.join_policy, list(municipality.email_domains))
    if after != before:
        details = {"join": after[0], "email_domains": after[1], "was": before[0]}
        access.audit(
            session,
            at=services.now(),
            actor=None,
            action="join_policy",
            municipality_id=municipality.id,
            details=details,
        )


def _joining_text(policy: str, domains: list[str]) -> str:
    if policy == "domain":
        return f"members join with an e-mail at {', '.join(domains)}"
    return "members join on a coordinator's approval" if policy == "approval" else "anyone may join"


def _move(session: Session, services: Services, municipality: Municipality, name: str) -> None:
    """To an existing prefecture only (a typo must not make one); the move is kept in the audit log."""
    from db import access, prefectures

    target = prefectures.prefecture_named(session, name)
    if target is None:
        raise UserError(f"no prefecture named {name.strip()}: `dxbot prefectures list` shows them")
    before = municipality.prefecture.name if municipality.prefecture else None
    if before == target.name:
        return
    prefectures.move(session, municipality, target)
    if municipality.digest_channel_id:  # its own channel must not be one the new prefecture's others post to
        refuse_channel_used_elsewhere(session, services.settings, municipality.digest_channel_id, target.id)
    details = {"municipality": municipality.name, "from": before, "to": target.name}
    access.audit(
        session,
        at=services.now(),
        actor=None,
        action="move_municipality",
        municipality_id=municipality.id,
        details=details,
    )


def _settings_text(licences: int | None, nudge_weeks: int | None) -> str:
    allocated = f"{licences} licences" if licences is not None else "licences not set"
    return f"{allocated}, nudges after {nudge_weeks or DEFAULT_NUDGE_WEEKS} weeks"


@municipalities_cli.command("list")
def list_municipalities(
    prefecture: Annotated[str | None, typer.Option(help="only this prefecture's municipalities")] = None,
    as_json: JsonFlag = False,
) -> None:
    """The participating municipalities: prefecture, name, reading, code, digest channel, members, licences and
    nudge interval."""
    from db import prefectures, repo

    services = load_services()
    with services.db.scope(read_only=True) as session:
        only = prefectures.tenant_named(session, prefecture) if prefecture is not None else None
        if prefecture is not None and only is None:
            raise UserError(f"no prefecture named {prefecture.strip()}: `dxbot prefectures list` shows them")
        counts = repo.member_counts(session)
        places = repo.municipalities(session, only.id if only else None)
        rows = [_row(m, services.knowledge, counts.get(m.id, 0)) for m in places]
    if as_json:
        print_json({"municipalities": rows})
        return
    for row in rows:
        values = (row["prefecture"], row["name"], row["reading"], row["code"], row["channel"])
        settings = _settings_text(row["licences"], row["nudge_weeks"])
        settings += "\t" + _joining_text(row["join"], row["email_domains"])
        typer.echo("\t".join(value or "" for value in values) + f"\t{row['members']} members\t{settings}")
    if not rows:
        typer.echo("no municipalities yet: add one with `dxbot municipalities add NAME`")


def _row(m: Municipality, knowledge: Knowledge, members: int) -> dict[str, object]:
    return {
        "name": m.name,
        "prefecture": m.prefecture.name if m.prefecture else None,
        "reading": knowledge.reading_of(m.name, m.code, m.reading),
        "code": m.code,
        "channel": m.digest_channel_id,
        "members": members,
        "licences": m.licences,
        "nudge_weeks": m.nudge_weeks or DEFAULT_NUDGE_WEEKS,
        "join": m.join_policy,
        "email_domains": list(m.email_domains or ()),
    }
