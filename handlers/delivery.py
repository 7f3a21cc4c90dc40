"""Messages delivered after the ack, as jobs of the `reply` lane: to a response_url, as an ephemeral message,
or posted once in a conversation. A post carries its job's id as message metadata, so that a job retried
after a crash finds the message it already posted instead of posting it twice."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.webhook import WebhookClient

from bot.jobs import JobContext, JobKind, Permanent
from db.jobs import NewJob

log = logging.getLogger(__name__)

JOB_EVENT = "dxbot_job"  # message metadata naming the job that posted a message


def respond(response_url: str, message: dict, user_id: str | None = None) -> NewJob:
    """`message` sent to a response_url (ephemeral; replacing the original when it says so). `user_id`: whose
    click it answers, so that forgetting them deletes it with the rest of their work."""
    return NewJob("reply", "respond", {"url": response_url, "message": message, "user_id": user_id})


def post(channel: str, message: dict, thread_ts: str | None = None) -> NewJob:
    return NewJob("reply", "post", {"channel": channel, "thread_ts": thread_ts, "message": message})


def send_to_response_url(response_url: str, message: dict, timeout: float) -> None:
    """POST to a response_url with Slack's retries for 429, 5xx and dropped connections. An expired or used-up
    URL (4xx) cannot succeed later."""
    webhook = WebhookClient(
        response_url,
        timeout=timeout,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=3),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
    )
    response = webhook.send_dict(message)
    if response.status_code == 200:
        return
    problem = f"response_url answered {response.status_code}: {str(response.body)[:200]}"
    if 400 <= response.status_code < 500 and response.status_code != 429:
        raise Permanent(problem)
    raise ConnectionError(problem)  # busy or broken for now: the job is retried


def post_once(context: JobContext, channel: str, thread_ts: str | None = None, **message) -> str:
    """Post `message` for this job, or, when an earlier attempt may already have posted it, find that post;
    returns its ts."""
    if context.job.attempts > 1:
        found = _posted_by(context.client, context.job.id, channel, thread_ts)
        if found:
            return found
    marker = {"event_type": JOB_EVENT, "event_payload": {"job_id": context.job.id}}
    client = _retrying_only_429(context.client)
    return client.chat_postMessage(channel=channel, thread_ts=thread_ts, metadata=marker, **message)["ts"]


def _retrying_only_429(client: WebClient) -> WebClient:
    """After a 429 Slack has done nothing and the post can be retried at once; a 5xx or a dropped connection may
    come after Slack posted, so those are left to the job's own retry, which looks for the post first."""
    return WebClient(
        token=client.token,
        base_url=client.base_url,
        timeout=client.timeout,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=3)],
    )


def _posted_by(client: WebClient, job_id: int, channel: str, thread_ts: str | None) -> str | None:
    try:
        if thread_ts:
            page = client.conversations_replies(channel=channel, ts=thread_ts, include_all_metadata=True, limit=200)
        else:
            page = client.conversations_history(channel=channel, include_all_metadata=True, limit=50)
    except SlackApiError as error:  # no history scope here: posting again is the lesser harm than never posting
        log.info("cannot look for job %s's earlier post in %s: %s", job_id, channel, error.response.get("error"))
        return None
    for message in page.get("messages", []):
        metadata = message.get("metadata") or {}
        if metadata.get("event_type") == JOB_EVENT and metadata.get("event_payload", {}).get("job_id") == job_id:
            return message["ts"]
    return None


def _respond(context: JobContext) -> None:
    respond_now(context, context.payload["url"], context.payload["message"])


def respond_now(context: JobContext, response_url: str, message: dict) -> None:
    send_to_response_url(response_url, message, context.services.settings.slack_timeout_seconds)


def _post(context: JobContext) -> None:
    payload = context.payload
    post_once(context, payload["channel"], payload.get("thread_ts"), **payload["message"])


JOBS = {
    "respond": JobKind("reply", _respond),
    "post": JobKind("reply", _post),
}
