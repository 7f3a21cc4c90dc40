"""A loopback fake of the Udemy Business Courses API (`/api-2.0/organizations/<id>/courses/list/`) that records
every request.

Like the real one (a Django REST framework list): HTTP Basic auth, `page` and `page_size` (12 by default), pages of
`{"count", "next", "previous", "results"}` whose `next` and `previous` are absolute addresses keeping the request's
query, and 404 past the last page. Tests make the first requests fail with 429 and Retry-After, or with 503, as the
real API does under load, and can point `next` at another host."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

DEFAULT_PAGE_SIZE = 12


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
    rate_limited: int = 0  # requests still to answer 429
    retry_after: str | None = "0"  # the 429s' Retry-After; None: none sent
    server_errors: int = 0  # requests still to answer 503, after the 429s
    next_base: str | None = None  # another scheme://host:port for `next` links; None: this server's
    requests: list[Seen] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def answer(self, path: str, query: dict[str, list[str]], authorization: str) -> tuple[int, dict, dict]:
        """(status, headers, body) for one request, recorded."""
        authorised = authorization == "Basic " + base64.b64encode(self.credentials.encode()).decode()
        with self._lock:
            status, headers, body = self._respond(path, query, authorised)
            self.requests.append(Seen(path, query, authorised, status))
        return status, headers, body

    def _respond(self, path: str, query: dict[str, list[str]], authorised: bool) -> tuple[int, dict, dict]:
        if not authorised:
            return 401, {"WWW-Authenticate": 'Basic realm="api"'}, {"detail": "Invalid username/password."}
        if self.rate_limited > 0:
            self.rate_limited -= 1
            headers = {"Retry-After": self.retry_after} if self.retry_after is not None else {}
            return 429, headers, {"detail": "Request was throttled."}
        if self.server_errors > 0:
            self.server_errors -= 1
            return 503, {}, {"detail": "Service unavailable."}
        parts = path.strip("/").split("/")
        if len(parts) != 5 or parts[:2] != ["api-2.0", "organizations"] or parts[3:] != ["courses", "list"]:
            return 404, {}, {"detail": "Not found."}
        return self._page(path, query)

    def _page(self, path: str, query: dict[str, list[str]]) -> tuple[int, dict, dict]:
        number = int(query.get("page", ["1"])[0])
        size = int(query.get("page_size", [str(DEFAULT_PAGE_SIZE)])[0])
        last = max(1, -(-len(self.courses) // size))
        if not 1 <= number <= last:
            return 404, {}, {"detail": "Invalid page."}
        body = {
            "count": len(self.courses),
            "next": self._link(path, query, number + 1) if number < last else None,
            "previous": self._link(path, query, number - 1) if number > 1 else None,
            "results": self.courses[(number - 1) * size : number * size],
        }
        return 200, {}, body

    def _link(self, path: str, query: dict[str, list[str]], number: int) -> str:
        """The request's address with another page, as Django REST framework builds `next`."""
        return f"{self.next_base or self.base_url}{path}?{urlencode({**query, 'page': [number]}, doseq=True)}"


@contextmanager
def start_fake_udemy(
    courses: list[dict],
    *,
    client_id: str,
    client_secret: str,
    rate_limited: int = 0,
    retry_after: str | None = "0",
    server_errors: int = 0,
    next_base: str | None = None,
) -> Iterator[FakeUdemy]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    server.daemon_threads = True
    fake = FakeUdemy(
        server,
        courses,
        f"{client_id}:{client_secret}",
        rate_limited=rate_limited,
        retry_after=retry_after,
        server_errors=server_errors,
        next_base=next_base,
    )
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
            try:
                self.send_response(status)
                for name, value in {"Content-Type": "application/json", **headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up waiting
                pass

        def log_message(self, *_args) -> None:  # keep test output quiet
            pass

    return Handler
