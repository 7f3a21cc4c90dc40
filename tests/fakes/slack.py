"""A loopback fake of Slack's Web API (and of response_url webhooks) that records every call.

Like bolt-python's own test servers, but on port 0. Tests queue canned failures with `fail_next`.
"""

from __future__ import annotations

import base64
import itertools
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


@dataclass
class Call:
    method: str  # Web API method ("chat.postMessage"), or "response_url" / "upload"
    path: str
    headers: dict[str, str]
    args: dict


@dataclass
class FakeSlack:
    server: ThreadingHTTPServer
    calls: list[Call] = field(default_factory=list)
    replies: dict[str, list[dict]] = field(default_factory=dict)  # conversations.replies per thread ts
    socket_mode_url: str | None = None  # what apps.connections.open hands out
    channels: dict[str, list[dict]] = field(default_factory=dict)  # top-level posts, for conversations.history
    workspaces: dict[str, dict] = field(default_factory=dict)  # by OAuth code and by bot token: who installs
    users_by_email: dict[str, dict] = field(default_factory=dict)  # users.lookupByEmail: address → user
    channel_hosts: dict[str, str] = field(default_factory=dict)  # conversations.info: channel → its host workspace
    _failures: dict[str, list[tuple[int, dict, dict]]] = field(default_factory=dict)
    _delays: dict[str, list[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _ts: itertools.count = field(default_factory=lambda: itertools.count(1))

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def api_url(self) -> str:
        return self.base_url + "/api/"

    def response_url(self, name: str = "r1") -> str:
        return f"{self.base_url}/response/{name}"

    def add_workspace(self, team_id: str, name: str) -> str:
        """A workspace about to install the app: returns the code Slack's consent page hands its browser, which
        oauth.v2.access exchanges for a bot token of its own (auth.test then answers for that workspace)."""
        workspace = {"id": team_id, "name": name, "token": f"xoxb-{team_id}-{uuid.uuid4().hex[:12]}"}
        with self._lock:
            self.workspaces[f"code-{team_id}"] = self.workspaces[workspace["token"]] = workspace
        return f"code-{team_id}"

    def add_user(self, email: str, user_id: str, team_id: str = "T1", confirmed: bool = True) -> None:
        """A Slack user users.lookupByEmail finds by their address, and users.info by their id (with the address,
        and whether Slack has confirmed it)."""
        user = {"id": user_id, "team_id": team_id, "profile": {"email": email}, "is_email_confirmed": confirmed}
        with self._lock:
            self.users_by_email[email.lower()] = user

    def token_of(self, call: Call) -> str:
        """The token a call was made with (slack_sdk sends it as a bearer token)."""
        return call.headers.get("Authorization", "").removeprefix("Bearer ") or call.args.get("token", "")

    def fail_next(self, method: str, error: str, status: int = 200, headers: dict | None = None, times: int = 1):
        """The next `times` calls of `method` answer {"ok": false, "error": error} (or an HTTP status)."""
        with self._lock:
            self._failures.setdefault(method, []).extend(
                [(status, {"ok": False, "error": error}, headers or {})] * times
            )

    def slow_next(self, method: str, seconds: float, times: int = 1) -> None:
        """The next `times` calls of `method` are carried out, but answered only after `seconds`: a client
        that gives up first cannot know whether it happened (a timeout)."""
        with self._lock:
            self._delays.setdefault(method, []).extend([seconds] * times)

    def of(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 10.0) -> list[Call]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.of(method)
            if len(found) >= count:
                return found
            time.sleep(0.02)
        raise AssertionError(f"expected {count} {method} call(s), got {len(self.of(method))}: {self.summary()}")

    def shown_in_ack(self, message: dict) -> None:
        """A slash command's ack that carried a message: Slack shows it to the member as it shows a reply sent
        to the response_url, so it is recorded as one (path "ack")."""
        with self._lock:
            self.calls.append(Call(method="response_url", path="ack", headers={}, args=message))

    def reply(self, count: int = 1) -> dict:
        """The `count`-th message the member saw: a reply in an ack, or one sent to a response_url (waiting for it)."""
        return self.wait_for("response_url", count)[count - 1].args

    def reply_text(self, count: int = 1) -> str:
        """That reply's fallback text and its blocks, as one string to search."""
        found = self.reply(count)
        return found["text"] + "\n" + json.dumps(found.get("blocks", []), ensure_ascii=False)

    def summary(self) -> list[str]:
        with self._lock:
            return [c.method for c in self.calls]

    def reset_calls(self) -> None:
        """Forget the calls made so far (the channels' messages stay)."""
        with self._lock:
            self.calls.clear()

    def reset(self) -> None:
        with self._lock:
            self.calls.clear()
            self._failures.clear()
            self._delays.clear()
            self.replies.clear()
            self.channels.clear()
            self.workspaces.clear()
            self.users_by_email.clear()
            self.channel_hosts.clear()

    # --- called by the request handler ---

    def _record(self, call: Call) -> tuple[int, dict, dict, float]:
        with self._lock:
            self.calls.append(call)
            delays = self._delays.get(call.method)
            delay = delays.pop(0) if delays else 0.0
            queued = self._failures.get(call.method)
            if queued:
                return (*queued.pop(0), delay)
            return 200, self._answer(call), {}, delay

    def _answer(self, call: Call) -> dict:
        args = call.args
        ts = f"{int(time.time())}.{next(self._ts):06d}"  # like Slack's: seconds, then a unique suffix
        match call.method:
            case "auth.test":
                return self._auth_test(self.token_of(call))
            case "oauth.v2.access":
                return self._oauth_access(args, _basic_auth(call.headers))
            case "chat.postMessage":
                message = {"ts": ts, "text": args.get("text"), "metadata": _json(args.get("metadata"))}
                if args.get("thread_ts"):  # found again by conversations.replies, like Slack's
                    self.replies.setdefault(args["thread_ts"], []).append(message | {"bot_id": "BBOT"})
                else:
                    self.channels.setdefault(args.get("channel"), []).insert(0, message)  # newest first
                return {"ok": True, "channel": args.get("channel"), "ts": ts, "message": message}
            case "conversations.history":
                oldest = float(args.get("oldest") or 0)
                found = [m for m in self.channels.get(args.get("channel"), []) if float(m["ts"]) >= oldest]
                return {"ok": True, "messages": found, "has_more": False}
            case "chat.update":
                return {"ok": True, "channel": args.get("channel"), "ts": args.get("ts")}
            case "chat.postEphemeral":
                return {"ok": True, "message_ts": ts}
            case "conversations.replies":
                return {"ok": True, "messages": self.replies.get(args.get("ts"), []), "has_more": False}
            case "files.getUploadURLExternal":
                return {"ok": True, "upload_url": f"{self.base_url}/upload/F{ts}", "file_id": f"F{ts}"}
            case "files.completeUploadExternal":
                return {"ok": True, "files": [{"id": f["id"]} for f in json.loads(args.get("files", "[]"))]}
            case "apps.connections.open":
                return (
                    {"ok": True, "url": self.socket_mode_url} if self.socket_mode_url else {"ok": False, "error": "x"}
                )
            case "users.lookupByEmail":
                user = self.users_by_email.get((args.get("email") or "").lower())
                return {"ok": True, "user": user} if user else {"ok": False, "error": "users_not_found"}
            case "conversations.info":
                channel = {"id": args.get("channel")}
                if args.get("channel") in self.channel_hosts:
                    channel["context_team_id"] = self.channel_hosts[args["channel"]]
                return {"ok": True, "channel": channel}
            case "conversations.open":  # a DM with the user named
                return {"ok": True, "channel": {"id": "D" + str(args.get("users", "")).split(",")[0]}}
            case "users.info":
                known = next((u for u in self.users_by_email.values() if u["id"] == args.get("user")), {})
                return {
                    "ok": True,
                    "user": {"name": "staff", "real_name": "Staff Member", **known, "id": args.get("user")},
                }
        return {"ok": True}

    def _auth_test(self, token: str) -> dict:
        workspace = self.workspaces.get(token)
        team_id = workspace["id"] if workspace else "T1"  # any other token: the single workspace of most tests
        return {
            "ok": True,
            "url": f"https://{team_id.lower()}.slack.com/",
            "team": workspace["name"] if workspace else "dx",
            "user": "dxbot",
            "team_id": team_id,
            "user_id": f"U{team_id}BOT" if workspace else "UBOT",
            "bot_id": f"B{team_id}" if workspace else "BBOT",
            "is_enterprise_install": False,
        }

    def _oauth_access(self, args: dict, client: tuple[str, str] | None) -> dict:
        """Like Slack's oauth.v2.access for a bot-only install (no user scopes asked); the app's client id and
        secret come as HTTP basic auth, as slack_sdk sends them."""
        workspace = self.workspaces.get(args.get("code"))
        if client is None:
            return {"ok": False, "error": "invalid_client_id"}
        if workspace is None:
            return {"ok": False, "error": "invalid_code"}
        return {
            "ok": True,
            "app_id": "A1",
            "authed_user": {"id": "UINSTALLER"},
            "scope": "app_mentions:read,chat:write,commands",
            "token_type": "bot",
            "access_token": workspace["token"],
            "bot_user_id": f"U{workspace['id']}BOT",
            "team": {"id": workspace["id"], "name": workspace["name"]},
            "enterprise": None,
            "is_enterprise_install": False,
        }


def _basic_auth(headers: dict[str, str]) -> tuple[str, str] | None:
    scheme, _, encoded = headers.get("Authorization", "").partition(" ")
    if scheme != "Basic":
        return None
    client_id, _, secret = base64.b64decode(encoded).decode().partition(":")
    return client_id, secret


def _json(value):
    """Web API arguments arrive as JSON values or, form-encoded, as JSON strings."""
    return json.loads(value) if isinstance(value, str) else value


def _handler_for(fake: FakeSlack):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            method = self._method()
            call = Call(method=method, path=self.path, headers=dict(self.headers.items()), args=self._parse(raw))
            status, payload, headers, delay = fake._record(call)
            time.sleep(delay)
            body = b"ok" if method in ("response_url", "upload") and status == 200 else json.dumps(payload).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up waiting: that is the point
                pass

        def _method(self) -> str:
            if self.path.startswith("/api/"):
                return self.path[len("/api/") :].split("?")[0]
            if self.path.startswith("/response/"):
                return "response_url"
            return "upload"

        def _parse(self, raw: bytes) -> dict:
            if self._method() == "upload":  # file bytes (slack_sdk posts them without a content type)
                return {"bytes": len(raw), "content": raw}
            content_type = self.headers.get("Content-Type", "")
            if "json" in content_type:
                return json.loads(raw or b"{}")
            if "form" in content_type:
                return {k: v[0] for k, v in parse_qs(raw.decode()).items()}
            return {"bytes": len(raw)}

        def log_message(self, *_args):  # keep test output quiet
            pass

    return Handler


def start_fake_slack() -> FakeSlack:
    server = ThreadingHTTPServer(("127.0.0.1", 0), None)
    server.daemon_threads = True
    fake = FakeSlack(server=server)
    server.RequestHandlerClass = _handler_for(fake)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return fake
