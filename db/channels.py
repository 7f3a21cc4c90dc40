"""Channel configurations: where dxbot answers every question without a mention, and whether publicly or only to
the asker (ChannelConfig); and whose a channel is, which says who may configure it (db/access.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db import prefectures
from db.models import ChannelConfig, Municipality


@dataclass(frozen=True)
class ChannelOwner:
    """A municipality's channel, a prefecture's shared channel, or (both None) nobody's yet."""

    municipality_id: int | None = None
    prefecture_id: int | None = None


def owner_of(session: Session, channel_id: str, default_shared: str | None) -> ChannelOwner:
    """Whose channel it is: the municipality whose own digest channel it is; else the prefecture whose shared channel
    it is (`default_shared`: DXBOT_DIGEST_CHANNEL); else the municipality it was configured for; else nobody's."""
    own = session.scalar(select(Municipality.id).where(Municipality.digest_channel_id == channel_id).limit(1))
    if own is not None:
        return ChannelOwner(municipality_id=own)
    everyone = prefectures.tenants(session)
    for tenant in everyone:
        if prefectures.shared_channel(tenant, everyone, default_shared) == channel_id:
            return ChannelOwner(prefecture_id=tenant.id)
    found = channel_config(session, channel_id)
    return ChannelOwner(municipality_id=found.municipality_id if found is not None else None)


def channel_config(session: Session, channel_id: str) -> ChannelConfig | None:
    """A channel's settings, whoever writes in it: channel ids are unique across Slack (a channel shared with
    another workspace or organisation keeps its id), so the workspace it was configured from does not matter."""
    return session.scalar(select(ChannelConfig).where(ChannelConfig.channel_id == channel_id).limit(1))


def configure_channel(
    session: Session,
    *,
    team_id: str,
    channel_id: str,
    municipality_id: int | None,
    by: str,
    at: datetime,
    answer_all: bool | None = None,
    visibility: str | None = None,
) -> ChannelConfig:
    """Change one setting of a channel (the other keeps its value, or its default for a new channel)."""
    found = channel_config(session, channel_id)
    if found is None:
        found = ChannelConfig(team_id=team_id, channel_id=channel_id, answer_all=False, visibility="public")
        session.add(found)
    found.municipality_id = municipality_id
    if answer_all is not None:
        found.answer_all = answer_all
    if visibility is not None:
        found.visibility = visibility
    found.updated_by, found.updated_at = by, at
    session.flush()
    return found


def channel_configs(session: Session, municipality_id: int | None) -> list[ChannelConfig]:
    """A municipality's configured channels (every channel when None: an admin's view)."""
    query = select(ChannelConfig).order_by(ChannelConfig.team_id, ChannelConfig.channel_id)
    if municipality_id is not None:
        query = query.where(ChannelConfig.municipality_id == municipality_id)
    return list(session.scalars(query))
