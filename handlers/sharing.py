"""`/dx share`, `/dx privacy`, `/dx digest` and the share modal: what members give to the weekly digest."""

from __future__ import annotations

from slack_bolt import App
from slack_sdk import WebClient

from bot.services import Services
from db import repo
from db.digest import Week, digest_data
from handlers.command import Request
from handlers.digest_blocks import SHARE_ACTION, SHARE_BLOCK, SHARE_LIMIT, SHARE_MODAL, digest_messages, share_modal
from knowledge.courses import CourseMatcher
from knowledge.messages import Lang, t
from knowledge.text import clean_input

NAME_LIMIT = 100  # members.display_name
COORDINATORS = ("coordinator", "admin")
SWITCH = {"on": True, "off": False}


def register(app: App) -> None:
    app.view(SHARE_MODAL)(ack=_validate, lazy=[_submitted])


# --- sub-commands -------------------------------------------------------------------------------


def share(request: Request) -> None:
    if not request.text.strip():
        request.client.views_open(trigger_id=request.trigger_id, view=share_modal(request.lang, SHARE_LIMIT))
        return
    text = clean_input(request.text, SHARE_LIMIT)
    if text is None:
        request.reply(t("bad_input", request.lang, limit=SHARE_LIMIT))
        return
    request.reply(_store(request.services, request.team_id, request.user_id, text, request.lang))


def privacy(request: Request) -> None:
    words = request.text.lower().split()
    if words[:1] == ["names"]:
        words = words[1:]
    choice = SWITCH.get(words[0]) if len(words) == 1 else None
    # Slack is asked for the name outside the transaction: no database connection waits on the network.
    name = (_real_name(request.client, request.user_id) or request.user_name) if choice else None
    with request.services.db.scope() as session:
        who = repo.member(session, request.team_id, request.user_id)
        if choice is not None:
            repo.set_show_name(session, who, choice, name)
        shown = who.show_name
    if choice is None:
        state = t("privacy_state_on" if shown else "privacy_state_off", request.lang)
        request.reply(t("privacy_usage", request.lang, state=state))
    else:
        request.reply(t("privacy_on", request.lang, name=name) if choice else t("privacy_off", request.lang))


def digest(request: Request) -> None:
    """This week so far, as it would be posted: for coordinators, who decide what to encourage."""
    services = request.services
    tz = services.settings.tz
    with services.db.scope() as session:
        allowed = repo.member(session, request.team_id, request.user_id).role in COORDINATORS
        data = digest_data(session, Week.containing(services.now(), tz), tz) if allowed else None
    if data is None:
        request.reply(t("digest_for_coordinators", request.lang, user=request.user_id))
        return
    first = digest_messages(data, services.knowledge, lead=t("digest_preview_note", request.lang), threaded=False)[0]
    request.reply(first.text, first.blocks)


# --- storing a tip ------------------------------------------------------------------------------


def _store(services: Services, team_id: str, user_id: str, text: str, lang: Lang) -> str:
    """Keep the tip (tied to a course when the text clearly names one); the confirmation to send."""
    course = CourseMatcher.clear_winner(services.matcher.match(text))
    with services.db.scope() as session:
        who = repo.member(session, team_id, user_id)
        repo.add_share(session, who, text, course.id if course else None, services.now())
        name = who.display_name if who.show_name else None
        joined = who.municipality_id is not None
    lines = [t("sharing_thanks", lang)]
    if course is not None:
        lines.append(t("sharing_course", lang, title=course.title))
    lines.append(t("sharing_as_name", lang, name=name) if name else t("sharing_anonymous", lang))
    if not joined:
        lines.append(t("done_join_hint", lang))
    return "\n".join(lines)


def _real_name(client: WebClient, user_id: str) -> str | None:
    user = client.users_info(user=user_id)["user"]
    profile = user.get("profile") or {}
    name = user.get("real_name") or profile.get("real_name") or profile.get("display_name") or user.get("name")
    return name[:NAME_LIMIT] if name else None


# --- the modal ----------------------------------------------------------------------------------


def _modal_text(body: dict) -> str | None:
    value = body["view"]["state"]["values"].get(SHARE_BLOCK, {}).get(SHARE_ACTION, {}).get("value")
    return clean_input(value, SHARE_LIMIT)


def _modal_lang(body: dict) -> Lang:
    return body["view"].get("private_metadata") or "ja"


def _validate(ack, body) -> None:
    if _modal_text(body) is None:
        ack(
            response_action="errors",
            errors={SHARE_BLOCK: t("sharing_modal_invalid", _modal_lang(body), limit=SHARE_LIMIT)},
        )
    else:
        ack()


def _submitted(body, context, client) -> None:
    text = _modal_text(body)
    if text is None:  # lazy listeners run whatever the ack said; the form is still open with its error
        return
    user = body["user"]
    team_id = user.get("team_id") or (body.get("team") or {}).get("id") or ""
    confirmation = _store(context["services"], team_id, user["id"], text, _modal_lang(body))
    client.chat_postMessage(channel=user["id"], text=confirmation)  # a DM: a modal has no channel to reply in
