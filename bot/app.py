"""Builds the Bolt app and the job lanes that finish its work. No side effects at import time.

Every listener runs inside Slack's ack (process_before_response=True), in the thread that received the request:
it does only what the ack must show (commit a record, queue a job) and returns. Nothing that waits on a model,
on Slack or on a response_url runs there; that is the lanes' work (bot/jobs.py)."""

from __future__ import annotations

import logging

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from sqlalchemy.exc import SQLAlchemyError

from bot.jobs import Lanes
from bot.services import Services
from bot.settings import Settings
from handlers import job_kinds, register_all

log = logging.getLogger(__name__)

ACK_CALL_TIMEOUT = 2  # seconds: the one Web API call an ack makes (views.open) must leave room in Slack's 3


def web_client(settings: Settings) -> WebClient:
    """The client for work after the ack: waits out 429s (Retry-After), retries 5xx and dropped connections."""
    client = WebClient(
        token=settings.slack_bot_token, base_url=settings.slack_api_url, timeout=settings.slack_timeout_seconds
    )
    client.retry_handlers.extend(
        [RateLimitErrorRetryHandler(max_retry_count=3), ServerErrorRetryHandler(max_retry_count=2)]
    )
    return client


def build_app(services: Services, socket_mode: bool = False) -> App:
    settings = services.settings
    settings.require("SLACK_BOT_TOKEN", *(() if socket_mode else ("SLACK_SIGNING_SECRET",)))
    services.answerer  # noqa: B018 -- build the search index now, at start-up, not on the first question
    try:  # courses a deployment added since the last release must exist before anyone records them
        services.sync_courses()
    except SQLAlchemyError as exc:  # /readyz says why until the database is back
        log.error("could not load the paths' courses into %s (%s)", services.db.describe(), type(exc).__name__)
    app = App(
        # Used inside acks only: no waiting out rate limits there.
        client=WebClient(
            token=settings.slack_bot_token,
            base_url=settings.slack_api_url,
            timeout=ACK_CALL_TIMEOUT,
            retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=1)],
        ),
        signing_secret=settings.slack_signing_secret,
        token_verification_enabled=False,
        process_before_response=True,
    )

    @app.middleware
    def provide_services(context, next):
        context["services"] = services
        return next()

    @app.error
    def log_unhandled(error, body):
        kind = body.get("type") or body.get("command")
        if isinstance(error, SQLAlchemyError):  # an outage, not a bug: one line; Slack retries what we did not ack
            log.error("database unavailable for a %s request: %s", kind, type(error).__name__)
        else:
            log.exception("unhandled error for a %s request", kind, exc_info=error)

    register_all(app)
    return app


def start_lanes(services: Services) -> Lanes:
    """This process's job workers; `stop()` them on shutdown to drain."""
    settings = services.settings
    sizes = {"reply": settings.reply_concurrency, "ask": settings.ask_concurrency}
    return Lanes(services, job_kinds(), web_client(settings), sizes).start()
