"""Engine and unit-of-work sessions. Nothing connects at import time."""

from __future__ import annotations

import logging
import math
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
        _SqliteWriters(timeout).watch(engine)
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
    """SQLite has one writer at a time. Every unit of work begins IMMEDIATE: one that reads and then writes must
    not fail with "database is locked" when another wrote in between (a deferred reader cannot upgrade); it
    waits its turn instead. Within a process the turn is taken at a Python lock, which wakes the next thread
    the moment it is free, instead of at SQLite's busy handler, which polls with sleeps of up to 100 ms and
    made the slowest of many members' acks wait longest. Between processes SQLite's own lock still rules."""

    def __init__(self, timeout: float):
        self._turn = threading.Lock()
        self._timeout = timeout

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
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            self._end(connection)
            raise

    def _end(self, connection) -> None:
        if connection.info.pop("writer", False):
            self._turn.release()


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
