"""Work done after Slack's ack, in lanes of worker threads that never share threads with the acks.

An ack that promises later work (an answer, a confirmation after a click) first commits a job to the database
(db/jobs.py) in the same unit of work as everything else it records. The committing thread rings this
process's bell for the job's lane; idle workers of every process also look every `poll` seconds, so a job
left by a process that died, or queued while this one was busy, is still picked up.

- `reply` lane: quick Slack calls (a response_url post, a placeholder, an ephemeral thank-you).
- `ask` lane: model answers and other slow work, DXBOT_ASK_CONCURRENCY at once per process.

A job that fails for a reason that may pass (a database or network error, Slack's 429 or 5xx) is retried with
backoff, at most MAX_ATTEMPTS times; one that cannot succeed is given up at once. Either way the member is
told (each kind's `give_up`). Stopping drains: running jobs finish, queued ones wait in the database."""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING

from sqlalchemy import event
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, SessionTransaction

from db import jobs as queue
from db.jobs import ClaimedJob, NewJob
from db.models import JOB_LANES
from db.session import Database

if TYPE_CHECKING:
    from slack_sdk import WebClient
    from slack_sdk.errors import SlackApiError

    from bot.services import Services

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8  # backoff 2, 4, … 60 s: about three minutes of retries in all
POLL_SECONDS = 1.0


class Permanent(Exception):
    """A job that cannot succeed however often it is tried (an expired response_url, a bad request)."""


@dataclass(frozen=True)
class Workspace:
    """The installation a request came through, and whose token (in OAuth mode) its jobs use."""

    team_id: str | None
    enterprise_id: str | None = None


# Set by the app around each request (bot/app.py), so that every job an ack queues, in whichever handler, belongs
# to the request's workspace: listeners run in the thread that received the request (process_before_response).
_requesting: ContextVar[Workspace | None] = ContextVar("requesting", default=None)


@contextmanager
def working_for(workspace: Workspace) -> Iterator[None]:
    token = _requesting.set(workspace)
    try:
        yield
    finally:
        _requesting.reset(token)


def _belonging(job: NewJob, workspace: Workspace | None) -> NewJob:
    if job.team_id is not None or job.enterprise_id is not None or workspace is None:
        return job
    return replace(job, team_id=workspace.team_id, enterprise_id=workspace.enterprise_id)


@dataclass
class JobContext:
    """What a running job sees: the shared services, a Web API client with retries for its workspace, and its
    own record."""

    services: Services
    clients: Callable[[Workspace], WebClient]
    job: ClaimedJob
    payload: dict = field(init=False)
    follow_ups: list[NewJob] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.payload = dict(self.job.payload)

    @property
    def workspace(self) -> Workspace:
        return Workspace(self.job.team_id, self.job.enterprise_id)

    @cached_property
    def client(self) -> WebClient:
        """Made when first used: a job whose workspace has no installation fails there (NotInstalled)."""
        return self.clients(self.workspace)

    def save(self, session: Session | None = None, **progress) -> None:
        """Remember what is done (a posted placeholder, a logged question), so a retry does not repeat it; in
        `session` when it must commit with other work, else in a unit of work of its own."""
        self.payload.update(progress)
        if session is not None:
            queue.save_progress(session, self.job, self.payload)
        else:
            self.services.db.run(lambda own: queue.save_progress(own, self.job, self.payload))

    def then(self, job: NewJob) -> None:
        """Queue `job` when (and only if) this one finishes; it works for the same workspace."""
        self.follow_ups.append(_belonging(job, self.workspace))


@dataclass(frozen=True)
class JobKind:
    lane: str
    run: Callable[[JobContext], None]
    give_up: Callable[[JobContext], None] | None = None  # tell the member; best effort


class JobQueue:
    """Adding jobs inside a unit of work, and the bells that wake this process's workers once it commits."""

    def __init__(self, db: Database, now: Callable[[], datetime]):
        self._db = db
        self._now = now
        self._bells = {lane: threading.Condition() for lane in JOB_LANES}
        event.listen(db.sessions, "after_transaction_end", self._ring)

    def add(self, session: Session, job: NewJob, *, event_id: str | None = None) -> int | None:
        """Queue `job` in the caller's unit of work (None: a retried Slack event that is queued already), for the
        workspace of the request being acknowledged."""
        job = _belonging(job, _requesting.get())
        job_id = queue.enqueue(session, job, self._now(), event_id=event_id)
        if job_id is not None:
            session.info.setdefault("ring", set()).add(job.lane)
        return job_id

    def submit(self, job: NewJob, *, event_id: str | None = None) -> int | None:
        """`add` in a unit of work of its own: for an ack that has nothing else to record."""
        with self._db.scope() as session:
            return self.add(session, job, event_id=event_id)

    def _ring(self, session: Session, transaction: SessionTransaction) -> None:
        # Only when the whole unit of work ends (a savepoint's end is not a commit); after a rollback the
        # ring is spurious and harmless: the workers find nothing new.
        if transaction.parent is not None:
            return
        for lane in session.info.pop("ring", ()):
            with self._bells[lane]:
                self._bells[lane].notify()

    def wait(self, lane: str, timeout: float) -> None:
        with self._bells[lane]:
            self._bells[lane].wait(timeout)

    def wake_all(self) -> None:
        for bell in self._bells.values():
            with bell:
                bell.notify_all()


class Lanes:
    """This process's worker threads: `sizes[lane]` per lane, each claiming one job at a time. `clients` gives
    the Web API client for a job's workspace."""

    def __init__(
        self,
        services: Services,
        kinds: dict[str, JobKind],
        clients: Callable[[Workspace], WebClient],
        sizes: dict[str, int],
    ):
        self._services = services
        self._kinds = kinds
        self._clients = clients
        self._sizes = sizes
        self._lease = timedelta(seconds=services.settings.job_lease_seconds)
        self._stopping = threading.Event()
        self._outage = threading.Event()
        self._jitter = random.Random()  # its own: the global generator belongs to whoever else uses it
        self._threads: list[threading.Thread] = []

    def start(self) -> Lanes:
        for lane, size in self._sizes.items():
            for n in range(size):
                thread = threading.Thread(target=self._work, args=(lane,), name=f"{lane}-lane-{n}", daemon=True)
                thread.start()
                self._threads.append(thread)
        log.info("job lanes started: %s", ", ".join(f"{lane} × {size}" for lane, size in self._sizes.items()))
        return self

    def stop_claiming(self) -> None:
        """From now on claim nothing more: a stopping process finishes what it has, the rest stays queued."""
        self._stopping.set()
        self._services.jobs.wake_all()

    def stop(self, timeout: float = 25.0) -> None:
        """Finish the jobs in hand (up to `timeout` seconds), claim no more; queued jobs stay for the next start."""
        self.stop_claiming()
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        busy = [thread.name for thread in self._threads if thread.is_alive()]
        if busy:
            log.warning("stopped with jobs still running in %s; their leases will lapse and they will be retried", busy)
        else:
            log.info("job lanes drained")

    def _work(self, lane: str) -> None:
        while not self._stopping.is_set():
            job = self._claim(lane)
            if job is None:
                self._services.jobs.wait(lane, POLL_SECONDS)
            else:
                self._run(job)

    def _claim(self, lane: str) -> ClaimedJob | None:
        now, db = self._services.now(), self._services.db
        kinds = [kind for kind, job in self._kinds.items() if job.lane == lane]
        try:
            due = db.run(lambda session: queue.any_due(session, lane, kinds, now), read_only=True)
            job = db.run(lambda session: queue.claim(session, lane, kinds, now, self._lease)) if due else None
        except SQLAlchemyError as exc:
            if not self._outage.is_set():  # one line per outage, not one per worker per second
                self._outage.set()
                log.warning(
                    "job lanes cannot reach the database (%s); retrying every %s s", type(exc).__name__, POLL_SECONDS
                )
            self._stopping.wait(POLL_SECONDS)
            return None
        if self._outage.is_set():
            self._outage.clear()
            log.info("job lanes reach the database again")
        return job

    def _run(self, job: ClaimedJob) -> None:
        kind = self._kinds[job.kind]
        context = JobContext(self._services, self._clients, job)
        if job.attempts > MAX_ATTEMPTS:  # it took its worker down every time
            self._give_up(context, kind, "too many attempts")
            return
        started = time.monotonic()
        try:
            kind.run(context)
        except Exception as exc:
            self._failed(context, kind, exc)
            return
        try:
            finished = self._services.db.run(
                lambda session: queue.finish(session, job, context.follow_ups, self._services.now())
            )
        except SQLAlchemyError:  # the work is done but not marked: the lease lapses and it is redone, harmlessly
            log.exception("could not mark job %s (%s) done", job.id, job.kind)
            return
        if not finished:
            log.warning(
                "job %s %s outlived its lease and was taken over; its follow-ups are the other's", job.id, job.kind
            )
            return
        log.info(
            "job %s %s done in %.0f ms (attempt %s)",
            job.id,
            job.kind,
            1000 * (time.monotonic() - started),
            job.attempts,
        )

    def _failed(self, context: JobContext, kind: JobKind, exc: Exception) -> None:
        job = context.job
        reason = f"{type(exc).__name__}: {exc}"[:500]
        if not _may_pass(exc) or job.attempts >= MAX_ATTEMPTS:
            log.error(
                "job %s %s failed for good (attempt %s): %s", job.id, job.kind, job.attempts, reason, exc_info=exc
            )
            self._give_up(context, kind, reason)
            return
        delay = min(60.0, 2.0**job.attempts) * self._jitter.uniform(0.5, 1.0)
        log.warning(
            "job %s %s failed (attempt %s), retrying in %.1f s: %s", job.id, job.kind, job.attempts, delay, reason
        )
        run_after = self._services.now() + timedelta(seconds=delay)
        try:
            self._services.db.run(lambda session: queue.retry_later(session, job, run_after, reason))
        except SQLAlchemyError:
            log.warning("could not schedule job %s's retry; its lease will lapse and it will be retried", job.id)

    def _give_up(self, context: JobContext, kind: JobKind | None, reason: str) -> None:
        try:
            self._services.db.run(lambda session: queue.give_up(session, context.job, reason))
        except SQLAlchemyError:
            log.exception("could not record that job %s failed", context.job.id)
        if kind is not None and kind.give_up is not None:
            try:
                kind.give_up(context)
            except Exception:
                log.exception("could not tell the member that job %s (%s) failed", context.job.id, context.job.kind)


def slack_refused(error: SlackApiError) -> bool:
    """Slack answered and said no (ok: false, not_in_channel, invalid_blocks…): the same call cannot succeed
    later, unlike a 429 or a 5xx."""
    status = error.response.status_code
    return status != 429 and status < 500


def _may_pass(exc: Exception) -> bool:
    """Worth another try: the database or network unreachable, or Slack busy or briefly broken. Not a bug, a
    refusal, or data the database will never take (DataError, IntegrityError: the same again next time)."""
    from slack_sdk.errors import SlackApiError  # here: `dxbot ask` builds the queue, never a Slack client

    if isinstance(exc, SlackApiError):
        return not slack_refused(exc)
    if isinstance(exc, DBAPIError):
        return exc.connection_invalidated or isinstance(exc, OperationalError | InterfaceError)
    return isinstance(exc, SQLAlchemyError | OSError)
