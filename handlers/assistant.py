"""Slack's assistant surface (bolt's Assistant middleware): suggested prompts, a status while working,
thread titles, and answers that use the thread's history."""

from __future__ import annotations

import logging

from slack_bolt import App, Assistant
from slack_sdk.errors import SlackApiError

from handlers.ask import answer_and_log, answer_blocks, strip_mentions, thread_turns
from handlers.blocks import escape
from knowledge.messages import language_of, t

log = logging.getLogger(__name__)

SUGGESTED = ("prompt_it_passport", "prompt_required_courses", "prompt_joint_procurement")


def register(app: App) -> None:
    assistant = Assistant()
    assistant.thread_started(_thread_started)
    assistant.user_message(_user_message)
    app.assistant(assistant)


def _thread_started(say, set_suggested_prompts) -> None:
    say(t("assistant_greeting", "ja"))
    prompts = [{"title": t(key, "ja"), "message": t(key, "ja")} for key in SUGGESTED]
    prompts.append({"title": t("prompt_subsidy_calc", "ja"), "message": t("prompt_subsidy_calc_message", "ja")})
    set_suggested_prompts(prompts=prompts)


def _user_message(payload, body, context, client, say, set_status, set_title) -> None:
    question = strip_mentions(payload.get("text") or "")
    if not question:
        return
    channel, thread_ts = payload["channel"], payload["thread_ts"]
    _best_effort(set_title, question[:60])
    _best_effort(set_status, t("thinking", "ja"))
    try:
        answer, question_id = answer_and_log(
            context["services"],
            question,
            surface="assistant",
            team_id=body.get("team_id"),
            user_id=payload.get("user"),
            history=thread_turns(client, channel, thread_ts, payload.get("ts")),
        )
    except Exception:
        log.exception("could not answer an assistant question")
        say(text=t("sorry_error", language_of(question)))
        return
    say(text=escape(answer.text), blocks=answer_blocks(answer, question_id))


def _best_effort(call, *args) -> None:
    """Titles and statuses only exist in assistant threads; in an ordinary DM thread their absence is fine."""
    try:
        call(*args)
    except SlackApiError as error:
        log.info("assistant %s skipped: %s", getattr(call, "__name__", "call"), error.response.get("error"))
