"""The outbound proxy of a 庁内 network: HTTPS_PROXY / HTTP_PROXY / NO_PROXY in the environment, as the README's
Deploy section promises, reach every client dxbot talks through — slack_sdk's WebClient and WebhookClient (the
response_url) as bot/app.py and handlers/delivery.py build them, the openai client as knowledge/llm.py builds it,
the Udemy client of bot/udemy.py (urllib), and Socket Mode's WebSocket.

A loopback forward proxy stands between them and the loopback fakes. It forwards absolute-form requests (http://)
and tunnels CONNECT (https://) the way a TLS-inspecting 庁内 proxy does: it answers the TLS handshake itself with a
certificate the clients trust only through SSL_CERT_FILE, records the request inside, and relays it to the plain
fake. An https:// address of a fake can therefore only be reached through the proxy: the fake speaks no TLS.

What this found (see the README's Deploy section): none of the clients skips the proxy for loopback addresses by
itself, so a loopback request (a health check) needs NO_PROXY or a proxy-less opener; slack_sdk takes HTTPS_PROXY,
else HTTP_PROXY, for http:// and https:// alike; Socket Mode's builtin client opens its WebSocket through that same
proxy (bolt hands it the WebClient's) and never consults NO_PROXY."""

from __future__ import annotations

import base64
import http.client
import re
import select
import shlex
import shutil
import socket
import ssl
import subprocess
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.app import build_app, web_client
from bot.services import build_services
from bot.settings import Settings
from bot.udemy import UdemyClient, UdemyError
from handlers.delivery import send_to_response_url
from knowledge.llm import ChatMessage, ChatModel, ModelUnavailable
from tests.fakes.openai import FakeOpenAI, start_fake_openai
from tests.fakes.slack import FakeSlack, start_fake_slack
from tests.fakes.socket_mode import FakeSocketMode, start_fake_socket_mode
from tests.fakes.udemy import start_fake_udemy

PROXY_VARIABLES = ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "NO_PROXY", "SSL_CERT_FILE", "SSL_CERT_DIR")
LOOPBACK = {"127.0.0.1", "localhost"}  # the proxy forwards nowhere else
HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "proxy-authorization", "transfer-encoding", "upgrade"}
REQUEST_LINE = re.compile(rb"([A-Z]+) (\S+) HTTP/1\.[01]\r\n")
BOT_TOKEN = "xoxb-test-token"
LOGIN = ("dxbot", "p@ss:word")  # characters a proxy password may have, percent-encoded in the proxy's URL
LOGIN_IN_URL = "dxbot:p%40ss%3Aword@"
SELF_SIGNED = (
    "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1"
    " -addext subjectAltName=IP:127.0.0.1,DNS:localhost -addext basicConstraints=critical,CA:TRUE"
)


# --- the proxy ------------------------------------------------------------------------------------------------


@dataclass
class LoopbackProxy:
    server: ThreadingHTTPServer
    tls: ssl.SSLContext  # what it answers a CONNECT's handshake with, as a TLS-inspecting proxy does
    seen: list[str] = field(default_factory=list)  # "CONNECT host:port", "POST http(s)://host:port/path?query"
    logins: list[str | None] = field(default_factory=list)  # each request's or CONNECT's Proxy-Authorization
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def record(self, line: str, login: str | None = None) -> None:
        with self._lock:
            self.seen.append(line)
            self.logins.append(login)

    def reset(self) -> None:
        with self._lock:
            self.seen.clear()
            self.logins.clear()


def _handler_for(proxy: LoopbackProxy) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_CONNECT(self) -> None:  # https://: a tunnel, opened up as a TLS-inspecting proxy does
            proxy.record(f"CONNECT {self.path}", self.headers.get("Proxy-Authorization"))
            host, _, port = self.path.rpartition(":")
            if host not in LOOPBACK:
                self.send_error(403, "loopback only")
                return
            self.send_response(200, "Connection established")
            self.end_headers()
            self.close_connection = True
            try:
                client = proxy.tls.wrap_socket(self.connection, server_side=True)
            except (ssl.SSLError, OSError) as exc:  # the client did not trust us: recorded for the assertion
                proxy.record(f"TLS refused: {exc}")
                return
            with socket.create_connection((host, int(port)), timeout=10) as upstream:
                _relay(client, upstream, lambda line: proxy.record(line.replace(" /", f" https://{self.path}/", 1)))

        def _forward(self) -> None:  # http://: the absolute-form request, sent on to the fake
            proxy.record(f"{self.command} {self.path}", self.headers.get("Proxy-Authorization"))
            target = urlsplit(self.path)
            if target.hostname not in LOOPBACK:
                self.send_error(403, "loopback only")
                return
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            upstream = http.client.HTTPConnection(target.hostname, target.port, timeout=10)
            path = target.path + (f"?{target.query}" if target.query else "")
            try:
                upstream.request(self.command, path, body, headers)
                response = upstream.getresponse()
                payload = response.read()
            finally:
                upstream.close()
            self.send_response(response.status, response.reason)
            for name, value in response.getheaders():
                if name.lower() not in HOP_BY_HOP | {"content-length"}:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(payload)
            self.close_connection = True

        do_GET = do_POST = do_PUT = _forward

        def log_message(self, *_args) -> None:
            pass

    return Handler


def _relay(client: ssl.SSLSocket, upstream: socket.socket, request_line: Callable[[str], None]) -> None:
    """Bytes both ways until either side closes; each chunk from the client that starts an HTTP request (one per
    request: the clients write a request's head at once) is recorded by its request line."""
    client.settimeout(10)
    while True:
        readable = [client] if client.pending() else select.select([client, upstream], [], [], 10)[0]
        if not readable:
            return
        for source in readable:
            try:
                data = source.recv(65536)
            except (OSError, ssl.SSLError):
                return
            if not data:
                return
            if source is client and (line := REQUEST_LINE.match(data)):
                request_line(f"{line.group(1).decode()} {line.group(2).decode()}")
            (upstream if source is client else client).sendall(data)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> Path:
    """The inspecting proxy's certificate for 127.0.0.1, self-signed: the clients trust it via SSL_CERT_FILE."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed: no certificate for the TLS-inspecting proxy")
    directory = tmp_path_factory.mktemp("proxy-ca")
    key, cert = directory / "key.pem", directory / "cert.pem"
    subprocess.run(
        [*shlex.split(SELF_SIGNED), "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    return directory


@pytest.fixture(scope="module")
def proxy(certificate) -> Iterator[LoopbackProxy]:
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(certificate / "cert.pem", certificate / "key.pem")
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    server.daemon_threads = True
    found = LoopbackProxy(server, tls)
    server.RequestHandlerClass = _handler_for(found)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield found
    server.shutdown()
    server.server_close()


@pytest.fixture
def environment(monkeypatch, proxy, certificate) -> Callable[..., None]:
    """No proxy setting but the test's own (a developer's shell may export some), and the proxy's log empty."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    proxy.reset()

    def set_(**values: str) -> None:
        for name, value in values.items():
            monkeypatch.setenv(name, value.replace("{proxy}", proxy.url).replace("{ca}", str(certificate / "cert.pem")))

    return set_


# --- the fakes and how each client of ours calls them ----------------------------------------------------------


@pytest.fixture(scope="module")
def fake_slack() -> Iterator[FakeSlack]:
    fake = start_fake_slack()
    yield fake
    fake.server.shutdown()


@pytest.fixture(scope="module")
def fake_openai() -> Iterator[FakeOpenAI]:
    fake = start_fake_openai()
    yield fake
    fake.server.shutdown()


COURSES = [
    {"id": n, "title": f"講座 {n}", "url": f"/course/c{n}/", "headline": "", "estimated_content_length": 60}
    for n in (1, 2, 3)
]


@dataclass(frozen=True)
class Called:
    port: int  # the fake's
    requests: list[str]  # "METHOD /path" as the fake received them


def call_slack_web_api(scheme: str, fake_slack: FakeSlack, _fake_openai: FakeOpenAI) -> Called:
    fake_slack.reset()
    port = fake_slack.server.server_address[1]
    client = web_client(Settings(slack_bot_token=BOT_TOKEN, slack_api_url=f"{scheme}://127.0.0.1:{port}/api/"))
    assert client.auth_test()["user_id"] == "UBOT"
    assert client.chat_postMessage(channel="C1", text="こんにちは")["ok"]
    assert [c.headers.get("Authorization") for c in fake_slack.calls] == [f"Bearer {BOT_TOKEN}"] * 2
    return Called(port, [f"POST {c.path}" for c in fake_slack.calls])


def call_slack_response_url(scheme: str, fake_slack: FakeSlack, _fake_openai: FakeOpenAI) -> Called:
    fake_slack.reset()
    port = fake_slack.server.server_address[1]
    send_to_response_url(f"{scheme}://127.0.0.1:{port}/response/r1", {"text": "記録しました"}, timeout=5)
    assert fake_slack.reply()["text"] == "記録しました"
    return Called(port, [f"POST {c.path}" for c in fake_slack.calls])


def call_openai(scheme: str, _fake_slack: FakeSlack, fake_openai: FakeOpenAI) -> Called:
    fake_openai.reset()
    port = fake_openai.server.server_address[1]
    model = ChatModel(
        api_key="sk-test-not-a-real-key", base_url=f"{scheme}://127.0.0.1:{port}/v1", model="m", deadline_seconds=5
    )
    assert model.complete([ChatMessage("system", "no passages"), ChatMessage("user", "助成率は？")]) == "NO_ANSWER"
    assert len(fake_openai.requests) == 1
    return Called(port, ["POST /v1/chat/completions"])


def call_udemy(scheme: str, _fake_slack: FakeSlack, _fake_openai: FakeOpenAI) -> Called:
    with start_fake_udemy(COURSES, client_id="id", client_secret="s3cret") as fake:
        port = fake.server.server_address[1]
        fake.next_base = f"{scheme}://127.0.0.1:{port}"  # `next` as the real API writes it: the address asked
        client = UdemyClient(f"{scheme}://127.0.0.1:{port}", "42", "id", "s3cret", page_size=2, max_wait_seconds=0)
        pages = [page for _number, page in client.pages()]
    assert [len(page["results"]) for page in pages] == [2, 1]
    assert all(seen.authorised and seen.status == 200 for seen in fake.requests)
    return Called(port, [f"GET {seen.path}" for seen in fake.requests])


CLIENTS = {
    "slack-web-api": call_slack_web_api,
    "slack-response-url": call_slack_response_url,
    "openai": call_openai,
    "udemy": call_udemy,
}


def through_proxy(scheme: str, called: Called) -> list[str]:
    """What the proxy should have seen for those requests: a CONNECT per connection, then the request."""
    authority = f"127.0.0.1:{called.port}"
    lines = []
    for request in called.requests:
        method, path = request.split(" ", 1)
        if scheme == "https":
            lines.append(f"CONNECT {authority}")
        lines.append(f"{method} {scheme}://{authority}{path}")
    return lines


def without_query(lines: list[str]) -> list[str]:
    return [line.split("?", 1)[0] for line in lines]


# --- the tests ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("client", CLIENTS)
def test_https_proxy_carries_every_https_call(client, environment, proxy, fake_slack, fake_openai):
    """The 庁内 case: Slack, OpenAI and Udemy are https://, HTTPS_PROXY names the proxy, and the proxy inspects
    TLS with a CA given in SSL_CERT_FILE. Each call is a CONNECT to the host, then the request inside it."""
    environment(HTTPS_PROXY="{proxy}", SSL_CERT_FILE="{ca}")
    called = CLIENTS[client]("https", fake_slack, fake_openai)
    assert without_query(proxy.seen) == through_proxy("https", called)


@pytest.mark.parametrize("client", CLIENTS)
def test_http_proxy_carries_plain_http_calls(client, environment, proxy, fake_slack, fake_openai):
    """HTTP_PROXY for http:// addresses (an OPENAI_BASE_URL inside the network, say): the proxy receives the
    absolute address of each request."""
    environment(HTTP_PROXY="{proxy}")
    called = CLIENTS[client]("http", fake_slack, fake_openai)
    assert without_query(proxy.seen) == through_proxy("http", called)


@pytest.mark.parametrize("client", CLIENTS)
def test_lowercase_names_and_a_login_in_the_proxy_url(client, environment, proxy, fake_slack, fake_openai):
    """https_proxy as many Linux tools write it, and a proxy that wants a login: every client sends it as
    Proxy-Authorization, decoded from the URL's percent-encoding."""
    environment(https_proxy=proxy.url.replace("://", f"://{LOGIN_IN_URL}"), SSL_CERT_FILE="{ca}")
    called = CLIENTS[client]("https", fake_slack, fake_openai)
    assert without_query(proxy.seen) == through_proxy("https", called)
    expected = "Basic " + base64.b64encode(":".join(LOGIN).encode()).decode()
    assert [login for line, login in zip(proxy.seen, proxy.logins, strict=True) if line.startswith("CONNECT")] == [
        expected
    ] * len(called.requests)


@pytest.mark.parametrize("client", CLIENTS)
def test_no_proxy_is_needed_even_for_loopback(client, environment, proxy, fake_slack, fake_openai):
    """No client skips the proxy for 127.0.0.1 by itself (so the plain-http calls above reached the proxy); with
    NO_PROXY naming the host every one of them goes direct."""
    environment(HTTP_PROXY="{proxy}", HTTPS_PROXY="{proxy}", NO_PROXY="localhost,127.0.0.1")
    CLIENTS[client]("http", fake_slack, fake_openai)
    assert proxy.seen == []


def test_slack_takes_http_proxy_for_https_when_https_proxy_is_unset(environment, proxy, fake_slack, fake_openai):
    """slack_sdk reads HTTPS_PROXY, else HTTP_PROXY, and uses it for every scheme."""
    environment(HTTP_PROXY="{proxy}", SSL_CERT_FILE="{ca}")
    called = call_slack_web_api("https", fake_slack, fake_openai)
    assert without_query(proxy.seen) == through_proxy("https", called)


@pytest.mark.parametrize(("client", "error"), [("openai", ModelUnavailable), ("udemy", UdemyError)])
def test_the_others_take_http_proxy_for_http_only(client, error, environment, proxy, fake_slack, fake_openai):
    """httpx and urllib do not: with HTTP_PROXY alone they go straight to an https:// address (here a fake that
    speaks no TLS, so the call fails), and HTTPS_PROXY is the one a 庁内 network needs."""
    environment(HTTP_PROXY="{proxy}", SSL_CERT_FILE="{ca}")
    with pytest.raises(error):
        CLIENTS[client]("https", fake_slack, fake_openai)
    assert proxy.seen == []


@pytest.fixture
def socket_mode(fake_slack) -> Iterator[FakeSocketMode]:
    fake = start_fake_socket_mode()
    yield fake
    fake.server.shutdown()
    fake_slack.socket_mode_url = None


@contextmanager
def connected_socket_mode(database_url: str, api_url: str, fake: FakeSocketMode) -> Iterator[SocketModeHandler]:
    """`dxbot socket`'s handler as bot/server.py's run_socket_mode builds it, connected until the block ends."""
    services = build_services(Settings(slack_bot_token=BOT_TOKEN, slack_api_url=api_url, database_url=database_url))
    handler = SocketModeHandler(build_app(services, socket_mode=True), "xapp-test-token")
    handler.connect()
    try:
        assert fake.connected.wait(timeout=15), "the Socket Mode client never said hello"
        yield handler
    finally:
        handler.close()
        services.db.dispose()


def test_socket_mode_websocket_goes_through_the_proxy(environment, proxy, fake_slack, socket_mode, database_url):
    """`dxbot socket`: apps.connections.open and then the WebSocket, both tunnelled through HTTPS_PROXY (bolt
    hands the WebClient's proxy to slack_sdk's builtin Socket Mode client, which CONNECTs to the wss:// host)."""
    environment(HTTPS_PROXY="{proxy}", SSL_CERT_FILE="{ca}")
    slack_port = fake_slack.server.server_address[1]
    ws_port = socket_mode.server.socket.getsockname()[1]
    fake_slack.socket_mode_url = f"wss://127.0.0.1:{ws_port}/link"
    with connected_socket_mode(database_url, f"https://127.0.0.1:{slack_port}/api/", socket_mode) as handler:
        assert handler.client.proxy == proxy.url
    assert without_query(proxy.seen[-4:]) == [
        f"CONNECT 127.0.0.1:{slack_port}",
        f"POST https://127.0.0.1:{slack_port}/api/apps.connections.open",
        f"CONNECT 127.0.0.1:{ws_port}",
        f"GET https://127.0.0.1:{ws_port}/link",
    ]


def test_socket_mode_websocket_ignores_no_proxy(environment, proxy, fake_slack, socket_mode, database_url):
    """NO_PROXY steers the Web API calls (urllib) but not the builtin client's WebSocket: with a proxy set, the
    WebSocket always goes through it."""
    environment(HTTPS_PROXY="{proxy}", NO_PROXY="127.0.0.1", SSL_CERT_FILE="{ca}")
    ws_port = socket_mode.server.socket.getsockname()[1]
    fake_slack.socket_mode_url = f"wss://127.0.0.1:{ws_port}/link"
    with connected_socket_mode(database_url, fake_slack.api_url, socket_mode):  # plain http, reached directly
        pass
    assert without_query(proxy.seen) == [f"CONNECT 127.0.0.1:{ws_port}", f"GET https://127.0.0.1:{ws_port}/link"]
    assert fake_slack.of("apps.connections.open")
