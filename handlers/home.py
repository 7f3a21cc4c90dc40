"""The App Home tab: what dxbot does and the member's own progress at a glance."""

from __future__ import annotations

from slack_bolt import App
from slack_sdk.models.blocks import HeaderBlock
from slack_sdk.models.views import View

from bot.messages import t
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
    lines = [f"• {c.title_snapshot}" for c in records[-10:]]
    view = View(
        type="home",
        blocks=[
            HeaderBlock(text="dxbot"),
            blocks.section(t("home_intro", "ja")),
            blocks.context(t("progress_municipality", "ja", name=municipality) if municipality else t("home_join", "ja")),
            blocks.section(
                "*" + t("progress_title", "ja") + "*\n" + ("\n".join(lines) if lines else t("progress_empty", "ja"))
            ),
            blocks.section(t("help", "ja")),
        ],
    )
    client.views_publish(user_id=event["user"], view=view)
