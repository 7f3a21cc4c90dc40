"""`/dx track`, `/dx done`, `/dx undo`, `/dx progress` and the course-picking buttons."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from slack_bolt import App

from bot.services import Services
from db import repo
from db.models import Member
from handlers import blocks
from handlers.request import Request, apologise_on_failure, from_action, text_field
from knowledge.courses import CourseMatcher, Listing
from knowledge.kb import Course
from knowledge.messages import Lang, t
from knowledge.text import clean_input, rank_names

COURSE_TEXT_LIMIT = 200
TRACK_WORDS = {"ict": "ict", "ict系": "ict", "business": "business", "事業": "business", "事業系": "business"}


def register(app: App) -> None:
    app.action(re.compile(r"^done_pick:"))(_picked)
    app.action("done_free")(_free_text_confirmed)


# --- sub-commands -------------------------------------------------------------------------------


def track(request: Request) -> None:
    chosen = TRACK_WORDS.get((request.text or "").strip().lower())
    if chosen is None:
        request.reply(t("track_usage", request.lang))
        return
    request.reply(choose_track(request.services, request.home, request.user_id, chosen, request.lang))


def choose_track(services: Services, home: str, user_id: str, chosen: str, lang: Lang) -> str:
    """Set the member's track (`/dx track`, the skill check's suggestion); returns the confirmation to show."""
    with services.db.scope() as session:
        repo.set_track(session, repo.member(session, home, user_id), chosen)
    return t("track_ok", lang, track=t(f"track_{chosen}", lang))


def done(request: Request) -> None:
    text = clean_input(request.text, COURSE_TEXT_LIMIT)
    if text is None:
        request.reply(t("done_usage", request.lang))
        return
    matches = request.services.catalogue().matcher.match(text)
    winner = CourseMatcher.clear_winner(matches)
    if winner is not None:
        _record(request, winner, text)
    elif matches:
        key = "done_choose" if len(matches) > 1 else "done_confirm_one"
        prompt = t(key, request.lang, text=blocks.escape(text))
        request.reply(prompt, blocks.course_choice(prompt, matches, text, request.lang))
    else:
        paths = "、".join(f"「{c.title}」" for c in request.services.knowledge.courses.values())
        prompt = (
            t("done_none", request.lang, text=blocks.escape(text))
            + "\n"
            + t("done_catalogue", request.lang, titles=paths)
        )
        request.reply(prompt, blocks.course_choice(prompt, [], text, request.lang))


def undo(request: Request) -> None:
    text = clean_input(request.text, COURSE_TEXT_LIMIT)
    if text is None and request.text.strip():  # too long to be a course name: never fall back to "the latest"
        request.reply(t("bad_input", request.lang, limit=COURSE_TEXT_LIMIT))
        return
    with request.services.db.scope() as session:
        who = repo.member(session, request.home, request.user_id)
        removed = repo.remove_completion(session, who, course_key(request, session, who, text))
    if removed is None:
        request.reply(t("undo_none", request.lang))
    else:
        request.reply(t("undo_ok", request.lang, title=blocks.escape(removed.title_snapshot)))


def course_key(request: Request, session, who: Member, text: str | None) -> str | None:
    """Which of the member's records `text` names: a catalogue course, or one of their free-text titles."""
    if text is None:
        return None
    course = CourseMatcher.clear_winner(request.services.catalogue().matcher.match(text))
    if course is not None:
        return course.id
    mine = {c.title_snapshot: c.course_key for c in repo.completions(session, who)}
    ranked = rank_names(text, list(mine), cutoff=80)
    return mine[ranked[0][0]] if ranked else repo.free_text_key(text)


def progress(request: Request) -> None:
    lang = request.lang
    with request.services.db.scope() as session:
        who = repo.member(session, request.home, request.user_id)
        records = repo.completions(session, who)
        municipality = who.municipality.name if who.municipality else None
        member_track = who.track
    tz = request.services.settings.tz
    lines = [
        f"• {blocks.escape(c.title_snapshot)}{hours_label(c.hours, lang)} — {local_date(c.completed_at, tz)}"
        for c in records
    ]
    total = sum(c.hours or 0 for c in records)
    summary = t("progress_summary", lang, count=len(records), hours=_number(total))
    path_title, path_lines = None, []
    if member_track:
        finished = {c.course_id for c in records}
        path_title = t("progress_path", lang, track=t(f"track_{member_track}", lang))
        path_lines = [
            f"{'✅' if course.id in finished else '⬜'} {blocks.course_label(course, lang)}"
            for course in ordered_path(request.services.knowledge.courses_on_track(member_track))
        ]
    hint = t("progress_no_track", lang) if not member_track else (None if municipality else t("done_join_hint", lang))
    fallback = "\n".join([t("progress_title", lang), *lines]) if lines else t("progress_empty", lang)
    request.reply(
        fallback,
        blocks.progress(
            lang=lang,
            municipality=municipality,
            lines=lines,
            summary=summary,
            path_title=path_title,
            path_lines=path_lines,
            hint=hint,
        ),
    )


def ordered_path(courses: list[Course]) -> list[Course]:
    """A path as members see it (here and on the App Home): required courses first."""
    return sorted(courses, key=lambda c: (c.requirement != "required", c.id))


# --- recording ----------------------------------------------------------------------------------


def _record(request: Request, course: Listing | None, text: str, *, replace: bool = False) -> None:
    now = request.services.now()

    def record(session) -> None:
        recorded = repo.record_completion(
            session,
            request.home,
            request.user_id,
            course_id=course.id if course else None,
            title=course.title if course else text,
            hours=course.hours if course else None,
            completed_at=now,
        )
        # Confirmed with the commit: in the ack sent after it, or as a reply job committed with the record.
        request.reply(_confirmation(request, course, recorded), replace=replace, session=session)

    # Repeated once on a fresh connection if the first was cut: a repeat finds the first record, if it was kept.
    request.services.db.run(record)


def _confirmation(request: Request, course: Listing | None, recorded: repo.Recorded) -> str:
    lang = request.lang
    if not recorded.created:
        when = local_date(recorded.completed_at, request.services.settings.tz)
        message = t("done_already", lang, title=blocks.escape(recorded.title), date=when)
    elif course is None:
        message = t("done_free_recorded", lang, title=blocks.escape(recorded.title))
    else:
        message = t("done_recorded", lang, title=blocks.escape(course.title), hours=hours_label(course.hours, lang))
    if not recorded.joined:
        message += "\n" + t("done_join_hint", lang)
    return message


def _picked(ack, body, context, client) -> None:
    services = context["services"]
    course = services.catalogue().get(text_field(body["actions"][0], "value") or "")
    if course is not None:  # a button we rendered always names a course, unless the catalogue lost it since
        request = from_action(body, services, client, text=course.id, lang=blocks.choice_language(body))
        apologise_on_failure(lambda r: _record(r, course, course.id, replace=True))(request)
    ack()


def _free_text_confirmed(ack, body, context, client) -> None:
    text = clean_input(text_field(body["actions"][0], "value"), COURSE_TEXT_LIMIT)
    if text is not None:
        request = from_action(body, context["services"], client, text=text, lang=blocks.choice_language(body))
        apologise_on_failure(lambda r: _record(r, None, text, replace=True))(request)
    ack()


def hours_label(hours: float | None, lang: str) -> str:
    return t("done_hours", lang, hours=_number(hours)) if hours else ""


def _number(value: float) -> str:
    return f"{value:g}"


def local_date(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%Y-%m-%d")
