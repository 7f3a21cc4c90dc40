"""Questions by mention in a channel (answered in the thread) and by direct message."""

from __future__ import annotations

from slack_bolt import App

from handlers.ask import answer_in_thread, strip_mentions, thread_turns
from knowledge.messages import t


def register(app: App) -> None:
    app.event("app_mention")(ack=_ack, lazy=[_on_mention])
    # Top-level DMs; replies inside a DM thread belong to the assistant surface (handlers/assistant.py).
    app.event({"type": "message", "channel_type": "im"})(ack=_ack, lazy=[_on_direct_message])


def _ack(ack) -> None:
    ack()


def _on_mention(event, body, context, client) -> None:
    question = strip_mentions(event.get("text") or "")
    thread_ts = event.get("thread_ts") or event["ts"]
    if not question:  # a bare "@dxbot": say what it can do
        client.chat_postMessage(channel=event["channel"], thread_ts=thread_ts, text=t("help", "ja"))
        return
    history = thread_turns(client, event["channel"], thread_ts, event["ts"]) if event.get("thread_ts") else []
    answer_in_thread(
        context["services"],
        client,
        channel=event["channel"],
        thread_ts=thread_ts,
        question=question,
        surface="mention",
        team_id=body.get("team_id"),
        user_id=event.get("user"),
        history=history,
    )


def _on_direct_message(event, body, context, client) -> None:
    if event.get("subtype") or event.get("bot_id") or not (event.get("text") or "").strip():
        return  # edits, joins and the bot's own posts are not questions
    answer_in_thread(
        context["services"],
        client,
        channel=event["channel"],
        thread_ts=event["ts"],
        question=strip_mentions(event["text"]),
        surface="dm",
        team_id=body.get("team_id"),
        user_id=event.get("user"),
    )
