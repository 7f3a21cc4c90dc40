"""What every `dxbot` command group shares: settings and services read once per command, option checks worded
the same way everywhere, JSON output, and the error a user can fix."""

from __future__ import annotations

import json
import math
from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from bot.services import Services
    from bot.settings import Settings


MOST_LICENCES = 1_000_000  # a prefecture's pool or a municipality's allocation
JsonFlag = Annotated[bool, typer.Option("--json", help="print JSON instead of text")]


class UserError(Exception):
    """Bad input on the command line: one clear line, exit code 2."""


def load_settings() -> Settings:
    from bot.settings import Settings

    return Settings.from_env()


def load_services(*, migrated: bool = True) -> Services:
    """The services for one command. `migrated`: the command reads or writes dxbot's tables, so the database must
    exist and be at this dxbot's schema (every command but `dxbot db …` and `dxbot ask`)."""
    from bot.services import build_services

    services = build_services(load_settings())
    if migrated:
        services.db.require_schema()
    return services


def print_json(data: object) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def number(
    option: str, raw: str, *, most: float | None = None, positive: bool = False, shown: str | None = None
) -> float:
    """A finite number of 0 or more (more than 0 when `positive`), at most `most`; `shown` is what the user typed
    when `raw` is its rewriting (30万 → 30e4)."""
    shown = raw if shown is None else shown
    try:
        value = float(raw.replace(",", ""))
    except ValueError:
        raise UserError(f"{option} must be a number, not {shown!r}") from None
    low = "more than 0" if positive else "0 or more"
    if not math.isfinite(value) or value < 0 or (positive and value == 0) or (most is not None and value > most):
        limit = f" and at most {most:,g}" if most is not None else ""
        raise UserError(f"{option} must be a number {low}{limit}, not {shown!r}")
    return value


def whole(option: str, raw: str, *, most: int | None = None, positive: bool = False, shown: str | None = None) -> int:
    shown = raw if shown is None else shown
    value = number(option, raw, most=most, positive=positive, shown=shown)
    if not value.is_integer():
        raise UserError(f"{option} must be a whole number, not {shown!r}")
    return int(value)


def choice(option: str, raw: str, choices: tuple[str, ...]) -> str:
    value = raw.strip().lower()
    if value not in choices:
        raise UserError(f"{option} must be one of {', '.join(choices)}, not {raw!r}")
    return value


def day(option: str, raw: str) -> date:
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise UserError(f"{option} must be a date like 2026-11-23, not {raw!r}") from None
