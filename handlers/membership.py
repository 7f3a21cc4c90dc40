"""Joining a municipality: `/dx join`, the App Home's picker, and the approve/deny buttons its coordinators get.

Each municipality says how it takes members (db/membership.py): anyone (`open`), staff whose Slack e-mail is at
one of its domains (`domain`: a job reads the address with users.info, which the ack cannot wait for), or whom
one of its coordinators approves (`approval`: each gets a DM with the buttons, the member is told the outcome).
Before any of that, the member must be able to belong there at all: in OAuth mode the municipality must be
mapped to their own workspace or organisation (`dxbot installations map`); with one workspace, only members of that
workspace or its organisation join (a Slack Connect guest from elsewhere joins none)."""

from __future__ import annotations

from dataclasses import dataclass

from slack_bolt import App
from sqlalchemy.orm import Session

from bot.jobs import JobContext, JobKind, Permanent
from bot.services import Services
from db import membership, repo
from db.jobs import NewJob
from db.models import Member, Municipality
from handlers import blocks, delivery, home
from handlers import home_blocks as home_view
from handlers.request import (
    Person,
    Request,
    apologise_on_failure,
    from_action,
    id_in,
    installation_of,
    message,
    person,
    text_field,
)
from knowledge.kb import Knowledge
from knowledge.messages import Lang, t
from knowledge.text import clean_input, municipal_readings, rank_names

NAME_LIMIT = 100


def register(app: App) -> None:
    app.action(home_view.JOIN)(_picked_on_home)
    app.options(home_view.JOIN)(_municipality_options)
    app.action(blocks.JOIN_APPROVE)(_decided)
    app.action(blocks.JOIN_DENY)(_decided)


# --- asking to join -----------------------------------------------------------------------------------


def join(request: Request) -> None:
    """`/dx join 横須賀市` (or よこすか, Yokosuka): the municipality it clearly names, on its terms."""
    name = clean_input(request.text, NAME_LIMIT)
    if name is None:
        request.reply(t("join_usage", request.lang))
        return
    asker = Person(request.home, request.user_id, request.workspace)
    with request.services.db.scope() as session:
        known, ranked = municipalities_like(session, name, request.services.knowledge)
        exact = ranked and (ranked[0][1] >= 90 and (len(ranked) == 1 or ranked[1][1] < 90))
        if not exact:
            names = "、".join(n for n, _ in ranked)
            hint = t("join_suggestions", request.lang, names=names) if names else t("join_none_close", request.lang)
            request.reply(t("join_unknown", request.lang, text=blocks.escape(name), suggestions=hint))
            return
        who = repo.member(session, request.home, request.user_id)
        reply = {"response_url": request.response_url}
        place = known[ranked[0][0]]
        outcome = start(session, request.services, asker, request.installation, who, place, request.lang, reply)
    request.reply(outcome.text)


@dataclass(frozen=True)
class Outcome:
    text: str  # what to tell the member now
    joined: bool  # they belong there now (else: refused, or a check or an approval is under way)


def start(
    session: Session,
    services: Services,
    asker: Person,
    ours: frozenset[str],
    who: Member,
    place: Municipality,
    lang: Lang,
    reply: dict,
) -> Outcome:
    """Join `who` to `place` as its policy allows, in the caller's unit of work (which commits the jobs it
    queues). `ours`: installation_of the request. `reply` says where a later outcome goes: {"response_url": …},
    or {"home": True} for a DM and the Home published again."""
    if who.municipality_id == place.id:
        return Outcome(t("join_already", lang, municipality=place.name), joined=True)
    if not may_belong(session, services, asker, ours, place):
        return Outcome(t("join_not_this_workspace", lang, municipality=place.name), joined=False)
    if place.join_policy == membership.DOMAIN:
        payload = {"member_id": who.id, "user_id": who.slack_user_id, "municipality_id": place.id, "lang": lang}
        payload |= {"workspace": asker.workspace, "ours": sorted(ours)}  # to judge again if the policy changes
        services.jobs.add(session, NewJob("reply", "verify_join", payload | {"reply": reply}))
        return Outcome(t("join_checking", lang, municipality=place.name), joined=False)
    if place.join_policy == membership.APPROVAL:
        return Outcome(_ask_approval(session, services, who, place, lang), joined=False)
    return Outcome(_joined(session, services, who, place, lang, how=membership.OPEN), joined=True)


def may_belong(session: Session, services: Services, asker: Person, ours: frozenset[str], place: Municipality) -> bool:
    """Whether this person can be a member of `place` at all, whatever its policy (see the module's docstring)."""
    if services.installations is None:  # one workspace: its own members (or its organisation's), nobody else
        return bool({asker.home, asker.workspace} & ours)
    from db import workspaces  # slack_sdk's tables: OAuth mode only

    return workspaces.hosts(session, {home for home in (asker.home, asker.workspace) if home}, place.id)


def _joined(session: Session, services: Services, who: Member, place: Municipality, lang: Lang, how: str) -> str:
    moved = membership.join(session, who, place, services.now(), how=how, actor=who)
    text = t("join_ok", lang, municipality=place.name)
    if moved.dropped_role is not None:
        role = t(f"role_{moved.dropped_role}", lang)
        text += "\n" + t("join_role_dropped", lang, role=role, municipality=place.name)
    return text


def _ask_approval(session: Session, services: Services, who: Member, place: Municipality, lang: Lang) -> str:
    """A pending request, and a DM with the buttons to each of the municipality's approvers (once)."""
    request, created = membership.request_to_join(session, who, place, services.now())
    if not created:
        return t("join_requested_already", lang, municipality=place.name)
    deciders = membership.approvers(session, place.id)
    for decider in deciders:
        text = t("join_approve_request", "ja", user=who.slack_user_id, municipality=place.name)
        payload = {"user_id": decider.slack_user_id, "text": text, "request_id": request.id}
        services.jobs.add(session, _for(decider, NewJob("reply", "ask_to_approve", payload)))
    return t("join_requested" if deciders else "join_requested_nobody", lang, municipality=place.name)


def _for(who: Member, job: NewJob) -> NewJob:
    """The job done with the installation of `who`'s own workspace (or organisation), whoever's click queued it."""
    if repo.is_organisation(who.slack_team_id):
        return NewJob(job.lane, job.kind, job.payload, enterprise_id=who.slack_team_id)
    return NewJob(job.lane, job.kind, job.payload, team_id=who.slack_team_id)


# --- the App Home's picker ----------------------------------------------------------------------------


def municipalities_like(
    session: Session, name: str, knowledge: Knowledge, limit: int = 5
) -> tuple[dict[str, Municipality], list[tuple[str, float]]]:
    """The municipalities by name, and the names closest to `name`, best first (`/dx join` and the App Home)."""
    known = {m.name: m for m in repo.municipalities(session)}
    readings = {m.name: _municipal_readings(m, knowledge) for m in known.values()}
    return known, rank_names(name, list(known), readings=readings, limit=limit)


def _municipal_readings(municipality: Municipality, knowledge: Knowledge) -> tuple[str, ...]:
    """What to match よこすか or Yokosuka against; rows added before readings were kept fall back on the bundled list."""
    reading = knowledge.reading_of(municipality.name, municipality.code, municipality.reading)
    return municipal_readings(reading) if reading else ()


def _municipality_options(ack, body, context) -> None:
    """The municipality picker of a member who has not joined: the names closest to what they typed."""
    typed = clean_input(text_field(body, "value"), NAME_LIMIT)
    if typed is None:
        ack(options=[])
        return
    services = context["services"]
    with services.db.scope(read_only=True) as session:
        _, ranked = municipalities_like(session, typed, services.knowledge, limit=home_view.MAX_OPTIONS)
    ack(options=home_view.municipality_options([name for name, _ in ranked]))


def _picked_on_home(ack, body, context) -> None:
    """A municipality picked on the Home, on the same terms as `/dx join`; then the Home again. What is not done at
    once (refused, checked, waiting for approval) is told by DM: a Home has no message to answer under."""
    services, who = context["services"], person(body)
    name = text_field(body["actions"][0].get("selected_option") or {}, "value")
    if who is not None and name:
        with services.db.scope() as session:
            place = repo.municipality_named(session, name)
            if place is not None:  # an option we offered, unless the municipality was renamed since
                member = repo.member(session, who.home, who.user)
                outcome = start(session, services, who, installation_of(context), member, place, "ja", {"home": True})
                if not outcome.joined:
                    services.jobs.add(session, delivery.post(who.user, {"text": outcome.text}))
            services.jobs.add(session, home.publish_job(who))
    ack()


# --- jobs: the e-mail check, the approvers' DMs -------------------------------------------------------


def _verify(context: JobContext) -> None:
    """The member's address as Slack's profile has it (confirmed), checked against the municipality's domains as
    they are now; then the outcome where the member asked."""
    payload, services = context.payload, context.services
    user = context.client.users_info(user=payload["user_id"])["user"]
    email = (user.get("profile") or {}).get("email")
    confirmed = email if isinstance(email, str) and user.get("is_email_confirmed") is not False else None
    with services.db.scope() as session:
        who, place = session.get(Member, payload["member_id"]), session.get(Municipality, payload["municipality_id"])
        if who is None or place is None:
            raise Permanent("the member or the municipality is gone")
        membership.remember_email(session, who, confirmed)
        text = _checked(session, context, who, place, confirmed)
        if payload["reply"].get("home"):
            services.jobs.add(session, home.publish_job(Person(who.slack_team_id, who.slack_user_id)))
    _tell(context, text)


def _checked(session: Session, context: JobContext, who: Member, place: Municipality, email: str | None) -> str:
    services, payload, lang = context.services, context.payload, context.payload["lang"]
    if place.join_policy != membership.DOMAIN:  # changed while the check waited: its policy as it is now
        asker = Person(who.slack_team_id, who.slack_user_id, payload["workspace"])
        return start(session, services, asker, frozenset(payload["ours"]), who, place, lang, payload["reply"]).text
    if email is None:
        return t("join_no_email", lang, municipality=place.name)
    if not membership.address_in(email, place.email_domains):
        domains = "、".join(place.email_domains)
        shown = blocks.escape(email)
        return t("join_domain_refused", lang, municipality=place.name, domains=domains, shown=shown)
    return _joined(session, services, who, place, lang, how=membership.DOMAIN)


def _tell(context: JobContext, text: str) -> None:
    reply = context.payload["reply"]
    if reply.get("response_url"):
        delivery.respond_now(context, reply["response_url"], message(text, replace=True))
    else:
        delivery.post_once(context, context.payload["user_id"], text=text)


def _verify_failed(context: JobContext) -> None:
    with context.services.db.scope(read_only=True) as session:
        place = session.get(Municipality, context.payload["municipality_id"])
        name = place.name if place is not None else ""
    _tell(context, t("join_check_failed", context.payload["lang"], municipality=name))


def _ask(context: JobContext) -> None:
    payload = context.payload
    shown = blocks.as_dicts(blocks.join_request(payload["text"], payload["request_id"], "ja"))
    delivery.post_once(context, payload["user_id"], text=payload["text"], blocks=shown)


# --- deciding -----------------------------------------------------------------------------------------


def _decided(ack, body, context, client) -> None:
    action = body["actions"][0]
    request_id = id_in(action)
    if request_id is not None:
        approve = action.get("action_id") == blocks.JOIN_APPROVE
        request = from_action(body, context["services"], client, text="", lang="ja")
        apologise_on_failure(lambda r: _decide(r, request_id, approve))(request)
    ack()


def _decide(request: Request, request_id: int, approve: bool) -> None:
    """Only the municipality's coordinators and its prefecture's admins decide; the first decision holds. The
    member is told by DM; the approver sees the request's message (or their Home) say what was decided."""
    services = request.services
    with services.db.scope() as session:
        found = membership.join_request(session, request_id)
        if found is None:
            request.reply(t("answer_expired", request.lang))
            return
        actor = repo.member(session, request.home, request.user_id)
        place = session.get(Municipality, found.municipality_id)
        if not membership.may_decide(session, actor, found):
            request.reply(t("join_decide_refused", request.lang, municipality=place.name), session=session)
            return
        decided = membership.decide(session, found, actor, approve=approve, now=services.now())
        if decided is None:
            request.reply(t("join_decided_already", request.lang), replace=True, session=session)
            return
        who, place = decided
        key = "join_approved_by" if approve else "join_denied_by"
        request.reply(
            t(key, request.lang, user=who.slack_user_id, municipality=place.name, by=actor.slack_user_id),
            replace=True,
            session=session,
        )
        told = t("join_you_approved" if approve else "join_you_denied", "ja", municipality=place.name)
        services.jobs.add(session, _for(who, delivery.post(who.slack_user_id, {"text": told})))
        for member in (who, actor):
            services.jobs.add(
                session, _for(member, home.publish_job(Person(member.slack_team_id, member.slack_user_id)))
            )


JOBS = {
    "verify_join": JobKind("reply", _verify, give_up=_verify_failed),
    "ask_to_approve": JobKind("reply", _ask),
}
