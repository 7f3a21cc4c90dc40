"""Every way a `dxbot` command can fail, as one line naming what is wrong and what to do, and an exit code per
kind of failure, so that an operator (or a platform's restart policy) can tell them apart:

    0 done · 1 the command ran but part of its work failed · 2 a bad option or argument · 3 a missing or
    malformed setting · 4 the database cannot be reached or refused dxbot · 5 no database, or not migrated ·
    6 Slack or the network refused or did not answer · 7 the knowledge base is invalid · 70 a bug

A traceback is shown only with DXBOT_LOG_LEVEL=DEBUG."""

from __future__ import annotations

import logging
import re
import sys
from enum import IntEnum
from urllib.error import URLError

import typer

from bot.cli.support import UserError
from bot.settings import ConfigError, Settings

log = logging.getLogger("dxbot")


class ExitCode(IntEnum):
    OK = 0
    PARTLY_FAILED = 1
    USAGE = 2
    CONFIG = 3
    DATABASE = 4
    NOT_SET_UP = 5
    NETWORK = 6
    KNOWLEDGE = 7
    BUG = 70


def run_command(cli: typer.Typer) -> int:
    """Run the command line; returns the exit code after printing at most one line (a list for the knowledge
    base's problems) to stderr."""
    from bot.logs import configure

    try:
        settings = Settings.from_env()
    except ConfigError:
        settings = None  # the command will meet the same error and explain it
    configure(settings.log_format if settings else "text", settings.log_level if settings else "INFO")
    try:
        cli(standalone_mode=True)
    except SystemExit as exc:  # click's own exits: --help, usage errors (2), typer.Exit
        return exc.code if isinstance(exc.code, int) else ExitCode.USAGE
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        code, line = explain(exc, settings)
        log.debug("the failure in full", exc_info=exc)
        typer.echo(f"dxbot: {line}", err=True)
        return code
    return ExitCode.OK


def explain(exc: Exception, settings: Settings | None) -> tuple[ExitCode, str]:
    """The exit code and the one line for a failure."""
    from knowledge.kb import KnowledgeError
    from knowledge.subsidy import SubsidyInputError

    if isinstance(exc, UserError | SubsidyInputError):
        return ExitCode.USAGE, str(exc)
    if isinstance(exc, ConfigError):
        return ExitCode.CONFIG, str(exc)
    if isinstance(exc, KnowledgeError):
        return ExitCode.KNOWLEDGE, "the knowledge base is invalid:\n" + str(exc)
    database = _database_failure(exc, settings)
    if database is not None:
        return database
    network = _network_failure(exc)
    if network is not None:
        return ExitCode.NETWORK, network
    return (
        ExitCode.BUG,
        f"unexpected error ({type(exc).__name__}: {_first_line(exc)}); DXBOT_LOG_LEVEL=DEBUG shows where",
    )


def _database_failure(exc: Exception, settings: Settings | None) -> tuple[ExitCode, str] | None:
    if "sqlalchemy" not in sys.modules:  # nothing touched a database
        return None
    from sqlalchemy.exc import DBAPIError, SQLAlchemyError, TimeoutError

    from db.session import NotSetUp

    if isinstance(exc, NotSetUp):
        return ExitCode.NOT_SET_UP, str(exc)
    if not isinstance(exc, SQLAlchemyError):
        return None
    where = _where(settings)
    if isinstance(exc, TimeoutError):
        return ExitCode.DATABASE, f"no connection to {where} came free in time: too many at once, try again"
    text = str(exc.orig) if isinstance(exc, DBAPIError) else str(exc)
    for pattern, advice in DATABASE_ADVICE:
        found = re.search(pattern, text, re.IGNORECASE)
        if found:
            code = ExitCode.NOT_SET_UP if "db upgrade" in advice else ExitCode.DATABASE
            return code, advice.format(where=where, name=found.groupdict().get("name"))
    return ExitCode.DATABASE, f"{where} failed: {_first_line(exc.orig if isinstance(exc, DBAPIError) else exc)}"


DATABASE_ADVICE = (
    (
        r"connection refused",
        "cannot connect to {where}: the connection was refused. Is PostgreSQL running there? "
        "Check the host and port in DATABASE_URL",
    ),
    (
        r"failed to resolve host|could not translate host name|name or service not known|nodename nor servname|"
        r"temporary failure in name resolution",
        "cannot find the host of {where}: check its spelling in DATABASE_URL",
    ),
    (
        r'database "(?P<name>[^"]+)" does not exist',
        'there is no database "{name}" at {where}: create it (createdb {name}) or fix the name in DATABASE_URL',
    ),
    (
        r'role "(?P<name>[^"]+)" does not exist',
        'PostgreSQL has no user "{name}" ({where}): fix the user in DATABASE_URL',
    ),
    (
        r'password authentication failed for user "(?P<name>[^"]+)"',
        'PostgreSQL refused the password of "{name}" ({where}): fix DATABASE_URL',
    ),
    (r"timeout expired|timed out", "{where} did not answer in time: check that it is up and reachable"),
    (
        r"unable to open database file",
        "cannot open {where}: its folder does not exist or cannot be written; fix the path in DATABASE_URL",
    ),
    (r"database is locked", "{where} is busy with another process's writes: try again"),
    (r"no such table|relation .* does not exist|undefinedtable", "{where} has no dxbot tables: run `dxbot db upgrade`"),
)


def _where(settings: Settings | None) -> str:
    if settings is None:
        return "the database"
    from db.session import describe_url

    return describe_url(settings.database_url)


def _network_failure(exc: Exception) -> str | None:
    from slack_sdk.errors import SlackApiError

    if isinstance(exc, SlackApiError):
        error = exc.response.get("error") if isinstance(exc.response.data, dict) else None
        method = str(exc.response.api_url).rsplit("/", 1)[-1]
        variable = "SLACK_APP_TOKEN" if method == "apps.connections.open" else "SLACK_BOT_TOKEN"
        if error in ("invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired"):
            return f"Slack refused {variable} ({error}): copy the token again from the app's settings"
        return f"Slack answered {method} with {error or exc.response.status_code}"
    if isinstance(exc, URLError | ConnectionError | TimeoutError):
        reason = exc.reason if isinstance(exc, URLError) else exc
        return f"the network failed ({_first_line(reason)}): check the connection, or HTTPS_PROXY behind a proxy"
    return None


def _first_line(thing: object) -> str:
    text = str(thing).strip()
    return text.splitlines()[0] if text else type(thing).__name__
