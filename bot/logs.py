"""One log format for every dxbot process: text or JSON lines (DXBOT_LOG_FORMAT) at DXBOT_LOG_LEVEL, on stderr.

Each Slack request is one INFO line with its request id, surface, team, status and latency. What members wrote
(questions, shared tips) is never logged, nor any token: a surface names the slash sub-command or the action,
never the text."""

from __future__ import annotations

import json
import logging
import re
import sys
import uuid
from datetime import UTC, datetime

REQUEST_FIELDS = ("request_id", "surface", "team", "status", "latency_ms")
SUBCOMMAND = re.compile(r"[a-z]{1,12}")  # `/dx done …` → "done"; free text is never logged
REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
log = logging.getLogger("dxbot.requests")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update({name: getattr(record, name) for name in REQUEST_FIELDS if hasattr(record, name)})
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        fields = " ".join(f"{name}={getattr(record, name)}" for name in REQUEST_FIELDS if hasattr(record, name))
        line = super().format(record)
        return f"{line} {fields}" if fields else line


class _Stderr(logging.StreamHandler):
    """Writes to whatever sys.stderr is when a line is logged (a test may have swapped it since)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _ignored) -> None:
        pass


def configure(log_format: str, level: str) -> None:
    """dxbot's handler on the root logger, in place of one an earlier call made; gunicorn's loggers hand their
    lines to it (bot/server.py)."""
    handler = _Stderr()
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [h for h in root.handlers if not isinstance(h, _Stderr)] + [handler]
    root.setLevel(level)
    logging.getLogger("alembic.runtime.plugins").setLevel(max(root.level, logging.WARNING))  # a line per plugin


def request_id(header: str | None) -> str:
    """The reverse proxy's X-Request-Id when it gave a sane one, else a new one."""
    return header if header and REQUEST_ID.fullmatch(header) else uuid.uuid4().hex[:16]


def log_request(body: dict, status: int, latency_seconds: float, request: str) -> None:
    surface, team = describe(body)
    log.info(
        "slack request",
        extra={
            "request_id": request,
            "surface": surface,
            "team": team,
            "status": status,
            "latency_ms": round(latency_seconds * 1000, 1),
        },
    )


def describe(body: dict) -> tuple[str, str]:
    """What kind of request this is (`/dx done`, `event app_mention`, `block_actions vote_up`) and whose team."""
    team = _text(body.get("team_id")) or _text(_get(body.get("team"), "id")) or "-"
    enterprise = _text(body.get("enterprise_id")) or _text(_get(body.get("enterprise"), "id"))
    team = f"{enterprise}/{team}" if enterprise else team
    if "command" in body:
        first = (_text(body.get("text")) or "").split(maxsplit=1)
        sub = first[0].lower() if first and SUBCOMMAND.fullmatch(first[0].lower()) else ""
        return f"{_text(body.get('command')) or '?'} {sub}".rstrip(), team
    kind = _text(body.get("type")) or "?"
    if kind == "event_callback":
        return f"event {_text(_get(body.get('event'), 'type')) or '?'}", team
    if kind == "block_actions":
        actions = body.get("actions")
        first = actions[0] if isinstance(actions, list) and actions else None
        return f"block_actions {_text(_get(first, 'action_id')) or '?'}", team
    if kind in ("view_submission", "view_closed"):
        return f"{kind} {_text(_get(body.get('view'), 'callback_id')) or '?'}", team
    callback = _text(body.get("callback_id"))
    return (f"{kind} {callback}" if callback else kind), team


def _get(container: object, key: str) -> object:
    return container.get(key) if isinstance(container, dict) else None


def _text(value: object) -> str | None:
    return value[:64] if isinstance(value, str) and value else None
