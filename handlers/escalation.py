"""Escalation: "ask the coordinator" under an answer given in a channel, and the "resolved" button that closes it.

The click is recorded in its ack (one escalation per thread, however often it is pressed); a job then tags the
asker's municipality's coordinators in the thread, with the "resolved" button, and marks the question 🆘. Only
a coordinator of that municipality, or the asker, may resolve it: the message then says who did, and the 🆘
becomes ✅. The coordinator's App Home lists the open ones (db/escalations.open_escalations)."""

from __future__ import annotations

import logging

from slack_bolt import App
from slack_sdk.errors import SlackApiError

from bot.jobs import JobContext, JobKind
from db import access, escalations, repo
from db.jobs import NewJob
from handlers import blocks, delivery
from handlers.request import Request, apologise_on_failure, from_action, text_field
from knowledge.messages import t

log = logging.getLogger(__name__)

SOS, RESOLVED = "sos", "white_check_mark"


def register(app: App) -> None:
    app.action("escalate")(_escalate)
    app.action("escalation_resolve")(_resolve)


def _parts(action: dict, count: int) -> list[str] | None:
    """The `count` fields of a button value we rendered (`a:b:…`); None for anything else."""
    parts = (text_field(action, "value") or "").split(":")
    if len(parts) != count or not parts[0].isascii() or not parts[0].isdigit() or len(parts[0]) > 18:
        return None
    return parts


# --- "ask the coordinator" -----------------------------------------------------------------------


def _escalate(ack, body, context, client) -> None:
    parts = _parts(body["actions"][0], 4)  # question id, channel, thread, the question's own message
    if parts is not None:
        request = from_action(body, context["services"], client, text="", lang="ja")
        apologise_on_failure(lambda r: _open(r, int(parts[0]), *parts[1:]))(request)
    ack()


def _open(request: Request, question_id: int, channel: str, thread_ts: str, question_ts: str) -> None:
    services = request.services
    with services.db.scope() as session:
        question = repo.question(session, question_id)
        if question is None or not question.slack_user_id:
            request.reply(t("answer_expired", request.lang))
            return
        lang = question.language
        if (question.slack_team_id, question.slack_user_id) != (request.home, request.user_id):
            request.reply(t("escalation_only_asker", lang), session=session)
            return
        asker = repo.member(session, request.home, request.user_id)
        found, opened = escalations.escalate(
            session,
            team_id=request.home,
            channel_id=channel,
            thread_ts=thread_ts,
            question_id=question_id,
            asker=asker,
            at=services.now(),
        )
        if not opened:
            request.reply(t("escalation_already", lang), session=session)
            return
        if asker.municipality_id is None:
            text = t("escalation_no_municipality", lang, user=asker.slack_user_id)
        else:
            called = " ".join(f"<@{m.slack_user_id}>" for m in access.coordinators(session, asker.municipality_id))
            key = "escalation_posted" if called else "escalation_no_coordinator"
            text = t(key, lang, coordinators=called, user=asker.slack_user_id, municipality=asker.municipality.name)
        payload = {
            "channel": channel,
            "thread_ts": thread_ts,
            "question_ts": question_ts,
            "text": text,
            "resolve": f"{found.id}:{question_ts}",
            "lang": lang,
        }
        services.jobs.add(session, NewJob("reply", "escalate", payload))
        request.reply(t("escalation_sent", lang), session=session)


def _post(context: JobContext) -> None:
    payload = context.payload
    message = blocks.as_dicts(blocks.escalation(payload["text"], payload["resolve"], payload["lang"]))
    delivery.post_once(context, payload["channel"], payload["thread_ts"], text=payload["text"], blocks=message)
    _react(context.client.reactions_add, payload["channel"], payload["question_ts"], SOS)


# --- "resolved" ---------------------------------------------------------------------------------


def _resolve(ack, body, context, client) -> None:
    parts = _parts(body["actions"][0], 2)  # escalation id, the question's message
    message_ts = text_field(body.get("container"), "message_ts") or text_field(body.get("message"), "ts")
    if parts is not None and message_ts:
        request = from_action(body, context["services"], client, text="", lang="ja")
        apologise_on_failure(lambda r: _close(r, int(parts[0]), parts[1], message_ts))(request)
    ack()


def _close(request: Request, escalation_id: int, question_ts: str, message_ts: str) -> None:
    services = request.services
    with services.db.scope() as session:
        found = escalations.escalation(session, escalation_id)
        if found is None:
            request.reply(t("answer_expired", request.lang))
            return
        question = repo.question(session, found.question_id) if found.question_id else None
        lang = question.language if question else request.lang
        clicker = repo.member(session, request.home, request.user_id)
        if not (access.manages(clicker, found.municipality_id) or clicker.id == found.member_id):
            request.reply(t("escalation_resolve_refused", lang), session=session)
            return
        if not escalations.resolve(session, found, by=request.user_id, at=services.now()):
            request.reply(t("escalation_already_resolved", lang), session=session)
            return
        payload = {
            "channel": found.channel_id,
            "message_ts": message_ts,
            "question_ts": question_ts,
            "text": t("escalation_resolved", lang, by=request.user_id),
            "lang": lang,
        }
        services.jobs.add(session, NewJob("reply", "resolve_escalation", payload))


def _mark_resolved(context: JobContext) -> None:
    """The escalation message says who resolved it (its button gone); the question's 🆘 becomes ✅."""
    payload = context.payload
    channel, text = payload["channel"], payload["text"]
    message = blocks.as_dicts(blocks.escalation(text, None, payload["lang"]))
    context.client.chat_update(channel=channel, ts=payload["message_ts"], text=text, blocks=message)
    _react(context.client.reactions_remove, channel, payload["question_ts"], SOS)
    _react(context.client.reactions_add, channel, payload["question_ts"], RESOLVED)


def _react(method, channel: str, ts: str, name: str) -> None:
    """A reaction is a sign, not the record: one already there (a retried job), or gone, or refused is fine."""
    try:
        method(channel=channel, timestamp=ts, name=name)
    except SlackApiError as error:
        log.info("reaction %s on %s in %s: %s", name, ts, channel, error.response.get("error"))


JOBS = {
    "escalate": JobKind("reply", _post),
    "resolve_escalation": JobKind("reply", _mark_resolved),
}
