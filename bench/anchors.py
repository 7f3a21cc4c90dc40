"""The two anchors dxbot's ack path is measured against, as gunicorn app factories:

    gunicorn --workers 2 --worker-class gthread --threads 8 'bench.anchors:bare()'
    gunicorn --workers 2 --worker-class gthread --threads 8 'bench.anchors:same_work()'

`bare`: bolt's floor, a `/dx` listener that only calls ack(). `same_work`: a `/dx` listener that commits one
row (user id, text, time) with SQLAlchemy on SQLite and confirms in the ack ("記録しました: …"). Both read
SLACK_SIGNING_SECRET and SLACK_API_URL as dxbot does; same_work writes to DATABASE_URL, whose table
`create_schema` made. Both answer GET /healthz.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from sqlalchemy import DateTime, Engine, String, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column


class Base(DeclarativeBase):
    pass


class Record(Base):
    __tablename__ = "records"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(String(3000))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


def bare():
    app = _bolt_app()

    @app.command("/dx")
    def ack_only(ack):
        ack()

    return _wsgi(app)


def same_work():
    engine = _engine(os.environ["DATABASE_URL"])
    app = _bolt_app()

    @app.command("/dx")
    def record_then_confirm(ack, command):
        with Session(engine) as session, session.begin():
            session.add(Record(user_id=command["user_id"], text=command["text"], created_at=datetime.now(UTC)))
        ack(text=f"記録しました: {command['text']}")

    return _wsgi(app)


def create_schema(database_url: str) -> None:
    engine = _engine(database_url)
    Base.metadata.create_all(engine)
    engine.dispose()


def _engine(database_url: str) -> Engine:
    # dxbot's SQLite settings (db/session.py): WAL, synchronous left at SQLite's default, a 10 s busy timeout.
    engine = create_engine(database_url, connect_args={"timeout": 10})
    event.listen(engine, "connect", lambda connection, _record: connection.execute("PRAGMA journal_mode=WAL"))
    return engine


def _bolt_app() -> App:
    # As bot/app.py builds dxbot's: no auth.test at start-up, acks answered while listeners run on bolt's pool.
    return App(
        client=WebClient(token=os.environ.get("SLACK_BOT_TOKEN"), base_url=os.environ["SLACK_API_URL"]),
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
        token_verification_enabled=False,
        process_before_response=False,
    )


def _wsgi(app: App):
    slack = SlackRequestHandler(app, path="/slack/events")

    def application(environ, start_response):
        if environ.get("PATH_INFO") == "/healthz":
            start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
            return [b"ok\n"]
        return slack(environ, start_response)

    return application
