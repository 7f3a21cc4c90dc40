"""Questions: `/dx ask`, the answer's 👍/👎 and "share in channel" buttons, and the shared answering step
that mentions, DMs and the assistant surface use too."""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Sequence

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.services import Services
from db import repo
from handlers import blocks
from handlers.command import Request, apologise_on_failure, from_body
from knowledge.answer import QUESTION_LIMIT, Answer, Turn
from knowledge.messages import language_of, t
from knowledge.text import clean_input

log = logging.getLogger(__name__)

HISTORY_TURNS = 12
_MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")


def register(app: App) -> None:
    app.action("feedback_up")(ack=_ack, lazy=[_feedback])
    app.action("feedback_down")(ack=_ack, lazy=[_feedback])
    app.action("share_answer")(ack=_ack, lazy=[_share_in_channel])


def _ack(ack) -> None:
    ack()


def answer_and_log(
    services: Services,
    question: str,
    *,
    surface: str,
    team_id: str | None,
    user_id: str | None,
    history: Sequence[Turn] = (),
) -> tuple[Answer, int]:
    """Answer from the knowledge base and keep the question, its sources and outcome for coordinators."""
    answer = services.answerer.answer(question, on=services.today(), history=history)
    with services.db.scope() as session:
        question_id = repo.log_question(
            session,
            team_id=team_id,
            user_id=user_id,
            surface=surface,
            text=question,
            answer_text=answer.text,
            language=answer.language,
            answered=answer.answered,
            source_ids=[s.id for s in answer.sources],
            used_model=answer.used_model,
            asked_at=services.now(),
        )
    return answer, question_id


def answer_blocks(answer: Answer, question_id: int, shareable: bool = False) -> list[dict]:
    return blocks.as_dicts(
        blocks.answer(
            text=answer.text,
            sources=answer.sources,
            question_id=question_id,
            lang=answer.language,
            shareable=shareable,
        )
    )


def answer_in_thread(
    services: Services,
    client: WebClient,
    *,
    channel: str,
    thread_ts: str,
    question: str,
    surface: str,
    team_id: str | None,
    user_id: str | None,
    history: Sequence[Turn] = (),
) -> None:
    """Post 「調べています…」 in the thread at once, then replace it with the answer (or an apology)."""
    lang = language_of(question)
    placeholder = client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=t("thinking", lang))
    try:
        answer, question_id = answer_and_log(
            services, question, surface=surface, team_id=team_id, user_id=user_id, history=history
        )
    except Exception:
        log.exception("could not answer a %s question", surface)
        client.chat_update(channel=channel, ts=placeholder["ts"], text=t("sorry_error", lang))
        return
    client.chat_update(
        channel=channel,
        ts=placeholder["ts"],
        text=blocks.escape(answer.text),
        blocks=answer_blocks(answer, question_id),
    )


# --- /dx ask ----------------------------------------------------------------------------------------


def ask(request: Request) -> None:
    question = clean_input(request.text, QUESTION_LIMIT)
    if question is None:
        request.reply(t("ask_usage", request.lang))
        return
    request.reply(t("thinking", request.lang))
    answer, question_id = answer_and_log(
        request.services, question, surface="command", team_id=request.team_id, user_id=request.user_id
    )
    request.respond(
        text=blocks.escape(answer.text),
        blocks=answer_blocks(answer, question_id, shareable=answer.answered),
        response_type="ephemeral",
        replace_original=True,
    )


# --- buttons ----------------------------------------------------------------------------------------


def _feedback(body, context, respond, client) -> None:
    action = body["actions"][0]
    request = from_body(body, context["services"], respond, client, text="", lang="ja")
    apologise_on_failure(lambda r: _record_feedback(r, int(action["value"]), action["action_id"]))(request)


def _record_feedback(request: Request, question_id: int, action_id: str) -> None:
    with request.services.db.scope() as session:
        found = repo.set_feedback(session, question_id, 1 if action_id == "feedback_up" else -1)
        lang = found.language if found else request.lang
    if found is not None and request.channel_id:
        request.client.chat_postEphemeral(
            channel=request.channel_id, user=request.user_id, text=t("feedback_thanks", lang)
        )


def _share_in_channel(body, context, respond, client) -> None:
    request = from_body(body, context["services"], respond, client, text="", lang="ja")
    apologise_on_failure(lambda r: _share(r, int(body["actions"][0]["value"])))(request)


def _share(request: Request, question_id: int) -> None:
    services = request.services
    with services.db.scope() as session:
        found = repo.question(session, question_id)
        shared = (found.text, found.answer_text, found.source_ids, found.language) if found else None
    if shared is None or not shared[1] or not request.channel_id:
        request.reply(t("answer_expired", request.lang))
        return
    question, text, source_ids, lang = shared
    sources = [c for c in (services.answerer.citation(source_id, lang) for source_id in source_ids) if c]
    request.client.chat_postMessage(
        channel=request.channel_id,
        text=f"{t('shared_by', lang, user=request.user_id)}\n> {blocks.escape(question)}\n{blocks.escape(text)}",
        blocks=blocks.as_dicts(blocks.shared_answer(request.user_id, question, text, sources, lang)),
    )
    request.respond(delete_original=True)


def thread_turns(client: WebClient, channel: str, thread_ts: str, current_ts: str | None) -> list[Turn]:
    """The thread's earlier messages as turns (the bot's are "assistant"), for follow-up questions."""
    try:
        # Replies come oldest first: ask for a whole page and keep the latest turns.
        messages = client.conversations_replies(channel=channel, ts=thread_ts, limit=200).get("messages", [])
    except SlackApiError as error:  # no history scope in this channel: answer the question on its own
        log.info("no thread history for %s: %s", channel, error.response.get("error"))
        return []
    turns = []
    for message in messages:
        text = strip_mentions(message.get("text") or "")
        if message.get("ts") == current_ts or not text or text in (t("thinking", "ja"), t("thinking", "en")):
            continue
        turns.append(Turn("assistant" if message.get("bot_id") else "user", text[:QUESTION_LIMIT]))
    return turns[-HISTORY_TURNS:]


def strip_mentions(text: str) -> str:
    """A message's words without @-mentions, with Slack's &amp; &lt; &gt; turned back into characters."""
    return html.unescape(_MENTION.sub("", text)).strip()
