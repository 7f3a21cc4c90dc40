"""Slack surfaces: the only package that touches Slack objects. Each module has register(app)."""

from slack_bolt import App


def register_all(app: App) -> None:
    from handlers import ask, assistant, commands, events, home, learning, sharing

    for surface in (commands, learning, ask, events, assistant, home, sharing):
        surface.register(app)
