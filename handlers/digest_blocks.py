"""The weekly digest as Block Kit messages and as plain text, and the share modal: pure functions, no I/O.

The shared channel's post is one screen (at most 15 blocks and 3,000 characters) however many municipalities
a prefecture has: its week in numbers, participation, the municipalities that rose most for their size, milestones
as counts, a few tips. Everything per municipality goes into the thread, in 市区町村コード order, in pages within
Slack's limits (50 blocks a message, 3,000 characters a section).
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
    Mover,
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
QUOTE_LIMIT = 60  # a question or a topic quoted in the digest: enough to recognise it
NAMES_PER_LINE = 40
TOP_SHARES = 3  # tips quoted in the shared post; the rest are in its thread
TOP_SHARE_LIMIT = 140  # a tip in the shared post, clipped so the post stays one screen
TOP_TITLE_LIMIT = 40  # a course title in the shared post
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
    data: DigestData, knowledge: Knowledge, *, own: bool = False, lead: str | None = None, threaded: bool = True
) -> list[DigestMessage]:
    """The post, then its thread replies. The shared channel's post reads the same at 5 or 500 municipalities: the
    prefecture's week in one screen, every municipality's line in the thread in code order. `own` is for a
    municipality's own channel (its figures in full, falls included, and its top courses); `lead` is a note under
    the header (the preview's); `threaded` False for a preview shown on its own, with no thread to continue in."""
    if own:
        pages = _paginate(_blocks_of(_own_parts(data, lead)))
        first, rest = pages[0], pages[1:]
    else:
        first, rest = _blocks_of(_top_parts(data, knowledge, lead)), _paginate(_blocks_of(_thread_parts(data)))
        rest = [page for page in rest if page]
    if rest:  # the pointer to the thread goes above the shared post's footer
        note = "digest_continued_own" if own else "digest_continued" if threaded else "digest_continued_when_posted"
        first.insert(len(first) if own else len(first) - 1, context(t(note, count=len(rest))))
    messages = [DigestMessage(text=clip(_fallback(first)), blocks=tuple(first))]
    for n, page in enumerate(rest, start=2):
        title = t("digest_continuation", week=data.week, n=n, total=len(rest) + 1)
        messages.append(DigestMessage(text=clip(title + "\n" + _fallback(page)), blocks=tuple(page)))
    return messages


def plain_text(data: DigestData, knowledge: Knowledge, *, own: bool = False) -> str:
    """The whole digest as text, the post and then its thread (`dxbot digest preview`)."""
    parts = _own_parts(data) if own else [*_top_parts(data, knowledge), *_thread_parts(data)]
    return "\n\n".join("\n".join(part.lines) for part in parts if part.lines)


def national_text(summary: NationalWeek) -> str:
    """`dxbot digest preview` across prefectures: each one's week in totals, naming no municipality."""
    header = t("digest_header", week=summary.week, first=_day(summary.first_day), last=_day(summary.last_day))
    lines = [line for p in summary.prefectures for line in _week_in_numbers(p.prefecture, p.totals)]
    return "\n".join([header, *lines])


# --- what the digest says --------------------------------------------------------------------------


def _top_parts(data: DigestData, knowledge: Knowledge, lead: str | None = None) -> list[_Part]:
    """The shared channel's post: a fixed number of short parts, whatever the number of municipalities."""
    parts = _opening(data, lead)
    if data.totals.members or data.totals.licences:
        parts.append(_Part("section", (_participation(data.totals),)))
    if data.movers:
        parts.append(_Part("section", (t("digest_movers_title"), *map(_mover, data.movers))))
    if data.milestones:
        parts.append(_Part("section", (_milestone_counts(data.milestones),)))
    if data.shares:
        parts.append(_Part("section", _top_shares(data)))
    if data.questions is not None:
        parts.append(_Part("section", _questions(data.questions, knowledge)))
        if data.questions.unanswered or data.questions.not_helpful:
            parts.append(_Part("context", (t("questions_report_pointer"),)))
    without = sum(1 for m in data.municipalities if not m.members)
    if without:
        parts.append(_Part("context", (t("digest_without_members", count=without),)))
    parts.append(_Part("context", (t("digest_footer"),)))
    return parts


def _thread_parts(data: DigestData) -> list[_Part]:
    """Under the shared post: who reached a milestone, the other tips, and each municipality's line by code."""
    parts = []
    if data.milestones:
        parts.append(_Part("section", (t("digest_milestones_title"), *_milestones(data.milestones))))
    later = data.shares[TOP_SHARES:]
    if later:
        more = data.shares_total - len(data.shares)
        lines = (t("digest_shares_more_title"), *(share_line(s) for s in later))
        parts.append(_Part("section", (*lines, t("digest_shares_more", count=more)) if more > 0 else lines))
    parts += _municipality_parts(data, own=False)
    return parts


def _own_parts(data: DigestData, lead: str | None = None) -> list[_Part]:
    """A municipality's own channel: the prefecture's week for context, then everything about the municipality."""
    parts = [*_opening(data, lead), *_municipality_parts(data, own=True)]
    if data.milestones:
        parts.append(_Part("section", (t("digest_milestones_title"), *_milestones(data.milestones))))
    if data.shares:
        parts.append(_Part("section", (t("digest_shares_title"), *(share_line(s) for s in data.shares))))
    parts.append(_Part("context", (t("digest_footer"),)))
    return parts


def _opening(data: DigestData, lead: str | None) -> list[_Part]:
    header = t("digest_header", week=data.week, first=_day(data.first_day), last=_day(data.last_day))
    return [
        _Part("header", (header,)),
        *([_Part("context", (lead,))] if lead else []),
        _Part("section", _week_in_numbers(data.prefecture, data.totals)),
    ]


def _week_in_numbers(prefecture: str, totals: Totals) -> tuple[str, ...]:
    """Completions, hours and learners, each with its change from the week before."""
    if not totals.completions and not totals.new_members and not totals.last_week_completions:
        return (t("digest_prefecture_title", prefecture=prefecture), t("digest_nothing_yet"))
    line = t(
        "digest_totals",
        prefecture=prefecture,
        completions=f"{totals.completions:,}",
        completions_change=_change(totals.completions, totals.last_week_completions),
        hours=_number(totals.hours),
        hours_change=_change(totals.hours, totals.last_week_hours),
        learners=f"{totals.learners:,}",
        learners_change=_change(totals.learners, totals.last_week_learners),
    )
    if not totals.top_courses:
        return (line,)
    return line, t("digest_top_courses", courses=_courses(totals.top_courses, TOP_TITLE_LIMIT))


def _participation(totals: Totals) -> str:
    parts = []
    if totals.members:
        share = _percent(totals.learners, totals.members)
        parts.append(
            t("digest_members_active", percent=share, learners=f"{totals.learners:,}", members=f"{totals.members:,}")
        )
    if totals.licences:
        share = _percent(totals.licences_used, totals.licences)
        used, allocated = f"{totals.licences_used:,}", f"{totals.licences:,}"
        parts.append(t("digest_licences_used", percent=share, used=used, allocated=allocated))
    if totals.new_members:
        parts.append(t("digest_part_new_members", count=f"{totals.new_members:,}"))
    parts.append(
        t(
            "digest_active_municipalities",
            active=f"{totals.active_municipalities:,}",
            total=f"{totals.municipalities:,}",
        )
    )
    return t("digest_participation", figures="・".join(parts))


def _mover(mover: Mover) -> str:
    return t("digest_mover", name=mover.municipality, per_member=f"{mover.per_member:.1f}", change=f"{mover.change:,}")


def _milestone_counts(milestones: Sequence[Milestone]) -> str:
    """Milestones as counts, the names being in the thread: one line at 5 or 500 municipalities."""
    counts = []
    for kind in MILESTONE_ORDER:
        found = [m for m in milestones if m.kind == kind]
        if kind == "first_completion" and found:
            counts.append(t("digest_count_first_completion", count=len(found)))
        elif kind == "cumulative":
            for threshold in sorted({m.value for m in found}, reverse=True):
                count = sum(m.value == threshold for m in found)
                counts.append(t("digest_count_cumulative", value=f"{threshold:,}", count=count))
        elif found:
            counts.append(t("digest_count_path_finished", count=sum(m.value for m in found)))
    return t("digest_milestone_counts", counts="・".join(counts))


def _top_shares(data: DigestData) -> tuple[str, ...]:
    shown = data.shares[:TOP_SHARES]
    lines = [t("digest_shares_title"), *(share_line(s, TOP_SHARE_LIMIT) for s in shown)]
    later = data.shares_total - len(shown)
    if later > 0:
        lines.append(t("digest_shares_in_thread", count=later))
    return tuple(lines)


def _municipality_parts(data: DigestData, *, own: bool) -> list[_Part]:
    active = [m for m in data.municipalities if m.active]
    quiet = [m.name for m in data.municipalities if m.members and not m.active]
    parts = []
    if active:
        title = t("digest_own_title" if own else "digest_municipalities_title")
        parts.append(_Part("section", (title, *(line for m in active for line in _municipality(m, own)))))
    if quiet:
        parts.append(_Part("section", _listing(t("digest_quiet", count=len(quiet)), quiet)))
    return parts


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


def _municipality(m: MunicipalityWeek, own: bool) -> list[str]:
    """One municipality's line. In the shared thread a fall (−) or a 0% path is left out: others read it too,
    and the digest celebrates, it does not rank; the municipality's own channel shows everything."""
    change = _change(m.completions, m.last_week_completions)
    if not own and m.completions < m.last_week_completions:
        change = ""
    figures = [t("digest_part_completions", count=f"{m.completions:,}", change=change)]
    if m.hours:
        figures.append(t("digest_part_hours", hours=_number(m.hours)))
    if m.learners:
        figures.append(t("digest_part_learners", count=f"{m.learners:,}"))
    if m.new_members:
        figures.append(t("digest_part_new_members", count=f"{m.new_members:,}"))
    if m.path_progress is not None and (own or m.path_progress > 0):
        figures.append(t("digest_part_path", percent=round(m.path_progress * 100)))
    if m.licences:
        figures.append(t("digest_part_licences", used=f"{m.licences_used:,}", allocated=f"{m.licences:,}"))
    lines = [t("digest_line", name=m.name, figures="・".join(figures))]
    if own and m.top_courses:
        lines.append("　" + t("digest_top_courses", courses=_courses(m.top_courses)))
    return lines


def share_line(share: SharedTip, limit: int = SHARE_LIMIT) -> str:
    """A tip as the digest and the App Home show it: its author named only if they opted in."""
    if share.municipality is None:
        who = t("digest_share_somewhere")
    elif share.member_name:
        who = t("digest_share_named", municipality=share.municipality, name=share.member_name)
    else:
        who = t("digest_share_anonymous", municipality=share.municipality)
    course = t("digest_share_course", title=share.course_title) if share.course_title else ""
    return t("digest_share", text=clip(" ".join(share.text.split()), limit), who=who, course=course)


def _questions(stats: QuestionStats, knowledge: Knowledge) -> tuple[str, ...]:
    topics = "、".join(
        t("digest_topic_count", topic=clip(knowledge.title_of(x.topic) or x.topic, QUOTE_LIMIT), count=x.questions)
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


def _courses(courses: Iterable[CourseCount], title_limit: int = HEADER_LIMIT) -> str:
    return "、".join(
        t("digest_course_count", title=clip(c.title, title_limit), count=f"{c.completions:,}") for c in courses
    )


def _change(now: float, before: float) -> str:
    if now > before:
        return t("digest_change_up", n=_number(now - before))
    if now < before:
        return t("digest_change_down", n=_number(before - now))
    return t("digest_change_same")


def _percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%"


def _number(value: float) -> str:
    return f"{round(value, 1):,.1f}".removesuffix(".0")


def _day(day: date) -> str:
    return f"{day.month}/{day.day}"


# --- Block Kit -------------------------------------------------------------------------------------


def _blocks_of(parts: Iterable[_Part]) -> list[Block]:
    return [block for part in parts for block in _blocks(part)]


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
        blocks=[section(confirmation)],  # escaped where the member's words went in (handlers/sharing.py)
    )
