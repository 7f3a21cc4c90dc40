"""A loopback fake of the Udemy Business Courses API (`/api-2.0/organizations/<id>/courses/list/`): HTTP Basic
auth, pages with absolute `next` links, and the first N requests answered 429 with Retry-After, as the real API
rate-limits. Every request is recorded."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class Seen:
    path: str
    query: dict[str, list[str]]
    authorised: bool
    status: int


@dataclass
class FakeUdemy:
    server: ThreadingHTTPServer
    courses: list[dict]
    credentials: str  # "id:secret"
    rate_limited: int  # requests still to answer with 429
    requests: list[Seen] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def answer(self, path: str, query: dict[str, list[str]], authorization: str) -> tuple[int, dict, dict]:
        """(status, headers, body) for one request, recorded."""
        authorised = authorization == "Basic " + base64.b64encode(self.credentials.encode()).decode()
        with self._lock:
            if not authorised:
                status, headers, body = 401, {}, {"detail": "Invalid username/password."}
            elif self.rate_limited > 0:
                self.rate_limited -= 1
                status, headers, body = 429, {"Retry-After": "0"}, {"detail": "Request was throttled."}
            else:
                status, headers, body = 200, {}, self._page(path, query)
            self.requests.append(Seen(path, query, authorised, status))
        return status, headers, body

    def _page(self, path: str, query: dict[str, list[str]]) -> dict:
        number, size = int(query.get("page", ["1"])[0]), int(query.get("page_size", ["12"])[0])
        results = self.courses[(number - 1) * size : number * size]
        following = f"{self.base_url}{path}?page={number + 1}&page_size={size}"
        return {
            "count": len(self.courses),
            "next": following if number * size < len(self.courses) else None,
            "previous": None,
            "results": results,
        }


@contextmanager
def start_fake_udemy(
    courses: list[dict], *, client_id: str, client_secret: str, rate_limited: int = 0
) -> Iterator[FakeUdemy]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    fake = FakeUdemy(server, courses, f"{client_id}:{client_secret}", rate_limited)
    server.RequestHandlerClass = _handler_for(fake)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()


def _handler_for(fake: FakeUdemy) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            status, headers, payload = fake.answer(
                parts.path, parse_qs(parts.query), self.headers.get("Authorization", "")
            )
            body = json.dumps(payload, ensure_ascii=False).encode()
            self.send_response(status)
            for name, value in {"Content-Type": "application/json", **headers}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args) -> None:
            pass

    return Handler
