"""The WSGI application gunicorn serves: Slack's requests at /slack/events, a health check at /healthz."""

from __future__ import annotations

from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot.app import build_app
from bot.services import Services, build_services
from bot.settings import Settings

SLACK_PATH = "/slack/events"


def create_wsgi_app(services: Services):
    slack = SlackRequestHandler(build_app(services), path=SLACK_PATH)

    def application(environ, start_response):
        if environ.get("PATH_INFO") == "/healthz":
            start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
            return [b"ok\n"]
        return slack(environ, start_response)

    return application


def application_from_env():
    """Factory for gunicorn (`gunicorn 'bot.wsgi:application_from_env()'`): settings read once, here."""
    return create_wsgi_app(build_services(Settings.from_env()))
