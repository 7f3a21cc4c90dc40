"""What every `dxbot` command group shares: settings read once per command, services, JSON, user errors."""

from __future__ import annotations

import json

import typer

from bot.services import Services, build_services
from bot.settings import Settings


class UserError(Exception):
    """Bad input on the command line: one clear line, non-zero exit."""


def load_settings() -> Settings:
    return Settings.from_env()


def load_services() -> Services:
    return build_services(load_settings())


def print_json(data: object) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
