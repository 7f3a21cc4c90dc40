"""The weekly digest as Block Kit messages and as plain text, and the share modal: pure functions, no I/O.

Slack allows 50 blocks a message and 3,000 characters a section; what does not fit the first message goes
into thread replies, each within the same limits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from db.digest import (
    CourseCount,
    DigestData,
    Milestone,
    MunicipalityWeek,
    NationalWeek,
    QuestionStats,
    SharedTip,
    Totals,
)
from handlers.blocks import clip, context, escape, pack, section
from knowledge.kb import Knowledge
from knowledge.messages import Lang, t

MAX_BLOCKS = 50
PAGE_CHARS = 12_000  # well under Slack's limits, so that each post stays readable
HEADER_LIMIT = 150
SHARE_LIMIT = 500
QUOTE_LIMIT = 60  # a question quoted in the digest: enough to recognise it
NAMES_PER_LINE = 40
MILESTONE_ORDER = ("first_completion", "cumulative", "path_finished")


@dataclass(frozen=True)
class DigestMessage:
    text: str  # the plain-text fallback (notifications, screen readers)
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class _Part:
    kind: str  # header | section | context | divider
    lines: tuple[str, ...] = ()


def digest_messages(
    data: DigestData, knowledge: Knowledge, *, detailed: bool = False, lead: str | None = None, threaded: bool = True
) -> list[DigestMessage]:
    """The post, then its thread replies. `detailed` is for a municipality's own channel (its top courses, and
    figures that would read as a ranking in the shared one); `lead` is a note under the header (the preview's);
    `threaded` False for a preview shown on its own, where there is no thread to continue in."""
    pages = _paginate([block for part in _parts(data, knowledge, detailed, lead) for block in _blocks(part)])
    if len(pages) > 1:
        note = "digest_continued" if threaded else "digest_continued_when_posted"
        pages[0].append(context(t(note, count=len(pages) - 1)))
    messages = [DigestMessage(text=clip(_fallback(pages[0])), blocks=tuple(pages[0]))]
    for n, page in enumerate(pages[1:], start=2):
        title = t("digest_continuation", week=data.week, n=n, total=len(pages))
        messages.append(DigestMessage(text=clip(title + "\n" + _fallback(page)), blocks=tuple(page)))
    return messages


def plain_text(data: DigestData, knowledge: Knowledge, *, detailed: bool = False) -> str:
    return "\n\n".join("\n".join(part.lines) for part in _parts(data, knowledge, detailed) if part.lines)


def national_text(summary: NationalWeek) -> str:
    """`dxbot digest preview` across prefectures: one line of totals each."""
    header = t("digest_header", week=summary.week, first=_day(summary.first_day), last=_day(summary.last_day))
    lines = [
        t("digest_national_line", prefecture=p.prefecture, summary=_summary_line(p.totals)) for p in summary.prefectures
    ]
    return "\n".join([header, *lines])


# --- what the digest says --------------------------------------------------------------------------


def _parts(data: DigestData, knowledge: Knowledge, detailed: bool, lead: str | None = None) -> list[_Part]:
    header = t("digest_header", week=data.week, first=_day(data.first_day), last=_day(data.last_day))
    parts = [_Part("header", (header,)), *([_Part("context", (lead,))] if lead else [])]
    parts.append(_Part("section", _summary(data)))
    if data.milestones:
        parts.append(_Part("section", (t("digest_milestones_title"), *_milestones(data.milestones))))
    if data.shares:
        more = data.shares_total - len(data.shares)
        lines = (t("digest_shares_title"), *(share_line(s) for s in data.shares))
        parts.append(_Part("section", (*lines, t("digest_shares_more", count=more)) if more > 0 else lines))
    if data.questions is not None:
        parts.append(_Part("section", _questions(data.questions, knowledge)))
        if data.questions.unanswered or data.questions.not_helpful:
            parts.append(_Part("context", (t("questions_report_pointer"),)))
    active = [m for m in data.municipalities if m.active]
    quiet = [m.name for m in data.municipalities if m.members and not m.active]
    parts.append(_Part("divider"))
    if active:
        lines = (line for m in active for line in _municipality(m, detailed))
        parts.append(_Part("section", (t("digest_municipalities_title"), *lines)))
    if quiet:
        parts.append(_Part("section", _listing(t("digest_quiet", count=len(quiet)), quiet)))
    if data.totals.without_members:
        parts.append(_Part("context", (t("digest_without_members", count=data.totals.without_members),)))
    parts.append(_Part("context", (t("digest_footer"),)))
    return parts


def _summary(data: DigestData) -> tuple[str, ...]:
    totals = data.totals
    if not totals.completions and not totals.new_members:
        return (t("digest_nothing_yet"),)
    line = _summary_line(totals)
    if not totals.top_courses:
        return (line,)
    return line, t("digest_top_courses", courses=_courses(totals.top_courses))


def _summary_line(totals: Totals) -> str:
    return t(
        "digest_totals",
        completions=f"{totals.completions:,}",
        change=_change(totals.completions, totals.last_week_completions),
        hours=_number(totals.hours),
        learners=f"{totals.learners:,}",
        new_members=f"{totals.new_members:,}",
        active=f"{totals.active_municipalities:,}",
        municipalities=f"{totals.municipalities:,}",
    )


def _milestones(milestones: Iterable[Milestone]) -> list[str]:
    """One line per kind of milestone (and threshold), naming the municipalities: compact with hundreds."""
    groups: dict[tuple[str, int], list[Milestone]] = {}
    for m in sorted(milestones, key=lambda m: (MILESTONE_ORDER.index(m.kind), -_threshold(m))):
        groups.setdefault((m.kind, _threshold(m)), []).append(m)
    lines = []
    for (kind, threshold), found in groups.items():
        if kind == "path_finished":
            title = t("digest_milestone_path_finished", value=sum(m.value for m in found))
            names = [t("digest_milestone_people", municipality=m.municipality, count=m.value) for m in found]
        else:
            title = t(f"digest_milestone_{kind}", value=threshold, count=len(found))
            names = [m.municipality for m in found]
        lines += _listing(title, names)
    return lines


def _threshold(milestone: Milestone) -> int:
    return milestone.value if milestone.kind == "cumulative" else 0


def _listing(title: str, names: Sequence[str]) -> list[str]:
    """「title A、B、C」, continued on further lines for long lists (a section holds 3,000 characters)."""
    chunks = ["、".join(names[i : i + NAMES_PER_LINE]) for i in range(0, len(names), NAMES_PER_LINE)]
    return [title + chunks[0], *chunks[1:]] if chunks else [title]


def _municipality(m: MunicipalityWeek, detailed: bool) -> list[str]:
    """One municipality's line. In the shared channel a fall (−) or a 0% path is left out: others read it too,
    and the digest celebrates, it does not rank; the municipality's own channel shows everything."""
    change = _change(m.completions, m.last_week_completions)
    if not detailed and m.completions < m.last_week_completions:
        change = ""
    figures = [t("digest_part_completions", count=f"{m.completions:,}", change=change)]
    if m.hours:
        figures.append(t("digest_part_hours", hours=_number(m.hours)))
    if m.learners:
        figures.append(t("digest_part_learners", count=f"{m.learners:,}"))
    if m.new_members:
        figures.append(t("digest_part_new_members", count=f"{m.new_members:,}"))
    if m.path_progress is not None and (detailed or m.path_progress > 0):
        figures.append(t("digest_part_path", percent=round(m.path_progress * 100)))
    if m.licences:
        figures.append(t("digest_part_licences", used=f"{m.licences_used:,}", allocated=f"{m.licences:,}"))
    lines = [t("digest_line", name=m.name, figures="・".join(figures))]
    if detailed and m.top_courses:
        lines.append("　" + t("digest_top_courses", courses=_courses(m.top_courses)))
    return lines


def share_line(share: SharedTip) -> str:
    """A tip as the digest and the App Home show it: its author named only if they opted in."""
    if share.municipality is None:
        who = t("digest_share_somewhere")
    elif share.member_name:
        who = t("digest_share_named", municipality=share.municipality, name=share.member_name)
    else:
        who = t("digest_share_anonymous", municipality=share.municipality)
    course = t("digest_share_course", title=share.course_title) if share.course_title else ""
    return t("digest_share", text=clip(" ".join(share.text.split()), SHARE_LIMIT), who=who, course=course)


def _questions(stats: QuestionStats, knowledge: Knowledge) -> tuple[str, ...]:
    topics = "、".join(
        t("digest_topic_count", topic=knowledge.title_of(x.topic) or x.topic, count=x.questions)
        for x in stats.top_topics
    )
    lines = [t("digest_questions", asked=stats.asked, topics=topics or "—")]
    if stats.unanswered:  # for coordinators: what the knowledge base could add, quoted without who asked
        lines.append(t("digest_unanswered", count=stats.unanswered))
        lines += [
            t("questions_report_unanswered_group", text=clip(" ".join(g.text.split()), QUOTE_LIMIT), count=g.count)
            for g in stats.top_unanswered
        ]
    if stats.not_helpful:
        lines.append(t("questions_report_not_helpful", count=stats.not_helpful))
    return tuple(lines)


def _courses(courses: Iterable[CourseCount]) -> str:
    return "、".join(t("digest_course_count", title=c.title, count=f"{c.completions:,}") for c in courses)


def _change(now: int, before: int) -> str:
    if now > before:
        return t("digest_change_up", n=f"{now - before:,}")
    if now < before:
        return t("digest_change_down", n=f"{before - now:,}")
    return t("digest_change_same")


def _number(value: float) -> str:
    return f"{round(value, 1):,.1f}".removesuffix(".0")


def _day(day: date) -> str:
    return f"{day.month}/{day.day}"


# --- Block Kit -------------------------------------------------------------------------------------


def _blocks(part: _Part) -> list[Block]:
    if part.kind == "header":
        return [HeaderBlock(text=clip(part.lines[0], HEADER_LIMIT))]
    if part.kind == "divider":
        return [DividerBlock()]
    if part.kind == "context":
        return [context(*(escape(line) for line in part.lines))]
    return [section(text) for text in pack(escape(line) for line in part.lines)]


def _paginate(blocks: Sequence[Block]) -> list[list[Block]]:
    """Pages of at most MAX_BLOCKS - 1 blocks (room for the 'continued in the thread' note) and PAGE_CHARS."""
    pages: list[list[Block]] = [[]]
    size = 0
    for block in blocks:
        length = len(_text(block))
        page = pages[-1]
        if page and (len(page) >= MAX_BLOCKS - 1 or size + length > PAGE_CHARS):
            if isinstance(block, DividerBlock):
                continue  # a new page needs no divider on top
            pages.append([])
            size = 0
        pages[-1].append(block)
        size += length
    return pages


def _text(block: Block) -> str:
    if isinstance(block, HeaderBlock | SectionBlock):
        return block.text.text
    if isinstance(block, ContextBlock):
        return "\n".join(element.text for element in block.elements)
    return ""


def _fallback(blocks: Sequence[Block]) -> str:
    return "\n".join(text for text in map(_text, blocks) if text)


# --- the share modal -------------------------------------------------------------------------------

SHARE_MODAL = "share_modal"
SHARE_BLOCK = "share_text"
SHARE_ACTION = "text"


def share_modal(lang: Lang, limit: int) -> View:
    """`/dx share` without text: a one-field form; the language rides along in private_metadata."""
    return View(
        type="modal",
        callback_id=SHARE_MODAL,
        private_metadata=lang,
        title=PlainTextObject(text=t("sharing_modal_title", lang)),
        submit=PlainTextObject(text=t("sharing_modal_submit", lang)),
        close=PlainTextObject(text=t("sharing_modal_cancel", lang)),
        blocks=[
            InputBlock(
                block_id=SHARE_BLOCK,
                label=t("sharing_modal_label", lang),
                hint=t("sharing_modal_hint", lang),
                element=PlainTextInputElement(
                    action_id=SHARE_ACTION,
                    multiline=True,
                    max_length=limit,
                    placeholder=t("sharing_modal_placeholder", lang),
                ),
            )
        ],
    )


def share_confirmation(confirmation: str, lang: Lang) -> View:
    """What replaces the form once the tip is stored: the member sees it kept without depending on a DM."""
    return View(
        type="modal",
        title=PlainTextObject(text=t("sharing_modal_title", lang)),
        close=PlainTextObject(text=t("sharing_modal_close", lang)),
        blocks=[section(escape(confirmation))],
    )
