"""Issue F: unsigned or malformed requests to /slack/events get a 4xx and one log line, never a 500 or a traceback.

Over real HTTP against the served app; the WSGI app runs in a thread of this process, so caplog sees its records.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request
from urllib.parse import quote

import pytest

from tests.conftest import SIGNING_SECRET

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
COMMAND = "command=%2Fdx&text=progress&team_id=T1&user_id=U1"


@pytest.fixture
def logs(caplog, capfd):
    """The records logged during the test; afterwards, asserts none carried a traceback or an error."""
    caplog.set_level(logging.INFO)
    yield caplog
    assert [r.getMessage() for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR] == []
    assert "Traceback" not in capfd.readouterr().err  # wsgiref prints a crashed app's traceback to stderr


def edge_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "bot.wsgi"]


def signed(slack, body: str, content_type: str = JSON):
    return slack.post(body, slack.headers(body, content_type=content_type))


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("{not json", JSON),
        ("[]", JSON),
        ("null", JSON),
        ('"event_callback"', JSON),
        ('{"event": {"type": "app_mention"}}', JSON),  # an object, but no type: not an event Slack sends
        ("", JSON),
        ("", FORM),
        ("payload=garbage", FORM),
        ("payload=%5B%5D", FORM),
        ("payload=null", FORM),
        ("team_id=T1&user_id=U1", FORM),  # a form without payload or command
        ("[]", FORM),
        ("command=%2Fdx&text=help", JSON),  # bolt trusts the content type and would parse this as JSON
        ("[" * 50_000 + "]" * 50_000, JSON),  # deeper than the JSON parser recurses
        # the structure bolt reads before any listener runs (it would raise, and answer 500)
        ('{"type": "event_callback", "event": null}', JSON),
        ('{"type": "event_callback", "event": {"type": "app_mention", "user": false}}', JSON),
        ("payload=" + quote('{"type": "block_actions", "actions": []}'), FORM),
        ("payload=" + quote('{"type": "block_actions", "actions": [{"action_id": 5}]}'), FORM),
    ],
)
def test_signed_bodies_that_are_not_slack_requests_get_400(slack, fake_slack, logs, body, content_type):
    response = signed(slack, body, content_type)
    assert (response.status, response.body) == (400, "bad request\n")
    [line] = edge_lines(logs)
    assert "400" in line and "not a Slack request" in line
    time.sleep(0.1)
    assert fake_slack.calls == []


def _timestamp(seconds_from_now: int) -> dict:
    return {"X-Slack-Request-Timestamp": str(int(time.time()) + seconds_from_now)}


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda h: h.pop("X-Slack-Signature"), id="no signature"),
        pytest.param(lambda h: h.pop("X-Slack-Request-Timestamp"), id="no timestamp"),
        pytest.param(lambda h: h.clear(), id="no headers at all"),
        pytest.param(lambda h: h.update(_timestamp(-6 * 60)), id="6 minutes old"),
        pytest.param(lambda h: h.update(_timestamp(6 * 60)), id="6 minutes ahead"),
        pytest.param(lambda h: h.update({"X-Slack-Signature": "v0=" + "0" * 64}), id="forged signature"),
        pytest.param(lambda h: h.update({"X-Slack-Signature": "v0=é"}), id="non-ASCII signature"),
        pytest.param(lambda h: h.update({"X-Slack-Signature": "v1=" + h["X-Slack-Signature"][3:]}), id="v1"),
    ],
)
@pytest.mark.parametrize("body", [COMMAND, "{not json", "payload=garbage", "[]", ""])
def test_unsigned_or_badly_signed_requests_get_401_whatever_the_body(slack, fake_slack, logs, tamper, body):
    headers = slack.headers(body, content_type=JSON if body.startswith(("{", "[")) else FORM)
    tamper(headers)
    response = slack.post(body, headers)
    assert (response.status, response.body) == (401, "unauthorized\n")
    [line] = edge_lines(logs)
    assert "401" in line and "signature" in line
    assert SIGNING_SECRET not in line and (not body or body not in line)
    assert fake_slack.calls == []


@pytest.mark.parametrize("timestamp", ["yesterday", "1e9", " 1700000000", "1_700_000_000", "²", "-1", "", "9" * 5000])
def test_a_timestamp_that_is_not_a_number_gets_401_even_when_signed_with_it(slack, logs, timestamp):
    response = slack.post(COMMAND, slack.headers(COMMAND, timestamp=timestamp, content_type=FORM))
    assert response.status == 401
    assert len(edge_lines(logs)) == 1


def test_a_body_that_is_not_utf8_gets_400(slack, logs):
    response = slack.post("text=caf\xe9".encode("latin-1"), {"Content-Type": FORM})
    assert response.status == 400
    assert "not UTF-8" in edge_lines(logs)[0]


def test_a_body_over_the_size_cap_gets_413_unread(slack, logs):
    headers = slack.headers(COMMAND, content_type=FORM) | {"Content-Length": str(2 * 1024 * 1024)}
    assert slack.post(COMMAND, headers).status == 413
    assert "2097152 bytes" in edge_lines(logs)[0]


def test_a_content_length_that_is_not_a_number_gets_400(slack, logs):
    assert slack.post(COMMAND, slack.headers(COMMAND, content_type=FORM) | {"Content-Length": "lots"}).status == 400


def _http(url: str, method: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method=method), timeout=10) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_other_methods_on_the_slack_path_get_405(app_url, logs, method):
    status, headers = _http(app_url + "/slack/events", method)
    assert (status, headers["Allow"]) == (405, "POST")


def test_health_check_and_unknown_paths(app_url, logs):
    assert _http(app_url + "/healthz", "GET")[0] == 200
    assert _http(app_url + "/slack/other", "POST")[0] == 404


def test_a_signed_help_command_is_still_answered(slack, fake_slack, logs):
    response = slack.command("help")
    assert response.status == 200
    assert "/dx done" in response.body or "/dx done" in fake_slack.reply_text()  # in the ack, or via response_url
    assert edge_lines(logs) == []


def test_url_verification_challenge_is_echoed(slack, logs):
    challenge = "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    response = signed(slack, json.dumps({"token": "t", "challenge": challenge, "type": "url_verification"}))
    assert (response.status, json.loads(response.body)) == (200, {"challenge": challenge})


@pytest.mark.parametrize(
    "body",
    [
        "ssl_check=1&token=legacy-verification-token",  # as Slack sends it: unsigned
        "ssl_check=1&payload=garbage",
        "ssl_check=1&" + COMMAND,  # nothing may ride along on an unsigned ssl_check (a command's ack has a body)
    ],
)
def test_ssl_check_is_answered_unsigned_and_nothing_rides_along(slack, fake_slack, logs, body):
    response = slack.post(body, {"Content-Type": FORM})
    assert (response.status, response.body) == (200, "")
    time.sleep(0.2)
    assert fake_slack.calls == []
