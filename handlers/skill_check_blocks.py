"""The skill check's Block Kit, built from plain data: the questionnaire modal and the learning plan that replaces
it once answered (handlers/skill_check.py sends them)."""

from __future__ import annotations

from collections.abc import Mapping

from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextObject,
    RadioButtonsElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from handlers.blocks import clip, context, escape, section
from knowledge.messages import Lang, t
from knowledge.skill_check import Plan, Questionnaire

SKILL_CHECK_MODAL = "skill_check"  # the questionnaire's callback_id
OPEN_ACTION = "skill_check_open"  # a button (App Home) opening the questionnaire; its value is the language
ADOPT_ACTION = "skill_check_adopt"  # the plan's button taking the suggested track; its value is the track
ANSWER_ACTION = "answer"  # each question's radio buttons, in a block named by the question's id
TRACK_BLOCK = "skill_check_track"
LABEL_LIMIT = 2000


def questionnaire_modal(questionnaire: Questionnaire, lang: Lang) -> View:
    """One required radio group per question; the language rides along in private_metadata."""
    questions: list[Block] = [
        InputBlock(
            block_id=question.id,
            label=clip(
                t(
                    "skill_check_question",
                    lang,
                    number=number,
                    area=questionnaire.area(question.area).name_in(lang),
                    text=question.text_in(lang),
                ),
                LABEL_LIMIT,
            ),
            element=RadioButtonsElement(
                action_id=ANSWER_ACTION,
                options=[Option(value=str(n), label=option.text_in(lang)) for n, option in enumerate(question.options)],
            ),
        )
        for number, question in enumerate(questionnaire.questions, start=1)
    ]
    return View(
        type="modal",
        callback_id=SKILL_CHECK_MODAL,
        private_metadata=lang,
        title=PlainTextObject(text=t("skill_check_title", lang)),
        submit=PlainTextObject(text=t("skill_check_submit", lang)),
        close=PlainTextObject(text=t("skill_check_cancel", lang)),
        blocks=[section(t("skill_check_intro", lang, count=len(questionnaire.questions))), *questions],
    )


def plan_view(
    questionnaire: Questionnaire, plan: Plan, titles: Mapping[str, str], current_track: str | None, lang: Lang
) -> View:
    """The suggested track and why, the scores, the courses in order, and a button to take the track."""
    rule = questionnaire.track_rule
    reason = t(
        f"skill_check_track_{plan.track}",
        lang,
        area=questionnaire.area(rule.area).name_in(lang),
        score=plan.scores[rule.area],
        threshold=round(rule.ict_from * 100),
    )
    score_lines = [
        t("skill_check_score_line", lang, area=area.name_in(lang), score=plan.scores[area.id])
        for area in questionnaire.areas
    ]
    weakest = questionnaire.area(plan.weakest).name_in(lang)
    plan_lines = [
        t(
            "skill_check_plan_line",
            lang,
            number=number,
            title=escape(titles.get(course.course_id, course.course_id)),
            reason=t(f"skill_check_reason_{course.reason}", lang, area=weakest),
        )
        for number, course in enumerate(plan.courses, start=1)
    ]
    blocks: list[Block] = [
        section(reason),
        section("\n".join([t("skill_check_scores", lang), *score_lines])),
        section(
            "\n".join([t("skill_check_plan", lang), *plan_lines]) if plan_lines else t("skill_check_plan_done", lang)
        ),
    ]
    if plan.skipped:
        blocks.append(context(t("skill_check_skipped", lang, count=plan.skipped)))
    blocks += _track_blocks(plan.track, current_track, lang)
    blocks.append(context(t("skill_check_saved", lang)))
    return View(
        type="modal",
        private_metadata=lang,
        title=PlainTextObject(text=t("skill_check_title", lang)),
        close=PlainTextObject(text=t("skill_check_close", lang)),
        blocks=blocks,
    )


def _track_blocks(suggested: str, current: str | None, lang: Lang) -> list[Block]:
    if current == suggested:
        return [context(t("skill_check_on_track", lang, track=t(f"track_{current}", lang)))]
    button = ButtonElement(text=t("skill_check_adopt", lang), action_id=ADOPT_ACTION, value=suggested, style="primary")
    where = t("skill_check_other_track", lang, track=t(f"track_{current}", lang)) if current else None
    text = where or t("skill_check_no_track", lang)
    return [SectionBlock(block_id=TRACK_BLOCK, text=MarkdownTextObject(text=text), accessory=button)]


def adopted_view(shown: dict, confirmation: str) -> dict:
    """The plan as Slack shows it (a view payload's dict), with its track button replaced by `confirmation`."""
    blocks = [
        block if block.get("block_id") != TRACK_BLOCK else section(confirmation).to_dict()
        for block in shown.get("blocks") or []
    ]
    kept = {key: shown[key] for key in ("type", "title", "close", "private_metadata") if key in shown}
    return {**kept, "blocks": blocks}
