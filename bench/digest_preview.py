"""How long the weekly digest preview takes at full scale: 1,741 municipalities, ~50 members each, 1,000,000
completions over 12 weeks, all in one prefecture (the largest a tenant can be). Prints the time and its ratio to a
baseline run in the same process on a tenth of the completions (linear scaling would be 10×; the grouped queries
should do better).

    python -m bench.digest_preview [--database-url URL] [--completions N]

Without --database-url it uses a temporary SQLite file. The database must be empty: the schema is migrated
and the seed inserted. Not a timed unit test.
"""

from __future__ import annotations

import argparse
import operator
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, func, insert, select, text

from bot.settings import Settings
from db import migrate, prefectures, repo
from db.digest import Week, digest_data
from db.models import Completion, Member, Municipality, MunicipalityPrefecture, Prefecture
from db.session import Database
from handlers.digest_blocks import digest_messages
from knowledge import kb

MUNICIPALITIES = 1741
MEMBERS_EACH = 50
WEEKS = 12
WEEK = Week.parse("2026-W48")
FREE_TITLES = [f"自治体研修{n:02d}" for n in range(25)]  # courses recorded as written, outside the catalogue
REPEATS = 5
COLUMNS = (
    "member_id",
    "municipality_id",
    "course_id",
    "course_key",
    "title_snapshot",
    "hours",
    "completed_at",
    "source",
)
RECORDED = operator.itemgetter(COLUMNS.index("completed_at"))  # rows are written as members record them


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    parser.add_argument("--completions", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.sqlite3'}"
    database = Database(url, create=True)
    migrate.upgrade(database.engine)
    knowledge = kb.load()
    if args.completions > MUNICIPALITIES * MEMBERS_EACH * (len(knowledge.courses) + len(FREE_TITLES)):
        sys.exit(f"--completions {args.completions}: at most one completion of each course per member")
    with database.scope() as session:
        if session.scalar(select(func.count()).select_from(Municipality)):
            sys.exit(f"{url}: the benchmark needs an empty database")
        repo.sync_courses(session, (c.model_dump(mode="json") for c in knowledge.courses.values()), datetime.now(UTC))
    tz = Settings().tz
    rows = _plan(database, knowledge, args.completions, tz)
    tenth = len(rows) // 10
    print(f"{database.engine.dialect.name}: {MUNICIPALITIES} municipalities, {MUNICIPALITIES * MEMBERS_EACH} members")

    def preview() -> None:
        with database.scope() as session:
            digest_messages(digest_data(session, WEEK, tz, prefectures.tenants(session)[0]), knowledge)

    _seed(database, sorted(rows[:tenth], key=RECORDED))
    baseline = _timed(preview)
    print(f"baseline, {tenth:,} completions: {baseline * 1000:.0f} ms (median of {REPEATS})")
    _seed(database, sorted(rows[tenth:], key=RECORDED))
    full = _timed(preview)
    print(f"preview, {len(rows):,} completions: {full * 1000:.0f} ms (median of {REPEATS})")
    print(f"ratio: {full / baseline:.1f}× the baseline for 10× the completions")
    database.dispose()


def _plan(database: Database, knowledge: kb.Knowledge, count: int, tz: ZoneInfo) -> list[tuple]:
    """Municipalities and members inserted now; the completions returned shuffled, each (member, course) once."""
    rng = random.Random(48)
    start, end = WEEK.shift(1 - WEEKS).bounds(tz)[0], WEEK.bounds(tz)[1]
    span = int((end - start).total_seconds())
    members = _seed_people(database, rng, start, span)
    catalogue = [(c.id, c.title, c.hours) for c in knowledge.courses.values()]
    pool = catalogue + [(None, title, None) for title in FREE_TITLES]
    per_member, extra = divmod(count, len(members))
    rows = []
    for n, (member_id, municipality_id) in enumerate(members):
        for course_id, title, hours in rng.sample(pool, per_member + (n < extra)):
            when = start + timedelta(seconds=rng.randrange(span))
            key = course_id or "free:" + title
            rows.append((member_id, municipality_id, course_id, key, title, hours, when, "import"))
    rng.shuffle(rows)
    return rows


def _seed_people(database: Database, rng: random.Random, start: datetime, span: int) -> list[tuple[int, int]]:
    with database.engine.begin() as connection:
        connection.execute(
            insert(Municipality),
            [{"name": f"自治体{n:04d}", "code": f"{100000 + n}"} for n in range(MUNICIPALITIES)],
        )
        ids = connection.scalars(select(Municipality.id).order_by(Municipality.id)).all()
        prefecture = connection.execute(insert(Prefecture).values(name="全国").returning(Prefecture.id)).scalar_one()
        connection.execute(
            insert(MunicipalityPrefecture), [{"municipality_id": i, "prefecture_id": prefecture} for i in ids]
        )
        connection.execute(
            insert(Member),
            [
                {
                    "slack_team_id": "T1",
                    "slack_user_id": f"U{municipality_id:04d}{n:02d}",
                    "municipality_id": municipality_id,
                    "role": "learner",
                    "track": rng.choice(("ict", "business", None)),
                    "show_name": n % 5 == 0,
                    "display_name": f"member {n}",
                    "joined_at": start + timedelta(seconds=rng.randrange(span)),
                }
                for municipality_id in ids
                for n in range(MEMBERS_EACH)
            ],
        )
        return list(connection.execute(select(Member.id, Member.municipality_id)).all())


def _seed(database: Database, rows: list[tuple]) -> None:
    began = time.perf_counter()
    with database.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            _copy(connection, rows)
        else:
            connection.execute(insert(Completion), [dict(zip(COLUMNS, row, strict=True)) for row in rows])
    if database.engine.dialect.name == "postgresql":
        with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE completions"))  # what autovacuum does before Monday 09:00
    print(f"  seeded {len(rows):,} completions in {time.perf_counter() - began:.1f} s")


def _copy(connection: Connection, rows: list[tuple]) -> None:
    cursor = connection.connection.driver_connection.cursor()
    with cursor.copy(f"COPY completions ({', '.join(COLUMNS)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _timed(action: Callable[[], None]) -> float:
    action()  # warm the caches once: the digest runs on a live database
    times = []
    for _ in range(REPEATS):
        began = time.perf_counter()
        action()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


if __name__ == "__main__":
    main()
