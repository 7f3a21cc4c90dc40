"""`dxbot …`: the command line. Each command group lives in its own module of this package and imports what it needs only when
it runs, so `dxbot --help` starts in a fraction of a second; every failure ends in one line and an exit code
(bot/failures.py)."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from bot.cli import (
    ask,
    courses,
    db,
    digest,
    export,
    imports,
    installations,
    kb,
    members,
    municipalities,
    prefectures,
    questions,
    serve,
)

cli = typer.Typer(
    help="dxbot: the Slack learning assistant for municipal DX training.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
for group in (
    db,
    ask,
    courses,
    prefectures,
    municipalities,
    installations,
    members,
    kb,
    digest,
    questions,
    imports,
    export,
    serve,
):
    group.register(cli)


def _print_version(wanted: bool) -> None:
    if wanted:
        from importlib.metadata import version  # 30 ms: only for --version

        typer.echo(f"dxbot {version('dxbot')}")
        raise typer.Exit()


@cli.callback()
def _root(
    _version: Annotated[
        bool,
        typer.Option("--version", callback=_print_version, is_eager=True, help="print dxbot's version and exit"),
    ] = False,
) -> None:
    """dxbot: the Slack learning assistant for municipal DX training."""


def main() -> None:
    from bot.failures import run_command

    # dxbot's numpy work is small sums over postings, never a matrix product: one OpenBLAS thread loads numpy in
    # half the time (~60 ms of every command) and keeps no idle BLAS threads in the workers. Set before numpy is.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

    sys.exit(run_command(cli))
