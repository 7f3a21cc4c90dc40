"""Sends requests to dxbot's HTTP endpoint signed exactly as Slack signs them (v0 HMAC-SHA256)."""

from __future__ import annotations

import itertools
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

from tests.fakes.slack import FakeSlack


@dataclass
class Response:
    status: int
    body: str


@dataclass
class SignedSlack:
    """Plays Slack's side: slash commands, events and button clicks, signed with the app's signing secret."""

    url: str
    signing_secret: str
    response_url: str
    team_id: str = "T1"
    fake: FakeSlack | None = None
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def headers(self, body: str, timestamp: int | str | None = None, content_type: str = "application/json") -> dict:
        ts = str(int(time.time()) if timestamp is None else timestamp)
        signature = SignatureVerifier(self.signing_secret).generate_signature(timestamp=ts, body=body)
        return {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": signature,
        }

    def post(self, body: str | bytes, headers: dict, path: str = "/slack/events") -> Response:
        data = body.encode() if isinstance(body, str) else body
        request = urllib.request.Request(self.url + path, data=data, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=15) as response:
                return Response(response.status, response.read().decode())
        except urllib.error.HTTPError as error:
            return Response(error.code, error.read().decode())

    def form(self, fields: dict, **header_options) -> Response:
        body = urlencode(fields)
        return self.post(body, self.headers(body, content_type="application/x-www-form-urlencoded", **header_options))

    def command(self, text: str, user: str = "U1", channel: str = "C1", **header_options) -> Response:
        """A slash command. A reply in its ack is shown to the member like a response_url reply: the fake
        Slack (when given) records it as one, so `fake.reply(n)` is the n-th message the member saw."""
        response = self._command(text, user, channel, **header_options)
        if self.fake is not None and response.status == 200 and response.body.startswith("{"):
            self.fake.shown_in_ack(json.loads(response.body))
        return response

    def _command(self, text: str, user: str, channel: str, **header_options) -> Response:
        return self.form(
            {
                "command": "/dx",
                "text": text,
                "team_id": self.team_id,
                "team_domain": "dx",
                "channel_id": channel,
                "channel_name": "general",
                "user_id": user,
                "user_name": f"user-{user.lower()}",
                "response_url": self.response_url,
                "trigger_id": f"trigger-{next(self._ids)}",
                "api_app_id": "A1",
                "token": "legacy-verification-token",
            },
            **header_options,
        )

    def action(self, action_id: str, value: str, block_id: str = "b", user: str = "U1") -> Response:
        action = {"type": "button", "action_id": action_id, "block_id": block_id, "value": value, "action_ts": "1"}
        return self.form({"payload": json.dumps(self.block_actions([action], user))})

    def block_actions(self, actions: list, user: str = "U1") -> dict:
        """A click's payload on an ephemeral message: like Slack's, it carries no `message` for those."""
        return {
            "type": "block_actions",
            "team": {"id": self.team_id, "domain": "dx"},
            "user": {"id": user, "username": f"user-{user.lower()}", "team_id": self.team_id},
            "api_app_id": "A1",
            "container": {"type": "message", "message_ts": "1.1", "channel_id": "C1", "is_ephemeral": True},
            "channel": {"id": "C1", "name": "general"},
            "response_url": self.response_url,
            "trigger_id": f"trigger-{next(self._ids)}",
            "actions": actions,
        }

    def view_submission(self, callback_id: str, values: dict, user: str = "U1", private_metadata: str = "ja") -> dict:
        """A modal's submit: its payload as Slack posts it (send it with `form({"payload": json.dumps(…)})`)."""
        return {
            "type": "view_submission",
            "team": {"id": self.team_id, "domain": "dx"},
            "user": {"id": user, "username": f"user-{user.lower()}", "team_id": self.team_id},
            "api_app_id": "A1",
            "trigger_id": f"trigger-{next(self._ids)}",
            "view": {
                "id": "V1",
                "type": "modal",
                "callback_id": callback_id,
                "private_metadata": private_metadata,
                "state": {"values": values},
            },
        }

    def block_suggestion(self, action_id: str, value: str, view: dict, block_id: str = "b", user: str = "U1") -> dict:
        """What Slack posts while a member types in an external_select of `view` (send it like a click)."""
        return {
            "type": "block_suggestion",
            "team": {"id": self.team_id, "domain": "dx"},
            "user": {"id": user, "username": f"user-{user.lower()}", "team_id": self.team_id},
            "api_app_id": "A1",
            "container": {"type": "view", "view_id": view["id"]},
            "action_id": action_id,
            "block_id": block_id,
            "value": value,
            "view": view,
        }

    def event(self, event: dict, event_id: str | None = None, retry_num: int | None = None) -> Response:
        body = json.dumps(
            {
                "token": "legacy-verification-token",
                "team_id": self.team_id,
                "api_app_id": "A1",
                "type": "event_callback",
                "event_id": event_id or f"Ev{next(self._ids):08d}",
                "event_time": int(time.time()),
                "authorizations": [{"team_id": self.team_id, "user_id": "UBOT", "is_bot": True}],
                "event": event,
            }
        )
        headers = self.headers(body)
        if retry_num is not None:
            headers |= {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
        return self.post(body, headers)
