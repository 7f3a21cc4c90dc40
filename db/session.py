"""Engine and unit-of-work sessions. Nothing connects at import time."""

from __future__ import annotations

import fcntl
import logging
import math
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)
T = TypeVar("T")
APPLICATION_NAME = "dxbot"  # how PostgreSQL's pg_stat_activity names dxbot's connections


def make_engine(database_url: str, timeout: float = 10.0, pool_size: int = 5) -> Engine:
    """`timeout` bounds every wait for the database: a lock (SQLite), a connection or the pool (PostgreSQL),
    so that a request that must answer Slack within 3 seconds fails in time instead of hanging."""
    if database_url.startswith("sqlite"):
        engine = create_engine(database_url, connect_args={"timeout": timeout})
        event.listen(engine, "connect", _sqlite_connect)
        _SqliteWriters(
            engine.url.database if engine.url.database not in (None, "", ":memory:") else None, timeout
        ).watch(engine)
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


class _SqliteWriters:
    """SQLite has one writer at a time. Every unit of work that may write begins IMMEDIATE: one that reads and
    then writes must not fail with "database is locked" when another wrote in between (a deferred reader cannot
    upgrade); it waits its turn instead.

    The turn is not left to SQLite's busy handler, which polls the lock with sleeps of up to 100 ms: under many
    members at once the unlucky waited longest, and a process whose threads took turns back to back kept the
    other process out for most of a second. Within a process, threads queue at a lock (with the timeout);
    between processes (gunicorn workers, the CLI), the one thread per process that holds that lock waits in the
    kernel for a file lock beside the database, which wakes it the moment the writer before it is done. A
    process that dies releases its file lock with it."""

    def __init__(self, database_path: str | None, timeout: float):
        self._turn = threading.Lock()
        self._timeout = timeout
        self._path = f"{database_path}-writer" if database_path else None
        self._file: tuple[int, object] | None = None  # (pid, open file): each process opens its own

    def watch(self, engine: Engine) -> None:
        event.listen(engine, "begin", self._begin)
        event.listen(engine, "commit", self._end)
        event.listen(engine, "rollback", self._end)

    def _begin(self, connection) -> None:
        if connection.get_execution_options().get("read_only"):  # WAL: readers never wait for the writer
            connection.exec_driver_sql("BEGIN")
            return
        if not self._turn.acquire(timeout=self._timeout):
            raise OperationalError("BEGIN IMMEDIATE", None, sqlite3.OperationalError("database is locked"))
        connection.info["writer"] = True
        try:
            if self._path:
                fcntl.flock(self._lock_file(), fcntl.LOCK_EX)
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            self._end(connection)
            raise

    def _end(self, connection) -> None:
        if connection.info.pop("writer", False):
            if self._file is not None:
                fcntl.flock(self._file[1], fcntl.LOCK_UN)
            self._turn.release()

    def _lock_file(self):
        if self._file is None or self._file[0] != os.getpid():  # opened before a fork: the parent's, not ours
            self._file = (os.getpid(), open(self._path, "a+b"))  # noqa: SIM115 -- open for the process's life
        return self._file[1]


class Database:
    """One engine and its session factory; `scope()` is one unit of work, committed or rolled back."""

    def __init__(self, database_url: str, *, timeout: float = 10.0, pool_size: int = 5):
        self.url = database_url
        self.engine = make_engine(database_url, timeout, pool_size)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def scope(self, *, read_only: bool = False) -> Iterator[Session]:
        """One unit of work. `read_only` ones (that never write) do not queue behind writers on SQLite."""
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
