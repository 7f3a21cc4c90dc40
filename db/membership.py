"""Who belongs to which municipality, and how they come to: the one way a member joins or moves, the join
policies (open, the municipality's e-mail domains, or a coordinator's approval) and the requests that wait for
approval.

A role belongs to a municipality: a coordinator or admin who moves to another becomes a learner there, and every
join, move and role so lost is in the audit log of the municipality it concerns."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db import access, prefectures
from db.models import JOIN_POLICIES, JoinRequest, Member, Municipality

OPEN, DOMAIN, APPROVAL = JOIN_POLICIES


@dataclass(frozen=True)
class Moved:
    """What `join` did: `changed` False when they belonged there already; `dropped_role` the role a move took."""

    changed: bool
    dropped_role: str | None = None


def join(
    session: Session,
    who: Member,
    municipality: Municipality,
    now: datetime,
    *,
    how: str = OPEN,
    actor: Member | None = None,
) -> Moved:
    """Attach `who` to `municipality` (joining the same one again changes nothing, nor the digest's history).
    Leaving another municipality takes any role they held there. `how`: the policy that let them in (or
    `appointed`, `approved`); `actor`: who let them in, None for themselves or the command line."""
    before = who.municipality_id
    if before == municipality.id:
        return Moved(changed=False)
    dropped = who.role if before is not None and who.role != "learner" else None
    if before is not None:
        details = {"user": who.slack_user_id, "because": "joined another municipality"}
        access.audit(session, at=now, actor=actor, action="leave", member=who, municipality_id=before, details=details)
    if dropped is not None:
        details = {"user": who.slack_user_id, "from": dropped, "to": "learner", "because": "moved"}
        access.audit(
            session, at=now, actor=actor, action="set_role", member=who, municipality_id=before, details=details
        )
        who.role = "learner"
    who.municipality = municipality
    who.joined_at = now
    session.flush()
    details = {"user": who.slack_user_id, "how": how, "moved": before is not None}
    access.audit(
        session, at=now, actor=actor, action="join", member=who, municipality_id=municipality.id, details=details
    )
    _withdraw_pending(session, who, now)
    return Moved(changed=True, dropped_role=dropped)


# --- policies -----------------------------------------------------------------------------------


def normalise_domains(domains: Iterable[str]) -> list[str]:
    """`@City.Yokosuka.Kanagawa.jp ` → `city.yokosuka.kanagawa.jp`; ValueError for what is not a domain."""
    found: list[str] = []
    for raw in domains:
        domain = raw.strip().lstrip("@").rstrip(".").lower()
        labels = domain.split(".")
        if len(labels) < 2 or not all(label and len(label) <= 63 for label in labels) or not domain.isascii():
            raise ValueError(raw)
        if not all(ch.isalnum() or ch in "-." for ch in domain):
            raise ValueError(raw)
        if domain not in found:
            found.append(domain)
    return found


def address_in(email: str | None, domains: Sequence[str]) -> bool:
    """Whether an e-mail address is at one of `domains` or a subdomain of one (`kikaku@dept.city.…` too)."""
    if not email or email.count("@") != 1:
        return False
    at = email.rsplit("@", 1)[1].strip().rstrip(".").lower()
    return any(at == domain or at.endswith("." + domain) for domain in domains)


def set_policy(session: Session, municipality: Municipality, policy: str, domains: Sequence[str] | None) -> None:
    """A municipality's join policy (and its domains, when given); ValueError for `domain` without any."""
    if policy not in JOIN_POLICIES:
        raise ValueError(policy)
    kept = list(domains) if domains is not None else list(municipality.email_domains or ())
    if policy == DOMAIN and not kept:
        raise ValueError("a domain policy needs at least one e-mail domain")
    municipality.join_policy, municipality.email_domains = policy, kept
    session.flush()


# --- approval -----------------------------------------------------------------------------------


def request_to_join(
    session: Session, who: Member, municipality: Municipality, now: datetime
) -> tuple[JoinRequest, bool]:
    """The member's pending request to join `municipality` and whether this call made it; a pending request to
    join another municipality is withdrawn (one wish at a time)."""
    found = pending_of(session, who)
    if found is not None and found.municipality_id == municipality.id:
        return found, False
    _withdraw_pending(session, who, now)
    created = JoinRequest(member_id=who.id, municipality_id=municipality.id, state="pending", requested_at=now)
    try:
        with session.begin_nested():
            session.add(created)
    except IntegrityError:  # the same member's other click a moment ago: theirs stands
        return pending_of(session, who), False
    return created, True


def pending_of(session: Session, who: Member) -> JoinRequest | None:
    return session.scalar(select(JoinRequest).where(JoinRequest.member_id == who.id, JoinRequest.state == "pending"))


def pending_in(session: Session, municipality_id: int) -> list[tuple[JoinRequest, Member]]:
    """The municipality's requests waiting for a decision, oldest first, with who asked."""
    rows = session.execute(
        select(JoinRequest, Member)
        .join(Member, Member.id == JoinRequest.member_id)
        .where(JoinRequest.municipality_id == municipality_id, JoinRequest.state == "pending")
        .order_by(JoinRequest.requested_at, JoinRequest.id)
    )
    return [(request, member) for request, member in rows]


def approvers(session: Session, municipality_id: int) -> list[Member]:
    """Who decides a municipality's join requests: its coordinators (and admins who belong to it), else the admins
    of its prefecture."""
    own = access.coordinators(session, municipality_id)
    if own:
        return own
    tenant = prefectures.tenant_of(session, municipality_id)
    if tenant is None:
        return []
    query = select(Member).where(
        Member.role == "admin",
        Member.left_at.is_(None),
        Member.municipality_id.in_(prefectures.municipality_ids(tenant.id)),
    )
    return list(session.scalars(query.order_by(Member.id)))


def may_decide(session: Session, actor: Member, request: JoinRequest) -> bool:
    """A coordinator of the municipality the member asked to join, or an admin of its prefecture."""
    return access.manages(actor, request.municipality_id) or access.reaches(session, actor, request.municipality_id)


def decide(
    session: Session, request: JoinRequest, actor: Member, *, approve: bool, now: datetime
) -> tuple[Member, Municipality] | None:
    """Approve (the member joins) or deny a pending request, once: two approvers clicking at once decide it once.
    None when it was decided (or withdrawn) already. The caller checked `may_decide`."""
    state = "approved" if approve else "denied"
    taken = session.execute(
        update(JoinRequest)
        .where(JoinRequest.id == request.id, JoinRequest.state == "pending")
        .values(state=state, decided_at=now, decided_by=actor.slack_user_id)
    ).rowcount
    if not taken:
        return None
    session.refresh(request)
    who = session.get(Member, request.member_id)
    place = session.get(Municipality, request.municipality_id)
    if approve:
        join(session, who, place, now, how="approved", actor=actor)
    else:
        details = {"user": who.slack_user_id, "because": "denied"}
        access.audit(
            session, at=now, actor=actor, action="join_denied", member=who, municipality_id=place.id, details=details
        )
    return who, place


def join_request(session: Session, request_id: int) -> JoinRequest | None:
    return session.get(JoinRequest, request_id)


def _withdraw_pending(session: Session, who: Member, now: datetime) -> None:
    session.execute(
        update(JoinRequest)
        .where(JoinRequest.member_id == who.id, JoinRequest.state == "pending")
        .values(state="withdrawn", decided_at=now)
    )


def remember_email(session: Session, who: Member, email: str | None) -> None:
    """The address Slack's profile gave (confirmed), kept to match Udemy's reports; None keeps the one known."""
    if email is not None and who.email != email:
        who.email = email[:254]
        session.flush()
