"""Shared fixtures: a real database (SQLite, or PostgreSQL when TEST_DATABASE_URL says so), the loopback fake
Slack Web API, and dxbot's real WSGI app served on a loopback port, driven by signed requests.

The suite never reads DATABASE_URL: a person's real database may be exported there. TEST_DATABASE_URL must name
an empty database, or one this suite marked as its own on an earlier run; any other is refused untouched."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from sqlalchemy import text

from bot.app import start_lanes
from bot.services import Services, build_services
from bot.settings import Settings
from bot.settings import database_url as usable_database_url
from bot.wsgi import create_wsgi_app
from db import migrate, repo, slack_tables
from db.models import Base
from tests.fakes.openai import FakeOpenAI, start_fake_openai
from tests.fakes.signed import SignedSlack
from tests.fakes.slack import FakeSlack, start_fake_slack

SIGNING_SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test-token"
OAUTH_CLIENT_ID, OAUTH_SECRET = "1111111111.2222222222", "test-client-secret"
OAUTH_DIGEST_TEAM = "T0YOKOSUKA"


SUITE_MARK = "dxbot test suite: free to empty"  # the comment on a PostgreSQL database's public schema
POSTGRES_URL = usable_database_url(os.environ["TEST_DATABASE_URL"]) if os.environ.get("TEST_DATABASE_URL") else None


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = POSTGRES_URL or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    from db.session import make_engine

    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        _empty_own_database(engine)
    migrate.upgrade(engine)
    engine.dispose()
    return url


def _empty_own_database(engine) -> None:
    """Start from an empty schema, but only in a database that is empty or that this suite marked as its own."""
    with engine.begin() as connection:
        tables = connection.scalar(
            text(
                "SELECT count(*) FROM information_schema.tables "
                "WHERE table_schema NOT IN ('pg_catalog', 'information_schema')"
            )
        )
        mark = connection.scalar(text("SELECT obj_description('public'::regnamespace)"))
        if tables and mark != SUITE_MARK:
            pytest.exit(
                f"TEST_DATABASE_URL names {engine.url.database!r}, which holds {tables} tables the tests did not "
                "create: give the tests an empty database of their own (createdb dxbot_test)",
                returncode=4,
            )
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        connection.execute(text(f"COMMENT ON SCHEMA public IS '{SUITE_MARK}'"))


@contextmanager
def own_database(tmp_path: Path, name: str) -> Iterator[str]:
    """A database one test creates and drops: a SQLite file, or a new database beside TEST_DATABASE_URL's."""
    if POSTGRES_URL is None:
        yield f"sqlite:///{tmp_path / f'{name}.sqlite3'}"
        return
    from sqlalchemy import create_engine

    database = f"dxbot_{name}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{database}"'))
    try:
        yield POSTGRES_URL.rsplit("/", 1)[0] + "/" + database
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{database}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def fresh_engine(database_url, tmp_path):
    """An empty database of the same kind as the suite's (a separate schema on PostgreSQL), for migrations."""
    from db.session import make_engine

    if database_url.startswith("postgresql"):
        admin = make_engine(database_url)
        with admin.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS migration_cycle CASCADE; CREATE SCHEMA migration_cycle"))
        admin.dispose()
        engine = make_engine(database_url)
        engine.pool._creator = _with_search_path(engine.pool._creator, "migration_cycle")
        yield engine
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text("DROP SCHEMA migration_cycle CASCADE"))
        admin.dispose()
    else:
        engine = make_engine(f"sqlite:///{tmp_path / 'cycle.sqlite3'}")
        yield engine
        engine.dispose()


def _with_search_path(creator, schema):
    def connect():
        connection = creator()
        with connection.cursor() as cursor:
            cursor.execute(f"SET search_path TO {schema}")
        connection.commit()
        return connection

    return connect


@pytest.fixture(scope="session")
def fake_slack() -> Iterator[FakeSlack]:
    fake = start_fake_slack()
    yield fake
    fake.server.shutdown()


def oauth_settings(database_url: str, fake_slack: FakeSlack, **overrides) -> Settings:
    """OAuth install mode: the app's client id and secret, and no SLACK_BOT_TOKEN."""
    oauth = dict(slack_bot_token=None, slack_client_id=OAUTH_CLIENT_ID, slack_client_secret=OAUTH_SECRET)
    return make_settings(database_url, fake_slack, **oauth, **overrides)


def make_settings(database_url: str, fake_slack: FakeSlack, **overrides) -> Settings:
    values = dict(
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake_slack.api_url,
        database_url=database_url,
        digest_channel="CSHARED",
    )
    values.update(overrides)
    return Settings(**values)


@pytest.fixture(scope="session")
def services(database_url, fake_slack) -> Iterator[Services]:
    built = build_services(make_settings(database_url, fake_slack))
    yield built
    built.db.dispose()


@pytest.fixture(autouse=True)
def clean_state(request) -> None:
    """Empty every table, slack_sdk's installations too (and the fake's call log), before each test that uses the
    database."""
    if "services" not in request.fixturenames:
        return
    services: Services = request.getfixturevalue("services")
    request.getfixturevalue("fake_slack").reset()
    empty_database(services)
    services.sync_courses()


def empty_database(services: Services) -> None:
    """Every row of every table gone, dxbot's and slack_sdk's."""
    with services.db.scope() as session:
        for table in (*reversed(Base.metadata.sorted_tables), *slack_tables.metadata.sorted_tables):
            session.execute(table.delete())


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    request_queue_size = 256  # many members at once, as gunicorn's backlog allows (socketserver's default: 5)


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *_args):
        pass


@contextmanager
def serving(services: Services) -> Iterator[str]:
    """dxbot's real WSGI app on a loopback port, with its job lanes; yields its base URL. One app at a time per
    test: lanes of two apps on one database would take each other's jobs."""
    server = make_server(
        "127.0.0.1", 0, create_wsgi_app(services), server_class=_ThreadingWSGIServer, handler_class=_QuietHandler
    )
    lanes = start_lanes(services)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        lanes.stop(10)


@pytest.fixture
def app_url(services) -> Iterator[str]:
    with serving(services) as url:
        yield url


@pytest.fixture
def slack(app_url, fake_slack) -> SignedSlack:
    return SignedSlack(
        url=app_url, signing_secret=SIGNING_SECRET, response_url=fake_slack.response_url(), fake=fake_slack
    )


@pytest.fixture
def oauth_services(database_url, fake_slack, services) -> Iterator[Services]:
    """dxbot in OAuth mode on the suite's database (`services` empties it first): no SLACK_BOT_TOKEN at all."""
    built = build_services(oauth_settings(database_url, fake_slack, digest_team=OAUTH_DIGEST_TEAM))
    yield built
    built.db.dispose()


@pytest.fixture
def oauth_url(oauth_services) -> Iterator[str]:
    with serving(oauth_services) as url:
        yield url


@pytest.fixture(scope="session")
def fake_openai() -> Iterator[FakeOpenAI]:
    fake = start_fake_openai()
    yield fake
    fake.server.shutdown()


@pytest.fixture(scope="session")
def model_services(database_url, fake_slack, fake_openai) -> Iterator[Services]:
    """The same app with a language model: OPENAI_* point at the loopback fake."""
    settings = make_settings(
        database_url,
        fake_slack,
        openai_api_key="sk-test-not-a-real-key",
        openai_base_url=fake_openai.base_url,
        openai_deadline_seconds=8.0,
    )
    built = build_services(settings)
    yield built
    built.db.dispose()


@pytest.fixture
def model_app_url(model_services) -> Iterator[str]:
    with serving(model_services) as url:
        yield url


@pytest.fixture
def model_slack(model_app_url, fake_slack, fake_openai, services) -> SignedSlack:
    fake_openai.reset()
    return SignedSlack(
        url=model_app_url, signing_secret=SIGNING_SECRET, response_url=fake_slack.response_url(), fake=fake_slack
    )


@pytest.fixture
def municipality(services):
    with services.db.scope() as session:
        return repo.add_municipality(session, "横須賀市", prefecture="神奈川県", code="142018")


DATABASE_FIXTURES = {"database_url", "own_database_url"}


def pytest_collection_modifyitems(config, items) -> None:
    """DXBOT_TESTS_DATABASE_ONLY=1 (CI's second run, on PostgreSQL) keeps only the tests that use the database: the
    rest (knowledge, retrieval, parsing, CLI runs on their own SQLite files) ran on the first run and would only
    repeat it."""
    if os.environ.get("DXBOT_TESTS_DATABASE_ONLY") != "1":
        return
    kept, dropped = [], []
    for item in items:
        uses_database = DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())) or item.get_closest_marker(
            "database"
        )
        (kept if uses_database else dropped).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
