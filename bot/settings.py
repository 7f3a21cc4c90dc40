"""Configuration, read once from the environment (and an optional `.env`)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values

from knowledge.calendar import YEAR_END, BusinessCalendar, ClosedSpan, parse_closed_days

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_DATABASE_URL = "sqlite:///dxbot.sqlite3"
DEFAULT_DIGEST_CRON = "0 9 * * mon"
DEFAULT_NUDGE_CRON = "0 10 * * wed"
HOLIDAY_CALENDARS = ("jp", "none")  # jp: weekends, 祝日, 振替休日 and DXBOT_CLOSED_DAYS are not business days
LOG_FORMATS = ("text", "json")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
CHANNEL_ID = re.compile(r"[CG][A-Z0-9]{8,20}")  # a public or private channel, as Slack names it
TEAM_ID = re.compile(r"T[A-Z0-9]{6,20}")  # a workspace, as Slack names it
# PostgreSQL as Heroku-style platforms and libpq write it; dxbot's driver is psycopg 3.
POSTGRES_SCHEMES = ("postgres", "postgresql", "postgresql+psycopg")


class ConfigError(Exception):
    """A setting is missing or malformed; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    slack_bot_token: str | None = field(default=None, repr=False)
    slack_signing_secret: str | None = field(default=None, repr=False)
    slack_app_token: str | None = field(default=None, repr=False)
    slack_client_id: str | None = None  # with the secret: OAuth install mode, one bot token per workspace
    slack_client_secret: str | None = field(default=None, repr=False)
    slack_api_url: str = DEFAULT_SLACK_API_URL
    database_url: str = field(default=DEFAULT_DATABASE_URL, repr=False)  # may hold a password
    digest_channel: str | None = None
    digest_team: str | None = None  # OAuth mode: the workspace whose installation posts the digest
    digest_cron: str = DEFAULT_DIGEST_CRON
    nudge_cron: str = DEFAULT_NUDGE_CRON
    holidays: str = "jp"
    closed_days: tuple[ClosedSpan, ...] = (ClosedSpan(*YEAR_END),)
    tz_name: str = "Asia/Tokyo"
    openai_api_key: str | None = field(default=None, repr=False)
    openai_base_url: str | None = None
    openai_model: str = "gpt-4o-mini"
    openai_deadline_seconds: float = 20.0
    kb_dir: Path | None = None
    index_dir: Path | None = None  # where the built search index is kept; None: built in memory by each process
    port: int = 3000
    web_concurrency: int = 1
    web_threads: int = 8
    ask_concurrency: int = 4
    reply_concurrency: int = 4
    ask_queue_limit: int = 30
    job_lease_seconds: float = 120.0
    db_timeout_seconds: float = 2.0
    slack_timeout_seconds: float = 10.0
    udemy_url: str | None = None  # https://<your organisation>.udemy.com
    udemy_account_id: str | None = None
    udemy_client_id: str | None = field(default=None, repr=False)
    udemy_client_secret: str | None = field(default=None, repr=False)
    log_format: str = "text"
    log_level: str = "INFO"
    # The reverse proxies whose X-Forwarded-For names the client (the install pages' rate limit is per client).
    trusted_proxies: tuple[IPv4Network | IPv6Network, ...] = (ip_network("127.0.0.1/32"), ip_network("::1/128"))

    @property
    def oauth(self) -> bool:
        """Several workspaces, each with the bot token its installation stored; else SLACK_BOT_TOKEN alone."""
        return bool(self.slack_client_id and self.slack_client_secret)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.tz_name)

    @property
    def calendar(self) -> BusinessCalendar:
        """When scheduled posts may go out: they move off weekends, holidays and closed days, unless
        DXBOT_HOLIDAYS=none."""
        return BusinessCalendar(holidays=self.holidays == "jp", closed=self.closed_days)

    def require(self, *names: str) -> None:
        """Raise ConfigError naming the first missing environment variable."""
        for name in names:
            if not getattr(self, name.lower().removeprefix("dxbot_")):
                raise ConfigError(f"{name} is not set: export it (or put it in .env) and try again.")

    def require_bot_tokens(self, *, digest: bool = False) -> None:
        """SLACK_BOT_TOKEN, unless the installations hold the tokens (OAuth mode); then posting the digest needs
        DXBOT_DIGEST_TEAM, the workspace of the shared channel."""
        if not self.oauth:
            self.require("SLACK_BOT_TOKEN")
        elif digest:
            self.require("DXBOT_DIGEST_TEAM")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, dotenv_path: str | Path = ".env") -> Settings:
        env = {k: v for k, v in dotenv_values(dotenv_path).items() if v is not None}
        env.update(os.environ if environ is None else environ)
        get = lambda name: (env.get(name) or "").strip() or None  # noqa: E731
        return cls(
            slack_bot_token=get("SLACK_BOT_TOKEN"),
            slack_signing_secret=get("SLACK_SIGNING_SECRET"),
            slack_app_token=get("SLACK_APP_TOKEN"),
            slack_client_id=get("SLACK_CLIENT_ID"),
            slack_client_secret=get("SLACK_CLIENT_SECRET"),
            slack_api_url=_with_trailing_slash(get("SLACK_API_URL") or DEFAULT_SLACK_API_URL),
            database_url=database_url(get("DATABASE_URL") or DEFAULT_DATABASE_URL),
            digest_channel=_channel("DXBOT_DIGEST_CHANNEL", get("DXBOT_DIGEST_CHANNEL")),
            digest_team=_team("DXBOT_DIGEST_TEAM", get("DXBOT_DIGEST_TEAM")),
            digest_cron=get("DXBOT_DIGEST_CRON") or DEFAULT_DIGEST_CRON,
            nudge_cron=get("DXBOT_NUDGE_CRON") or DEFAULT_NUDGE_CRON,
            holidays=_one_of("DXBOT_HOLIDAYS", (get("DXBOT_HOLIDAYS") or "jp").lower(), HOLIDAY_CALENDARS),
            closed_days=_closed_days(get("DXBOT_CLOSED_DAYS")),
            tz_name=_valid_tz(get("DXBOT_TZ") or "Asia/Tokyo"),
            openai_api_key=get("OPENAI_API_KEY"),
            openai_base_url=get("OPENAI_BASE_URL"),
            openai_model=get("OPENAI_MODEL") or "gpt-4o-mini",
            openai_deadline_seconds=_number("DXBOT_OPENAI_DEADLINE", get("DXBOT_OPENAI_DEADLINE"), 20.0),
            kb_dir=Path(kb) if (kb := get("DXBOT_KB_DIR")) else None,
            index_dir=Path(get("DXBOT_INDEX_DIR") or _cache_home(env) / "dxbot"),
            port=_whole("PORT", get("PORT"), 3000),
            web_concurrency=_whole("WEB_CONCURRENCY", get("WEB_CONCURRENCY"), 1),
            web_threads=_whole("WEB_THREADS", get("WEB_THREADS"), 8),
            ask_concurrency=_whole("DXBOT_ASK_CONCURRENCY", get("DXBOT_ASK_CONCURRENCY"), 4),
            reply_concurrency=_whole("DXBOT_REPLY_CONCURRENCY", get("DXBOT_REPLY_CONCURRENCY"), 4),
            ask_queue_limit=_whole("DXBOT_ASK_QUEUE_LIMIT", get("DXBOT_ASK_QUEUE_LIMIT"), 30),
            job_lease_seconds=_number("DXBOT_JOB_LEASE", get("DXBOT_JOB_LEASE"), 120.0),
            db_timeout_seconds=_number("DXBOT_DB_TIMEOUT", get("DXBOT_DB_TIMEOUT"), 2.0),
            slack_timeout_seconds=_number("DXBOT_SLACK_TIMEOUT", get("DXBOT_SLACK_TIMEOUT"), 10.0),
            udemy_url=get("DXBOT_UDEMY_URL"),
            udemy_account_id=get("DXBOT_UDEMY_ACCOUNT_ID"),
            udemy_client_id=get("DXBOT_UDEMY_CLIENT_ID"),
            udemy_client_secret=get("DXBOT_UDEMY_CLIENT_SECRET"),
            log_format=_one_of("DXBOT_LOG_FORMAT", (get("DXBOT_LOG_FORMAT") or "text").lower(), LOG_FORMATS),
            log_level=_one_of("DXBOT_LOG_LEVEL", (get("DXBOT_LOG_LEVEL") or "INFO").upper(), LOG_LEVELS),
            trusted_proxies=_networks("DXBOT_TRUSTED_PROXIES", get("DXBOT_TRUSTED_PROXIES") or "127.0.0.1,::1"),
        )


def database_url(url: str) -> str:
    """DATABASE_URL as SQLAlchemy needs it: `postgres://` and `postgresql://` use psycopg 3; only PostgreSQL and
    SQLite are supported. The password never appears in an error."""
    scheme, separator, rest = url.partition("://")
    if scheme in POSTGRES_SCHEMES and separator and rest:
        return f"postgresql+psycopg://{rest}"
    if scheme == "sqlite" and rest.startswith("/"):
        return url
    shown = masked(url)
    raise ConfigError(
        f"DATABASE_URL={shown!r} is not a database dxbot can use: give postgresql://user@host:5432/name "
        "or sqlite:///path/to/dxbot.sqlite3."
    )


def _networks(name: str, raw: str) -> tuple[IPv4Network | IPv6Network, ...]:
    try:
        return tuple(ip_network(part.strip(), strict=False) for part in raw.split(",") if part.strip())
    except ValueError:
        raise ConfigError(
            f"{name}={raw!r} must be addresses or networks, comma-separated (like 127.0.0.1,172.16.0.0/12)."
        ) from None


def masked(url: str) -> str:
    """A database URL with its password as ***: everything between the user's `:` and the host's `@`, which is the
    last `@` (a password may hold `@`, `:` and `/` as typed)."""
    scheme, separator, rest = url.partition("://")
    login, at, host = rest.rpartition("@")
    if not separator or not at or ":" not in login:
        return url
    return f"{scheme}://{login.split(':', 1)[0]}:***@{host}"


def valid_channel_id(text: str) -> bool:
    return bool(CHANNEL_ID.fullmatch(text))


def _channel(name: str, raw: str | None) -> str | None:
    if raw is not None and not valid_channel_id(raw):
        raise ConfigError(f"{name}={raw!r} is not a channel ID: copy it from the channel's details (like C0123456789).")
    return raw


def valid_team_id(text: str) -> bool:
    return bool(TEAM_ID.fullmatch(text))


def _team(name: str, raw: str | None) -> str | None:
    if raw is not None and not valid_team_id(raw):
        raise ConfigError(
            f"{name}={raw!r} is not a workspace ID: `dxbot installations list` shows them (like T0123456789)."
        )
    return raw


def _one_of(name: str, raw: str, allowed: tuple[str, ...]) -> str:
    if raw not in allowed:
        raise ConfigError(f"{name}={raw!r} must be one of {', '.join(allowed)}.")
    return raw


def _closed_days(raw: str | None) -> tuple[ClosedSpan, ...]:
    if raw is None:
        return (ClosedSpan(*YEAR_END),)
    try:
        return parse_closed_days(raw)
    except ValueError as exc:
        raise ConfigError(
            f"DXBOT_CLOSED_DAYS={raw!r}: {exc}; separate several with commas, or write none for no closed days."
        ) from None


def _cache_home(env: dict[str, str]) -> Path:
    """Where a user's caches go (XDG): the index is derived data, rebuilt whenever it is missing."""
    return Path(env.get("XDG_CACHE_HOME") or Path.home() / ".cache")


def _with_trailing_slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"


def _valid_tz(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"DXBOT_TZ={name!r} is not a known time zone (e.g. Asia/Tokyo).") from exc
    return name


def _number(name: str, raw: str | None, default: float) -> float:
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise ConfigError(f"{name}={raw!r} is not a number.") from exc
    if value <= 0:
        raise ConfigError(f"{name}={raw!r} must be positive.")
    return value


def _whole(name: str, raw: str | None, default: int) -> int:
    value = float(_number(name, raw, default))
    if not value.is_integer():
        raise ConfigError(f"{name}={raw!r} must be a whole number.")
    return int(value)
