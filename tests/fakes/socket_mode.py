"""A loopback fake of Slack's Socket Mode WebSocket endpoint: says hello, delivers envelopes, records acks."""

from __future__ import annotations

import json
import queue
import threading
from dataclasses import dataclass, field

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve


@dataclass
class FakeSocketMode:
    server: Server
    acks: queue.Queue[dict] = field(default_factory=queue.Queue)
    _outbox: queue.Queue[dict] = field(default_factory=queue.Queue)
    connected: threading.Event = field(default_factory=threading.Event)

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.server.socket.getsockname()[1]}/link"

    def deliver(self, envelope: dict) -> None:
        self._outbox.put(envelope)

    def _session(self, connection: ServerConnection) -> None:
        connection.send(json.dumps({"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A1"}}))
        self.connected.set()
        while True:
            try:
                envelope = self._outbox.get(timeout=0.05)
                connection.send(json.dumps(envelope))
            except queue.Empty:
                pass
            try:
                self.acks.put(json.loads(connection.recv(timeout=0.05)))
            except TimeoutError:
                continue
            except ConnectionClosed:
                return


def start_fake_socket_mode() -> FakeSocketMode:
    holder: dict = {}
    server = serve(lambda connection: holder["fake"]._session(connection), "127.0.0.1", 0)
    fake = holder["fake"] = FakeSocketMode(server=server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return fake
