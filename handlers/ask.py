"""Questions: `/dx ask`, the answer's 👍/👎 and "share in channel" buttons, and the answering jobs that
mentions, DMs and the assistant surface use too.

A question is queued in its ack (`ask` lane, durable). The member sees at once that it is being looked up, or
their place in the queue, or, past DXBOT_ASK_QUEUE_LIMIT, that it is busy: never silence. For a slash command
the ack itself says so; for a mention or DM an `announce` job (quick `reply` lane) posts that placeholder and
queues the answer, which later replaces it."""

from __future__ import annotations

import html
import logging
import re
import sys

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.jobs import JobContext, JobKind, Permanent, slack_refused
from bot.services import Services
from db import jobs, repo
from db.jobs import NewJob
from handlers import blocks, delivery
from handlers.request import Request, apologise_on_failure, from_action, id_in, message, person, text_field
from knowledge.answer import QUESTION_LIMIT, Answer, Turn
from knowledge.messages import MESSAGES, Lang, language_of, t
from knowledge.text import clean_input

log = logging.getLogger(__name__)

HISTORY_TURNS = 12
NOT_A_MEMBER = ("channel_not_found", "not_in_channel")  # what chat.postMessage says where dxbot was not invited
PLAIN_TEXT_LIMIT = 3900  # Slack truncates a message's text past 4,000 characters
TITLE_LIMIT = 60  # an assistant thread's title: its first question, shortened
_MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")


def register(app: App) -> None:
    app.action("feedback_up")(_feedback)
    app.action("feedback_down")(_feedback)
    app.action("share_answer")(_share_in_channel)


# --- queueing a question ----------------------------------------------------------------------------


def queue_place(services: Services, session: Session) -> int | None:
    """Where a new question stands: 0 when a worker is free for it, n when n-th in line, None past the limit."""
    settings = services.settings
    capacity = settings.ask_concurrency * settings.web_concurrency
    in_line = jobs.waiting(session, "ask") - capacity + 1
    if in_line > settings.ask_queue_limit:
        return None
    return max(0, in_line)


def placeholder(place: int, lang: Lang) -> str:
    return t("thinking", lang) if place == 0 else t("waiting_in_line", lang, place=place)


def answer_job(
    question: str, *, surface: str, team_id: str | None, user_id: str | None, reply: dict, **extra
) -> NewJob:
    """`reply` says where the answer goes: {"response_url"}, {"channel", "thread_ts", "placeholder_ts"} (an
    update of the placeholder) or {"channel", "thread_ts", "assistant": True} (a new message in the thread)."""
    payload = {"question": question, "surface": surface, "team_id": team_id, "user_id": user_id, "reply": reply}
    return NewJob("ask", "answer", payload | extra)


def announce_job(question: str, *, surface: str, team_id: str | None, user_id: str | None, **where) -> NewJob:
    """For questions whose ack can carry no message: post (or show as status) the placeholder, then answer.
    `where`: channel, thread_ts, current_ts (the question's own message), history (a follow-up in a thread)."""
    return NewJob(
        "reply", "announce", {"question": question, "surface": surface, "team_id": team_id, "user_id": user_id} | where
    )


def read_question(raw: str, if_empty: str | None = None) -> tuple[str | None, str]:
    """(the question, "") from a message's words, or (None, what to reply instead): `if_empty` (by default what
    dxbot can do) when only mentions or invisible characters are left, the limit when it is too long. The same
    for every surface, so a question gets the same answer wherever it is asked."""
    words = strip_mentions(raw)
    visible = clean_input(words, sys.maxsize)
    if visible is None:
        return None, if_empty or t("help", "ja")
    if len(visible) > QUESTION_LIMIT:
        return None, t("question_too_long", language_of(visible), length=len(visible), limit=QUESTION_LIMIT)
    return visible, ""


def queue_reply(
    services: Services,
    body: dict,
    event: dict,
    *,
    surface: str,
    thread_ts: str | None,
    history: bool,
    ephemeral: bool = False,
):
    """A message's question queued in the ack for an announcement and an answer in its thread (mentions, DMs,
    assistant threads), or only to the asker when `ephemeral` (a channel configured so); or, for an empty or
    overlong one, what to do instead."""
    channel, ts, who = text_field(event, "channel"), text_field(event, "ts"), person(body, event)
    if not channel or not thread_ts or not ts or who is None:
        return
    question, instead = read_question(text_field(event, "text") or "")
    if question is None:
        job = delivery.post(channel, {"text": instead}, thread_ts=thread_ts)
    else:
        where = dict(channel=channel, thread_ts=thread_ts, current_ts=ts, history=history)
        if ephemeral:
            where["ephemeral"] = True
        job = announce_job(question, surface=surface, team_id=who.home, user_id=who.user, **where)
    services.jobs.submit(job, event_id=text_field(body, "event_id"))


def ask(request: Request) -> None:
    """`/dx ask …`: queued in the ack, which tells the member where their question stands."""
    question, instead = read_question(request.text, if_empty=t("ask_usage", request.lang))
    if question is None:
        request.reply(instead)
        return
    services = request.services
    with services.db.scope() as session:
        place = queue_place(services, session)
        if place is not None:
            reply = {"response_url": request.response_url}
            job = answer_job(
                question,
                surface="command",
                team_id=request.home,
                user_id=request.user_id,
                reply=reply,
                waited=place > 0,
            )
            services.jobs.add(session, job)
    request.reply(t("busy", request.lang) if place is None else placeholder(place, request.lang))


# --- jobs -------------------------------------------------------------------------------------------


def _announce(context: JobContext) -> None:
    payload, services = context.payload, context.services
    lang = language_of(payload["question"])
    channel, thread_ts = payload["channel"], payload["thread_ts"]
    place = services.db.run(lambda session: queue_place(services, session), read_only=True)
    assistant = payload["surface"] == "assistant"
    if place is None:
        _tell(context, t("busy", lang))
        return
    if payload.get("ephemeral"):  # an ephemeral message cannot be updated: no placeholder, the answer alone
        reply = {"channel": channel, "thread_ts": thread_ts, "ephemeral_to": payload["user_id"]}
    elif assistant:
        _assistant_call(context.client.assistant_threads_setStatus, channel, thread_ts, status=placeholder(place, lang))
        reply = {"channel": channel, "thread_ts": thread_ts, "assistant": True}
    else:
        ts = delivery.post_once(context, channel, thread_ts, text=placeholder(place, lang))
        reply = {"channel": channel, "thread_ts": thread_ts, "placeholder_ts": ts}
    where = {key: payload.get(key) for key in ("current_ts", "history", "ephemeral")}
    job = answer_job(
        payload["question"],
        surface=payload["surface"],
        team_id=payload["team_id"],
        user_id=payload["user_id"],
        reply=reply,
        waited=place > 0,
        **where,
    )
    context.then(job)


def _answer(context: JobContext) -> None:
    """Answer, log, deliver; each step saved, so that a retry (after a crash, say) only redoes what is left."""
    payload, services = context.payload, context.services
    lang = language_of(payload["question"])
    if payload.get("waited") and not payload.get("started"):  # it was "n-th in line": now it is being looked up
        _deliver(context, {"text": t("thinking", lang)}, status_only=True)
        context.save(started=True)
    if "message" not in payload:
        reply = payload["reply"]
        history = (
            thread_turns(context.client, reply["channel"], reply["thread_ts"], payload.get("current_ts"))
            if payload.get("history")
            else []
        )
        if reply.get("assistant") and not any(turn.role == "user" for turn in history):  # the thread's first
            title = payload["question"][:TITLE_LIMIT]
            _assistant_call(
                context.client.assistant_threads_setTitle, reply["channel"], reply["thread_ts"], title=title
            )
        answer = services.answerer.answer(payload["question"], on=services.today(), history=history)
        with services.db.scope() as session:  # logged once: the log and the rendered answer commit together
            question_id = _log(session, services, payload, answer)
            shareable = payload["surface"] == "command" and answer.answered
            escalation = _escalation_value(payload, question_id)
            rendered = {
                "text": blocks.escape(answer.text),
                "blocks": answer_blocks(answer, question_id, shareable, escalation),
            }
            context.save(message=rendered, session=session)
    _deliver(context, context.payload["message"])


def _escalation_value(payload: dict, question_id: int) -> str | None:
    """Where "ask the coordinator" calls them (handlers/escalation.py): a question asked in a channel, in its thread
    (a DM, the assistant or a slash command's reply has no thread the coordinators can join)."""
    reply = payload["reply"]
    if payload["surface"] != "mention" or not payload.get("current_ts"):
        return None
    return f"{question_id}:{reply['channel']}:{reply['thread_ts']}:{payload['current_ts']}"


def _announce_failed(context: JobContext) -> None:
    _tell(context, t("sorry_error", language_of(context.payload["question"])))


def _tell(context: JobContext, text: str) -> None:
    """A short notice where the announcement would have gone: in the thread, or only to the asker."""
    payload = context.payload
    if payload.get("ephemeral"):
        context.client.chat_postEphemeral(channel=payload["channel"], user=payload["user_id"], text=text)
    else:
        delivery.post_once(context, payload["channel"], payload["thread_ts"], text=text)


def _apologise(context: JobContext) -> None:
    _deliver(context, {"text": t("sorry_error", language_of(context.payload["question"]))})


def _deliver(context: JobContext, reply_message: dict, *, status_only: bool = False) -> None:
    """The answer (or an interim status) where the question's reply belongs."""
    reply = context.payload["reply"]
    if "response_url" in reply:
        delivery.respond_now(
            context, reply["response_url"], {**reply_message, "response_type": "ephemeral", "replace_original": True}
        )
    elif reply.get("ephemeral_to"):  # beside the question; inside the thread when it was asked in one
        if not status_only:
            in_thread = reply["thread_ts"] if reply["thread_ts"] != context.payload.get("current_ts") else None
            context.client.chat_postEphemeral(
                channel=reply["channel"], user=reply["ephemeral_to"], thread_ts=in_thread, **reply_message
            )
    elif reply.get("assistant"):
        if status_only:
            _assistant_call(
                context.client.assistant_threads_setStatus,
                reply["channel"],
                reply["thread_ts"],
                status=reply_message["text"],
            )
        else:
            delivery.post_once(context, reply["channel"], reply["thread_ts"], **reply_message)
    else:
        _replace_placeholder(context, reply, reply_message)


def _replace_placeholder(context: JobContext, reply: dict, reply_message: dict) -> None:
    """The answer in place of 「調べています…」. When Slack refuses it (invalid_blocks, msg_too_long) the text
    alone replaces it; when even that is refused (the placeholder was deleted, say), the text is posted anew and
    the placeholder removed: it never stays behind."""
    channel, ts = reply["channel"], reply["placeholder_ts"]
    attempts = (reply_message, {"text": reply_message["text"][:PLAIN_TEXT_LIMIT], "blocks": []})
    for attempt in attempts:
        try:
            context.client.chat_update(channel=channel, ts=ts, **attempt)
            return
        except SlackApiError as error:
            if not slack_refused(error):
                raise
            log.warning("Slack refused to update the placeholder in %s: %s", channel, error.response.get("error"))
    delivery.post_once(context, channel, reply["thread_ts"], **attempts[-1])
    try:
        context.client.chat_delete(channel=channel, ts=ts)
    except SlackApiError as error:
        log.info("placeholder %s left in %s: %s", ts, channel, error.response.get("error"))


def _assistant_call(method, channel: str, thread_ts: str, **fields) -> None:
    """Titles and statuses exist only in assistant threads; in an ordinary DM thread their absence is fine."""
    try:
        method(channel_id=channel, thread_ts=thread_ts, **fields)
    except SlackApiError as error:
        log.info("assistant call skipped: %s", error.response.get("error"))


JOBS = {
    "announce": JobKind("reply", _announce, give_up=_announce_failed),
    "answer": JobKind("ask", _answer, give_up=_apologise),
}


# --- answering --------------------------------------------------------------------------------------


def _log(session: Session, services: Services, payload: dict, answer: Answer) -> int:
    """Keep the question, its sources and outcome for coordinators; returns its id."""
    return repo.log_question(
        session,
        team_id=payload["team_id"],
        user_id=payload["user_id"],
        surface=payload["surface"],
        text=payload["question"],
        answer_text=answer.text,
        language=answer.language,
        answered=answer.answered,
        source_ids=[s.id for s in answer.sources],
        used_model=answer.used_model,
        asked_at=services.now(),
    )


def answer_blocks(
    answer: Answer, question_id: int, shareable: bool = False, escalation: str | None = None
) -> list[dict]:
    return blocks.as_dicts(
        blocks.answer(
            text=answer.text,
            sources=answer.sources,
            question_id=question_id,
            lang=answer.language,
            shareable=shareable,
            escalation=escalation,
        )
    )


# --- buttons ----------------------------------------------------------------------------------------


def _feedback(ack, body, context, client) -> None:
    action = body["actions"][0]
    question_id = id_in(action)
    if question_id is not None:
        request = from_action(body, context["services"], client, text="", lang="ja")
        apologise_on_failure(lambda r: _record_feedback(r, question_id, action["action_id"]))(request)
    ack()


def _record_feedback(request: Request, question_id: int, action_id: str) -> None:
    """The clicker's own vote; thanked through the click's response_url, which reaches them wherever the answer
    is, even in a conversation dxbot is not a member of."""
    services = request.services
    with services.db.scope() as session:
        voter = repo.member(session, request.home, request.user_id)
        vote = 1 if action_id == "feedback_up" else -1
        found = repo.vote(session, question_id, voter, vote, services.now())
        if found is not None:
            request.reply(t("feedback_thanks", found.language), session=session)


def _share_in_channel(ack, body, context, client) -> None:
    question_id = id_in(body["actions"][0])
    if question_id is not None:
        request = from_action(body, context["services"], client, text="", lang="ja")
        apologise_on_failure(lambda r: _queue_share(r, question_id))(request)
    ack()


def _queue_share(request: Request, question_id: int) -> None:
    services = request.services
    with services.db.scope() as session:
        found = repo.question(session, question_id)
        if found is not None and (found.slack_team_id, found.slack_user_id) != (request.home, request.user_id):
            request.reply(t("share_only_asker", request.lang), session=session)  # the button is on the asker's reply
            return
        if found is not None and found.answer_text and request.channel_id:
            payload = {"question_id": question_id, "channel": request.channel_id, "user_id": request.user_id}
            services.jobs.add(
                session, NewJob("reply", "share_answer", payload | {"response_url": request.response_url})
            )
            return
    request.reply(t("answer_expired", request.lang))


def _share(context: JobContext) -> None:
    payload, services = context.payload, context.services
    with services.db.scope(read_only=True) as session:
        found = repo.question(session, payload["question_id"])
        question, text, source_ids, lang = found.text, found.answer_text, found.source_ids, found.language
    sources = [c for c in (services.answerer.citation(source_id, lang) for source_id in source_ids) if c]
    user = payload["user_id"]
    shared = {
        "text": f"{t('shared_by', lang, user=user)}\n> {blocks.escape(question)}\n{blocks.escape(text)}",
        "blocks": blocks.as_dicts(blocks.shared_answer(user, question, text, sources, lang)),
    }
    response_url = payload["response_url"]
    try:
        delivery.post_once(context, payload["channel"], **shared)
    except SlackApiError as error:
        if error.response.get("error") not in NOT_A_MEMBER:
            raise
        if not _posted_through(context, response_url, shared):
            delivery.respond_now(context, response_url, message(t("share_needs_invite", lang)))
            return  # the answer stays where the member can still read it
    delivery.respond_now(context, response_url, {"delete_original": True})


def _posted_through(context: JobContext, response_url: str, shared: dict) -> bool:
    """dxbot is not in this conversation (a DM between two people, a private channel), but a click's
    response_url can post in it, as a slash command's reply is posted anywhere. False when Slack refused."""
    try:
        delivery.respond_now(context, response_url, shared | {"response_type": "in_channel", "replace_original": False})
    except Permanent as refused:
        log.warning("could not share through the response_url either: %s", refused)
        return False
    return True


def _share_failed(context: JobContext) -> None:
    delivery.respond_now(context, context.payload["response_url"], message(t("sorry_error", "ja")))


JOBS |= {"share_answer": JobKind("reply", _share, give_up=_share_failed)}


# --- threads ----------------------------------------------------------------------------------------


def thread_turns(client: WebClient, channel: str, thread_ts: str, current_ts: str | None) -> list[Turn]:
    """The thread's earlier messages as turns (the bot's are "assistant"), for follow-up questions."""
    try:
        # Replies come oldest first: ask for a whole page and keep the latest turns.
        messages = client.conversations_replies(channel=channel, ts=thread_ts, limit=200).get("messages", [])
    except SlackApiError as error:  # no history scope in this channel: answer the question on its own
        log.info("no thread history for %s: %s", channel, error.response.get("error"))
        return []
    turns = []
    for item in messages:
        text = strip_mentions(item.get("text") or "")
        if item.get("ts") == current_ts or not text or _is_placeholder(text):
            continue
        turns.append(Turn("assistant" if item.get("bot_id") else "user", text[:QUESTION_LIMIT]))
    return turns[-HISTORY_TURNS:]


def _is_placeholder(text: str) -> bool:
    """The bot's own interim messages are not turns of the conversation."""
    return any(
        text in (t("thinking", lang), t("busy", lang)) or _waiting(lang).fullmatch(text) for lang in ("ja", "en")
    )


def _waiting(lang: Lang) -> re.Pattern:
    before, after = MESSAGES["waiting_in_line"][lang].split("{place}")
    return re.compile(re.escape(before) + r"\d+" + re.escape(after))


def strip_mentions(text: str) -> str:
    """A message's words without @-mentions, with Slack's &amp; &lt; &gt; turned back into characters."""
    return html.unescape(_MENTION.sub("", text)).strip()
