"""A loopback fake of OpenAI's chat completions endpoint that records every request.

By default it answers by quoting the first passage of the prompt with a [1] citation; tests queue other
behaviour (HTTP errors, delays, invented figures, NO_ANSWER) with `queue`.
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Behaviour:
    status: int = 200
    reply: str | None = None  # None: quote the first passage
    delay: float = 0.0


@dataclass
class FakeOpenAI:
    server: ThreadingHTTPServer
    requests: list[dict] = field(default_factory=list)
    _queue: list[Behaviour] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def queue(self, *behaviours: Behaviour) -> None:
        with self._lock:
            self._queue.extend(behaviours)

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self._queue.clear()

    def _next(self, request: dict) -> Behaviour:
        with self._lock:
            self.requests.append(request)
            return self._queue.pop(0) if self._queue else Behaviour()


def quote_first_passage(request: dict) -> str:
    system = request["messages"][0]["content"]
    first = re.search(r"\[1\] (.+?)\n(.+?)\n", system, re.S)
    return f"{first.group(2).strip()} [1]" if first else "NO_ANSWER"


def _handler_for(fake: FakeOpenAI):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            request = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
            behaviour = fake._next(request)
            time.sleep(behaviour.delay)
            if behaviour.status != 200:
                payload = {"error": {"message": "fake failure", "type": "server_error", "code": None}}
            else:
                content = behaviour.reply if behaviour.reply is not None else quote_first_passage(request)
                payload = {
                    "id": "chatcmpl-fake",
                    "object": "chat.completion",
                    "created": int(time.time()),
                    "model": request.get("model", "fake"),
                    "choices": [
                        {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}
                    ],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                }
            body = json.dumps(payload).encode()
            try:
                self.send_response(behaviour.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up waiting: that is the point
                pass

        def log_message(self, *_args):
            pass

    return Handler


def start_fake_openai() -> FakeOpenAI:
    server = ThreadingHTTPServer(("127.0.0.1", 0), None)
    server.daemon_threads = True
    fake = FakeOpenAI(server=server)
    server.RequestHandlerClass = _handler_for(fake)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return fake
