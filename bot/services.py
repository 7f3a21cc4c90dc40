"""The services listeners, the CLI and jobs share: built once per process."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property
from typing import TYPE_CHECKING

from sqlalchemy.exc import SQLAlchemyError

from bot.jobs import JobQueue
from bot.settings import Settings
from db import repo
from db.session import Database, NotSetUp
from knowledge import kb, store
from knowledge.answer import Answerer
from knowledge.courses import Catalogue, Listing
from knowledge.llm import ChatModel
from knowledge.search import SearchIndex
from knowledge.skill_check import Questionnaire
from knowledge.skill_check import load as load_questionnaire
from knowledge.subsidy import Edition, load_editions

if TYPE_CHECKING:
    from bot.installations import Installations

log = logging.getLogger(__name__)


@dataclass
class _Latest:
    """The catalogue last read, shared by every thread of a process."""

    value: Catalogue | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass(frozen=True)
class Services:
    """What listeners need, built once per process and shared by every request."""

    settings: Settings
    db: Database
    opened: store.Opened
    editions: list[Edition]
    questionnaire: Questionnaire  # the skill check's (knowledge/data/skill_check.yaml)
    jobs: JobQueue
    installations: Installations | None = None  # OAuth mode: the workspaces' tokens; None with SLACK_BOT_TOKEN
    _catalogue: _Latest = field(default_factory=_Latest)

    @property
    def knowledge(self) -> kb.Knowledge:
        return self.opened.knowledge

    @cached_property
    def answerer(self) -> Answerer:
        """Opens the search index on first use: at start-up for the server, only when needed for the CLI."""
        settings = self.settings
        model = None
        if settings.openai_api_key:
            model = ChatModel(
                api_key=settings.openai_api_key,
                base_url=settings.openai_base_url,
                model=settings.openai_model,
                deadline_seconds=settings.openai_deadline_seconds,
            )
        return Answerer(self.knowledge, self.opened.index, self.editions, model, self._catalogue_for_answers)

    def not_ready(self) -> str | None:
        """Why this process cannot serve members now (for /readyz), or None when it can."""
        try:
            self.db.require_schema()
        except NotSetUp as exc:
            return str(exc)
        except SQLAlchemyError as exc:  # NotSetUp first: it is one too
            return f"cannot reach {self.db.describe()} ({type(exc).__name__})"
        if not self.knowledge.entries:
            return "the knowledge base has no entries"
        return None

    def sync_courses(self) -> int:
        """Load the learning paths' courses (including DXBOT_KB_DIR's) into the courses table."""
        courses = (course.model_dump(mode="json") for course in self.knowledge.courses.values())
        with self.db.scope() as session:
            return repo.sync_courses(session, courses, self.now())

    def catalogue(self) -> Catalogue:
        """Every course as the database has it now: read again, with its matcher, only after it changed."""
        with self.db.scope(read_only=True) as session:
            revision = repo.catalogue_revision(session)
            with self._catalogue.lock:
                current = self._catalogue.value
                if current is None or current.revision != revision:
                    courses = repo.catalogue(session)
                    current = self._catalogue.value = Catalogue(courses, revision, self._open_catalogue_index)
        return current

    def _catalogue_for_answers(self) -> Catalogue | None:
        try:
            return self.catalogue()
        except SQLAlchemyError as exc:  # the answer still comes from the knowledge base
            log.warning("could not read the course catalogue (%s); answering without it", type(exc).__name__)
            return None

    def _open_catalogue_index(self, courses: Sequence[Listing], revision: str) -> SearchIndex[Listing]:
        return store.open_catalogue_index(courses, revision, self.settings.index_dir)

    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        """Today where the municipalities are (DXBOT_TZ), for subsidy rules and weeks."""
        return datetime.now(self.settings.tz).date()


def build_services(settings: Settings, *, create_database: bool = False) -> Services:
    """`create_database`: only `dxbot db upgrade` may create a SQLite file that is not there."""
    opened = store.open_knowledge(settings.kb_dir, settings.index_dir)
    # Every thread that may hold a connection at once: the web threads and both job lanes.
    connections = settings.web_threads + settings.ask_concurrency + settings.reply_concurrency
    db = Database(
        settings.database_url, timeout=settings.db_timeout_seconds, pool_size=connections, create=create_database
    )
    return Services(
        settings=settings,
        db=db,
        opened=opened,
        editions=load_editions(),
        questionnaire=load_questionnaire(opened.knowledge.courses),
        jobs=JobQueue(db, now=lambda: datetime.now(UTC)),
        installations=_installations(settings, db),
    )


def _installations(settings: Settings, db: Database) -> Installations | None:
    if not settings.oauth:
        return None
    from bot.installations import Installations  # slack_sdk's stores: only for OAuth mode

    return Installations(settings, db)
