"""The `/dx` slash command: the sub-command named by its first word runs inside the ack and its reply is the
ack's body; slow sub-commands (`ask`, `digest`) queue a job and say so in the ack."""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import replace

from slack_bolt import App

from handlers import admin, ask, exports, learning, membership, nudges, sharing, skill_check, subsidy
from handlers.blocks import escape
from handlers.request import Handler, Request, apologise_on_failure, from_command, installation_of
from knowledge.messages import Lang, language_of, t

SUBCOMMANDS: dict[str, Handler] = {
    "join": membership.join,
    "track": learning.track,
    "done": learning.done,
    "undo": learning.undo,
    "progress": learning.progress,
    "ask": ask.ask,
    "subsidy": subsidy.subsidy,
    "share": sharing.share,
    "privacy": sharing.privacy,
    "digest": sharing.digest,
    "nudges": nudges.nudges,
    "leave": nudges.leave,
    "admin": admin.admin,
    "export": exports.export,
    "check": skill_check.check,
}
# Words staff may type instead of the English sub-command names.
SYNONYMS = {
    "参加": "join",
    "登録": "join",
    "コース": "track",
    "完了": "done",
    "修了": "done",
    "受講完了": "done",
    "取消": "undo",
    "取り消し": "undo",
    "進捗": "progress",
    "質問": "ask",
    "助成金": "subsidy",
    "共有": "share",
    "週報": "digest",
    "プライバシー": "privacy",
    "nudge": "nudges",
    "通知": "nudges",
    "お知らせ": "nudges",
    "リマインド": "nudges",
    "休職": "leave",
    "休暇": "leave",
    "休み": "leave",
    "管理": "admin",
    "エクスポート": "export",
    "出力": "export",
    "診断": "check",
    "スキル診断": "check",
    "スキルチェック": "check",
    "ヘルプ": "help",
    "使い方": "help",
}
# Sub-commands whose words are keywords (`/dx track ict`, `/dx privacy names on`): Japanese unless `en`.
KEYWORD_SUBCOMMANDS = {
    "help",
    "track",
    "privacy",
    "digest",
    "progress",
    "undo",
    "nudges",
    "leave",
    "admin",
    "export",
    "check",
}
TEXT_LIMIT = 2000
# Slack's markup for a link (<https://…|label>, <mailto:a@b|a@b>): the address as written. People and channels
# picked from Slack's list stay <@U…|name> and <#C…|name>; a < the member typed arrives as &lt;.
_LINK = re.compile(r"<(?:mailto:)?([^@#!|>][^|>]*)(?:\|[^>]*)?>")
# A person or channel picked from Slack's list, as the command's text carries it; typed by hand, `<@U…>` arrives as
# `&lt;@U…&gt;` and names nobody (it could name anyone, another workspace's channel included).
_PICKED = re.compile(r"<[@#]([UWCG][A-Z0-9]+)(?:\|[^>]*)?>")


def register(app: App) -> None:
    app.command("/dx")(_run)


def split(text: str) -> tuple[str, str]:
    """('done', 'ITパスポート') from 'done ITパスポート': only the first word is folded (ｄｏｎｅ → done)."""
    parts = (text or "").strip().split(maxsplit=1)  # str.split() also splits on the full-width space
    if not parts:
        return "", ""
    word = unicodedata.normalize("NFKC", parts[0]).lower()
    return SYNONYMS.get(word, word), parts[1].strip() if len(parts) > 1 else ""


def _run(ack, body, context, client) -> None:
    # Slack sends &, < and > as entities, and (the command escapes: manifest.yaml) links as <https://…|label>
    sent = body.get("text") or ""
    raw = _without_format_characters(html.unescape(_LINK.sub(r"\1", sent)))
    word, rest = split(raw)
    lang = _language(word, rest, raw)
    request = from_command(body, context["services"], ack, client, text=rest, lang=lang)
    request = replace(request, picked=frozenset(_PICKED.findall(sent)), installation=installation_of(context))
    handler = SUBCOMMANDS.get(word)
    if handler is None and raw.rstrip().endswith(("?", "？")):  # `/dx 助成率は？` is a question too
        handler, request = ask.ask, replace(request, text=raw, lang=language_of(raw))
    # A question has its own limit, the same wherever it is asked (handlers/ask.py).
    if handler is not ask.ask and (len(raw) > TEXT_LIMIT or any(ord(ch) < 32 and ch not in "\n\t" for ch in raw)):
        _usage(request, t("bad_input", lang, limit=TEXT_LIMIT))
        return
    if handler is not None:
        apologise_on_failure(handler)(request)
    elif word in ("", "help"):
        _usage(request, None)
    else:
        _usage(request, t("unknown_command", lang, word=escape(word[:30])))


def _without_format_characters(text: str) -> str:
    """Zero-width spaces and byte-order marks (pasted from Word or a web page) as plain spaces: `done\u200bIT…`
    is `done IT…`."""
    return "".join(" " if unicodedata.category(ch) == "Cf" else ch for ch in text)


def _language(word: str, rest: str, raw: str) -> Lang:
    """Staff write in their language; `ict`, `names on` or `en` are keywords, not a choice of English."""
    if word in KEYWORD_SUBCOMMANDS:
        return "en" if "en" in rest.lower().split() else "ja"
    return language_of(rest if word in SUBCOMMANDS else raw)


def _usage(request: Request, problem: str | None) -> None:
    """Japanese help by default; English when the member wrote English (`/dx help en`, `/dx hello`)."""
    parts = [problem, t("help", request.lang)]
    if request.lang == "ja":
        parts.append(t("help_in_english", "en"))
    request.reply("\n\n".join(p for p in parts if p))
