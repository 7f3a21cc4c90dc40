"""What a handler receives: who it is from (one rule for every surface), what they wrote, how to reply.

Handlers run inside Slack's ack (process_before_response): a slash command's reply IS the ack, shown to the
member only after what it confirms has been committed. A button click cannot carry a reply in its ack, so its
reply is committed as a job (handlers/delivery.py) before the ack and delivered right after."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import wraps

from slack_bolt import Ack
from slack_sdk import WebClient
from slack_sdk.models.blocks import Block
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.services import Services
from db import repo
from handlers import delivery
from handlers.blocks import as_dicts, text_blocks
from knowledge.messages import Lang, t

log = logging.getLogger(__name__)


def message(fallback: str, blocks: Sequence[Block] | None = None, *, replace: bool = False) -> dict:
    """An ephemeral message only the member sees (replacing the clicked message when `replace`)."""
    return {
        "text": fallback,
        "blocks": as_dicts(blocks if blocks is not None else text_blocks(fallback)),
        "response_type": "ephemeral",
        "replace_original": replace,
    }


@dataclass(frozen=True)
class Person:
    """A member as dxbot keys them: their home and their Slack user id.

    The home is their Enterprise Grid organisation (E…) when they belong to the one the payload names, else
    their own workspace (T…): the same person whichever workspace of the organisation they write from, and a
    Slack Connect guest is never taken for a member of the workspace whose channel they write in. They belong
    to the payload's organisation when their own team is the payload's, when the payload is the organisation's
    own (an org-wide install names no team), or when their id is a Grid one (W…: unique across it). A Grid
    member with a U… id seen from a sibling workspace is keyed by their workspace: no payload says otherwise.

    `workspace` is their own workspace (T…) when the payload says it."""

    home: str
    user: str
    workspace: str | None = None


def person(body: dict, event: dict | None = None) -> Person | None:
    """Who sent a slash command, a click, a form or (with its `event`) an event; None when it names nobody."""
    user = body.get("user")
    event = event or {}
    user_id = text_field(body, "user_id") or text_field(user, "id") or text_field(event, "user")
    payload_team = text_field(body, "team_id") or text_field(body.get("team"), "id")
    own_team = (
        text_field(user, "team_id") or text_field(event, "user_team") or text_field(event, "team") or payload_team
    )
    if not user_id or not own_team:
        return None
    if repo.is_organisation(own_team):  # events name an outside Grid member's organisation as their team
        return Person(own_team, user_id)
    organisation = _organisation(body)
    if organisation and (user_id.startswith("W") or payload_team in (None, own_team)):
        return Person(organisation, user_id, workspace=own_team)
    return Person(own_team, user_id, workspace=own_team)


def installation_of(context) -> frozenset[str]:
    """The workspace and organisation the request's installation serves (bolt's authorize: auth.test of
    SLACK_BOT_TOKEN, or the OAuth installation): whose members "ours" are."""
    result = context.get("authorize_result")
    ids = (result.team_id, result.enterprise_id) if result is not None else ()
    return frozenset(value for value in ids if value)


def _organisation(body: dict) -> str | None:
    """The Enterprise Grid organisation a payload comes from: each surface names it in its own field."""
    return (
        text_field(body, "enterprise_id")
        or text_field(body.get("enterprise"), "id")
        or text_field(body.get("team"), "enterprise_id")
    )


@dataclass(frozen=True)
class Request:
    services: Services
    home: str  # see Person
    user_id: str
    user_name: str | None
    channel_id: str | None
    text: str
    lang: Lang
    deliver: Callable[[dict, Session | None], None]  # the ack, or a response_url post queued in a unit of work
    client: WebClient  # for the few calls the ack itself must make (opening a modal while its trigger is valid)
    response_url: str | None = None
    trigger_id: str | None = None
    workspace: str | None = None  # see Person
    installation: frozenset[str] = frozenset()  # installation_of: the workspace and organisation served
    via: str | None = None  # the workspace the request came through (a channel's, a shared channel's host)
    picked: frozenset[str] = frozenset()  # the people and channels a command's text picked from Slack's list
    # A command answered by what it opened (a modal) still needs its ack, with nothing to show; a click is acked
    # by its listener, so there it does nothing.
    acknowledge_silently: Callable[[], None] = lambda: None

    def reply(
        self,
        fallback: str,
        blocks: Sequence[Block] | None = None,
        *,
        replace: bool = False,
        session: Session | None = None,
    ) -> None:
        """`session`: the unit of work whose commit the reply confirms; a queued reply is committed with it."""
        self.deliver(message(fallback, blocks, replace=replace), session)


def id_in(action: dict) -> int | None:
    """The row id a button we rendered carries as its value (a question, a join request); None for anything else."""
    value = text_field(action, "value") or ""
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None


def text_field(payload: object, key: str) -> str | None:
    """payload[key] when it is text: Slack's payloads are trusted for their shape only once checked."""
    value = payload.get(key) if isinstance(payload, dict) else None
    return value if isinstance(value, str) else None


def _identity(body: dict) -> dict:
    user, channel = body.get("user"), body.get("channel")
    who = person(body) or Person("", "")
    return dict(
        home=who.home,
        user_id=who.user,
        workspace=who.workspace,
        via=text_field(body, "team_id") or text_field(body.get("team"), "id"),
        user_name=text_field(body, "user_name") or text_field(user, "username") or text_field(user, "name"),
        channel_id=text_field(body, "channel_id") or text_field(channel, "id"),
        response_url=text_field(body, "response_url"),
        trigger_id=text_field(body, "trigger_id"),
    )


def from_command(body: dict, services: Services, ack: Ack, client: WebClient, text: str, lang: Lang) -> Request:
    """A slash command: the reply goes back in the ack."""

    def in_the_ack(reply: dict, _session: Session | None) -> None:  # sent once the listener returns: committed
        ack(text=reply["text"], blocks=reply["blocks"], response_type="ephemeral")

    return Request(
        services=services,
        text=text,
        lang=lang,
        deliver=in_the_ack,
        client=client,
        acknowledge_silently=ack,
        **_identity(body),
    )


def from_action(body: dict, services: Services, client: WebClient, text: str, lang: Lang) -> Request:
    """A button click: the reply is queued for its response_url before the ack (a click's ack carries none). If
    it cannot be queued, the ack fails and Slack shows the member that the click did not work."""
    identity = _identity(body)
    response_url = identity["response_url"]

    def queued(reply: dict, session: Session | None) -> None:
        if response_url is None:  # a click in the App Home: there is no message to answer under
            log.info("no response_url to reply to a click from %s", identity["user_id"])
            return
        job = delivery.respond(response_url, reply, identity["user_id"])
        services.jobs.add(session, job) if session is not None else services.jobs.submit(job)

    return Request(services=services, text=text, lang=lang, deliver=queued, client=client, **identity)


Handler = Callable[[Request], None]


def apologise_on_failure(handler: Handler) -> Handler:
    """A failure (the database is down, say) is logged and the member gets a polite apology instead of
    silence; the server keeps serving. Nothing was confirmed, so nothing is lost."""

    @wraps(handler)
    def guarded(request: Request) -> None:
        try:
            handler(request)
        except SQLAlchemyError as exc:
            log.warning("database error in %s: %s", handler.__name__, type(exc).__name__)
            request.reply(t("sorry_error", request.lang))
        except Exception:
            log.exception("unexpected error in %s", handler.__name__)
            request.reply(t("sorry_error", request.lang))

    return guarded
