"""Questions by mention in a channel (answered in the thread), by direct message, and, in a channel a coordinator
configured to answer every question (`/dx admin channel … answer-all on`), by any top-level message that asks
something; in a channel set to `ephemeral` the answer goes to the asker only.

All are queued inside the ack together with the event id, so Slack's redelivery of the same event queues
nothing; if the database cannot take it, the ack fails and Slack delivers it again. Jobs announce and answer
them (handlers/ask.py)."""

from __future__ import annotations

from slack_bolt import App

from db import channels
from handlers.ask import queue_reply
from handlers.request import text_field
from knowledge.text import looks_like_question

# A file with words is still a question; edits, deletions and joins are not.
QUESTION_SUBTYPES = (None, "file_share")
CHANNEL_TYPES = ("channel", "group")


def register(app: App) -> None:
    app.event("app_mention")(_on_mention)
    # Every message event the workspace subscribes to comes here (bolt matches on type and subtype only): DMs, and
    # channel messages (message.channels / message.groups), answered only where a channel is set to answer all.
    app.event("message")(_on_message)


def _on_mention(event, body, context) -> None:
    if _from_a_bot(event):  # two bots answering each other would never stop
        return
    thread_ts = text_field(event, "thread_ts") or text_field(event, "ts")
    history = thread_ts != event.get("ts")
    _answer_all, ephemeral = _settings(context, event)
    queue_reply(
        context["services"], body, event, surface="mention", thread_ts=thread_ts, history=history, ephemeral=ephemeral
    )


def _on_message(event, body, context) -> None:
    """A top-level direct message (replies inside a DM thread belong to the assistant surface: bolt's Assistant
    takes them before they reach here), or a question in an answer-all channel."""
    if event.get("subtype") not in QUESTION_SUBTYPES or _from_a_bot(event):
        return
    ts = text_field(event, "ts")
    if event.get("channel_type") == "im":
        queue_reply(context["services"], body, event, surface="dm", thread_ts=ts, history=False)
    elif _may_be_for_dxbot(event, context):
        answer_all, ephemeral = _settings(context, event)
        if answer_all:
            queue_reply(
                context["services"], body, event, surface="mention", thread_ts=ts, history=False, ephemeral=ephemeral
            )


def _may_be_for_dxbot(event: dict, context) -> bool:
    """A top-level channel message that looks like a question (answered when the channel is set to answer all).
    Thread replies are conversation (dxbot joins them when mentioned, as anywhere), and a message that mentions
    dxbot is answered once, as the app_mention Slack sends for it too."""
    text = text_field(event, "text") or ""
    bot = context.get("bot_user_id")
    if event.get("channel_type") not in CHANNEL_TYPES or event.get("thread_ts") not in (None, event.get("ts")):
        return False
    return not (bot and f"<@{bot}" in text) and looks_like_question(text)


def _settings(context, event: dict) -> tuple[bool, bool]:
    """(answers every question, answers only the asker) for the event's channel: (False, False) by default."""
    channel = text_field(event, "channel")

    def read(session) -> tuple[bool, bool]:
        found = channels.channel_config(session, channel) if channel else None
        return (found.answer_all, found.visibility == "ephemeral") if found else (False, False)

    return context["services"].db.run(read, read_only=True)


def _from_a_bot(event: dict) -> bool:
    """Another app, dxbot itself, or Slackbot's notices in the DM: never a member asking."""
    return bool(
        event.get("bot_id")
        or event.get("bot_profile")
        or event.get("subtype") == "bot_message"
        or event.get("user") == "USLACKBOT"
    )
