"""Questions by mention in a channel (answered in the thread) and by direct message.

Both are queued inside the ack together with the event id, so Slack's redelivery of the same event queues
nothing; if the database cannot take it, the ack fails and Slack delivers it again. Jobs announce and answer
them (handlers/ask.py)."""

from __future__ import annotations

from slack_bolt import App

from handlers import delivery
from handlers.ask import announce_job, strip_mentions
from handlers.command import text_field
from knowledge.answer import QUESTION_LIMIT
from knowledge.messages import language_of, t
from knowledge.text import clean_input


def register(app: App) -> None:
    app.event("app_mention")(_on_mention)
    # Top-level DMs; replies inside a DM thread belong to the assistant surface (handlers/assistant.py).
    app.event({"type": "message", "channel_type": "im"})(_on_direct_message)


def _on_mention(event, body, context) -> None:
    channel, ts = text_field(event, "channel"), text_field(event, "ts")
    if not channel or not ts:
        return
    thread_ts = text_field(event, "thread_ts") or ts
    raw = strip_mentions(text_field(event, "text") or "")
    if not raw:  # a bare "@dxbot": say what it can do
        help_job = delivery.post(channel, {"text": t("help", "ja")}, thread_ts=thread_ts)
        context["services"].jobs.submit(help_job, event_id=text_field(body, "event_id"))
        return
    where = {"current_ts": ts, "history": thread_ts != ts}
    _queue_question(context, body, event, raw, surface="mention", channel=channel, thread_ts=thread_ts, **where)


def _on_direct_message(event, body, context) -> None:
    channel, ts = text_field(event, "channel"), text_field(event, "ts")
    if event.get("subtype") or event.get("bot_id") or not channel or not ts:
        return  # edits, joins and the bot's own posts are not questions
    raw = strip_mentions(text_field(event, "text") or "")
    if raw.strip():
        _queue_question(context, body, event, raw, surface="dm", channel=channel, thread_ts=ts)


def _queue_question(context, body: dict, event: dict, raw: str, *, surface: str, channel: str, thread_ts: str, **where):
    question = clean_input(raw, QUESTION_LIMIT)
    if question is None:  # too long to be a question, or nothing but invisible characters
        reply = {"text": t("bad_input", language_of(raw), limit=QUESTION_LIMIT)}
        job = delivery.post(channel, reply, thread_ts=thread_ts)
    else:
        job = announce_job(
            question,
            surface=surface,
            team_id=text_field(body, "team_id"),
            user_id=text_field(event, "user"),
            channel=channel,
            thread_ts=thread_ts,
            **where,
        )
    context["services"].jobs.submit(job, event_id=text_field(body, "event_id"))
