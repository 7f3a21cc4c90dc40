"""Slack surfaces: the only package that touches Slack objects. Each module has register(app)."""

from slack_bolt import App


def register_all(app: App) -> None:
    from handlers import commands, learning

    for surface in (commands, learning):
        surface.register(app)
