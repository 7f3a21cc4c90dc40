"""Engine and unit-of-work sessions. Nothing connects at import time."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError
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
    # IMMEDIATE: a unit of work that reads and then writes must not fail with "database is locked" when
    # another thread wrote in between (a deferred reader cannot upgrade); it waits its turn instead.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    """One engine and its session factory; `scope()` is one unit of work, committed or rolled back."""

    def __init__(self, database_url: str, *, timeout: float = 10.0, pool_size: int = 5):
        self.url = database_url
        self.engine = make_engine(database_url, timeout, pool_size)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def scope(self) -> Iterator[Session]:
        session = self.sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def run(self, work: Callable[[Session], T]) -> T:
        """`work` as one unit of work, run once more on a fresh connection if the first was cut (a restarted
        server, a terminated backend): `work` must be safe to repeat, as every write in dxbot is."""
        try:
            with self.scope() as session:
                return work(session)
        except DBAPIError as exc:
            if not exc.connection_invalidated:
                raise
            log.warning("database connection lost (%s); trying once more", type(exc.orig).__name__)
        with self.scope() as session:
            return work(session)

    def dispose(self) -> None:
        self.engine.dispose()
