"""Benchmark: how fast one scheduler pass plans and delivers N posts (fake Slack on loopback).

Run: python -m benchmarks.bench_outbox [--posts 2000] [--database-url URL]
Prints posts per second for planning (outbox inserts) and delivery (claim + chat.postMessage + mark sent).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Iterable
from contextlib import nullcontext
from datetime import UTC, datetime

from bot.app import build_deps
from mentoring.outbox import PlannedPost, enqueue
from mentoring.settings import Settings
from slackapi.delivery import deliver_due
from storage.db import make_engine, session_scope
from storage.migrate import upgrade
from tests.support.fake_slack import VALID_TOKEN, FakeSlack


def planned(count: int, now: datetime) -> Iterable[PlannedPost]:
    for n in range(count):
        yield PlannedPost(f"bench:{n}", "T0001", f"G{n % 50:04d}", "bench", f"benchmark post {n}", now)


def run(posts: int, database_url: str) -> dict[str, float]:
    now = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    with FakeSlack() as fake:
        engine = make_engine(database_url)
        upgrade(engine)
        settings = Settings(
            slack_bot_token=VALID_TOKEN, slack_signing_secret="x", slack_api_url=fake.api_url, database_url=database_url
        )
        deps = build_deps(settings, engine=engine)
        started = time.perf_counter()
        with session_scope(engine) as session:
            inserted = enqueue(session, planned(posts, now), now=now)
        plan_s = time.perf_counter() - started
        started = time.perf_counter()
        with session_scope(engine) as session:
            again = enqueue(session, planned(posts, now), now=now)
        replan_s = time.perf_counter() - started
        started = time.perf_counter()
        delivered = deliver_due(engine, deps.client, now)
        deliver_s = time.perf_counter() - started
        engine.dispose()
    assert inserted == posts and again == 0 and delivered == posts
    return {
        "posts": posts,
        "plan_per_s": posts / plan_s,
        "replan_noop_per_s": posts / replan_s,
        "deliver_per_s": posts / deliver_s,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument(
        "--database-url",
        default=None,
        help="SQLAlchemy URL (default: a temporary SQLite file); 'postgres' = a throw-away schema on "
        "MENTOR_TEST_DATABASE_URL or the local test database",
    )
    args = parser.parse_args()
    if args.database_url and args.database_url.startswith("postgres"):
        from tests.support.database import fresh_postgres_url

        with fresh_postgres_url() if args.database_url == "postgres" else nullcontext(args.database_url) as url:
            result = run(args.posts, url)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            url = args.database_url or f"sqlite:///{tmp}/bench.db"
            result = run(args.posts, url)
    print(f"database: {url.split(':')[0]}")
    for key, value in result.items():
        print(f"{key}: {value:,.0f}")


if __name__ == "__main__":
    main()
