"""The services listeners, the CLI and jobs share: built once per process."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from bot.settings import Settings
from db.session import Database
from knowledge import kb
from knowledge.courses import CourseMatcher


@dataclass(frozen=True)
class Services:
    """What listeners need, built once per process and shared by every request."""

    settings: Settings
    db: Database
    knowledge: kb.Knowledge
    matcher: CourseMatcher

    def __deepcopy__(self, memo: dict) -> Services:
        # Bolt deep-copies the request context for lazy listeners; the services are shared, not copied.
        return self

    def now(self) -> datetime:
        return datetime.now(UTC)


def build_services(settings: Settings) -> Services:
    knowledge = kb.load(settings.kb_dir)
    return Services(
        settings=settings,
        db=Database(settings.database_url),
        knowledge=knowledge,
        matcher=CourseMatcher(knowledge.courses.values()),
    )
