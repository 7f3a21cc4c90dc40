"""Questions by mention in a channel (answered in the thread) and by direct message.

Both are queued inside the ack together with the event id, so Slack's redelivery of the same event queues
nothing; if the database cannot take it, the ack fails and Slack delivers it again. Jobs announce and answer
them (handlers/ask.py)."""

from __future__ import annotations

from slack_bolt import App

from handlers import delivery
from handlers.ask import announce_job, strip_mentions
from knowledge.messages import t


def register(app: App) -> None:
    app.event("app_mention")(_on_mention)
    # Top-level DMs; replies inside a DM thread belong to the assistant surface (handlers/assistant.py).
    app.event({"type": "message", "channel_type": "im"})(_on_direct_message)


def _on_mention(event, body, context) -> None:
    question = strip_mentions(event.get("text") or "")
    channel, thread_ts = event["channel"], event.get("thread_ts") or event["ts"]
    if not question:  # a bare "@dxbot": say what it can do
        job = delivery.post(channel, {"text": t("help", "ja")}, thread_ts=thread_ts)
    else:
        job = announce_job(
            question,
            surface="mention",
            team_id=body.get("team_id"),
            user_id=event.get("user"),
            channel=channel,
            thread_ts=thread_ts,
            current_ts=event["ts"],
            history=bool(event.get("thread_ts")),
        )
    context["services"].jobs.submit(job, event_id=body.get("event_id"))


def _on_direct_message(event, body, context) -> None:
    if event.get("subtype") or event.get("bot_id") or not (event.get("text") or "").strip():
        return  # edits, joins and the bot's own posts are not questions
    job = announce_job(
        strip_mentions(event["text"]),
        surface="dm",
        team_id=body.get("team_id"),
        user_id=event.get("user"),
        channel=event["channel"],
        thread_ts=event["ts"],
    )
    context["services"].jobs.submit(job, event_id=body.get("event_id"))
