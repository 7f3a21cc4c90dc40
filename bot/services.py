"""The services listeners, the CLI and jobs share: built once per process."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cached_property

from bot.jobs import JobQueue
from bot.settings import Settings
from db import repo
from db.session import Database
from knowledge import kb
from knowledge.answer import Answerer
from knowledge.courses import CourseMatcher
from knowledge.llm import ChatModel
from knowledge.subsidy import Edition, load_editions


@dataclass(frozen=True)
class Services:
    """What listeners need, built once per process and shared by every request."""

    settings: Settings
    db: Database
    knowledge: kb.Knowledge
    matcher: CourseMatcher
    editions: list[Edition]
    jobs: JobQueue

    @cached_property
    def answerer(self) -> Answerer:
        """Builds the search index on first use: at start-up for the server, only when needed for the CLI."""
        settings = self.settings
        model = None
        if settings.openai_api_key:
            model = ChatModel(
                api_key=settings.openai_api_key,
                base_url=settings.openai_base_url,
                model=settings.openai_model,
                deadline_seconds=settings.openai_deadline_seconds,
            )
        return Answerer(self.knowledge, self.editions, model)

    def sync_courses(self) -> int:
        """Load the knowledge base's catalogue (including DXBOT_KB_DIR's courses) into the courses table."""
        with self.db.scope() as session:
            return repo.sync_courses(session, (c.model_dump(mode="json") for c in self.knowledge.courses.values()))

    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        """Today where the municipalities are (DXBOT_TZ), for subsidy rules and weeks."""
        return datetime.now(self.settings.tz).date()


def build_services(settings: Settings) -> Services:
    knowledge = kb.load(settings.kb_dir)
    # Every thread that may hold a connection at once: the web threads and both job lanes.
    connections = settings.web_threads + settings.ask_concurrency + settings.reply_concurrency
    db = Database(settings.database_url, timeout=settings.db_timeout_seconds, pool_size=connections)
    return Services(
        settings=settings,
        db=db,
        knowledge=knowledge,
        matcher=CourseMatcher(knowledge.courses.values()),
        editions=load_editions(),
        jobs=JobQueue(db, now=lambda: datetime.now(UTC)),
    )
