"""A workspace that uninstalls dxbot, or revokes its tokens: its installation (bot/installations.py) is deleted,
with the municipalities it was mapped to, so that nothing is sent there with a dead token and `dxbot
installations list` no longer shows it. Only in OAuth mode: SLACK_BOT_TOKEN is the operator's to replace."""

from __future__ import annotations

from slack_bolt import App

from bot.jobs import Workspace


def register(app: App) -> None:
    app.event("app_uninstalled")(_on_uninstalled)
    app.event("tokens_revoked")(_on_tokens_revoked)


def _on_uninstalled(context) -> None:
    installations = context["services"].installations
    if installations is not None:
        installations.remove(_workspace(context))


def _on_tokens_revoked(event, context) -> None:
    """Slack names the users whose tokens went (`oauth`) and the bot's (`bot`): without its bot token dxbot can do
    nothing there, so that removes the whole installation, as an uninstall does."""
    installations = context["services"].installations
    tokens = event.get("tokens") if isinstance(event.get("tokens"), dict) else {}
    users = tuple(user for user in tokens.get("oauth") or () if isinstance(user, str))
    if installations is not None:
        installations.remove(_workspace(context), user_ids=users, bot=bool(tokens.get("bot")))


def _workspace(context) -> Workspace:
    return Workspace(context.team_id, context.enterprise_id)
