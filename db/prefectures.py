"""Prefectures as tenants: each municipality belongs to one, and a prefecture's digest, previews and settings
reach its own municipalities only. The command line (an operator with the database) sees them all."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.models import Member, Municipality, MunicipalityPrefecture, Prefecture

DEFAULT_NAME = "default"  # the tenant of municipalities added without a prefecture before there were several


class AlreadyExists(Exception):
    """The prefecture's name is taken."""


class Ambiguous(Exception):
    """Several prefectures exist: a new municipality must say which it belongs to."""


@dataclass(frozen=True)
class Tenant:
    """What the digest and the scheduler need of a prefecture, read once and detached from the session."""

    id: int
    name: str
    shared_channel_id: str | None
    slack_team_id: str | None
    licences: int | None
    digest_cron: str | None

    @classmethod
    def of(cls, prefecture: Prefecture) -> Tenant:
        return cls(
            id=prefecture.id,
            name=prefecture.name,
            shared_channel_id=prefecture.shared_channel_id,
            slack_team_id=prefecture.slack_team_id,
            licences=prefecture.licences,
            digest_cron=prefecture.digest_cron,
        )


def tenants(session: Session) -> list[Tenant]:
    return [Tenant.of(p) for p in session.scalars(select(Prefecture).order_by(Prefecture.id))]  # as added


def prefecture_named(session: Session, name: str) -> Prefecture | None:
    return session.scalar(select(Prefecture).where(Prefecture.name == name.strip()))


def tenant_named(session: Session, name: str) -> Tenant | None:
    found = prefecture_named(session, name)
    return Tenant.of(found) if found is not None else None


def tenant_by_id(session: Session, prefecture_id: int) -> Tenant | None:
    found = session.get(Prefecture, prefecture_id)
    return Tenant.of(found) if found is not None else None


def tenant_of(session: Session, municipality_id: int | None) -> Tenant | None:
    """The prefecture a municipality belongs to; None for a member who has not joined one."""
    if municipality_id is None:
        return None
    found = session.scalar(
        select(Prefecture)
        .join(MunicipalityPrefecture, MunicipalityPrefecture.prefecture_id == Prefecture.id)
        .where(MunicipalityPrefecture.municipality_id == municipality_id)
    )
    return Tenant.of(found) if found is not None else None


def shared_channel(tenant: Tenant, tenants: Sequence[Tenant], default: str | None) -> str | None:
    """The prefecture's own shared channel; without one, `default` (DXBOT_DIGEST_CHANNEL) when it is the only
    prefecture without one (a setup from before prefectures, unchanged); None otherwise, so that no prefecture's
    digest ever reaches another's channel."""
    if tenant.shared_channel_id:
        return tenant.shared_channel_id
    without = [other for other in tenants if not other.shared_channel_id]
    return default if without == [tenant] else None


def municipality_ids(prefecture_id: int) -> Select:
    """The prefecture's municipalities, as a subquery for `.in_()`: every tenant's query filters by it."""
    return select(MunicipalityPrefecture.municipality_id).where(MunicipalityPrefecture.prefecture_id == prefecture_id)


def same_prefecture(session: Session, first: int | None, second: int | None) -> bool:
    """Whether two municipalities belong to one prefecture (never when either is None)."""
    if first is None or second is None:
        return False
    if first == second:
        return True
    ids = session.scalars(
        select(MunicipalityPrefecture.prefecture_id).where(MunicipalityPrefecture.municipality_id.in_((first, second)))
    ).all()
    return len(ids) == 2 and ids[0] == ids[1]


def add_prefecture(session: Session, name: str, **settings: object) -> Prefecture:
    prefecture = Prefecture(name=name.strip(), **settings)
    try:
        with session.begin_nested():
            session.add(prefecture)
    except IntegrityError as exc:
        raise AlreadyExists(name) from exc
    return prefecture


def change_prefecture(session: Session, prefecture: Prefecture, **changes: object) -> None:
    """Set some of a prefecture's columns (its name among them); AlreadyExists when the new name is taken."""
    try:
        with session.begin_nested():
            for column, value in changes.items():
                setattr(prefecture, column, value)
            session.flush()
    except IntegrityError as exc:
        raise AlreadyExists(changes.get("name")) from exc


def move(session: Session, municipality: Municipality, prefecture: Prefecture) -> None:
    """The municipality, its members and their records belong to `prefecture` from now on."""
    link = session.get(MunicipalityPrefecture, municipality.id)
    if link is None:
        session.add(MunicipalityPrefecture(municipality_id=municipality.id, prefecture_id=prefecture.id))
    else:
        link.prefecture_id = prefecture.id
    session.flush()
    session.expire(municipality, ["prefecture"])


def own_channel_elsewhere(session: Session, channel_id: str, prefecture_id: int | None) -> str | None:
    """The municipality outside `prefecture_id` whose own digest channel `channel_id` is, if any: a prefecture's
    shared channel must not be one (each channel gets one digest a week, and no prefecture sees another's)."""
    query = select(Municipality.name).where(Municipality.digest_channel_id == channel_id)
    if prefecture_id is not None:
        query = query.where(Municipality.id.not_in(municipality_ids(prefecture_id)))
    return session.scalar(query.order_by(Municipality.name).limit(1))


def home_for_new_municipality(session: Session, name: str | None) -> tuple[Prefecture, bool]:
    """(The prefecture a new municipality joins, whether it was created for it): the one named (created when
    new), else the only one there is (`default` while there is none). Ambiguous with several and no name."""
    if name is not None and name.strip():
        found = prefecture_named(session, name)
        return (found, False) if found is not None else (add_prefecture(session, name), True)
    existing = session.scalars(select(Prefecture).limit(2)).all()
    if len(existing) > 1:
        raise Ambiguous
    return (existing[0], False) if existing else (add_prefecture(session, DEFAULT_NAME), True)


def counts(session: Session) -> dict[int, tuple[int, int]]:
    """Per prefecture id: (municipalities, members)."""
    rows = session.execute(
        select(
            MunicipalityPrefecture.prefecture_id,
            func.count(func.distinct(MunicipalityPrefecture.municipality_id)),
            func.count(Member.id),
        )
        .outerjoin(Member, Member.municipality_id == MunicipalityPrefecture.municipality_id)
        .group_by(MunicipalityPrefecture.prefecture_id)
    )
    return {prefecture_id: (int(places), int(members)) for prefecture_id, places, members in rows}
