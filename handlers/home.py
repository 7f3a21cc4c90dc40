"""The App Home tab: what dxbot does and the member's own progress at a glance (published by a job)."""

from __future__ import annotations

from slack_bolt import App

from bot.jobs import JobContext, JobKind
from db import repo
from db.jobs import NewJob
from handlers import blocks
from handlers.request import person, text_field


def register(app: App) -> None:
    app.event("app_home_opened")(_home_opened)


def _home_opened(event, body, context) -> None:
    who = person(body, event)
    if event.get("tab") not in (None, "home") or who is None:
        return
    job = NewJob("reply", "publish_home", {"team_id": who.home, "user_id": who.user})
    context["services"].jobs.submit(job, event_id=text_field(body, "event_id"))


def _publish(context: JobContext) -> None:
    team_id, user_id = context.payload["team_id"], context.payload["user_id"]
    with context.services.db.scope() as session:
        who = repo.member(session, team_id, user_id)
        records = repo.completions(session, who)
        municipality = who.municipality.name if who.municipality else None
    titles = [c.title_snapshot for c in records[-10:]]
    context.client.views_publish(user_id=user_id, view=blocks.home(municipality, titles))


JOBS = {"publish_home": JobKind("reply", _publish)}
