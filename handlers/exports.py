"""`/dx export [csv|xlsx]` and the App Home's export button (`coordinator_export`, value csv or xlsx): a coordinator's
own municipality's completions and training-hours ledger, delivered to them in a DM as files by a job. Nobody
exports another municipality: the export is always of the coordinator's own, and each one is kept in the audit
log."""

from __future__ import annotations

import unicodedata

from slack_bolt import App

from bot.jobs import JobContext, JobKind, Permanent
from db import ledger, repo
from db.access import audit, manages
from db.jobs import NewJob
from db.models import Municipality
from handlers.request import Request, apologise_on_failure, from_action, text_field
from knowledge.ledger import FORMATS, export_files
from knowledge.messages import t

EXPORT_ACTION = "coordinator_export"


def register(app: App) -> None:
    app.action(EXPORT_ACTION)(_clicked)


def export(request: Request) -> None:
    """`/dx export`, `/dx export xlsx`, `/dx export csv 横須賀市` (only one's own municipality)."""
    words = [(unicodedata.normalize("NFKC", word).lower(), word) for word in request.text.split()]
    chosen = next((folded for folded, _ in words if folded in FORMATS), "csv")
    named = " ".join(word for folded, word in words if folded not in (*FORMATS, "en"))
    _start(request, chosen, named or None)


def _clicked(ack, body, context, client) -> None:
    ack()
    value = text_field((body.get("actions") or [{}])[0], "value")
    chosen = value if value in FORMATS else "csv"
    request = from_action(body, context["services"], client, text="", lang="ja")
    apologise_on_failure(lambda r: _start(r, chosen, None))(request)


def _start(request: Request, file_format: str, named: str | None) -> None:
    services = request.services
    with services.db.scope() as session:
        who = repo.member(session, request.home, request.user_id)
        own = who.municipality
        if not manages(who, who.municipality_id) or own is None:
            request.reply(t("export_for_coordinators", request.lang))
            return
        if named is not None and named != own.name:
            key = "export_own_only" if repo.municipality_named(session, named) else "export_usage"
            request.reply(t(key, request.lang, own=own.name))
            return
        payload = {
            "team_id": who.slack_team_id,
            "user_id": who.slack_user_id,
            "municipality_id": own.id,
            "format": file_format,
            "lang": request.lang,
        }
        services.jobs.add(session, NewJob("ask", "export_completions", payload))
        request.reply(t("export_preparing", request.lang, format=file_format.upper()), session=session)


def _export(context: JobContext) -> None:
    """Checked again (a role may have changed since the click), built, sent to the coordinator's DM, audited."""
    services, payload = context.services, context.payload
    if payload.get("uploaded"):
        return
    tz, lang = services.settings.tz, payload["lang"]
    with services.db.scope(read_only=True) as session:
        found = repo.members_by_user(session, payload["user_id"], payload["team_id"])
        place = session.get(Municipality, payload["municipality_id"])
        if not found or place is None or not manages(found[0], place.id):
            raise Permanent("the member no longer manages that municipality")
        rows = ledger.export_rows(session, place, tz)
        name = place.name
    stem = f"{name}_completions_{services.today().isoformat()}"
    files = export_files(rows, stem, payload["format"])
    channel = context.client.conversations_open(users=payload["user_id"])["channel"]["id"]
    context.client.files_upload_v2(
        channel=channel,
        file_uploads=[{"file": f.content, "filename": f.filename, "title": f.filename} for f in files],
        initial_comment=t("export_ready", lang, municipality=name, count=f"{len(rows):,}"),
    )
    with services.db.scope() as session:
        actor = repo.members_by_user(session, payload["user_id"], payload["team_id"])[0]
        details = {"format": payload["format"], "rows": len(rows), "surface": "slack"}
        audit(session, at=services.now(), actor=actor, action="export", municipality_id=place.id, details=details)
        context.save(session, uploaded=True)


def _export_failed(context: JobContext) -> None:
    context.client.chat_postMessage(channel=context.payload["user_id"], text=t("sorry_error", context.payload["lang"]))


JOBS = {"export_completions": JobKind("ask", _export, give_up=_export_failed)}
