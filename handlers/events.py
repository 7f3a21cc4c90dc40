"""Questions by mention in a channel (answered in the thread) and by direct message.

Both are queued inside the ack together with the event id, so Slack's redelivery of the same event queues
nothing; if the database cannot take it, the ack fails and Slack delivers it again. Jobs announce and answer
them (handlers/ask.py)."""

from __future__ import annotations

from slack_bolt import App

from handlers.ask import queue_reply
from handlers.request import text_field

# A file with words is still a question; edits, deletions and joins are not.
QUESTION_SUBTYPES = (None, "file_share")


def register(app: App) -> None:
    app.event("app_mention")(_on_mention)
    # Every message event the workspace subscribes to comes here (bolt matches on type and subtype only), so
    # that messages in channels are acknowledged and left alone: only mentions are questions there.
    app.event("message")(_on_message)


def _on_mention(event, body, context) -> None:
    if _from_a_bot(event):  # two bots answering each other would never stop
        return
    thread_ts = text_field(event, "thread_ts") or text_field(event, "ts")
    history = thread_ts != event.get("ts")
    queue_reply(context["services"], body, event, surface="mention", thread_ts=thread_ts, history=history)


def _on_message(event, body, context) -> None:
    """A top-level direct message; replies inside a DM thread belong to the assistant surface (bolt's Assistant
    takes them before they reach here)."""
    if event.get("channel_type") != "im" or event.get("subtype") not in QUESTION_SUBTYPES or _from_a_bot(event):
        return
    queue_reply(context["services"], body, event, surface="dm", thread_ts=text_field(event, "ts"), history=False)


def _from_a_bot(event: dict) -> bool:
    """Another app, dxbot itself, or Slackbot's notices in the DM: never a member asking."""
    return bool(
        event.get("bot_id")
        or event.get("bot_profile")
        or event.get("subtype") == "bot_message"
        or event.get("user") == "USLACKBOT"
    )
