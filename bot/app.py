"""Builds the Bolt app and the job lanes that finish its work. No side effects at import time.

Every listener runs inside Slack's ack (process_before_response=True), in the thread that received the request:
it does only what the ack must show (commit a record, queue a job) and returns. Nothing that waits on a model,
on Slack or on a response_url runs there; that is the lanes' work (bot/jobs.py)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_bolt import App, BoltContext, BoltRequest, BoltResponse
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.authorize import Authorize
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from sqlalchemy.exc import SQLAlchemyError

from bot.installations import NotInstalled
from bot.jobs import Lanes, Workspace, working_for
from bot.services import Services
from bot.settings import ConfigError, Settings
from db.prefectures import Tenant
from handlers import job_kinds, register_all
from knowledge.messages import t

log = logging.getLogger(__name__)

ACK_CALL_TIMEOUT = 2  # seconds: the one Web API call an ack makes (views.open) must leave room in Slack's 3
INSTALL_PATH, REDIRECT_PATH = "/slack/install", "/slack/oauth_redirect"  # OAuth mode's pages (bot/wsgi.py)
# What an OAuth install asks for: manifest.yaml's bot scopes (tests/test_oauth.py holds the two together).
BOT_SCOPES = (
    "app_mentions:read",
    "assistant:write",
    "channels:history",
    "groups:history",
    "chat:write",
    "commands",
    "files:write",
    "im:history",
    "im:write",
    "reactions:write",
    "users:read",
    "users:read.email",
)


def web_client(settings: Settings, token: str | None = None) -> WebClient:
    """The client for work after the ack: waits out 429s (Retry-After), retries 5xx and dropped connections.
    `token`: a workspace's installation's (OAuth mode), else SLACK_BOT_TOKEN."""
    client = WebClient(
        token=token or settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=settings.slack_timeout_seconds,
    )
    client.retry_handlers.extend(
        [RateLimitErrorRetryHandler(max_retry_count=3), ServerErrorRetryHandler(max_retry_count=2)]
    )
    return client


def workspace_client(services: Services) -> Callable[[Workspace], WebClient]:
    """The client for a workspace's work after the ack: SLACK_BOT_TOKEN's, or its installation's token."""
    settings, installations = services.settings, services.installations
    if installations is None:
        shared = web_client(settings)
        return lambda _workspace: shared
    return lambda workspace: web_client(settings, installations.token(workspace))


def digest_client(services: Services, tenant: Tenant | None = None, team: str | None = None) -> WebClient:
    """The client the weekly digest posts with. In OAuth mode: the installation of `team` (a municipality's own
    channel, in its own workspace), else of the prefecture's workspace (`dxbot prefectures set NAME --team T…`),
    else DXBOT_DIGEST_TEAM's; otherwise SLACK_BOT_TOKEN's."""
    settings, installations = services.settings, services.installations
    if installations is None:
        return web_client(settings)
    team = team or (tenant.slack_team_id if tenant is not None else None)
    setting = f"{tenant.name}'s workspace" if tenant is not None and tenant.slack_team_id else "the workspace"
    if team is None:
        settings.require_bot_tokens(digest=True)
        team, setting = settings.digest_team, "DXBOT_DIGEST_TEAM"
    try:
        return web_client(settings, installations.team_token(team))
    except NotInstalled as exc:
        raise ConfigError(
            f"{setting} {team} has no installation of dxbot: install it there "
            "(/slack/install), or name a workspace `dxbot installations list` shows."
        ) from exc


class _InstalledBot(Authorize):
    """bolt's authorize for OAuth mode, from the installations' cache: the stored bot answers who the bot is, so no
    auth.test is called inside an ack."""

    def __init__(self, services: Services):
        self._installations = services.installations

    def __call__(self, *, context: BoltContext, enterprise_id, team_id, user_id, **_actor) -> AuthorizeResult | None:
        bot = self._installations.bot(Workspace(team_id, enterprise_id))
        if bot is None:
            return None
        return AuthorizeResult(
            enterprise_id=bot.enterprise_id,
            team_id=bot.team_id,
            bot_user_id=bot.bot_user_id,
            bot_id=bot.bot_id,
            bot_token=bot.bot_token,
            bot_scopes=bot.bot_scopes,
            user_id=user_id,
        )


def _tokens(services: Services) -> dict:
    """App's arguments for its tokens: one SLACK_BOT_TOKEN, or the installations' (install pages included)."""
    settings, installations = services.settings, services.installations
    if installations is None:
        return {}
    return dict(
        oauth_settings=OAuthSettings(
            client_id=settings.slack_client_id,
            client_secret=settings.slack_client_secret,
            scopes=list(BOT_SCOPES),
            installation_store=installations.store,
            state_store=installations.states,
            install_path=INSTALL_PATH,
            redirect_uri_path=REDIRECT_PATH,
            install_page_rendering_enabled=False,  # /slack/install goes straight to Slack's consent page
        ),
        authorize=_InstalledBot(services),
        user_facing_authorize_error_message=t("not_installed"),
    )


class _App(App):
    """bolt's App, whose every listener queues its jobs for the workspace the request is from: the one bolt's
    authorize looks up (a global middleware cannot do this: bolt runs listeners after the whole chain returns)."""

    def dispatch(self, req: BoltRequest) -> BoltResponse:
        with working_for(Workspace(req.context.team_id, req.context.enterprise_id)):
            return super().dispatch(req)


def build_app(services: Services, socket_mode: bool = False) -> App:
    settings = services.settings
    settings.require_bot_tokens()
    if not socket_mode:
        settings.require("SLACK_SIGNING_SECRET")
    services.answerer  # noqa: B018 -- build the search index now, at start-up, not on the first question
    try:  # courses a deployment added since the last release must exist before anyone records them
        services.sync_courses()
    except SQLAlchemyError as exc:  # /readyz says why until the database is back
        log.error("could not load the paths' courses into %s (%s)", services.db.describe(), type(exc).__name__)
    app = _App(
        # Used inside acks only: no waiting out rate limits there.
        client=WebClient(
            token=None if settings.oauth else settings.slack_bot_token,  # OAuth: each request's, set by authorize
            base_url=settings.slack_api_url,
            timeout=ACK_CALL_TIMEOUT,
            retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=1)],
        ),
        signing_secret=settings.slack_signing_secret,
        token_verification_enabled=False,
        process_before_response=True,
        **_tokens(services),
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
    return Lanes(services, job_kinds(), workspace_client(services), sizes).start()
