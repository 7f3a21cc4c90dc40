"""The App Home tab: what dxbot does and the member's own progress at a glance."""

from __future__ import annotations

from slack_bolt import App

from bot.services import Services
from db import repo
from handlers import blocks


def register(app: App) -> None:
    app.event("app_home_opened")(_publish_home)


def _publish_home(event, body, context, client) -> None:
    if event.get("tab") not in (None, "home"):
        return
    services: Services = context["services"]
    with services.db.scope() as session:
        who = repo.member(session, body.get("team_id") or "", event["user"])
        records = repo.completions(session, who)
        municipality = who.municipality.name if who.municipality else None
    titles = [c.title_snapshot for c in records[-10:]]
    client.views_publish(user_id=event["user"], view=blocks.home(municipality, titles))
