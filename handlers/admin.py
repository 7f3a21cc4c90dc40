"""`/dx admin …`: roles, the municipality's members and audit log, completions recorded or removed on a member's
behalf, and channel settings (answer every question there; publicly or to the asker only).

Coordinators and admins manage their own municipality's members only (db/access.py); admins also give roles and
configure channels across their own prefecture, never in another. Every change made on someone else's behalf goes
to the audit log in the same unit of work."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable
from zoneinfo import ZoneInfo

from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from db import access, channels, membership, prefectures, repo
from db.models import AuditEntry, Member
from handlers import blocks, learning
from handlers.membership import may_belong
from handlers.request import Person, Request, text_field
from knowledge.courses import CourseMatcher
from knowledge.messages import MESSAGES, t
from knowledge.text import clean_input

log = logging.getLogger(__name__)

# Slack writes a picked person as <@U123> or <@U123|name>, a picked channel as <#C123|name> (the command
# escapes them: manifest.yaml should_escape).
MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
CHANNEL = re.compile(r"<#([CG][A-Z0-9]+)(?:\|[^>]*)?>")
ROLE_WORDS = {
    "learner": "learner",
    "受講者": "learner",
    "学習者": "learner",
    "coordinator": "coordinator",
    "コーディネーター": "coordinator",
    "admin": "admin",
    "管理者": "admin",
}
WORDS = {
    "メンバー": "members",
    "役割": "role",
    "ロール": "role",
    "完了": "done",
    "修了": "done",
    "取消": "undo",
    "取り消し": "undo",
    "監査": "audit",
    "履歴": "audit",
    "チャンネル": "channel",
    "ヘルプ": "help",
}
SWITCHES = {"on": True, "オン": True, "off": False, "オフ": False}
ANSWER_ALL_WORDS = ("answer-all", "answer_all", "answerall", "全件回答", "全回答")
VISIBILITY_WORDS = {"public": "public", "公開": "public", "ephemeral": "ephemeral", "本人のみ": "ephemeral"}
AUDIT_SHOWN = 20
Action = Callable[[Request, Session, Member, str], None]


def admin(request: Request) -> None:
    word, rest = _split(request.text)
    word = WORDS.get(word, word)
    action = ACTIONS.get(word)
    with request.services.db.scope() as session:
        actor = repo.member(session, request.home, request.user_id)
        if actor.role not in access.MANAGERS:
            request.reply(t("admin_refused", request.lang))
        elif word in ("", "help", "en"):
            request.reply(t("admin_help", request.lang))
        elif action is None:
            request.reply(t("admin_unknown", request.lang, word=word[:30], help=t("admin_help", request.lang)))
        elif actor.municipality_id is None:  # a role belongs to a municipality: only a row from before 0011
            request.reply(t("admin_join_first", request.lang))
        else:
            action(request, session, actor, rest)


def _split(text: str) -> tuple[str, str]:
    parts = (text or "").strip().split(maxsplit=1)
    if not parts:
        return "", ""
    return unicodedata.normalize("NFKC", parts[0]).lower(), parts[1].strip() if len(parts) > 1 else ""


def _subject(request: Request, session: Session, word: str) -> tuple[Member | None, str | None]:
    """(the member a mention names or None when they never used dxbot, their user id); (None, None), with a
    polite reply, when the word is no mention."""
    mentioned = MENTION.fullmatch(word)
    if mentioned is None or mentioned.group(1) not in request.picked:
        request.reply(t("admin_mention_needed", request.lang))
        return None, None
    user_id = mentioned.group(1)
    found = repo.members_by_user(session, user_id, request.home)
    return (found[0] if found else None), user_id


def _not_yours(request: Request, actor: Member, user_id: str) -> None:
    name = actor.municipality.name
    request.reply(t("admin_not_your_member", request.lang, user=user_id, municipality=name))


def _beyond_reach(request: Request, session: Session, actor: Member, user_id: str) -> None:
    """An admin's roles reach their own prefecture: say which, or ask one who has joined none to join first."""
    tenant = prefectures.tenant_of(session, actor.municipality_id)
    request.reply(t("admin_not_your_prefecture", request.lang, user=user_id, prefecture=tenant.name))


# --- roles and members -------------------------------------------------------------------------


def _role(request: Request, session: Session, actor: Member, rest: str) -> None:
    """`role @person ROLE`, and for an admin appointing someone of no municipality yet `role @person ROLE 横須賀市`
    (a municipality of their prefecture, which the person joins)."""
    words = rest.split()
    role = ROLE_WORDS.get(unicodedata.normalize("NFKC", words[1]).lower()) if len(words) in (2, 3) else None
    if role is None:
        request.reply(t("admin_role_usage", request.lang))
        return
    subject, user_id = _subject(request, session, words[0])
    if user_id is None:
        return
    if actor.role == "admin" and (subject is None or subject.municipality_id is None):
        subject = _appointee(request, session, actor, user_id, words[2] if len(words) == 3 else None)
        if subject is None:
            return
    elif len(words) == 3 and subject is not None and subject.municipality.name != words[2]:
        place = blocks.escape(words[2])
        request.reply(
            t("admin_role_elsewhere", request.lang, user=user_id, name=place, municipality=subject.municipality.name)
        )
        return
    if subject is None:
        _not_yours(request, actor, user_id)
        return
    if not access.may_give_role(session, actor, subject, role):
        label = t(f"role_{role}", request.lang)
        if actor.role == "admin":
            _beyond_reach(request, session, actor, user_id)
        elif access.manages(actor, subject.municipality_id):
            request.reply(t("admin_role_not_allowed", request.lang, user=user_id, role=label))
        else:
            _not_yours(request, actor, user_id)
        return
    before = subject.role
    repo.set_role(session, subject, role)
    now = request.services.now()
    details = {"user": user_id, "from": before, "to": role}
    access.audit(session, at=now, actor=actor, action="set_role", member=subject, details=details)
    before_label, role_label = t(f"role_{before}", request.lang), t(f"role_{role}", request.lang)
    request.reply(t("admin_role_ok", request.lang, user=user_id, role=role_label, before=before_label))


def _appointee(request: Request, session: Session, actor: Member, user_id: str, name: str | None) -> Member | None:
    """Someone of no municipality yet, joined to the one of the admin's prefecture the admin names (a role
    belongs to a municipality); None once the reply says what is missing."""
    if name is None:
        request.reply(t("admin_role_name_municipality", request.lang, user=user_id))
        return None
    place = repo.municipality_named(session, name)
    if place is None or not access.reaches(session, actor, place.id):
        tenant = prefectures.tenant_of(session, actor.municipality_id)
        request.reply(t("admin_role_not_in_prefecture", request.lang, name=blocks.escape(name), prefecture=tenant.name))
        return None
    appointee = Person(request.home, user_id, request.workspace)
    if not may_belong(session, request.services, appointee, request.installation, place):
        request.reply(t("join_not_this_workspace", request.lang, municipality=place.name))
        return None
    subject = repo.member(session, request.home, user_id)
    membership.join(session, subject, place, request.services.now(), how="appointed", actor=actor)
    return subject


def _members(request: Request, session: Session, actor: Member, _rest: str) -> None:
    lang, name = request.lang, actor.municipality.name
    rows = repo.member_rows(session, name)
    if not rows:
        request.reply(t("admin_members_none", lang, municipality=name))
        return
    tz = request.services.settings.tz
    lines = [
        t(
            "admin_members_line",
            lang,
            user=row.user_id,
            role=row.role,
            track=t(f"track_{row.track}", lang) if row.track else "-",
            count=row.completions,
            last=learning.local_date(row.last_completed_at, tz) if row.last_completed_at else "-",
        )
        for row in rows
    ]
    _reply_lines(request, t("admin_members_title", lang, municipality=name, count=len(rows)), lines)


def _reply_lines(request: Request, title: str, lines: list[str]) -> None:
    text = "\n".join([title, *lines])
    request.reply(text, [blocks.section(part) for part in blocks.pack([title, *lines])])


# --- completions on a member's behalf --------------------------------------------------------------


def _done(request: Request, session: Session, actor: Member, rest: str) -> None:
    found = _member_and_course(request, session, actor, rest, "done")
    if found is None:
        return
    subject, user_id, text = found
    lang = request.lang
    matches = request.services.catalogue().matcher.match(text)
    course = CourseMatcher.clear_winner(matches)
    if course is None and matches:
        titles = "、".join(f"「{m.course.title}」" for m in matches[:4])
        request.reply(t("admin_done_choose", lang, text=blocks.escape(text), titles=blocks.escape(titles)))
        return
    title = course.title if course else text
    now = request.services.now()
    hours = course.hours if course else None
    course_id = course.id if course else None
    recorded = access.record_on_behalf(
        session, actor, subject, course_id=course_id, title=title, hours=hours, completed_at=now, now=now
    )
    if not recorded.created:
        when = learning.local_date(recorded.completed_at, request.services.settings.tz)
        request.reply(t("admin_done_already", lang, user=user_id, title=blocks.escape(recorded.title), date=when))
        return
    shown, hours_text = blocks.escape(title), learning.hours_label(hours, lang)
    request.reply(t("admin_done_ok", lang, user=user_id, title=shown, hours=hours_text))


def _undo(request: Request, session: Session, actor: Member, rest: str) -> None:
    found = _member_and_course(request, session, actor, rest, "undo")
    if found is None:
        return
    subject, user_id, text = found
    key = learning.course_key(request, session, subject, text)
    removed = repo.remove_completion(session, subject, key, municipality_id=actor.municipality_id)
    if removed is None:
        request.reply(t("admin_undo_none", request.lang, user=user_id, text=blocks.escape(text)))
        return
    details = {"user": user_id, "course": removed.title_snapshot, "course_id": removed.course_id}
    access.audit(
        session, at=request.services.now(), actor=actor, action="undo_on_behalf", member=subject, details=details
    )
    request.reply(t("admin_undo_ok", request.lang, user=user_id, title=blocks.escape(removed.title_snapshot)))


def _member_and_course(
    request: Request, session: Session, actor: Member, rest: str, word: str
) -> tuple[Member, str, str] | None:
    """The member (one of the actor's own) and the course text of `@name course`; None once the reply is sent."""
    parts = rest.split(maxsplit=1)
    text = clean_input(parts[1], learning.COURSE_TEXT_LIMIT) if len(parts) == 2 else None
    if text is None:
        request.reply(t("admin_record_usage", request.lang, word=word))
        return None
    subject, user_id = _subject(request, session, parts[0])
    if user_id is None:
        return None
    if subject is None or not access.manages(actor, subject.municipality_id):
        _not_yours(request, actor, user_id)
        return None
    return subject, user_id, text


# --- the audit log ------------------------------------------------------------------------------


def _audit(request: Request, session: Session, actor: Member, _rest: str) -> None:
    lang, name = request.lang, actor.municipality.name
    entries = access.audit_log(session, actor.municipality_id, limit=AUDIT_SHOWN)
    if not entries:
        request.reply(t("admin_audit_none", lang, municipality=name))
        return
    tz = request.services.settings.tz
    lines = [_audit_line(entry, tz, lang) for entry in entries]
    _reply_lines(request, t("admin_audit_title", lang, municipality=name), lines)


def _audit_line(entry: AuditEntry, tz: ZoneInfo, lang: str) -> str:
    """When, who, what and to whom; entries other parts write (imports, deletions) show their action's name."""
    details = entry.details or {}
    who = t("admin_audit_cli", lang) if entry.actor == access.CLI_ACTOR else f"<@{entry.actor}>"
    label = t(f"audit_{entry.action}", lang) if f"audit_{entry.action}" in MESSAGES else entry.action
    parts = [f"<@{details['user']}>"] if isinstance(details.get("user"), str) else []
    parts += [f"{details.get('from')} → {details['to']}"] if "to" in details else []
    parts += [f"「{blocks.escape(details['course'])}」"] if isinstance(details.get("course"), str) else []
    parts += [f"<#{details['channel']}>"] if isinstance(details.get("channel"), str) else []
    parts += [f"answer-all {'on' if details['answer_all'] else 'off'}"] if "answer_all" in details else []
    parts += [str(details["visibility"])] if "visibility" in details else []
    at = entry.at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
    return t("admin_audit_line", lang, at=at, actor=who, action=label, what=" ".join(parts)).rstrip()


# --- channels -----------------------------------------------------------------------------------


def _channel(request: Request, session: Session, actor: Member, rest: str) -> None:
    lang = request.lang
    words = rest.split()
    channel_id = request.channel_id
    named = CHANNEL.fullmatch(words[0]) if words else None
    if named is not None and named.group(1) in request.picked:
        channel_id, words = named.group(1), words[1:]
    elif words and words[0].startswith(("#", "＃", "<#")):
        request.reply(t("admin_channel_pick", lang))
        return
    if not words:
        _show_channels(request, session, actor, channel_id)
        return
    setting = _setting(words)
    if setting is None or channel_id is None:
        request.reply(t("admin_channel_usage", lang))
        return
    owner = channels.owner_of(session, channel_id, request.services.settings.digest_channel)
    if not access.may_configure_channel(session, actor, owner, _served_by(request, session, channel_id)):
        request.reply(t(_refusal(owner), lang, channel=channel_id))
        return
    now = request.services.now()
    config = channels.configure_channel(
        session,
        team_id=request.home,
        channel_id=channel_id,
        municipality_id=owner.municipality_id or actor.municipality_id,
        by=actor.slack_user_id,
        at=now,
        **setting,
    )
    details = {"channel": channel_id, **setting}
    access.audit(
        session, at=now, actor=actor, action="configure_channel", municipality_id=actor.municipality_id, details=details
    )
    request.reply(
        t("admin_channel_saved", lang) + "\n" + _state(config.channel_id, config.answer_all, config.visibility, lang)
    )


def _served_by(request: Request, session: Session, channel_id: str) -> Callable[[int], bool]:
    """Which prefectures a channel nobody owns yet serves: with one workspace, all of them; in OAuth mode, those with
    a municipality mapped to the workspace that hosts it, as Slack says (a shared channel names its host, not the
    workspace of whoever types the command there). Asked only when needed, within the ack's time."""
    if request.services.installations is None:
        return lambda _prefecture_id: True
    from db import workspaces  # slack_sdk's tables: OAuth mode only

    def served(prefecture_id: int) -> bool:
        return workspaces.serves_prefecture(session, _host(request, channel_id), prefecture_id)

    return served


def _host(request: Request, channel_id: str) -> str | None:
    """The workspace that hosts the channel (conversations.info's context_team_id); None when Slack will not say."""
    try:
        channel = request.client.conversations_info(channel=channel_id)["channel"]
    except SlackApiError as error:  # not invited there, or no such channel: nobody can tell it serves anyone
        log.info("conversations.info %s: %s", channel_id, error.response.get("error"))
        return None
    return text_field(channel, "context_team_id") or request.via


def _refusal(owner: channels.ChannelOwner) -> str:
    if owner.municipality_id is not None:
        return "admin_channel_not_yours"
    return "admin_channel_shared" if owner.prefecture_id is not None else "admin_channel_unowned"


def _setting(words: list[str]) -> dict | None:
    """{"answer_all": bool} from `answer-all on`, {"visibility": …} from `public` or `ephemeral`; None otherwise."""
    words = [unicodedata.normalize("NFKC", w).lower() for w in words]
    if len(words) == 2 and words[0] in ANSWER_ALL_WORDS and words[1] in SWITCHES:
        return {"answer_all": SWITCHES[words[1]]}
    if len(words) == 1 and words[0] in VISIBILITY_WORDS:
        return {"visibility": VISIBILITY_WORDS[words[0]]}
    return None


def _show_channels(request: Request, session: Session, actor: Member, channel_id: str | None) -> None:
    """This channel's settings (the defaults when it has none), then the municipality's other configured ones."""
    lang = request.lang
    here = channels.channel_config(session, channel_id) if channel_id else None
    answer_all, visibility = (here.answer_all, here.visibility) if here else (False, "public")
    lines = [_state(channel_id, answer_all, visibility, lang)] if channel_id else []
    configured = [c for c in channels.channel_configs(session, actor.municipality_id) if c.channel_id != channel_id]
    if configured:
        lines += ["", t("admin_channels_title", lang, municipality=actor.municipality.name)]
        lines += [_state(c.channel_id, c.answer_all, c.visibility, lang) for c in configured]
    elif here is None:
        lines.append(t("admin_channels_none", lang))
    lines.append(t("admin_channel_usage", lang))
    _reply_lines(request, lines[0], lines[1:])


def _state(channel_id: str, answer_all: bool, visibility: str, lang: str) -> str:
    return t(
        "admin_channel_state",
        lang,
        channel=channel_id,
        answer_all=t(f"channel_answer_all_{'on' if answer_all else 'off'}", lang),
        visibility=t(f"channel_visibility_{visibility}", lang),
    )


ACTIONS: dict[str, Action] = {
    "role": _role,
    "members": _members,
    "done": _done,
    "undo": _undo,
    "audit": _audit,
    "channel": _channel,
}
