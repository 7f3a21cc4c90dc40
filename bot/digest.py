"""Sending the weekly digest: exactly one post per (ISO week, channel), what overflows in its thread, and a
chart of the last weeks. The shared channel gets everything; a municipality's own channel gets its slice."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from PIL import Image, ImageDraw, ImageFont
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.services import Services
from bot.settings import ConfigError, Settings
from db import digest, ledger, prefectures
from db.digest import DigestData, Week
from db.prefectures import Tenant
from handlers.blocks import as_dicts, escape
from handlers.digest_blocks import DigestMessage, digest_messages
from knowledge.messages import t

log = logging.getLogger(__name__)

CHART_WEEKS = 8
THIS_WEEK_COLOUR = "#1f77b4"  # matplotlib's first colour, and a lighter tint of it for the weeks before
EARLIER_COLOUR = "#a6c8e4"
CHART_SIZE = (1000, 500)  # pixels
SLACK_FAILURES = (SlackClientError, OSError)  # an API error, or the network
CHANNEL_ERRORS = ("channel_not_found", "not_in_channel", "is_archived")
POST_EVENT = "dxbot_digest"  # message metadata that marks a digest post
HISTORY_PAGES = 10  # a channel's week of history to search for an unrecorded post


@dataclass(frozen=True)
class RunResult:
    prefecture: str
    channel: str | None  # None: the prefecture has no shared channel to post to
    state: str  # posted | skipped (already posted, or being posted) | failed
    message_ts: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class _Target:
    channel: str
    data: DigestData
    shared: bool  # the shared channel: everything and the chart; otherwise a municipality's own slice
    tenant: Tenant
    team: str | None = None  # a municipality's own channel: the workspace it is in, when known


# The client to post a prefecture's digest with, in the workspace given (a municipality's own channel) or the
# prefecture's: bot.app.digest_client in production.
ClientFor = Callable[[Tenant, str | None], WebClient]


def load(services: Services, week: Week, tenant: Tenant) -> DigestData:
    with services.db.scope(read_only=True) as session:
        return digest.digest_data(session, week, services.settings.tz, tenant)


def national(services: Services, week: Week, tenants: Sequence[Tenant]) -> digest.NationalWeek:
    """Every prefecture's week in totals only: the one view across tenants, naming no municipality."""
    with services.db.scope(read_only=True) as session:
        return digest.national_week(session, week, services.settings.tz, tenants)


def all_tenants(services: Services) -> list[Tenant]:
    with services.db.scope(read_only=True) as session:
        return prefectures.tenants(session)


def send_digest(
    services: Services,
    client_for: ClientFor,
    week: Week,
    *,
    tenants: Sequence[Tenant] | None = None,
    force: bool = False,
) -> list[RunResult]:
    """Post `week`'s digest of each prefecture (default: all) to its shared channel and to each of its
    municipalities' own channels, skipping channels that already have it (unless `force`). One channel's or one
    prefecture's failure never stops the others."""
    everyone = all_tenants(services)
    results = []
    for tenant in everyone if tenants is None else tenants:
        shared = shared_channel(services.settings, tenant, everyone)
        if shared is None:
            error = t("digest_error_no_shared_channel", "en", prefecture=tenant.name)
            log.warning("digest %s: %s", week.label, error)
            results.append(RunResult(tenant.name, None, "failed", error=error))
            continue
        try:
            targets = _targets(services, week, shared, tenant)
        except Exception as exc:  # e.g. the database failed
            log.exception("digest %s of %s stopped", week.label, tenant.name)
            results.append(RunResult(tenant.name, shared, "failed", error=f"{type(exc).__name__}: {exc}"))
            continue
        results += [_send(services, client_for, week, target, force) for target in targets]
    return results


def shared_channel(settings: Settings, tenant: Tenant, tenants: Sequence[Tenant]) -> str | None:
    """prefectures.shared_channel with DXBOT_DIGEST_CHANNEL as the default."""
    return prefectures.shared_channel(tenant, tenants, settings.digest_channel)


def require_shared_channels(services: Services) -> None:
    """Every prefecture has a channel to post to: the clock fails at its start, not on Monday."""
    tenants = all_tenants(services)
    missing = [tenant.name for tenant in tenants if shared_channel(services.settings, tenant, tenants) is None]
    if missing:
        raise ConfigError(" ".join(t("digest_error_no_shared_channel", "en", prefecture=name) for name in missing))


def _targets(services: Services, week: Week, shared: str, tenant: Tenant) -> list[_Target]:
    """The shared channel, then each municipality's own channel with its slice and its workspace."""
    own: dict[str, list[int]] = {}
    with services.db.scope(read_only=True) as session:
        data = digest.digest_data(session, week, services.settings.tz, tenant)
        for place in data.municipalities:
            if place.digest_channel_id and place.digest_channel_id != shared:
                own.setdefault(place.digest_channel_id, []).append(place.id)
        teams = ledger.municipality_teams(session, [ids[0] for ids in own.values()])
    slices = [_Target(c, data.only(ids), False, tenant, teams.get(ids[0])) for c, ids in own.items()]
    return [_Target(shared, data, shared=True, tenant=tenant), *slices]


class _TakenOver(Exception):
    """Another run took this digest over (this one looked crashed): stop without touching its thread."""


def _send(services: Services, client_for: ClientFor, week: Week, target: _Target, force: bool) -> RunResult:
    channel = target.channel
    try:
        client = client_for(target.tenant, target.team)  # e.g. its workspace uninstalled dxbot: this channel fails
        with services.db.scope() as session:  # committed before posting: a second scheduler sees the claim
            claim = digest.claim_run(session, week.label, channel, services.now(), force=force)
        if claim is None:
            log.info("digest %s: %s already has it (or is being posted to)", week.label, channel)
            return RunResult(target.tenant.name, channel, "skipped")
        return _deliver(services, client, week, target, claim)
    except _TakenOver:
        log.warning("digest %s to %s: another run took over; this one stops", week.label, channel)
        return RunResult(target.tenant.name, channel, "skipped", error="another run took over")
    except Exception as exc:  # e.g. the database failed: this channel waits for the next run, the others go on
        log.exception("digest %s to %s stopped", week.label, channel)
        return RunResult(target.tenant.name, channel, "failed", error=f"{type(exc).__name__}: {exc}")


def _deliver(services: Services, client: WebClient, week: Week, target: _Target, claim: digest.Claim) -> RunResult:
    """Post (unless the post is already out), then the thread from where it stopped, then the chart."""
    channel = target.channel
    messages = digest_messages(target.data, services.knowledge, own=not target.shared)
    try:
        ts = claim.message_ts
        if ts is None and claim.check_history:
            ts = _find_post(client, channel, week, since=week.bounds(services.settings.tz)[0])
        if ts is None:
            ts = _post(client, channel, messages[0], week=week)
        if ts != claim.message_ts:
            _progress(services, claim, message_ts=ts, replies_posted=claim.replies_posted)
    except SLACK_FAILURES as exc:
        error = _explain(exc, target)
        log.warning("digest %s to %s failed: %s", week.label, channel, error)
        _finish(services, claim, error=error)
        return RunResult(target.tenant.name, channel, "failed", error=error)
    problem = _thread(services, client, week, target, claim, ts, messages[1:])
    _finish(services, claim, error=problem)
    log.info("digest %s posted to %s (ts %s)", week.label, channel, ts)
    return RunResult(target.tenant.name, channel, "posted", ts, problem)


def _post(client: WebClient, channel: str, message: DigestMessage, *, week: Week, thread_ts: str | None = None) -> str:
    response = client.chat_postMessage(
        channel=channel,
        text=message.text,
        blocks=as_dicts(message.blocks),
        thread_ts=thread_ts,
        unfurl_links=False,
        metadata={"event_type": POST_EVENT, "event_payload": {"week": week.label}},  # found again after a crash
    )
    return response["ts"]


def _find_post(client: WebClient, channel: str, week: Week, since: datetime) -> str | None:
    """A post of this week's digest that an earlier run made without recording it (no post of a week's
    digest predates its Monday), so that it is not posted twice."""
    cursor = None
    for _ in range(HISTORY_PAGES):
        page = client.conversations_history(
            channel=channel, oldest=f"{since.timestamp():.6f}", include_all_metadata=True, limit=200, cursor=cursor
        )
        for message in page.get("messages", []):
            metadata = message.get("metadata") or {}
            if metadata.get("event_type") == POST_EVENT and metadata.get("event_payload", {}).get("week") == week.label:
                return message["ts"]
        cursor = (page.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            return None
    raise SlackClientError(f"no decision after {HISTORY_PAGES} pages of history: not posting blind")


def _thread(
    services: Services,
    client: WebClient,
    week: Week,
    target: _Target,
    claim: digest.Claim,
    ts: str,
    replies: list[DigestMessage],
) -> str | None:
    """The rest of the digest under the post (from where an earlier run stopped), then the chart; what went
    wrong, if anything."""
    for n, reply in enumerate(replies[claim.replies_posted :], start=claim.replies_posted + 1):
        try:
            _post(client, target.channel, reply, week=week, thread_ts=ts)
        except SLACK_FAILURES as exc:
            log.warning("digest %s: thread reply %d in %s failed: %s", week.label, n, target.channel, exc)
            return t("digest_error_thread", "en", error=_error_code(exc))
        _progress(services, claim, message_ts=ts, replies_posted=n)
    if target.shared:
        _upload_chart(services, client, week, target, ts)
    return None


def _upload_chart(services: Services, client: WebClient, week: Week, target: _Target, ts: str) -> None:
    """A nicety: any failure is logged and the digest stands without it."""
    try:
        weeks = [week.shift(n - CHART_WEEKS + 1) for n in range(CHART_WEEKS)]
        with services.db.scope(read_only=True) as session:
            history = digest.weekly_completions(session, weeks, services.settings.tz, target.tenant)
        png = weekly_chart(history, weeks)
        if png is None:
            return
        client.files_upload_v2(
            channel=target.channel,
            thread_ts=ts,
            file=png,
            filename=f"digest-{week.label}.png",
            title=t("digest_chart_file_title", week=week.label),
            initial_comment=t("digest_chart_comment", prefecture=escape(target.tenant.name), weeks=CHART_WEEKS),
        )
    except Exception:
        log.exception("digest %s: the chart could not be made or uploaded; the digest is posted without it", week.label)


def weekly_chart(history: list[int], weeks: list[Week]) -> bytes | None:
    """A PNG of the prefecture's completions week by week, the week reported in a darker colour: the chart
    compares the prefecture with its own past, never municipalities with each other. None without data."""
    if not any(history):
        return None
    width, height = CHART_SIZE
    image = Image.new("RGB", CHART_SIZE, "white")
    draw = ImageDraw.Draw(image)
    title_font, font = ImageFont.load_default(size=20), ImageFont.load_default(size=14)
    left, top, right, bottom = 60, 50, width - 24, height - 40
    step = _tick_step(max(history))
    y_max = step * -(-max(history) // step)  # the top gridline at or above the tallest bar

    def y(value: float) -> float:
        return bottom - (bottom - top) * value / y_max

    draw.text(((left + right) / 2, top / 2), t("digest_chart_title"), fill="black", font=title_font, anchor="mm")
    for value in range(0, y_max + 1, step):
        draw.line([(left, y(value)), (right, y(value))], fill="#e0e0e0" if value else "#404040", width=1)
        draw.text((left - 8, y(value)), str(value), fill="#404040", font=font, anchor="rm")
    slot = (right - left) / len(weeks)
    for n, (count, shown) in enumerate(zip(history, weeks, strict=True)):
        x0, x1 = left + slot * (n + 0.2), left + slot * (n + 0.8)
        if count:
            colour = THIS_WEEK_COLOUR if n == len(weeks) - 1 else EARLIER_COLOUR
            draw.rectangle([(x0, y(count)), (x1, y(0))], fill=colour)
            draw.text(((x0 + x1) / 2, y(count) - 4), f"{count:,}", fill="#202020", font=font, anchor="mb")
        draw.text(
            ((x0 + x1) / 2, bottom + 8),
            f"W{shown.monday.isocalendar().week:02d}",
            fill="#404040",
            font=font,
            anchor="mt",
        )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _tick_step(highest: int) -> int:
    """1, 2 or 5 times a power of ten: at most five gridlines above zero."""
    scale = 1
    while True:
        for step in (scale, 2 * scale, 5 * scale):
            if -(-highest // step) <= 5:
                return step
        scale *= 10


def _progress(services: Services, claim: digest.Claim, *, message_ts: str, replies_posted: int) -> None:
    with services.db.scope() as session:
        held = digest.record_progress(
            session, claim, services.now(), message_ts=message_ts, replies_posted=replies_posted
        )
    if not held:
        raise _TakenOver


def _finish(services: Services, claim: digest.Claim, error: str | None = None) -> None:
    with services.db.scope() as session:
        digest.finish_run(session, claim, services.now(), error=error)


def _error_code(exc: Exception) -> str:
    if isinstance(exc, SlackApiError):
        return str(exc.response.get("error") or exc.response.status_code)
    return str(exc) or type(exc).__name__


def _explain(exc: Exception, target: _Target) -> str:
    """What happened and what to do about it, for whoever reads `dxbot digest send` or the logs."""
    code = _error_code(exc)
    setting = t("digest_setting_shared" if target.shared else "digest_setting_municipality", "en")
    key = f"digest_error_{code}" if code in CHANNEL_ERRORS else "digest_error_other"
    return t(key, "en", channel=target.channel, setting=setting, error=code)
