"""Plays Slack against a served app: signed `/dx` commands sent by concurrent members over persistent keep-alive
connections, each timed from send to the last byte of the response, and a loopback response_url that
records when each post arrives and answers after Slack's round trip."""

from __future__ import annotations

import http.client
import json
import math
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from tests.fakes.signed import Response, SignedSlack

SLACK_ROUND_TRIP = 0.3  # seconds: a response_url post from Japan to Slack and back
REQUEST_TIMEOUT = 15.0  # Slack gives up after 3 s; waiting longer shows how late the answer would have been
SLACK_ACK_LIMIT = 3.0


@dataclass
class Post:
    path: str
    at: float  # time.perf_counter() when the post arrived
    body: dict


class ResponseUrls:
    """Slack's response_url webhooks on loopback: `/response/<name>` records each post as it arrives, then
    answers after SLACK_ROUND_TRIP, so the app's thread waits as long as it would for the real Slack."""

    def __init__(self, delay: float = SLACK_ROUND_TRIP):
        self.posts: list[Post] = []
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler(delay))
        self.server.daemon_threads = True
        self.server.socket.listen(128)  # the default backlog of 5 would drop bursts of posts into 1 s SYN retries
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/response/{name}"

    def to(self, name: str) -> list[Post]:
        path = f"/response/{name}"
        with self._lock:
            return [p for p in self.posts if p.path == path]

    def first(self, name: str) -> Post | None:
        found = self.to(name)
        return found[0] if found else None

    def count(self) -> int:
        with self._lock:
            return len(self.posts)

    def reset(self) -> None:
        with self._lock:
            self.posts.clear()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _handler(self, delay: float):
        urls = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                post = Post(self.path, time.perf_counter(), json.loads(raw or b"{}"))
                with urls._lock:
                    urls.posts.append(post)
                time.sleep(delay)
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *_args):
                pass

        return Handler


@dataclass
class Sent:
    """One command as the member's client saw it."""

    user: str
    text: str
    sent_at: float  # time.perf_counter()
    latency: float  # send → response fully read (or → the error)
    status: int  # 0: no response (timeout, connection error)
    body: str

    @property
    def ack_text(self) -> str | None:
        """The confirmation carried in the ack itself, if any: JSON with a "text", or (bolt's `ack(text=…)`
        without blocks) the text as a plain body."""
        try:
            found = json.loads(self.body)
        except ValueError:
            return self.body.strip() or None
        return (found.get("text") or None) if isinstance(found, dict) else None


@dataclass
class KeepAliveSlack(SignedSlack):
    """SignedSlack's requests (the same form body, the same v0 signature), sent over one persistent connection
    and timed. Each command gets its own response_url, `/response/<user id>`, to correlate the posts."""

    responses: ResponseUrls | None = None
    _connection: http.client.HTTPConnection | None = None
    _reused: bool = False  # the connection has carried a response, so the server may since have closed it
    _sent_at: float = 0.0
    _done_at: float = 0.0

    def connect(self) -> None:
        address = urlsplit(self.url)
        self._connection = http.client.HTTPConnection(address.hostname, address.port, timeout=REQUEST_TIMEOUT)
        self._connection.connect()
        self._reused = False

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def send(self, text: str, user: str) -> Sent:
        self.response_url = self.responses.url(user)
        response = self.command(text, user=user)
        return Sent(user, text, self._sent_at, self._done_at - self._sent_at, response.status, response.body)

    def post(self, body: str | bytes, headers: dict, path: str = "/slack/events") -> Response:
        payload = body.encode() if isinstance(body, str) else body
        self._sent_at = time.perf_counter()
        reused = self._reused
        try:
            try:
                return self._exchange(payload, headers, path)
            except (ConnectionResetError, BrokenPipeError):
                if not reused:
                    raise
                return self._exchange(payload, headers, path)  # the server closed an idle connection: reconnect
        except (OSError, http.client.HTTPException) as error:
            return Response(0, type(error).__name__)
        finally:
            self._done_at = time.perf_counter()

    def _exchange(self, payload: bytes, headers: dict, path: str) -> Response:
        if self._connection is None:
            self.connect()
        try:
            self._connection.request("POST", path, body=payload, headers=headers)
            answer = self._connection.getresponse()
            text = answer.read().decode()
        except BaseException:
            self.close()
            raise
        self._reused = True
        if answer.will_close:
            self.close()
        return Response(answer.status, text)


@dataclass
class Plan:
    """One member's connection: the (text, user id) commands it sends one after another, starting `delay`
    seconds after the others."""

    commands: list[tuple[str, str]]
    delay: float = 0.0


@dataclass
class Fired:
    sent: list[Sent]
    planned: int  # fewer sent than planned: the time limit stopped the members


def fire(url: str, secret: str, responses: ResponseUrls, plans: list[Plan], time_limit: float) -> Fired:
    """Every plan on its own thread and connection (connected beforehand); each member stops at the time limit."""
    clients = [KeepAliveSlack(url=url, signing_secret=secret, response_url="", responses=responses) for _ in plans]
    for client in clients:
        client.connect()
    sent: list[list[Sent]] = [[] for _ in plans]
    start = time.perf_counter() + 0.3  # time enough to start every thread, so they all begin together
    deadline = start + time_limit

    def member(index: int) -> None:
        plan, client = plans[index], clients[index]
        time.sleep(max(0.0, start + plan.delay - time.perf_counter()))
        for text, user in plan.commands:
            if time.perf_counter() > deadline:
                break
            sent[index].append(client.send(text, user))
        client.close()

    threads = [threading.Thread(target=member, args=(n,), daemon=True) for n in range(len(plans))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.0, deadline + REQUEST_TIMEOUT + 5 - time.perf_counter()))
    return Fired([s for member_sent in sent for s in member_sent], sum(len(p.commands) for p in plans))


def visible_after(sent: Sent, responses: ResponseUrls) -> float:
    """Seconds from sending until the member could see a confirmation: the ack's own text, else the first
    response_url post for that command (math.inf: nothing yet)."""
    if sent.status == 200 and sent.ack_text:
        return sent.latency
    post = responses.first(sent.user)
    return post.at - sent.sent_at if post else math.inf


def failures(sent: list[Sent]) -> str:
    """What went wrong, by kind: "404 ×30, no response ×9"."""
    kinds = Counter(str(s.status) if s.status else "no response" for s in sent if s.status != 200)
    return ", ".join(f"{kind} ×{n}" for kind, n in kinds.most_common())


def wait_until(done: Callable[[], bool], timeout: float) -> bool:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if done():
            return True
        time.sleep(0.05)
    return done()


def wait_quiet(responses: ResponseUrls, quiet: float = 1.5, timeout: float = 60.0) -> None:
    """Until no post has arrived for `quiet` seconds: the app's background work has finished."""
    deadline = time.perf_counter() + timeout
    seen, since = responses.count(), time.perf_counter()
    while time.perf_counter() < deadline and time.perf_counter() - since < quiet:
        time.sleep(0.1)
        if responses.count() != seen:
            seen, since = responses.count(), time.perf_counter()


def percentile(values: list[float], fraction: float) -> float:
    """Nearest rank: the smallest value with at least `fraction` of the values at or below it."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


@dataclass
class Spread:
    values: list[float] = field(default_factory=list)

    @property
    def p50(self) -> float:
        return percentile(self.values, 0.50)

    @property
    def p90(self) -> float:
        return percentile(self.values, 0.90)

    @property
    def p99(self) -> float:
        return percentile(self.values, 0.99)

    @property
    def max(self) -> float:
        return max(self.values, default=math.nan)

    def __str__(self) -> str:
        return " ".join(f"{ms(v):>8}" for v in (self.p50, self.p90, self.p99, self.max))


def ms(seconds: float) -> str:
    if math.isnan(seconds):
        return "—"
    return "never" if math.isinf(seconds) else f"{seconds * 1000:,.0f} ms"


def times(value: float, baseline: float) -> str:
    """ "2.5×", or "—" when either side is missing or never came."""
    if not (0 < baseline < math.inf) or math.isnan(value) or math.isinf(value):
        return "—"
    return f"{value / baseline:.2f}×"
