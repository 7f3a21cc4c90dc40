"""The queries of OAuth install mode: the workspaces dxbot is installed in (slack_sdk's tables) and the
municipalities each hosts. Apart from db/repo.py so that single-token mode never imports slack_sdk's stores."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from db import prefectures, slack_tables
from db.models import InstallationMunicipality, Municipality


@dataclass(frozen=True)
class Installed:
    """A workspace the app is installed in (slack_sdk's latest bot row for it) and the municipalities it hosts."""

    team_id: str
    team_name: str | None
    enterprise_id: str | None
    installed_at: datetime
    municipalities: list[str]


def installed(session: Session) -> list[Installed]:
    bots = slack_tables.bots.c
    latest = (
        select(bots.team_id, bots.team_name, bots.enterprise_id, bots.installed_at)
        .where(bots.team_id.is_not(None))
        .order_by(bots.team_id, bots.installed_at.desc())
    )
    mapped: dict[str, list[str]] = {}
    rows = session.execute(
        select(InstallationMunicipality.team_id, Municipality.name)
        .join(Municipality, Municipality.id == InstallationMunicipality.municipality_id)
        .order_by(Municipality.name)
    )
    for team_id, name in rows:
        mapped.setdefault(team_id, []).append(name)
    found: dict[str, Installed] = {}
    for team_id, team_name, enterprise_id, installed_at in session.execute(latest):
        if team_id not in found:  # the newest row of each team comes first
            found[team_id] = Installed(team_id, team_name, enterprise_id, installed_at, mapped.get(team_id, []))
    return list(found.values())


def is_installed(session: Session, team_id: str) -> bool:
    bots = slack_tables.bots.c
    return session.scalar(select(bots.id).where(bots.team_id == team_id).limit(1)) is not None


def enterprise_of(session: Session, team_id: str) -> str | None:
    """The Enterprise Grid organisation of an installed workspace (None: none, or not installed)."""
    bots = slack_tables.bots.c
    latest = select(bots.enterprise_id).where(bots.team_id == team_id).order_by(bots.installed_at.desc()).limit(1)
    return session.scalar(latest)


def map_installation(session: Session, team_id: str, municipality: Municipality, now: datetime) -> bool:
    """Record that the workspace hosts the municipality; False when it was recorded already."""
    key = {"team_id": team_id, "municipality_id": municipality.id}
    if session.get(InstallationMunicipality, key) is not None:
        return False
    session.add(InstallationMunicipality(**key, mapped_at=now))
    session.flush()
    return True


def unmap_installation(session: Session, team_id: str) -> int:
    """Forget which municipalities an uninstalled workspace hosted."""
    return session.execute(delete(InstallationMunicipality).where(InstallationMunicipality.team_id == team_id)).rowcount


def hosts(session: Session, teams: Collection[str], municipality_id: int) -> bool:
    """Whether one of `teams` (a member's workspace, their Grid organisation) is mapped to the municipality."""
    query = select(InstallationMunicipality.team_id).where(
        InstallationMunicipality.team_id.in_(list(teams)), InstallationMunicipality.municipality_id == municipality_id
    )
    return session.scalar(query.limit(1)) is not None


def serves_prefecture(session: Session, team_id: str | None, prefecture_id: int) -> bool:
    """Whether the workspace hosts one of the prefecture's municipalities."""
    if team_id is None:
        return False
    query = select(InstallationMunicipality.team_id).where(
        InstallationMunicipality.team_id == team_id,
        InstallationMunicipality.municipality_id.in_(prefectures.municipality_ids(prefecture_id)),
    )
    return session.scalar(query.limit(1)) is not None


def forget_expired_states(session: Session, now: datetime) -> int:
    """Delete the OAuth states whose ten minutes are over (each visit of /slack/install stores one, and only a
    finished install consumes it). slack_sdk keeps their expiry as naive UTC."""
    states = slack_tables.oauth_states
    expired = states.c.expire_at < now.astimezone(UTC).replace(tzinfo=None)
    return session.execute(delete(states).where(expired)).rowcount
