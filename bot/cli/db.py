"""`dxbot db upgrade|downgrade|check`: the schema (Alembic migrations). Only `upgrade` may create the database."""

from __future__ import annotations

from typing import Annotated

import typer

from bot.cli.support import load_settings

db_cli = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)


def register(cli: typer.Typer) -> None:
    cli.add_typer(db_cli, name="db")


@db_cli.command("upgrade")
def upgrade(
    revision: Annotated[str, typer.Argument(help="the revision to migrate to (default: the newest)")] = "head",
) -> None:
    """Create the database (a SQLite file on first use) or migrate it, sync the paths' courses, and save the
    search indexes of the knowledge base and the catalogue when they changed, for every process to load."""
    from bot.services import build_services
    from db import migrate  # Alembic: only for the commands that migrate

    services = build_services(load_settings(), create_database=True)
    migrate.upgrade(services.db.engine, revision)
    count = services.sync_courses()
    catalogue = services.catalogue()
    catalogue.index  # noqa: B018 -- built and saved now, not on a member's first course question
    typer.echo(
        f"database at revision {migrate.current_revision(services.db.engine)}; {count} path courses, "
        f"{len(catalogue.courses)} courses in the catalogue"
    )


@db_cli.command("downgrade")
def downgrade(revision: Annotated[str, typer.Argument(help="the revision to go back to (`base`: empty)")]) -> None:
    """Revert migrations down to REVISION (`base` empties the schema)."""
    from db import migrate
    from db.session import Database

    database = Database(load_settings().database_url)
    migrate.downgrade(database.engine, revision)
    typer.echo(f"database at revision {migrate.current_revision(database.engine)}")


@db_cli.command("check")
def check() -> None:
    """Fail when the models and the migrations disagree (alembic check)."""
    from db import migrate
    from db.session import Database

    migrate.check(Database(load_settings().database_url).engine)
    typer.echo("models and migrations agree")
