"""Builds the Bolt app: its client, middleware and listeners. No side effects at import time."""

from __future__ import annotations

import logging

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from sqlalchemy.exc import SQLAlchemyError

from bot.services import Services
from bot.settings import Settings
from db import repo
from handlers import register_all

log = logging.getLogger(__name__)


def web_client(settings: Settings) -> WebClient:
    client = WebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url)
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=2))
    return client


def build_app(services: Services, socket_mode: bool = False) -> App:
    settings = services.settings
    settings.require("SLACK_BOT_TOKEN", *(() if socket_mode else ("SLACK_SIGNING_SECRET",)))
    services.answerer  # noqa: B018 -- build the search index now, at start-up, not on the first question
    try:  # courses a deployment added since the last release must exist before anyone records them
        services.sync_courses()
    except SQLAlchemyError:
        log.exception("could not load the course catalogue into the database: run `dxbot db upgrade`")
    app = App(
        client=web_client(settings),
        signing_secret=settings.slack_signing_secret,
        token_verification_enabled=False,
        process_before_response=False,
    )

    @app.middleware
    def provide_services(context, next):
        context["services"] = services
        return next()

    @app.middleware
    def skip_redelivered_events(body, next):
        """Slack redelivers an event it thinks we missed (X-Slack-Retry-Num); handle each event id once."""
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id:
            try:
                with services.db.scope() as session:
                    first_time = repo.claim_event(session, event_id)
            except SQLAlchemyError:  # better to answer twice than to fail Slack's 3-second ack
                log.exception("could not record event %s; handling it anyway", event_id)
                first_time = True
            if not first_time:
                log.info("event %s already handled; acknowledging the retry", event_id)
                return BoltResponse(status=200, body="")
        return next()

    @app.error
    def log_unhandled(error, body):
        log.exception("unhandled error for a %s request", body.get("type") or body.get("command"), exc_info=error)

    register_all(app)
    return app
