"""`dxbot serve`: the WSGI app under gunicorn (threaded workers, so lazy listeners run beside requests)."""

from __future__ import annotations

from gunicorn.app.base import BaseApplication

from bot.services import build_services
from bot.settings import Settings
from bot.wsgi import create_wsgi_app


class _Gunicorn(BaseApplication):
    def __init__(self, settings: Settings, options: dict):
        self._settings = settings
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self):
        # Each worker builds its own services (engine, search index) after the fork.
        return create_wsgi_app(build_services(self._settings))


def run_gunicorn(settings: Settings, port: int) -> None:
    _Gunicorn(
        settings,
        {
            "bind": f"0.0.0.0:{port}",
            "workers": settings.web_concurrency,
            "worker_class": "gthread",
            "threads": 8,
            "timeout": 60,
            "accesslog": "-",
        },
    ).run()
