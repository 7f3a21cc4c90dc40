"""The App Home tab and the record-a-completion modal as Block Kit: pure functions over plain data, no I/O.

Slack allows 100 blocks a Home view and 3,000 characters a section: long lists stop at a few lines and say how
many more there are."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    DatePickerElement,
    DividerBlock,
    ExternalDataSelectElement,
    HeaderBlock,
    InputBlock,
    NumberInputElement,
    Option,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from db.digest import SharedTip
from db.home import Overview
from handlers.blocks import clip, context, course_label, escape, join_request, section
from handlers.digest_blocks import share_line
from knowledge.courses import Match
from knowledge.kb import Course
from knowledge.messages import Lang, t

# Actions on the Home (skill check and export are handled by their own surfaces).
RECORD = "home_record"
JOIN = "home_join"
UNDO = "home_undo"
TRACK = "home_track"
SHARE = "home_share"
SKILL_CHECK = "skill_check_open"
EXPORT = "coordinator_export"
DIGEST_PREVIEW = "home_digest_preview"
NUDGES = "home_nudges"
LEAVE = "home_leave"
TRACKS = ("ict", "business")

# The record modal and its fields (block id, action id).
RECORD_MODAL = "record_completion"
COURSE = ("record_course", "record_course_search")
HOURS = ("record_hours", "hours")
DAY = ("record_date", "date")
BEHALF = ("record_behalf", "member")
FREE_TEXT = "free:"  # an option's value: the text as written, outside the catalogue
OPTION_TEXT_LIMIT = 75
OPTION_VALUE_LIMIT = 150
MAX_OPTIONS = 100

RECENT_LINES = 5
TIP_LINES = 3
NAME_LINES = 20
ESCALATION_LINES = 10
JOIN_REQUEST_LINES = 5


@dataclass(frozen=True)
class Recent:
    title: str
    day: str  # the local date it was finished
    course_key: str


@dataclass(frozen=True)
class LearnerHome:
    municipality: str | None
    pending: str | None  # the municipality they asked to join, while it waits for approval
    track: str | None
    path: Sequence[tuple[Course, bool]]  # the member's path, required first, and whether each is done
    fiscal_year: int
    hours: float
    recent: Sequence[Recent]  # newest first
    tips: Sequence[SharedTip]  # newest first
    nudges: bool  # takes the weekly nudges
    on_leave: bool


def home(learner: LearnerHome, overview: Overview | None, now: datetime, lang: Lang = "ja") -> View:
    """The member's own progress for everyone; their municipality's for its coordinators (`overview`)."""
    blocks: list[Block] = [HeaderBlock(text="dxbot"), section(t("home_intro", lang))]
    where = learner.municipality
    if where:
        blocks.append(context(t("progress_municipality", lang, name=where)))
    elif learner.pending:
        blocks.append(context(t("home_join_pending", lang, municipality=learner.pending)))
    else:
        picker = ExternalDataSelectElement(
            action_id=JOIN, placeholder=t("home_join_placeholder", lang), min_query_length=1
        )
        blocks.append(SectionBlock(text=t("home_join_pick", lang), accessory=picker))
    buttons = [
        ButtonElement(text=t("home_record_button", lang), action_id=RECORD, value="record", style="primary"),
        ButtonElement(text=t("home_share_button", lang), action_id=SHARE, value="share"),
        ButtonElement(text=t("home_skill_check_button", lang), action_id=SKILL_CHECK, value="check"),
    ]
    blocks += [ActionsBlock(block_id="home_actions", elements=buttons), DividerBlock()]
    blocks += _path(learner, lang)
    blocks.append(context(t("home_hours", lang, year=learner.fiscal_year, hours=_number(learner.hours))))
    blocks += _recent(learner.recent, lang)
    blocks += _reminders(learner, lang)
    blocks += [DividerBlock(), section(f"{t('home_tips_title', lang)}\n{_tips(learner.tips, lang)}")]
    blocks += [context(t("home_ask_hint", lang)), section(t("help", lang))]
    if overview is not None:
        blocks += _coordinator(overview, now, lang)
    return View(type="home", blocks=blocks)


def _path(learner: LearnerHome, lang: Lang) -> list[Block]:
    chosen = {name: Option(value=name, text=t(f"track_{name}", lang)) for name in TRACKS}
    picker = StaticSelectElement(
        action_id=TRACK,
        placeholder=t("home_pick_track", lang),
        options=list(chosen.values()),
        initial_option=chosen.get(learner.track or ""),
    )
    if learner.track is None:
        return [SectionBlock(text=t("progress_no_track", lang), accessory=picker)]
    lines = [f"{'✅' if done else '⬜'} {course_label(course, lang)}" for course, done in learner.path]
    title = t("progress_path", lang, track=t(f"track_{learner.track}", lang))
    return [SectionBlock(text=clip("\n".join([title, *lines])), accessory=picker)]


def _reminders(learner: LearnerHome, lang: Lang) -> list[Block]:
    """`/dx nudges on|off` and `/dx leave on|off` as buttons, each saying what a click changes to."""
    nudges = "off" if learner.nudges else "on"
    leave = "off" if learner.on_leave else "on"
    state = t("home_reminders", lang, nudges=t(f"nudges_state_{'on' if learner.nudges else 'off'}", lang))
    if learner.on_leave:
        state += t("home_reminders_on_leave", lang)
    buttons = [
        ButtonElement(text=t(f"home_nudges_{nudges}", lang), action_id=NUDGES, value=nudges),
        ButtonElement(text=t(f"home_leave_{leave}", lang), action_id=LEAVE, value=leave),
    ]
    return [context(state), ActionsBlock(block_id="home_reminders", elements=buttons)]


def _recent(recent: Sequence[Recent], lang: Lang) -> list[Block]:
    """The latest records, each with a button to remove it (what `/dx undo` does), asked once more first."""
    if not recent:
        return [section(f"{t('home_recent_title', lang)}\n{t('progress_empty', lang)}")]
    blocks: list[Block] = [section(t("home_recent_title", lang))]
    for record in recent[:RECENT_LINES]:
        undo = ButtonElement(
            text=t("home_undo_button", lang),
            action_id=UNDO,
            value=record.course_key,
            confirm=ConfirmObject(
                title=t("home_undo_confirm_title", lang),
                text=clip(t("home_undo_confirm", lang, title=escape(record.title)), 300),
                confirm=t("home_undo_button", lang),
                deny=t("record_modal_cancel", lang),
            ),
        )
        blocks.append(SectionBlock(text=clip(f"• {escape(record.title)} — {record.day}"), accessory=undo))
    if len(recent) > RECENT_LINES:
        blocks.append(context(t("home_more", lang, count=len(recent) - RECENT_LINES)))
    return blocks


def _tips(tips: Sequence[SharedTip], lang: Lang) -> str:
    return "\n".join(escape(share_line(tip)) for tip in tips[:TIP_LINES]) or t("home_tips_empty", lang)


def _coordinator(overview: Overview, now: datetime, lang: Lang) -> list[Block]:
    figures = [t("home_members", lang, members=overview.members, active=overview.active_this_month)]
    if overview.required_total:
        rate = round(100 * overview.required_done / overview.required_total)
        done, total = overview.required_done, overview.required_total
        figures.append(t("home_required_rate", lang, rate=rate, done=done, total=total))
    else:
        figures.append(t("home_required_none", lang))
    if overview.licences is not None:
        figures.append(t("home_licences", lang, used=overview.licences_in_use, allocated=overview.licences))
    waiting = [f"<@{user}>" for user in overview.not_started[:NAME_LINES]]
    waiting_text = "、".join(_capped(waiting, len(overview.not_started), lang)) or t("home_not_started_none", lang)
    escalations = [
        t(
            "home_escalation",
            lang,
            channel=e.channel_id,
            link=_thread_link(e.channel_id, e.thread_ts),
            age=_age(e.created_at, now, lang),
        )
        for e in overview.escalations[:ESCALATION_LINES]
    ]
    escalation_text = "\n".join(_capped(escalations, len(overview.escalations), lang))
    buttons = [
        ButtonElement(text=t("home_export_button", lang), action_id=EXPORT, value="csv"),
        ButtonElement(text=t("home_digest_button", lang), action_id=DIGEST_PREVIEW, value="preview"),
    ]
    return [
        DividerBlock(),
        HeaderBlock(text=clip(t("home_coordinator_title", lang, name=overview.name), 150)),
        section("\n".join(figures)),
        section(f"{t('home_not_started', lang)}\n{waiting_text}"),
        section(f"{t('home_escalations_title', lang)}\n{escalation_text or t('home_escalations_none', lang)}"),
        *_join_requests(overview, now, lang),
        ActionsBlock(block_id="home_coordinator_actions", elements=buttons),
    ]


def _join_requests(overview: Overview, now: datetime, lang: Lang) -> list[Block]:
    """Who waits for approval, each with the buttons (the first few; the rest after these are decided)."""
    if not overview.join_requests:
        return []
    blocks: list[Block] = [section(t("join_pending_title", lang, count=len(overview.join_requests)))]
    for request in overview.join_requests[:JOIN_REQUEST_LINES]:
        line = t("join_pending_line", lang, user=request.user_id, age=_age(request.requested_at, now, lang))
        blocks += join_request(line, request.request_id, lang)
    return blocks


def _capped(lines: list[str], total: int, lang: Lang) -> list[str]:
    return [*lines, t("home_more", lang, count=total - len(lines))] if total > len(lines) else lines


def _thread_link(channel_id: str, thread_ts: str) -> str:
    return f"https://slack.com/archives/{channel_id}/p{thread_ts.replace('.', '')}"


def _age(since: datetime, now: datetime, lang: Lang) -> str:
    hours = max(1, int((now - since).total_seconds() // 3600))
    return t("home_age_days", lang, count=hours // 24) if hours >= 24 else t("home_age_hours", lang, count=hours)


def _number(value: float) -> str:
    return f"{value:g}"


# --- the record modal ----------------------------------------------------------------------------


def record_modal(lang: Lang, today: date, on_behalf: bool) -> View:
    """Course (searched as the member types), hours, date; for coordinators, whom it is for. The language
    rides along in private_metadata."""
    blocks: list[Block] = [
        InputBlock(
            block_id=COURSE[0],
            label=t("record_course_label", lang),
            element=ExternalDataSelectElement(
                action_id=COURSE[1], placeholder=t("record_course_placeholder", lang), min_query_length=1
            ),
        ),
        InputBlock(
            block_id=HOURS[0],
            label=t("record_hours_label", lang),
            hint=t("record_hours_hint", lang),
            optional=True,
            element=NumberInputElement(action_id=HOURS[1], is_decimal_allowed=True),
        ),
        InputBlock(
            block_id=DAY[0],
            label=t("record_date_label", lang),
            element=DatePickerElement(action_id=DAY[1], initial_date=today.isoformat()),
        ),
    ]
    if on_behalf:
        blocks.append(
            InputBlock(
                block_id=BEHALF[0],
                label=t("record_behalf_label", lang),
                hint=t("record_behalf_hint", lang),
                optional=True,
                element=UserSelectElement(action_id=BEHALF[1]),
            )
        )
    return View(
        type="modal",
        callback_id=RECORD_MODAL,
        private_metadata=lang,
        title=PlainTextObject(text=t("record_modal_title", lang)),
        submit=PlainTextObject(text=t("record_modal_submit", lang)),
        close=PlainTextObject(text=t("record_modal_cancel", lang)),
        blocks=blocks,
    )


def municipality_options(names: Sequence[str]) -> list[dict]:
    return [Option(value=name, text=clip(name, OPTION_TEXT_LIMIT)).to_dict() for name in names[:MAX_OPTIONS]]


def course_options(matches: Sequence[Match], typed: str, lang: Lang) -> list[dict]:
    """What the course search offers for `typed`: the matching courses, then the text as written."""
    options = [
        Option(value=m.course.id[:OPTION_VALUE_LIMIT], text=clip(m.course.title, OPTION_TEXT_LIMIT))
        for m in matches[: MAX_OPTIONS - 1]
    ]
    as_written = clip(t("record_as_written", lang, text=typed), OPTION_TEXT_LIMIT)
    options.append(Option(value=(FREE_TEXT + typed)[:OPTION_VALUE_LIMIT], text=as_written))
    return [option.to_dict() for option in options]


def record_confirmation(confirmation: str, lang: Lang) -> View:
    """What replaces the form once the record is kept."""
    return View(
        type="modal",
        title=PlainTextObject(text=t("record_modal_title", lang)),
        close=PlainTextObject(text=t("record_modal_close", lang)),
        blocks=[section(confirmation)],
    )
