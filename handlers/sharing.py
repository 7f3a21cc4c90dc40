"""`/dx share`, `/dx privacy`, `/dx digest` and the share modal: what members give to the weekly digest."""

from __future__ import annotations

from slack_bolt import App

from bot.jobs import JobContext, JobKind
from bot.services import Services
from db import prefectures, repo
from db.digest import Week, digest_data
from db.jobs import NewJob
from handlers import delivery
from handlers.blocks import escape
from handlers.digest_blocks import (
    SHARE_ACTION,
    SHARE_BLOCK,
    SHARE_LIMIT,
    SHARE_MODAL,
    DigestMessage,
    digest_messages,
    share_confirmation,
    share_modal,
)
from handlers.request import Request, message, person, text_field
from knowledge.courses import CourseMatcher
from knowledge.messages import Lang, t
from knowledge.text import clean_input

NAME_LIMIT = 100  # members.display_name
COORDINATORS = ("coordinator", "admin")
SWITCH = {"on": True, "off": False}


def register(app: App) -> None:
    app.view(SHARE_MODAL)(_submitted)


# --- sub-commands -------------------------------------------------------------------------------


def share(request: Request) -> None:
    if not request.text.strip():
        request.client.views_open(trigger_id=request.trigger_id, view=share_modal(request.lang, SHARE_LIMIT))
        request.acknowledge_silently()
        return
    text = clean_input(request.text, SHARE_LIMIT)
    if text is None:
        request.reply(t("bad_input", request.lang, limit=SHARE_LIMIT))
        return
    request.reply(_store(request.services, request.home, request.user_id, text, request.lang))


def privacy(request: Request) -> None:
    words = request.text.lower().split()
    if words[:1] == ["names"]:
        words = words[1:]
    choice = SWITCH.get(words[0]) if len(words) == 1 else None
    services = request.services
    with services.db.scope() as session:
        who = repo.member(session, request.home, request.user_id)
        if choice is not None:
            # The name Slack sent with the command for now; a job asks Slack for the member's real name.
            repo.set_show_name(session, who, choice, request.user_name)
        if choice:
            payload = {"member_id": who.id, "user_id": request.user_id, "name": request.user_name}
            payload |= {"response_url": request.response_url, "lang": request.lang}
            services.jobs.add(session, NewJob("reply", "refresh_name", payload))
        shown = who.show_name
    if choice is None:
        state = t("privacy_state_on" if shown else "privacy_state_off", request.lang)
        request.reply(t("privacy_usage", request.lang, state=state))
    else:
        request.reply(t("privacy_on" if choice else "privacy_off", request.lang))


def digest(request: Request) -> None:
    """This week so far, as it would be posted to the coordinator's prefecture: for coordinators, who decide what
    to encourage. Counting takes a while at scale, so it is slow work: the ack says so and a job replaces that with
    the preview."""
    services = request.services
    with services.db.scope() as session:
        who = repo.member(session, request.home, request.user_id)
        tenant = prefectures.tenant_of(session, who.municipality_id)
        if who.role not in COORDINATORS:
            reply = "digest_for_coordinators"
        elif tenant is None:
            reply = "digest_join_first"
        else:
            payload = {"response_url": request.response_url, "lang": request.lang, "prefecture_id": tenant.id}
            services.jobs.add(session, NewJob("ask", "digest_preview", payload))
            reply = "digest_preparing"
    request.reply(t(reply, request.lang, user=request.user_id))


def preview(services: Services, lang: Lang, prefecture_id: int) -> DigestMessage:
    """This week's digest of one prefecture so far, as its first post would read, marked as a preview (here and on
    the App Home)."""
    tz = services.settings.tz
    with services.db.scope(read_only=True) as session:
        tenant = prefectures.tenant_by_id(session, prefecture_id)
        if tenant is None:  # removed since the job was queued
            raise LookupError(f"prefecture {prefecture_id}")
        data = digest_data(session, Week.containing(services.now(), tz), tz, tenant)
    return digest_messages(data, services.knowledge, lead=t("digest_preview_note", lang), threaded=False)[0]


def _preview(context: JobContext) -> None:
    payload = context.payload
    first = preview(context.services, payload["lang"], payload["prefecture_id"])
    delivery.respond_now(context, payload["response_url"], message(first.text, first.blocks, replace=True))


def _preview_failed(context: JobContext) -> None:
    reply = message(t("sorry_error", context.payload["lang"]), replace=True)
    delivery.respond_now(context, context.payload["response_url"], reply)


# --- storing a tip ------------------------------------------------------------------------------


def _store(services: Services, home: str, user_id: str, text: str, lang: Lang) -> str:
    """Keep the tip (tied to a course when the text clearly names one); returns the confirmation to show."""
    course = CourseMatcher.clear_winner(services.catalogue().matcher.match(text))
    with services.db.scope() as session:
        who = repo.member(session, home, user_id)
        repo.add_share(session, who, text, course.id if course else None, services.now())
        lines = [t("sharing_thanks", lang)]
        if course is not None:
            lines.append(t("sharing_course", lang, title=escape(course.title)))
        name = who.display_name if who.show_name else None
        lines.append(t("sharing_as_name", lang, name=escape(name)) if name else t("sharing_anonymous", lang))
        if who.municipality_id is None:
            lines.append(t("done_join_hint", lang))
    return "\n".join(lines)


def _refresh_name(context: JobContext) -> None:
    """The member's name as their Slack profile shows it, kept while they still want to be named."""
    user = context.client.users_info(user=context.payload["user_id"])["user"]
    profile = user.get("profile") or {}
    name = user.get("real_name") or profile.get("real_name") or profile.get("display_name") or user.get("name")
    if name:
        with context.services.db.scope() as session:
            repo.rename_if_shown(session, context.payload["member_id"], name[:NAME_LIMIT])


# --- the modal ----------------------------------------------------------------------------------


def _modal_text(body: dict) -> str | None:
    values = ((body.get("view") or {}).get("state") or {}).get("values") or {}
    return clean_input(text_field(values.get(SHARE_BLOCK, {}).get(SHARE_ACTION), "value"), SHARE_LIMIT)


def _modal_lang(body: dict) -> Lang:
    return "en" if text_field(body.get("view"), "private_metadata") == "en" else "ja"


def _submitted(ack, body, context) -> None:
    """Stored before the ack, which turns the form into the confirmation (a modal has no channel to reply in)."""
    text, lang, who = _modal_text(body), _modal_lang(body), person(body)
    if text is None or who is None:  # the form stays open with the problem shown under the field
        ack(response_action="errors", errors={SHARE_BLOCK: t("sharing_modal_invalid", lang, limit=SHARE_LIMIT)})
        return
    confirmation = _store(context["services"], who.home, who.user, text, lang)
    ack(response_action="update", view=share_confirmation(confirmation, lang))


def _name_unavailable(context: JobContext) -> None:
    """Slack would not give the profile name (users.info refused or unreachable): the member keeps the name
    their command came with, and is told which."""
    payload = context.payload
    note = t(
        "privacy_name_unavailable", payload.get("lang", "ja"), name=escape(payload.get("name") or payload["user_id"])
    )
    delivery.respond_now(context, payload["response_url"], message(note))


JOBS = {
    "refresh_name": JobKind("reply", _refresh_name, give_up=_name_unavailable),
    "digest_preview": JobKind("ask", _preview, give_up=_preview_failed),
}
