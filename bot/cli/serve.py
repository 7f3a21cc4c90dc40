"""`dxbot serve|socket|jobs`: the processes that receive Slack's requests, and what their job lanes hold."""

from __future__ import annotations

from typing import Annotated

import typer

from bot.cli.support import JsonFlag, load_services, load_settings, print_json


def register(cli: typer.Typer) -> None:
    cli.command("jobs")(jobs_status)
    cli.command()(serve)
    cli.command()(socket)


def jobs_status(as_json: JsonFlag = False) -> None:
    """Work queued after Slack's ack: how many jobs wait or run per lane, and the latest given up, with why."""
    from db import jobs
    from db.models import JOB_LANES, JOB_STATES

    services = load_services()
    with services.db.scope(read_only=True) as session:
        counted = jobs.counts(session)
        given_up = [
            {
                "id": j.id,
                "kind": j.kind,
                "attempts": j.attempts,
                "created_at": j.created_at.isoformat(),
                "error": j.error,
            }
            for j in jobs.failed(session)
        ]
    lanes = {lane: {state: counted.get((lane, state), 0) for state in JOB_STATES} for lane in JOB_LANES}
    if as_json:
        print_json({"lanes": lanes, "failed": given_up})
        return
    for lane, states in lanes.items():
        typer.echo(f"{lane}: " + ", ".join(f"{count} {state}" for state, count in states.items()))
    for job in given_up:
        typer.echo(
            f"failed #{job['id']} {job['kind']} ({job['attempts']} attempts, {job['created_at']}): {job['error']}"
        )


def serve(
    port: Annotated[int | None, typer.Option(help="the port to listen on (default: $PORT or 3000)")] = None,
    host: Annotated[str, typer.Option(help="the address to listen on (127.0.0.1: this machine only)")] = "0.0.0.0",
) -> None:
    """Serve Slack's HTTP requests (POST /slack/events; GET /healthz and /readyz) under gunicorn."""
    from bot.server import run_gunicorn

    settings = load_settings()
    settings.require_bot_tokens()
    settings.require("SLACK_SIGNING_SECRET")
    run_gunicorn(settings, host, port or settings.port)


def socket() -> None:
    """Run in Socket Mode, for networks that cannot accept Slack's inbound HTTP."""
    from bot.server import run_socket_mode

    settings = load_settings()
    settings.require_bot_tokens()
    settings.require("SLACK_APP_TOKEN")
    run_socket_mode(settings)
