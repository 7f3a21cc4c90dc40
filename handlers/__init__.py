"""Slack surfaces: the only package that touches Slack objects. Each module has register(app); the modules
that finish work after the ack name their job kinds in JOBS."""

from slack_bolt import App

from bot.jobs import JobKind


def register_all(app: App) -> None:
    from handlers import (
        ask,
        assistant,
        commands,
        escalation,
        events,
        exports,
        home,
        installations,
        learning,
        lifecycle,
        membership,
        sharing,
        skill_check,
    )

    for surface in (
        commands,
        learning,
        ask,
        escalation,
        events,
        assistant,
        home,
        sharing,
        installations,
        exports,
        skill_check,
        lifecycle,
        membership,
    ):
        surface.register(app)


def job_kinds() -> dict[str, JobKind]:
    """Every kind of job the lanes run, by name."""
    from handlers import ask, assistant, delivery, escalation, exports, home, membership, sharing

    modules = (delivery, ask, assistant, home, sharing, escalation, exports, membership)
    return {kind: job for module in modules for kind, job in module.JOBS.items()}
