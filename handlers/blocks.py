"""Pure Block Kit builders (slack_sdk.models). They take plain data and return blocks; no I/O."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from knowledge.answer import Citation
from knowledge.courses import Match
from knowledge.kb import Course
from knowledge.messages import Lang, t

SECTION_LIMIT = 3000
CHOICE_BLOCK = "done_choice_"
BUTTON_VALUE_LIMIT = 2000
JOIN_APPROVE, JOIN_DENY = "join_approve", "join_deny"  # a request to join, decided (handlers/membership.py)


def as_dicts(blocks: Sequence[Block]) -> list[dict]:
    return [block.to_dict() for block in blocks]


def clip(text: str, limit: int = SECTION_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=clip(text)))


def context(*texts: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=clip(text, 2000)) for text in texts[:10]])


def text_blocks(*paragraphs: str) -> list[Block]:
    return [section(p) for p in paragraphs if p]


def course_choice(prompt: str, matches: Sequence[Match], free_text: str | None, lang: Lang) -> list[Block]:
    """Buttons to pick one of several courses, and (when given) to record the text as written."""
    buttons = [
        ButtonElement(text=clip(m.course.title, 75), action_id=f"done_pick:{m.course.id}", value=m.course.id)
        for m in matches[:4]
    ]
    if free_text is not None:
        label = t("done_record_as_written", lang, text=clip(free_text, 40))
        buttons.append(ButtonElement(text=clip(label, 75), action_id="done_free", value=free_text[:BUTTON_VALUE_LIMIT]))
    blocks: list[Block] = [section(prompt)]
    if buttons:
        blocks.append(ActionsBlock(block_id=f"{CHOICE_BLOCK}{lang}", elements=buttons))
    return blocks


def choice_language(body: dict) -> Lang:
    """The language a course choice was offered in: ephemeral messages come back without their text."""
    block_id = body["actions"][0].get("block_id", "")
    return "en" if block_id == f"{CHOICE_BLOCK}en" else "ja"


def progress(
    *,
    lang: Lang,
    municipality: str | None,
    lines: Sequence[str],
    summary: str,
    path_title: str | None,
    path_lines: Sequence[str],
    hint: str | None,
) -> list[Block]:
    blocks: list[Block] = [HeaderBlock(text=t("progress_title", lang))]
    if municipality:
        blocks.append(context(t("progress_municipality", lang, name=municipality)))
    blocks.append(section("\n".join(lines) if lines else t("progress_empty", lang)))
    if lines:
        blocks.append(context(summary))
    if path_title:
        blocks += [DividerBlock(), section(path_title + "\n" + "\n".join(path_lines))]
    if hint:
        blocks.append(context(hint))
    return blocks


def course_label(course: Course, lang: Lang) -> str:
    requirement = t(f"progress_{course.requirement}", lang)
    return f"{course.title}（{requirement}）" if lang == "ja" else f"{course.title} ({requirement})"


def escape(text: str) -> str:
    """Text from a member or the model shown as written: no <!channel>, no disguised links (Slack mrkdwn)."""
    return html.escape(text, quote=False)


def answer(
    *,
    text: str,
    sources: Sequence[Citation],
    question_id: int | None,
    lang: Lang,
    shareable: bool = False,
    escalation: str | None = None,
) -> list[Block]:
    """An answer: its text, the sources with links and as-of dates, 👍/👎 (and "share in channel"; and, for a
    question asked in a channel, "ask the coordinator", whose value says where: handlers/escalation.py)."""
    blocks: list[Block] = [section(chunk) for chunk in pack(escape(text).split("\n\n"), separator="\n\n")]
    if sources:
        blocks.append(context(*(_source_line(n, s, lang) for n, s in enumerate(sources, start=1))))
    if question_id is not None:
        buttons = [
            ButtonElement(text=t("feedback_up", lang), action_id="feedback_up", value=str(question_id)),
            ButtonElement(text=t("feedback_down", lang), action_id="feedback_down", value=str(question_id)),
        ]
        if shareable:
            buttons.append(
                ButtonElement(text=t("share_in_channel", lang), action_id="share_answer", value=str(question_id))
            )
        if escalation is not None:
            buttons.append(ButtonElement(text=t("escalate_button", lang), action_id="escalate", value=escalation))
        blocks.append(ActionsBlock(block_id="answer_actions", elements=buttons))
    return blocks


def escalation(text: str, resolve_value: str | None, lang: Lang) -> list[Block]:
    """The thread message that calls the coordinators, with its "resolved" button (none once resolved)."""
    blocks: list[Block] = [section(text)]
    if resolve_value is not None:
        button = ButtonElement(
            text=t("escalation_resolve_button", lang), action_id="escalation_resolve", value=resolve_value
        )
        blocks.append(ActionsBlock(block_id="escalation_actions", elements=[button]))
    return blocks


def join_request(text: str, request_id: int, lang: Lang) -> list[Block]:
    """A request to join a municipality, with the buttons that decide it (in an approver's DM and Home)."""
    value = str(request_id)
    buttons = [
        ButtonElement(text=t("join_approve_button", lang), action_id=JOIN_APPROVE, value=value, style="primary"),
        ButtonElement(text=t("join_deny_button", lang), action_id=JOIN_DENY, value=value),
    ]
    return [section(text), ActionsBlock(block_id=f"join_request_{value}", elements=buttons)]


def shared_answer(user_id: str, question: str, text: str, sources: Sequence[Citation], lang: Lang) -> list[Block]:
    return [
        context(t("shared_by", lang, user=user_id)),
        section(f"> {escape(question)}"),
        *answer(text=text, sources=sources, question_id=None, lang=lang),
    ]


def _source_line(n: int, source: Citation, lang: Lang) -> str:
    title = escape(source.title).replace("|", "｜")
    link = f"<{source.url}|{title}>" if source.url else title
    dated = t("as_of_label", lang, date=source.as_of.isoformat()) if source.as_of else t("date_unknown", lang)
    return f"[{n}] {link}（{dated}）"


def pack(parts: Iterable[str], separator: str = "\n", limit: int = SECTION_LIMIT) -> list[str]:
    """Parts joined into as few texts of at most `limit` characters as possible (for sections); a longer
    part is cut."""
    texts: list[str] = []
    current = ""
    for part in parts:
        part = clip(part, limit)
        if current and len(current) + len(separator) + len(part) > limit:
            texts.append(current)
            current = ""
        current = f"{current}{separator}{part}" if current else part
    return [*texts, current] if current else texts
