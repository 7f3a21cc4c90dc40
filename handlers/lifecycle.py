"""Members leaving the workspace and coming back (`user_change`).

A deactivated user (`deleted: true`) gets `left_at` (no more nudges) and loses any coordinator or admin role,
audited; a reactivated one has `left_at` cleared. Slack sends `user_change` for every profile edit too: those
find nothing to change. New members of the workspace (`team_join`) are not subscribed to: dxbot stores nothing
about a person until they use it."""

from __future__ import annotations

from slack_bolt import App

from db import lifecycle
from handlers.request import text_field


def register(app: App) -> None:
    app.event("user_change")(_user_changed)


def _user_changed(event, body, context) -> None:
    user = event.get("user")
    user_id = text_field(user, "id")
    if user_id is None or not isinstance(user.get("deleted"), bool):
        return
    services = context["services"]
    with services.db.scope() as session:
        members = lifecycle.members_of(session, user_id, _homes(body, user))
        if user["deleted"]:
            lifecycle.left(session, members, services.now())
        else:
            lifecycle.returned(session, members)


def _homes(body: dict, user: dict) -> set[str]:
    """Where dxbot may know them from (handlers/request.py Person): their workspace or Grid organisation."""
    grid = user.get("enterprise_user")
    candidates = (
        text_field(user, "team_id"),
        text_field(body, "team_id"),
        text_field(body, "enterprise_id"),
        text_field(grid, "enterprise_id"),
    )
    return {home for home in candidates if home}
