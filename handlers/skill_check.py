"""`/dx check` and its modal: the skill check (DXスキル診断) → a suggested track and a learning plan (学習計画書).

The questionnaire opens from the command or from a button (App Home: action `skill_check_open`, value the
language). Answered, it is scored, saved as the member's plan and replaced by that plan, with a button to take the
suggested track; a question left unanswered keeps the form open with every other answer in it."""

from __future__ import annotations

import logging

from slack_bolt import App
from slack_sdk.models.views import View
from sqlalchemy.exc import SQLAlchemyError

from bot.services import Services
from db import repo, skill_checks
from handlers import learning
from handlers.request import Person, Request, person, text_field
from handlers.skill_check_blocks import (
    ADOPT_ACTION,
    ANSWER_ACTION,
    OPEN_ACTION,
    SKILL_CHECK_MODAL,
    adopted_view,
    plan_view,
    questionnaire_modal,
)
from knowledge import skill_check
from knowledge.messages import Lang, t

TRACKS = ("ict", "business")
log = logging.getLogger(__name__)


def register(app: App) -> None:
    app.view(SKILL_CHECK_MODAL)(_submitted)
    app.action(OPEN_ACTION)(_open_clicked)
    app.action(ADOPT_ACTION)(_adopt_clicked)


# --- opening ----------------------------------------------------------------------------------


def check(request: Request) -> None:
    """`/dx check` (`/dx check en` in English): the modal is the answer, so the command is acked with nothing."""
    modal = questionnaire_modal(request.services.questionnaire, request.lang)
    request.client.views_open(trigger_id=request.trigger_id, view=modal)
    request.acknowledge_silently()


def _open_clicked(ack, body, context, client) -> None:
    lang = "en" if text_field((body.get("actions") or [{}])[0], "value") == "en" else "ja"
    modal = questionnaire_modal(context["services"].questionnaire, lang)
    client.views_open(trigger_id=text_field(body, "trigger_id"), view=modal)
    ack()


# --- answering ----------------------------------------------------------------------------------


def _submitted(ack, body, context) -> None:
    """Scored and saved before the ack, which turns the form into the plan (a modal has no channel to reply in)."""
    services: Services = context["services"]
    questionnaire = services.questionnaire
    lang, who, first = _view_lang(body), person(body), questionnaire.questions[0].id
    answers, missing = skill_check.chosen(questionnaire, _picks(body))
    if missing or who is None:  # the form stays open, the problem under each question left unanswered
        errors = {q: t("skill_check_unanswered", lang) for q in missing} or {first: t("sorry_error", lang)}
        ack(response_action="errors", errors=errors)
        return
    try:
        view = _plan(services, who, answers, lang)
    except SQLAlchemyError as exc:  # nothing was saved: the answers stay in the form, to send again
        log.warning("could not save a skill check: %s", type(exc).__name__)
        ack(response_action="errors", errors={first: t("sorry_error", lang)})
        return
    ack(response_action="update", view=view)


def _plan(services: Services, who: Person, answers: dict[str, int], lang: Lang) -> View:
    catalogue = services.catalogue()
    with services.db.scope() as session:
        member = repo.member(session, who.home, who.user)
        finished = {c.course_id for c in repo.completions(session, member) if c.course_id}
        plan = skill_check.plan(
            services.questionnaire,
            answers,
            services.knowledge.courses_on_track,
            finished=finished,
            available=lambda course_id: catalogue.get(course_id) is not None,
        )
        skill_checks.save(
            session,
            member,
            answers=plan.answers,
            scores=plan.scores,
            track=plan.track,
            plan=plan.course_ids,
            now=services.now(),
        )
        current = member.track
    titles = {course_id: catalogue.get(course_id).title for course_id in plan.course_ids}
    return plan_view(services.questionnaire, plan, titles, current, lang)


def _picks(body: dict) -> dict[str, str | None]:
    """Each question's chosen option (its number, as text), from the submitted view's state."""
    values = ((body.get("view") or {}).get("state") or {}).get("values") or {}
    picks = {}
    for block_id, actions in values.items():
        answer = actions.get(ANSWER_ACTION) if isinstance(actions, dict) else None
        picks[block_id] = text_field((answer or {}).get("selected_option"), "value")
    return picks


def _view_lang(body: dict) -> Lang:
    return "en" if text_field(body.get("view"), "private_metadata") == "en" else "ja"


# --- taking the suggested track -----------------------------------------------------------------


def _adopt_clicked(ack, body, context, client) -> None:
    """The plan's button: the member's track becomes the suggested one (as `/dx track` does), and the plan says
    so in place of the button."""
    ack()
    track, who, view = text_field((body.get("actions") or [{}])[0], "value"), person(body), body.get("view")
    if track not in TRACKS or who is None or not isinstance(view, dict):
        return
    confirmation = learning.choose_track(context["services"], who.home, who.user, track, _view_lang(body))
    client.views_update(view_id=view["id"], hash=view.get("hash"), view=adopted_view(view, confirmation))
