"""`dxbot questions report`: what the bot could not answer and which answers were marked 👎, added by register()."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli.support import JsonFlag, UserError, load_services, load_settings, print_json

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from db.questions_report import NotHelpfulGroup, QuestionsReport, UnansweredGroup

questions_cli = typer.Typer(help="Questions members asked, for improving the knowledge base.", no_args_is_help=True)


def register(cli: typer.Typer) -> None:
    cli.add_typer(questions_cli, name="questions")


@questions_cli.command("report")
def report(
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            metavar="YYYY-MM-DD",
            help="from this day, 00:00 in DXBOT_TZ. Default: the last 7 days.",
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Questions the bot could not answer (grouped by their text) and answers marked 👎 (grouped by topic), most
    frequent first: what to add to or fix in the knowledge base."""
    from db.questions_report import DEFAULT_PERIOD, questions_report

    tz = load_settings().tz
    start = _start(since, tz) if since is not None else None  # a bad date fails before anything is loaded
    services = load_services()
    start = start or (services.now() - DEFAULT_PERIOD).replace(microsecond=0)
    with services.db.scope(read_only=True) as session:
        found = questions_report(session, start)
    topics = {group.topic for group in found.not_helpful if group.topic}
    titles = {topic: title for topic in topics if (title := services.knowledge.title_of(topic))}
    if as_json:
        print_json(as_json_dict(found, titles, tz))
    else:
        typer.echo(as_text(found, titles, tz))


def _start(text: str, tz: ZoneInfo) -> datetime:
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise UserError(f"--since must be a date like 2026-11-23, not {text!r}") from None
    return datetime.combine(day, time(), tzinfo=tz)


# --- output --------------------------------------------------------------------------------------


def as_json_dict(found: QuestionsReport, titles: dict[str, str], tz: ZoneInfo) -> dict[str, object]:
    return {
        "since": found.since.astimezone(tz).isoformat(),
        "unanswered": [_unanswered_json(g, tz) for g in found.unanswered],
        "not_helpful": [_not_helpful_json(g, titles, tz) for g in found.not_helpful],
    }


def _unanswered_json(group: UnansweredGroup, tz: ZoneInfo) -> dict[str, object]:
    return {
        "text": group.text,
        "count": group.count,
        "languages": list(group.languages),
        "first_asked": group.first_asked.astimezone(tz).isoformat(),
        "last_asked": group.last_asked.astimezone(tz).isoformat(),
        "municipalities": list(group.municipalities),
        "spellings": list(group.spellings),
    }


def _not_helpful_json(group: NotHelpfulGroup, titles: dict[str, str], tz: ZoneInfo) -> dict[str, object]:
    return {
        "topic": group.topic,
        "title": titles.get(group.topic) if group.topic else None,
        "count": group.count,
        "up": group.up,
        "down": group.down,
        "questions": [
            {"text": a.text, "up": a.up, "down": a.down, "asked_at": a.asked_at.astimezone(tz).isoformat()}
            for a in group.answers
        ],
    }


def as_text(found: QuestionsReport, titles: dict[str, str], tz: ZoneInfo) -> str:
    lines = [f"questions asked since {_moment(found.since, tz)} ({tz.key})", ""]
    lines.append(f"unanswered: {found.unanswered_count} in {len(found.unanswered)} groups")
    for group in found.unanswered:
        places = f"; {', '.join(group.municipalities)}" if group.municipalities else ""
        asked = _moment(group.first_asked, tz)
        if group.count > 1:
            asked += f" – {_moment(group.last_asked, tz)}"
        lines.append(f"{group.count:>5}  {_oneline(group.text)}  [{'/'.join(group.languages)}{places}; {asked}]")
        lines += [f"       also: {_oneline(other)}" for other in group.spellings[1:]]
    lines += ["", f"marked 👎: {found.not_helpful_count} answers in {len(found.not_helpful)} topics"]
    for group in found.not_helpful:
        topic = f"{titles.get(group.topic, group.topic)} ({group.topic})" if group.topic else "(no source)"
        lines.append(f"{group.count:>5}  {topic}  👍 {group.up} 👎 {group.down}")
        lines += [f"       {_oneline(a.text)}  👍 {a.up} 👎 {a.down}" for a in group.answers]
    return "\n".join(lines)


def _moment(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def _oneline(text: str) -> str:
    return " ".join(text.split())
