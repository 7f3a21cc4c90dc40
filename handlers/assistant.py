"""Slack's assistant surface (bolt's Assistant middleware): suggested prompts, a status while working,
thread titles, and answers that use the thread's history. Like mentions and DMs, each message is queued in the
ack and answered by jobs (handlers/ask.py)."""

from __future__ import annotations

from slack_bolt import App, Assistant

from bot.jobs import JobContext, JobKind
from db.jobs import NewJob
from handlers import delivery
from handlers.ask import queue_reply
from handlers.request import text_field
from knowledge.messages import t

SUGGESTED = ("prompt_it_passport", "prompt_required_courses", "prompt_joint_procurement")


def register(app: App) -> None:
    assistant = Assistant()
    assistant.thread_started(_thread_started)
    assistant.thread_context_changed(_context_changed)
    assistant.user_message(_user_message)
    app.assistant(assistant)


def _thread_started(payload, body, context) -> None:
    thread = payload["assistant_thread"]
    job = NewJob("reply", "assistant_greeting", {"channel": thread["channel_id"], "thread_ts": thread["thread_ts"]})
    context["services"].jobs.submit(job, event_id=body.get("event_id"))


def _context_changed() -> None:
    """dxbot does not use the channel a member is looking at; bolt's default would save it with Slack calls."""


def _user_message(payload, body, context) -> None:
    thread_ts = text_field(payload, "thread_ts")
    queue_reply(context["services"], body, payload, surface="assistant", thread_ts=thread_ts, history=True)


def _greet(context: JobContext) -> None:
    channel, thread_ts = context.payload["channel"], context.payload["thread_ts"]
    greeting = t("assistant_greeting", "ja") + "\n" + t("assistant_home_hint", "ja")
    delivery.post_once(context, channel, thread_ts, text=greeting)
    # Slack shows at most four prompts: questions, since a prompt is sent as the member's message.
    prompts = [{"title": t(key, "ja"), "message": t(key, "ja")} for key in SUGGESTED]
    prompts.append({"title": t("prompt_subsidy_calc", "ja"), "message": t("prompt_subsidy_calc_message", "ja")})
    context.client.assistant_threads_setSuggestedPrompts(channel_id=channel, thread_ts=thread_ts, prompts=prompts)


JOBS = {"assistant_greeting": JobKind("reply", _greet)}
