"""Engine and unit-of-work sessions. Nothing connects at import time."""

from __future__ import annotations

import fcntl
import logging
import math
import os
import queue
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from typing import TypeVar

from sqlalchemy import Engine, create_engine, event, inspect, make_url
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from db.models import SCHEMA_REVISION

log = logging.getLogger(__name__)
T = TypeVar("T")
APPLICATION_NAME = "dxbot"  # how PostgreSQL's pg_stat_activity names dxbot's connections


def make_engine(database_url: str, timeout: float = 10.0, pool_size: int = 5) -> Engine:
    """`timeout` bounds every wait for the database: a lock (SQLite), a connection or the pool (PostgreSQL),
    so that a request that must answer Slack within 3 seconds fails in time instead of hanging."""
    if database_url.startswith("sqlite"):
        engine = create_engine(database_url, connect_args={"timeout": timeout})
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(
        database_url,
        pool_pre_ping=True,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_timeout=timeout,
        connect_args={
            "connect_timeout": max(1, math.ceil(timeout)),
            "options": f"-c lock_timeout={int(timeout * 1000)}",  # waiting for a lock, like SQLite's timeout
            "application_name": APPLICATION_NAME,
        },
    )


def _sqlite_connect(dbapi_connection, _record) -> None:
    # pysqlite's own transaction handling commits at a SAVEPOINT's RELEASE, so a rolled-back unit of work
    # would keep its writes; take control of BEGIN ourselves (SQLAlchemy's documented pysqlite recipe).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def _sqlite_begin(connection) -> None:
    # IMMEDIATE: a unit of work that reads and then writes must not fail with "database is locked" when another
    # wrote in between (a deferred reader cannot upgrade). Read-only units never wait for the writer (WAL).
    read_only = connection.get_execution_options().get("read_only")
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


class SqliteWriterTurns:
    """SQLite has one writer at a time, and its busy handler polls the lock with sleeps of up to 100 ms: under
    many members at once the unlucky waited longest, and a process whose threads took turns back to back kept
    another process out for most of a second. So writers take turns here, for the whole unit of work: within a
    process at a lock, between processes (gunicorn workers, the CLI) at a file lock beside the database, which
    the kernel hands to the next waiter the moment it is free, and frees when a process dies. Every wait ends
    after `timeout`, as SQLite's own would."""

    def __init__(self, database_path: str, timeout: float):
        self._turn = threading.Lock()
        self._timeout = timeout
        self._path = f"{database_path}-writer"
        self._waiter: _FileLockWaiter | None = None  # each process has its own (a fork gets a new one)

    @contextmanager
    def turn(self) -> Iterator[None]:
        deadline = time.monotonic() + self._timeout
        if not self._turn.acquire(timeout=self._timeout):
            raise _locked()
        try:
            waiter = self._file_lock_waiter()
            if not waiter.acquire(deadline - time.monotonic()):
                raise _locked()
            try:
                yield
            finally:
                waiter.release()
        finally:
            self._turn.release()

    def _file_lock_waiter(self) -> _FileLockWaiter:
        if self._waiter is None or self._waiter.pid != os.getpid():
            self._waiter = _FileLockWaiter(self._path)
        return self._waiter


class _FileLockWaiter:
    """Waits for the file lock in a thread of its own, so that the thread asking can give up after a timeout (a
    blocking flock cannot be interrupted); a lock obtained for someone who gave up is released at once. Only the
    holder of the process's in-process turn asks, so one request is pending at a time."""

    def __init__(self, path: str):
        self.pid = os.getpid()
        self._file = open(path, "a+b")  # noqa: SIM115 -- held for the life of the process
        self._requests: queue.SimpleQueue[_Request] = queue.SimpleQueue()
        threading.Thread(target=self._serve, name="sqlite-writer-lock", daemon=True).start()

    def acquire(self, timeout: float) -> bool:
        try:  # free: take it here, without a hand-over to the waiting thread
            fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            pass
        request = _Request()
        self._requests.put(request)
        if request.granted.wait(max(0.0, timeout)):
            return True
        with request.lock:
            request.abandoned = True
            if not request.granted.is_set():
                return False
        self.release()  # granted just as we gave up
        return False

    def release(self) -> None:
        fcntl.flock(self._file, fcntl.LOCK_UN)

    def _serve(self) -> None:
        while True:
            request = self._requests.get()
            fcntl.flock(self._file, fcntl.LOCK_EX)
            with request.lock:
                if request.abandoned:
                    self.release()
                else:
                    request.granted.set()


class _Request:
    def __init__(self):
        self.lock = threading.Lock()
        self.granted = threading.Event()
        self.abandoned = False


def _locked() -> OperationalError:
    return OperationalError("BEGIN IMMEDIATE", None, sqlite3.OperationalError("database is locked"))


def describe_url(database_url: str) -> str:
    """Where a database is, in words, without its password."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return f"the SQLite file {url.database}"
    return f"the PostgreSQL database {url.database!r} on {url.host or 'localhost'}:{url.port or 5432}"


class NotSetUp(SQLAlchemyError):
    """The database is missing or not at this dxbot's schema; the message says what to run. An outage like any
    other to the handlers (one log line, an apology to the member)."""


class Database:
    """One engine and its session factory; `scope()` is one unit of work, committed or rolled back. Only with
    `create` (`dxbot db upgrade`) may a SQLite file be created: any other command on a path with no database
    stops instead of leaving an empty file behind."""

    def __init__(self, database_url: str, *, timeout: float = 10.0, pool_size: int = 5, create: bool = False):
        self.url = database_url
        self.engine = make_engine(database_url, timeout, pool_size)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        path = self.engine.url.database if self.engine.dialect.name == "sqlite" else None
        self._writers = SqliteWriterTurns(path, timeout) if path and path != ":memory:" else None
        self._must_exist = path if self._writers is not None and not create else None
        if self._must_exist:
            event.listen(self.engine, "do_connect", lambda *_: self.require_file())

    def require_file(self) -> None:
        """Raise NotSetUp when this is a SQLite database whose file is not there (and may not be created)."""
        if self._must_exist and not os.path.exists(self._must_exist):
            raise NotSetUp(
                f"there is no database at {os.path.abspath(self._must_exist)}: run `dxbot db upgrade` first, "
                "or set DATABASE_URL"
            )

    def require_schema(self) -> None:
        """Raise NotSetUp unless the database is at the revision this dxbot's models describe."""
        with self.engine.connect() as connection:
            current = None
            if inspect(connection).has_table("alembic_version"):
                current = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        if current == SCHEMA_REVISION:
            return
        if current is None:
            raise NotSetUp(f"{self.describe()} has no dxbot tables yet: run `dxbot db upgrade`")
        if current < SCHEMA_REVISION:
            raise NotSetUp(
                f"{self.describe()} is at revision {current} and this dxbot needs {SCHEMA_REVISION}: "
                "run `dxbot db upgrade`"
            )
        raise NotSetUp(
            f"{self.describe()} is at revision {current}, newer than this dxbot ({SCHEMA_REVISION}): "
            "install the dxbot that migrated it"
        )

    def describe(self) -> str:
        return describe_url(self.url)

    @contextmanager
    def scope(self, *, read_only: bool = False) -> Iterator[Session]:
        """One unit of work. `read_only` ones (that never write) do not queue behind writers on SQLite."""
        self.require_file()  # before the writers' lock file is made beside it
        with nullcontext() if read_only or self._writers is None else self._writers.turn():
            session = self.sessions()
            if read_only:
                session.connection(execution_options={"read_only": True})
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise
            finally:
                session.close()

    def run(self, work: Callable[[Session], T], *, read_only: bool = False) -> T:
        """`work` as one unit of work, run once more on a fresh connection if the first was cut (a restarted
        server, a terminated backend): `work` must be safe to repeat, as every write in dxbot is."""
        try:
            with self.scope(read_only=read_only) as session:
                return work(session)
        except DBAPIError as exc:
            if not exc.connection_invalidated:
                raise
            log.warning("database connection lost (%s); trying once more", type(exc.orig).__name__)
        with self.scope(read_only=read_only) as session:
            return work(session)

    def dispose(self) -> None:
        self.engine.dispose()
