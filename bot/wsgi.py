"""The WSGI application gunicorn serves: Slack's requests at /slack/events, a health check at /healthz.

Bolt parses a request's body before it checks the signature, so an unsigned or malformed body would reach its
parser and end in a 500 with a traceback. A thin layer in front of it answers those with a 4xx and one log line:
size (413), signature and timestamp (401), then the body's shape (400). Only then does bolt see the request.
"""

from __future__ import annotations

import io
import logging
import re
from urllib.parse import parse_qsl

from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.request import BoltRequest
from slack_sdk.signature import SignatureVerifier

from bot.app import build_app
from bot.services import Services, build_services
from bot.settings import Settings

SLACK_PATH = "/slack/events"
MAX_BODY_BYTES = 1024 * 1024  # Slack's largest payloads (modals, long messages) are far below this
TIMESTAMP = re.compile(r"[0-9]{1,12}")  # int() alone would take " 1_0 " or "²" (and raise on the latter)

log = logging.getLogger(__name__)


def create_wsgi_app(services: Services):
    slack = SlackRequestHandler(build_app(services), path=SLACK_PATH)
    verifier = SignatureVerifier(services.settings.slack_signing_secret)

    def application(environ, start_response):
        path = environ.get("PATH_INFO")
        if path == "/healthz":
            return _answer(start_response, "200 OK", "ok")
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
        raw = environ["wsgi.input"].read(length)
        try:
            body = raw.decode()
        except UnicodeDecodeError:
            return _reject(start_response, "400 Bad Request", "a body that is not UTF-8")
        content_type = environ.get("CONTENT_TYPE")
        if (
            dict(parse_qsl(body)).get("ssl_check") == "1"
        ):  # Slack sends these unsigned; bolt answers them before verifying
            raw = b"ssl_check=1"  # and nothing else may ride along unsigned
        elif not _is_signed(verifier, body, environ):
            return _reject(start_response, "401 Unauthorized", "a missing, invalid or stale signature")
        elif not _is_slack_shape(body, content_type):
            return _reject(start_response, "400 Bad Request", "a signed body that is not a Slack request")
        return slack({**environ, "wsgi.input": io.BytesIO(raw), "CONTENT_LENGTH": str(len(raw))}, start_response)

    return application


def _is_signed(verifier: SignatureVerifier, body: str, environ: dict) -> bool:
    timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", "")
    signature = environ.get("HTTP_X_SLACK_SIGNATURE", "")
    # compare_digest raises on non-ASCII text, and the verifier on a timestamp int() cannot read
    return (
        bool(TIMESTAMP.fullmatch(timestamp)) and signature.isascii() and verifier.is_valid(body, timestamp, signature)
    )


def _is_slack_shape(body: str, content_type: str | None) -> bool:
    """A JSON object (events), a form whose `payload` is a JSON object (interactivity) or a slash command's form.

    Judged by bolt's own request parsing, so that bolt never meets a body it cannot read, plus the structure it
    reads before any listener runs: `event` an object, `actions` a non-empty list of objects with an action_id.
    """
    try:
        parsed = BoltRequest(body=body, headers={"content-type": content_type or ""}).body
    except Exception:  # malformed JSON, or fields of the wrong type where bolt looks for ids: not from Slack
        return False
    if not isinstance(parsed, dict) or not (isinstance(parsed.get("type"), str) or "command" in parsed):
        return False
    actions = parsed.get("actions", [{"action_id": ""}])
    return (
        isinstance(parsed.get("event", {}), dict)
        and isinstance(actions, list)
        and bool(actions)
        and all(isinstance(action, dict) and isinstance(action.get("action_id"), str) for action in actions)
    )


def _answer(start_response, status: str, text: str, headers: list | None = None) -> list[bytes]:
    start_response(status, [("Content-Type", "text/plain; charset=utf-8"), *(headers or [])])
    return [text.encode() + b"\n"]


def _reject(start_response, status: str, reason: str) -> list[bytes]:
    """One line, no traceback, never the body or the secret: anyone on the internet can send these."""
    log.warning("%s to %s: rejected %s", status, SLACK_PATH, reason)
    return _answer(start_response, status, status.split(" ", 1)[1].lower())


def application_from_env():
    """Factory for gunicorn (`gunicorn 'bot.wsgi:application_from_env()'`): settings read once, here."""
    return create_wsgi_app(build_services(Settings.from_env()))
