"""How long `dxbot import udemy` takes for a 10,000-row Udemy Business report: 2,000 people (each looked up once by
e-mail in the loopback fake Slack of tests/fakes/slack.py), 5 completed courses each, half the titles the
catalogue knows. Prints the time, its ratio to a baseline run in the same process on a tenth of the rows
(linear scaling would be 10×), and a re-import of the whole file (everything already known).

    python -m bench.udemy_import [--database-url URL] [--rows N]

Goal: the full file imports in under 10 s on SQLite. Without --database-url it uses a temporary SQLite file,
migrated here; a PostgreSQL database must be empty. Not a timed unit test.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bot.importing import import_udemy, slack_client
from bot.services import build_services
from bot.settings import Settings
from db import migrate, repo
from db.session import make_engine
from tests.fakes.slack import start_fake_slack

COURSES_EACH = 5
MUNICIPALITY = "横須賀市"
GOAL_SECONDS = 10.0
HEADER = "User Name,User Email,Course ID,Course Title,Completion Ratio,Course Completion Date,Course Duration\n"


def report(rows: int, first_person: int, catalogue_titles: list[str]) -> bytes:
    """`rows` completions of people numbered from `first_person`, each finishing COURSES_EACH courses."""
    rng = random.Random(rows + first_person)
    titles = catalogue_titles + [f"自治体研修 {n:03d}" for n in range(len(catalogue_titles) or 50)]
    lines = [HEADER]
    for n in range(rows):
        person = first_person + n // COURSES_EACH
        title = titles[(person * 7 + n % COURSES_EACH) % len(titles)]
        day = f"2026-{rng.randrange(4, 13):02d}-{rng.randrange(1, 29):02d}"
        lines.append(f"職員{person},staff{person}@city.example.lg.jp,,{title},100,{day},{rng.randrange(30, 600)}\n")
    return "".join(lines).encode()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args(argv)
    url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.sqlite3'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    fake = start_fake_slack()
    people = (args.rows + args.rows // 10) // COURSES_EACH + 1
    for n in range(people):
        fake.add_user(f"staff{n}@city.example.lg.jp", f"U{n:07d}")
    settings = Settings(
        slack_bot_token="xoxb-bench", slack_signing_secret="bench", slack_api_url=fake.api_url, database_url=url
    )
    services = build_services(settings)
    services.sync_courses()
    with services.db.scope() as session:
        repo.add_municipality(session, MUNICIPALITY)
    titles = [course.title for course in services.catalogue().courses][:50]
    client = slack_client(services)

    def timed(raw: bytes) -> tuple[float, int]:
        began = time.perf_counter()
        result = import_udemy(services, client, MUNICIPALITY, raw)
        assert not result.rejected, result.rejected[:3]
        return time.perf_counter() - began, result.new_completions

    tenth = args.rows // 10
    baseline, added = timed(report(tenth, 0, titles))
    print(f"{services.db.engine.dialect.name}: baseline, {tenth:,} rows: {baseline:.2f} s ({added:,} added)")
    full_file = report(args.rows, tenth // COURSES_EACH + 1, titles)
    full, added = timed(full_file)
    verdict = "meets" if full < GOAL_SECONDS else "MISSES"
    print(f"import, {args.rows:,} rows: {full:.2f} s ({added:,} added); {verdict} the goal of {GOAL_SECONDS:g} s")
    print(f"ratio: {full / baseline:.1f}× the baseline for 10× the rows")
    again, added = timed(full_file)
    print(f"re-import of the same {args.rows:,} rows: {again:.2f} s ({added} added)")
    print(f"Slack look-ups: {len(fake.of('users.lookupByEmail')):,} (one per distinct address)")
    services.db.dispose()
    fake.server.shutdown()


if __name__ == "__main__":
    main()
