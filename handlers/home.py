"""The App Home tab and the record-a-completion modal: the member's path, hours and records, the latest tips,
and for coordinators their own municipality. Everything `/dx` does for a member is reachable from here (or from
the `dx_record` shortcut), for surfaces where slash commands do not work. The Home is published by a job, and
published again when something on it changed."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from slack_bolt import App

from bot.jobs import JobContext, JobKind
from bot.services import Services
from db import access, prefectures, repo
from db import home as home_db
from db.jobs import NewJob
from db.models import Member
from handlers import delivery, learning, nudges, sharing
from handlers import home_blocks as blocks
from handlers.blocks import as_dicts, escape
from handlers.request import Handler, Person, apologise_on_failure, from_action, person, text_field
from knowledge.fiscal import fiscal_year, fiscal_year_span
from knowledge.messages import Lang, t
from knowledge.text import clean_input

log = logging.getLogger(__name__)

RECORD_SHORTCUT = "dx_record"
HOURS_LIMIT = 1000
LICENCE_WINDOW = timedelta(days=30)
SEARCH_RESULTS = 20
TIPS = 3


def register(app: App) -> None:
    app.event("app_home_opened")(_home_opened)
    app.action(blocks.RECORD)(_open_record)
    app.action(blocks.UNDO)(_undo)
    app.shortcut(RECORD_SHORTCUT)(_open_record)
    app.action(blocks.TRACK)(_track_picked)
    app.action(blocks.NUDGES)(_switched(nudges.nudges))
    app.action(blocks.LEAVE)(_switched(nudges.leave))
    app.action(blocks.SHARE)(_share)
    app.action(blocks.DIGEST_PREVIEW)(_digest_preview)
    app.options(blocks.COURSE[1])(_course_options)
    app.view(blocks.RECORD_MODAL)(_submitted)


def _home_opened(event, body, context) -> None:
    who = person(body, event)
    if event.get("tab") not in (None, "home") or who is None:
        return
    context["services"].jobs.submit(publish_job(who), event_id=text_field(body, "event_id"))


def publish_job(who: Person) -> NewJob:
    """The member's Home published again (after anything on it changed)."""
    return NewJob("reply", "publish_home", {"team_id": who.home, "user_id": who.user})


# --- publishing ---------------------------------------------------------------------------------


def _publish(context: JobContext) -> None:
    services = context.services
    team_id, user_id = context.payload["team_id"], context.payload["user_id"]
    now = services.now()
    with services.db.scope() as session:
        who = repo.member(session, team_id, user_id)
        learner = _learner(services, session, who, now)
        overview = _overview(services, session, who, now) if access.manages(who, who.municipality_id) else None
    context.client.views_publish(user_id=user_id, view=blocks.home(learner, overview, now))


def _learner(services: Services, session, who: Member, now: datetime) -> blocks.LearnerHome:
    tz = services.settings.tz
    records = repo.completions(session, who)
    finished = {c.course_id for c in records}
    path = learning.ordered_path(services.knowledge.courses_on_track(who.track)) if who.track else []
    year = fiscal_year(now.astimezone(tz).date())
    start, end = fiscal_year_span(year, tz)
    return blocks.LearnerHome(
        municipality=who.municipality.name if who.municipality else None,
        pending=home_db.pending_join(session, who) if who.municipality_id is None else None,
        track=who.track,
        path=[(course, course.id in finished) for course in path],
        fiscal_year=year,
        hours=home_db.hours_between(session, who, start, end),
        recent=[
            blocks.Recent(c.title_snapshot, c.completed_at.astimezone(tz).strftime("%Y-%m-%d"), c.course_key)
            for c in reversed(records)
        ],
        tips=home_db.latest_tips(session, who.municipality_id, TIPS),
        nudges=who.nudges,
        on_leave=who.on_leave,
    )


def _overview(services: Services, session, who: Member, now: datetime) -> home_db.Overview:
    knowledge = services.knowledge
    required = {
        track: [c.id for c in knowledge.courses_on_track(track) if c.requirement == "required"]
        for track in (None, *blocks.TRACKS)
    }
    tz = services.settings.tz
    month_start = datetime.combine(now.astimezone(tz).date().replace(day=1), time(), tz)
    return home_db.overview(
        session, who.municipality_id, required, month_start=month_start, licence_window_start=now - LICENCE_WINDOW
    )


# --- buttons ------------------------------------------------------------------------------------


def _open_record(ack, body, context, client) -> None:
    """The Home's button and the `dx_record` shortcut: the modal, with "on behalf of" for coordinators."""
    services, who = context["services"], person(body)
    trigger_id = text_field(body, "trigger_id")
    if who is not None and trigger_id:
        with services.db.scope() as session:
            actor = repo.member(session, who.home, who.user)
            on_behalf = access.manages(actor, actor.municipality_id)
        client.views_open(trigger_id=trigger_id, view=blocks.record_modal("ja", services.today(), on_behalf))
    ack()


def _undo(ack, body, context) -> None:
    """A record removed from the Home's list (what `/dx undo` does), then the Home again."""
    services, who = context["services"], person(body)
    key = text_field(body["actions"][0], "value")
    if who is not None and key:
        with services.db.scope() as session:
            repo.remove_completion(session, repo.member(session, who.home, who.user), key)
            services.jobs.add(session, publish_job(who))
    ack()


def _track_picked(ack, body, context, client) -> None:
    """The track picker: what `/dx track` does, then the Home again with the new path."""
    services, who = context["services"], person(body)
    chosen = text_field((body["actions"][0].get("selected_option") or {}), "value")
    if who is not None and chosen in blocks.TRACKS:
        apologise_on_failure(learning.track)(from_action(body, services, client, text=chosen, lang="ja"))
        services.jobs.submit(publish_job(who))
    ack()


def _switched(command: Handler) -> Callable:
    """A reminders button: what `/dx nudges on|off` or `/dx leave on|off` does, then the Home again."""

    def clicked(ack, body, context, client) -> None:
        services, who = context["services"], person(body)
        value = text_field(body["actions"][0], "value")
        if who is not None and value in ("on", "off"):
            apologise_on_failure(command)(from_action(body, services, client, text=value, lang="ja"))
            services.jobs.submit(publish_job(who))
        ack()

    return clicked


def _share(ack, body, context, client) -> None:
    """The share modal, as `/dx share` without text opens it."""
    sharing.share(from_action(body, context["services"], client, text="", lang="ja"))
    ack()


def _digest_preview(ack, body, context) -> None:
    """What `/dx digest` shows, sent to the coordinator as a DM (a Home has no message to answer under)."""
    services, who = context["services"], person(body)
    if who is not None:
        with services.db.scope() as session:
            member = repo.member(session, who.home, who.user)
            tenant = prefectures.tenant_of(session, member.municipality_id)
            if member.role in access.MANAGERS and tenant is not None:
                payload = {"user_id": who.user, "lang": "ja", "prefecture_id": tenant.id}
                services.jobs.add(session, NewJob("ask", "home_digest_preview", payload))
            else:  # the button is only on coordinators' Homes: a former coordinator's stale Home
                log.info("digest preview refused to %s: not a coordinator of a municipality", who.user)
    ack()


def _send_preview(context: JobContext) -> None:
    payload = context.payload
    first = sharing.preview(context.services, payload["lang"], payload["prefecture_id"])
    delivery.post_once(context, payload["user_id"], text=first.text, blocks=as_dicts(first.blocks))


def _preview_failed(context: JobContext) -> None:
    context.client.chat_postMessage(channel=context.payload["user_id"], text=t("sorry_error", context.payload["lang"]))


# --- the record modal ---------------------------------------------------------------------------


def _course_options(ack, body, context) -> None:
    """The course search: catalogue matches for what the member has typed so far, then the text as written."""
    typed = clean_input(text_field(body, "value"), learning.COURSE_TEXT_LIMIT)
    if typed is None:
        ack(options=[])
        return
    matches = context["services"].catalogue().matcher.match(typed, limit=SEARCH_RESULTS)
    ack(options=blocks.course_options(matches, typed, _modal_lang(body)))


def _modal_lang(body: dict) -> Lang:
    return "en" if text_field(body.get("view"), "private_metadata") == "en" else "ja"


def _submitted(ack, body, context) -> None:
    """Kept before the ack, which turns the form into the confirmation; a problem is shown under its field and
    the form keeps everything else the member entered."""
    services, lang, who = context["services"], _modal_lang(body), person(body)
    values = ((body.get("view") or {}).get("state") or {}).get("values") or {}
    form = _Form(values, services, lang)
    if who is None or form.errors:
        ack(response_action="errors", errors=form.errors or {blocks.COURSE[0]: t("sorry_error", lang)})
        return
    outcome = services.db.run(lambda session: _record(session, services, who, form, lang))
    if isinstance(outcome, dict):
        ack(response_action="errors", errors=outcome)
    else:
        ack(response_action="update", view=blocks.record_confirmation(outcome, lang))


class _Form:
    """The modal's fields, checked; `errors` by block id, as Slack shows them."""

    def __init__(self, values: dict, services: Services, lang: Lang):
        self.errors: dict[str, str] = {}
        chosen = text_field(_field(values, blocks.COURSE).get("selected_option"), "value") or ""
        self.course = services.catalogue().get(chosen)
        self.title = self.course.title if self.course else clean_input(chosen.removeprefix(blocks.FREE_TEXT), 200)
        if self.course is None and not (chosen.startswith(blocks.FREE_TEXT) and self.title):
            self.errors[blocks.COURSE[0]] = t("record_error_course", lang)
        self.hours = self._hours(text_field(_field(values, blocks.HOURS), "value"), lang)
        self.day = self._day(text_field(_field(values, blocks.DAY), "selected_date"), services.today(), lang)
        self.behalf = text_field(_field(values, blocks.BEHALF), "selected_user")

    def _hours(self, text: str | None, lang: Lang) -> float | None:
        if text is None or not text.strip():
            return self.course.hours if self.course else None
        try:
            hours = float(text)
        except ValueError:
            hours = math.nan
        if not (0 < hours <= HOURS_LIMIT):  # nan and inf fail too
            self.errors[blocks.HOURS[0]] = t("record_error_hours", lang, limit=HOURS_LIMIT)
            return None
        return hours

    def _day(self, text: str | None, today: date, lang: Lang) -> date | None:
        try:
            day = date.fromisoformat(text or "")
        except ValueError:
            self.errors[blocks.DAY[0]] = t("record_error_date", lang)
            return None
        if day > today:
            self.errors[blocks.DAY[0]] = t("record_error_future", lang)
            return None
        return day


def _field(values: dict, ids: tuple[str, str]) -> dict:
    found = (values.get(ids[0]) or {}).get(ids[1])
    return found if isinstance(found, dict) else {}


def _record(session, services: Services, who: Person, form: _Form, lang: Lang) -> str | dict[str, str]:
    """The record, for the member or (a coordinator's) for one of their own municipality's members: the
    confirmation to show, or the form's errors. The Homes it changes are published again after the commit."""
    actor = repo.member(session, who.home, who.user)
    subject = actor
    if form.behalf and form.behalf != who.user:
        subject = home_db.member_of(session, who.home, form.behalf)
        if subject is None or subject.left_at is not None or not access.manages(actor, subject.municipality_id):
            return {blocks.BEHALF[0]: t("record_error_behalf", lang)}
    now = services.now()
    tz = services.settings.tz
    completed_at = now if form.day == now.astimezone(tz).date() else datetime.combine(form.day, time(12), tz)
    course_id = form.course.id if form.course else None
    if subject is actor:
        recorded = repo.record_completion(
            session,
            who.home,
            who.user,
            course_id=course_id,
            title=form.title,
            hours=form.hours,
            completed_at=completed_at,
        )
    else:
        recorded = access.record_on_behalf(
            session,
            actor,
            subject,
            course_id=course_id,
            title=form.title,
            hours=form.hours,
            completed_at=completed_at,
            now=now,
        )
    day = recorded.completed_at.astimezone(tz).strftime("%Y-%m-%d")
    for member in {actor.id: actor, subject.id: subject}.values():
        services.jobs.add(session, publish_job(Person(member.slack_team_id, member.slack_user_id)))
    if not recorded.created:
        return t("done_already", lang, title=escape(recorded.title), date=day)
    if subject is actor:
        message = t("record_saved", lang, title=escape(recorded.title), date=day)
        return message if recorded.joined else message + "\n" + t("done_join_hint", lang)
    return t("record_saved_for", lang, user=subject.slack_user_id, title=escape(recorded.title), date=day)


JOBS = {
    "publish_home": JobKind("reply", _publish),
    "home_digest_preview": JobKind("ask", _send_preview, give_up=_preview_failed),
}
