"""The WSGI application gunicorn serves: Slack's requests at /slack/events, liveness at /healthz (the process
answers) and readiness at /readyz (the database is reachable and migrated, the knowledge base loaded); in OAuth
mode also bolt's own install pages, GET /slack/install and GET /slack/oauth_redirect.

This edge reads each request's body once, checks its signature once and parses it once, then hands bolt the
parsed request. Bolt alone would parse before it verifies (so an unsigned or malformed body ends in a 500 with
a traceback), verify and parse again, and read any form body that merely contains the word "payload" (a
`/dx ask payloadとは`) as an empty interactivity payload. Here an oversized body gets 413, a bad signature or
timestamp 401, a signed body that is not one of Slack's shapes 400: one log line each, never the body.
"""

from __future__ import annotations

import json
import logging
import re
import time
from ipaddress import ip_address
from urllib.parse import parse_qsl

from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_bolt.adapter.wsgi.http_response import WsgiHttpResponse
from slack_bolt.request import BoltRequest
from slack_sdk.signature import SignatureVerifier

from bot.app import build_app
from bot.logs import log_request, request_id
from bot.services import Services

SLACK_PATH = "/slack/events"
MAX_BODY_BYTES = 1024 * 1024  # Slack's largest payloads (modals, long messages) are far below this
TIMESTAMP = re.compile(r"[0-9]{1,12}")  # int() alone would take " 1_0 " or "²" (and raise on the latter)

log = logging.getLogger(__name__)


def create_wsgi_app(services: Services):
    app = build_app(services)
    verifier = SignatureVerifier(services.settings.slack_signing_secret)
    installs = InstallLimits(services.settings.trusted_proxies)

    def application(environ, start_response):
        path = environ.get("PATH_INFO")
        if path == "/healthz":
            return _answer(start_response, "200 OK", "ok")
        if path == "/readyz":
            return _readiness(services, start_response)
        if app.oauth_flow is not None and path in (app.oauth_flow.install_path, app.oauth_flow.redirect_uri_path):
            if path == app.oauth_flow.install_path and not installs.allows(environ):
                return _answer(start_response, "429 Too Many Requests", "too many requests", [("Retry-After", "60")])
            return _install(app, environ, start_response)
        if path != SLACK_PATH:
            return _answer(start_response, "404 Not Found", "not found")
        if environ.get("REQUEST_METHOD") != "POST":
            return _answer(start_response, "405 Method Not Allowed", "use POST", [("Allow", "POST")])
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _reject(start_response, "400 Bad Request", "a Content-Length that is not a number")
        if not 0 <= length <= MAX_BODY_BYTES:
            return _reject(start_response, "413 Content Too Large", f"a body of {length} bytes")
        try:
            body = environ["wsgi.input"].read(length).decode()
        except UnicodeDecodeError:
            return _reject(start_response, "400 Bad Request", "a body that is not UTF-8")
        if _is_ssl_check(body):  # Slack's certificate check comes unsigned
            return _answer(start_response, "200 OK", "")
        if not _is_signed(verifier, body, environ):
            return _reject(start_response, "401 Unauthorized", "a missing, invalid or stale signature")
        started = time.perf_counter()
        request = _bolt_request(body, environ)
        if request is None:
            return _reject(start_response, "400 Bad Request", "a signed body that is not a Slack request")
        response = app.dispatch(request)
        log_request(
            request.body, response.status, time.perf_counter() - started, request_id(environ.get("HTTP_X_REQUEST_ID"))
        )
        answer = WsgiHttpResponse(status=response.status, headers=response.headers, body=response.body)
        start_response(answer.status, answer.get_headers())
        return answer.get_body()

    return application


def _readiness(services: Services, start_response) -> list[bytes]:
    """`ready` or `not ready`, nothing more: anyone may ask, and the reason (a database host, a file's path) is for
    the operator's log."""
    problem = services.not_ready()
    if problem is None:
        return _answer(start_response, "200 OK", "ready")
    log.warning("/readyz: not ready: %s", problem)
    return _answer(start_response, "503 Service Unavailable", "not ready")


class InstallLimits:
    """The install page is open to anyone, and each visit stores an OAuth state: a few a minute per client, and a
    bound for all of them together, per process (the daily housekeeping deletes the states that expired). Slack's
    redirect back only consumes a state, and is not counted: a flood of visits never fails an admin's return."""

    PER_CLIENT = parse("10/minute")
    IN_ALL = parse("120/minute")

    def __init__(self, proxies: tuple):
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._proxies = proxies

    def allows(self, environ: dict) -> bool:
        client = client_address(environ, self._proxies)
        allowed = self._limiter.hit(self.PER_CLIENT, "install", client) and self._limiter.hit(self.IN_ALL, "install")
        if not allowed:
            log.warning("429 to %s: too many install requests from %s", environ.get("PATH_INFO"), client)
        return allowed


def client_address(environ: dict, proxies: tuple) -> str:
    """Who is asking: the peer, or behind a trusted reverse proxy (DXBOT_TRUSTED_PROXIES) the address the proxy saw:
    the last one in X-Forwarded-For that is not itself a trusted proxy (the ones before it come from the client
    and may say anything)."""
    peer = environ.get("REMOTE_ADDR") or "?"
    forwarded = [part.strip() for part in (environ.get("HTTP_X_FORWARDED_FOR") or "").split(",") if part.strip()]
    chain = [*forwarded, peer]
    while len(chain) > 1 and _trusted(chain[-1], proxies):
        chain.pop()
    return chain[-1]


def _trusted(address: str, proxies: tuple) -> bool:
    try:
        return any(ip_address(address) in network for network in proxies)
    except ValueError:  # not an address at all: nobody's proxy
        return False


def _install(app, environ, start_response) -> list[bytes]:
    """bolt's OAuth flow: the install link (a state cookie, then Slack's consent page) and Slack's redirect back,
    which checks that state and stores the workspace's installation."""
    if environ.get("REQUEST_METHOD") != "GET":
        return _answer(start_response, "405 Method Not Allowed", "use GET", [("Allow", "GET")])
    flow = app.oauth_flow
    request = BoltRequest(
        body="", query=environ.get("QUERY_STRING", ""), headers=WsgiHttpRequest(environ).get_headers()
    )
    started = time.perf_counter()
    if environ.get("PATH_INFO") == flow.install_path:
        response = flow.handle_installation(request)
    else:
        response = flow.handle_callback(request)
    log.info("GET %s: %s in %.0f ms", environ.get("PATH_INFO"), response.status, 1000 * (time.perf_counter() - started))
    answer = WsgiHttpResponse(status=response.status, headers=response.headers, body=response.body)
    start_response(answer.status, answer.get_headers())
    return answer.get_body()


def _is_ssl_check(body: str) -> bool:
    return "ssl_check=1" in body and not body.startswith("{") and dict(parse_qsl(body)).get("ssl_check") == "1"


def _is_signed(verifier: SignatureVerifier, body: str, environ: dict) -> bool:
    timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", "")
    signature = environ.get("HTTP_X_SLACK_SIGNATURE", "")
    # compare_digest raises on non-ASCII text, and the verifier on a timestamp int() cannot read
    return (
        bool(TIMESTAMP.fullmatch(timestamp)) and signature.isascii() and verifier.is_valid(body, timestamp, signature)
    )


def _bolt_request(body: str, environ: dict) -> BoltRequest | None:
    parsed = slack_request(body, environ.get("CONTENT_TYPE"))
    if parsed is None:
        return None
    try:
        # Verified above: bolt skips its own check for requests marked as not raw HTTP ("socket_mode"). Building
        # the request reads the ids in it, where a field of the wrong type shows the body is not from Slack.
        return BoltRequest(body=parsed, headers=WsgiHttpRequest(environ).get_headers(), mode="socket_mode")
    except (TypeError, AttributeError, KeyError, IndexError):
        return None


def slack_request(body: str, content_type: str | None) -> dict | None:
    """The request Slack sent: a JSON object (events), a form whose `payload` is a JSON object (interactivity),
    or a slash command's form; None for anything else. Also the structure bolt reads before any listener
    runs: `event` an object, `actions` a non-empty list of objects with an action_id."""
    try:
        if content_type == "application/json" or body.startswith("{"):
            parsed = json.loads(body)
        else:
            form = dict(parse_qsl(body, keep_blank_values=True))
            parsed = json.loads(form["payload"]) if "payload" in form else form
    except (ValueError, RecursionError):
        return None
    if not isinstance(parsed, dict) or not (isinstance(parsed.get("type"), str) or "command" in parsed):
        return None
    actions = parsed.get("actions", [{"action_id": ""}])
    shaped = (
        isinstance(parsed.get("event", {}), dict)
        and isinstance(actions, list)
        and bool(actions)
        and all(isinstance(action, dict) and isinstance(action.get("action_id"), str) for action in actions)
    )
    return parsed if shaped else None


def _answer(start_response, status: str, text: str, headers: list | None = None) -> list[bytes]:
    start_response(status, [("Content-Type", "text/plain; charset=utf-8"), *(headers or [])])
    return [text.encode() + b"\n"] if text else [b""]


def _reject(start_response, status: str, reason: str) -> list[bytes]:
    """One line, no traceback, never the body or the secret: anyone on the internet can send these."""
    log.warning("%s to %s: rejected %s", status, SLACK_PATH, reason)
    return _answer(start_response, status, status.split(" ", 1)[1].lower())
