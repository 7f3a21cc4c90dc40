"""`dxbot serve` and `dxbot socket`: the processes that receive Slack's requests and run the job lanes.

Under gunicorn each worker process acks on its own threads (WEB_THREADS) and runs its own lanes; on SIGTERM
a worker finishes the requests in hand, then drains its lanes before exiting (jobs not started stay queued in
the database for the next worker)."""

from __future__ import annotations

import logging
import signal
import threading
import time

from gunicorn import glogging
from gunicorn.app.base import BaseApplication
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.adapter.socket_mode.internals import run_bolt_app, send_response

from bot.app import build_app, start_lanes
from bot.logs import log_request, request_id
from bot.services import Services, build_services
from bot.settings import Settings
from bot.wsgi import create_wsgi_app

log = logging.getLogger(__name__)

GRACEFUL_SECONDS = 30  # gunicorn's wait for a stopping worker before it kills it
DRAIN_SECONDS = 20  # of which the lanes may use this much, after the last request is answered


class _OneFormat(glogging.Logger):
    """gunicorn's own lines in dxbot's format (bot/logs.py); dxbot logs each request itself, with its surface."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        for logger in (self.error_log, self.access_log):
            logger.handlers.clear()
            logger.propagate = True


class _Gunicorn(BaseApplication):
    def __init__(self, services: Services, options: dict):
        self._services = services
        self._services.answerer  # noqa: B018
        self._options = options
        self._lanes = None
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)
        self.cfg.set("post_worker_init", self._post_worker_init)
        self.cfg.set("worker_exit", self._worker_exit)

    def load(self):
        # In each worker, after the fork: its own connection pool, app and lanes.
        self._services.db.engine.dispose(close=False)
        application = create_wsgi_app(self._services)
        self._lanes = start_lanes(self._services)
        return application

    def _post_worker_init(self, _worker) -> None:
        """On SIGTERM the lanes stop claiming at once, while gunicorn finishes the requests in hand."""
        gunicorn_handler = signal.getsignal(signal.SIGTERM)

        def stop_claiming(signum, frame) -> None:
            if self._lanes is not None:
                self._lanes.stop_claiming()
            gunicorn_handler(signum, frame)

        signal.signal(signal.SIGTERM, stop_claiming)

    def _worker_exit(self, _arbiter, _worker) -> None:
        if self._lanes is not None:
            self._lanes.stop(DRAIN_SECONDS)


class _LoggedSocketMode(SocketModeHandler):
    """bolt's Socket Mode handler, with the same request line as HTTP (bot/logs.py)."""

    def handle(self, client, req) -> None:
        started, wall = time.perf_counter(), time.time()  # bolt's own debug line counts from the wall clock
        response = run_bolt_app(self.app, req)
        send_response(client, req, response, wall)
        log_request(req.payload, response.status, time.perf_counter() - started, request_id(req.envelope_id))


def run_gunicorn(settings: Settings, host: str, port: int) -> None:
    """Refuses to start on a database that is not reachable or not migrated (the error says what to run)."""
    # The knowledge base and its search index are built once, here in the master, before the workers are forked:
    # they share its memory (the Sudachi dictionary's pages above all) instead of each loading it. The schema
    # check's connection is closed before the fork; each worker opens its own pool.
    services = build_services(settings)
    services.db.require_schema()
    services.db.dispose()
    _Gunicorn(
        services,
        {
            "bind": f"{host}:{port}",
            "workers": settings.web_concurrency,
            "worker_class": "gthread",
            "threads": settings.web_threads,
            "timeout": 60,
            "graceful_timeout": GRACEFUL_SECONDS,
            "logger_class": _OneFormat,
        },
    ).run()


def run_socket_mode(settings: Settings) -> None:
    """Socket Mode until SIGTERM or Ctrl-C, then stop receiving and drain the lanes."""
    services = build_services(settings)
    services.db.require_schema()
    handler = _LoggedSocketMode(build_app(services, socket_mode=True), settings.slack_app_token)
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())
    handler.connect()  # a refused app token stops here, before any lane starts
    log.info("connected to Slack in Socket Mode")
    lanes = start_lanes(services)
    stopping.wait()
    handler.close()
    lanes.stop(DRAIN_SECONDS)
