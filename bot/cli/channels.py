"""Checks the prefectures' and the municipalities' commands share: which prefectures' digest has nowhere to go, and
that a channel posted to is no other prefecture's."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from bot.cli.support import UserError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from bot.settings import Settings


def without_channel(session: Session, settings: Settings) -> list[str]:
    """The prefectures whose digest would have nowhere to go (bot.digest.shared_channel)."""
    from bot.digest import shared_channel
    from db import prefectures

    everyone = prefectures.tenants(session)
    return [tenant.name for tenant in everyone if shared_channel(settings, tenant, everyone) is None]


def warn_without_channel(missing: list[str]) -> None:
    """Told at once, not by the clock on Monday (it refuses to start: bot.digest.require_shared_channels)."""
    from knowledge.messages import t

    for name in missing:
        typer.echo(t("digest_error_no_shared_channel", "en", prefecture=name), err=True)


def refuse_channel_used_elsewhere(session: Session, settings: Settings, channel: str, prefecture_id: int) -> None:
    """UserError when a prefecture other than `prefecture_id` posts to `channel`, as its shared channel or one of
    its municipalities' own: the digest posts once per channel and week, and no prefecture sees another's data."""
    from bot.digest import shared_channel
    from db import prefectures

    everyone = prefectures.tenants(session)
    for other in everyone:
        if other.id != prefecture_id and shared_channel(settings, other, everyone) == channel:
            raise UserError(f"{channel} is already {other.name}'s shared channel: pick another channel")
    place = prefectures.own_channel_elsewhere(session, channel, prefecture_id)
    if place is not None:
        raise UserError(f"{channel} is {place}'s own digest channel, in another prefecture: pick another channel")
