"""`/dx nudges on|off` and `/dx leave on|off`: a member's own say over the weekly nudges (bot/nudges.py)."""

from __future__ import annotations

import unicodedata

from db import nudges as nudge_records
from db import repo
from handlers.request import Request
from knowledge.messages import t

SWITCH = {"on": True, "off": False, "オン": True, "オフ": False, "有効": True, "無効": False}


def _choice(request: Request) -> bool | None:
    words = [w for w in unicodedata.normalize("NFKC", request.text).lower().split() if w != "en"]  # `… off en`
    return SWITCH.get(words[0]) if len(words) == 1 else None


def nudges(request: Request) -> None:
    choice = _choice(request)
    with request.services.db.scope() as session:
        who = repo.member(session, request.home, request.user_id)
        if choice is not None:
            nudge_records.set_nudges(session, who, choice)
        on = who.nudges
    if choice is None:
        request.reply(t("nudges_usage", request.lang, state=t(f"nudges_state_{'on' if on else 'off'}", request.lang)))
    else:
        request.reply(t("nudges_on" if choice else "nudges_off", request.lang))


def leave(request: Request) -> None:
    choice = _choice(request)
    with request.services.db.scope() as session:
        who = repo.member(session, request.home, request.user_id)
        if choice is not None:
            nudge_records.set_on_leave(session, who, choice)
        away, nudged = who.on_leave, who.nudges
    lang = request.lang
    if choice is None:
        request.reply(t("leave_usage", lang, state=t(f"leave_state_{'on' if away else 'off'}", lang)))
    elif choice:
        request.reply(t("leave_on", lang))
    else:
        request.reply(t("leave_off", lang, nudges=t(f"leave_off_nudges_{'on' if nudged else 'off'}", lang)))
