"""What a `/dx` sub-command or button handler receives: who asked, what they wrote, how to reply."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import wraps

from slack_bolt import Respond
from slack_sdk import WebClient
from slack_sdk.models.blocks import Block
from sqlalchemy.exc import SQLAlchemyError

from bot.services import Services
from handlers.blocks import as_dicts, text_blocks
from knowledge.messages import Lang, t

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Request:
    services: Services
    team_id: str
    user_id: str
    user_name: str | None
    channel_id: str | None
    text: str
    lang: Lang
    respond: Respond
    client: WebClient
    trigger_id: str | None = None  # lets a sub-command open a modal

    def reply(self, fallback: str, blocks: Sequence[Block] | None = None, *, replace: bool = False) -> None:
        """An ephemeral reply only the member sees (replacing the clicked message when `replace`)."""
        self.respond(
            text=fallback,
            blocks=as_dicts(blocks if blocks is not None else text_blocks(fallback)),
            response_type="ephemeral",
            replace_original=replace,
        )


def from_body(body: dict, services: Services, respond: Respond, client: WebClient, text: str, lang: Lang) -> Request:
    """Build a Request from a slash command or block_actions payload (their shapes differ)."""
    user = body.get("user") or {}
    return Request(
        services=services,
        team_id=body.get("team_id") or (body.get("team") or {}).get("id") or user.get("team_id") or "",
        user_id=body.get("user_id") or user.get("id") or "",
        user_name=body.get("user_name") or user.get("username") or user.get("name"),
        channel_id=body.get("channel_id") or (body.get("channel") or {}).get("id"),
        text=text,
        lang=lang,
        respond=respond,
        client=client,
        trigger_id=body.get("trigger_id"),
    )


Handler = Callable[[Request], None]


def apologise_on_failure(handler: Handler) -> Handler:
    """A failure (the database is down, say) is logged and the member gets a polite apology instead of
    silence: lazy listeners run outside bolt's error handler. The server keeps serving."""

    @wraps(handler)
    def guarded(request: Request) -> None:
        try:
            handler(request)
        except Exception as exc:
            kind = "database error" if isinstance(exc, SQLAlchemyError) else "unexpected error"
            log.exception("%s in %s", kind, handler.__name__)
            request.reply(t("sorry_error", request.lang))

    return guarded
