"""`dxbot kb check|build|new`: the curated knowledge base (and a deployment's own entries in DXBOT_KB_DIR)."""

from __future__ import annotations

import re
import time
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from bot.cli.support import UserError, day, load_settings

kb_cli = typer.Typer(help="The curated knowledge base.", no_args_is_help=True)


def register(cli: typer.Typer) -> None:
    cli.add_typer(kb_cli, name="kb")


@kb_cli.command("check")
def check(
    sources: Annotated[
        Path | None,
        typer.Option(
            "--sources",
            metavar="DIR",
            help="also check that every figure an entry states is in the document it cites, when that file is in DIR",
        ),
    ] = None,
    stale: Annotated[
        bool, typer.Option("--stale", help="list the entries past their review_by date (on --on, default today)")
    ] = False,
    on: Annotated[str | None, typer.Option("--on", metavar="YYYY-MM-DD", help="the day --stale checks")] = None,
) -> None:
    """Validate the knowledge base: schema, unique ids, sources and dates, cross-references, subsidy rules."""
    from knowledge import kb, provenance
    from knowledge.kb import KnowledgeError
    from knowledge.skill_check import load as load_questionnaire
    from knowledge.subsidy import load_editions

    checked_on = day("--on", on) if on else date.today()
    knowledge = kb.load(load_settings().kb_dir)
    editions = load_editions()
    questionnaire = load_questionnaire(knowledge.courses)
    typer.echo(
        f"knowledge base OK: {len(knowledge.entries)} entries, {len(knowledge.courses)} courses, "
        f"{len(editions)} subsidy rule editions ({', '.join(e.edition.isoformat() for e in editions)}), "
        f"skill check of {len(questionnaire.questions)} questions"
    )
    if sources is not None:
        if not sources.is_dir():
            raise UserError(f"--sources must be a directory, not {str(sources)!r}")
        problems, checked = provenance.unsupported(knowledge.entries.values(), editions, sources)
        if problems:
            raise KnowledgeError([f"figure not in its source: {problem}" for problem in problems])
        typer.echo(f"sources OK: every figure of {checked} entries and editions is in the document it cites")
    if stale:
        overdue = [e for e in knowledge.entries.values() if e.stale(checked_on)]
        for entry in sorted(overdue, key=lambda e: (e.review_by, e.id)):
            typer.echo(f"stale: {entry.id} (review by {entry.review_by}; source: {entry.source.document})")
        typer.echo(f"{len(overdue)} entries past their review date on {checked_on}")


@kb_cli.command("build")
def build() -> None:
    """Validate the knowledge base and save its search index (DXBOT_INDEX_DIR) for every process to load."""
    from knowledge import store

    settings = load_settings()
    if settings.index_dir is None:
        raise UserError("DXBOT_INDEX_DIR is empty: set it to a directory the bot can write to")
    started = time.perf_counter()
    directory = store.build(settings.kb_dir, settings.index_dir)
    opened = store.open_knowledge(settings.kb_dir, settings.index_dir)
    typer.echo(
        f"search index of {len(opened.knowledge.entries)} entries saved in {directory} "
        f"({time.perf_counter() - started:.1f} s)"
    )


@kb_cli.command("new")
def new(
    entry_id: Annotated[str, typer.Argument(metavar="ID", help="the new entry's id: a-z, 0-9 and -, e.g. it-helpdesk")],
    title: Annotated[
        str | None, typer.Option("--title", help="what the entry is about (default: a TODO to replace)")
    ] = None,
    directory: Annotated[
        Path | None,
        typer.Option("--dir", metavar="DIR", help="the folder to write ID.yaml in (default: DXBOT_KB_DIR)"),
    ] = None,
    source: Annotated[
        str | None,
        typer.Option("--source", help="the name or url of the document that says it (default: a TODO to replace)"),
    ] = None,
) -> None:
    """Write a new entry of your own, DIR/ID.yaml, to fill in and check with `dxbot kb check`."""
    from knowledge import kb

    if not re.fullmatch(kb.ID_PATTERN, entry_id):
        raise UserError(f"ID {entry_id!r} may hold only a-z, 0-9 and - (e.g. it-helpdesk)")
    settings = load_settings()
    folder = directory or settings.kb_dir
    if folder is None:
        raise UserError("no folder to write the entry in: set DXBOT_KB_DIR, or pass --dir DIR")
    path = folder / f"{entry_id}.yaml"
    if path.exists():
        raise UserError(f"{path} already exists: edit it, or choose another ID")
    if entry_id in kb.load().entries:
        raise UserError(f"ID {entry_id!r} is already an entry shipped with dxbot: choose another ID")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text(kb.own_entry_scaffold(entry_id, title, source, date.today()), encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot write {path} ({exc.strerror}): pass --dir a folder you can write to") from exc
    typer.echo(f"wrote {path}")
    reads = "" if folder == settings.kb_dir else f" with DXBOT_KB_DIR={folder}"
    typer.echo(f"next: edit it (replace every TODO), then run dxbot kb check{reads}")
