"""Benchmark: one full scheduler pass (every producer, then delivery) over N active pairs.

Run: python -m benchmarks.bench_tick [--pairs 200] [--database-url postgres]
Each pair has agreed weekly boundaries. Three instants are timed: a quiet minute (nothing due),
the reminder minute (one reminder per pair) and a repeat of that minute (nothing new).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from contextlib import nullcontext
from datetime import datetime

from bot.app import build_deps
from mentoring.settings import Settings
from scheduler.tick import tick
from storage.db import make_engine
from storage.migrate import upgrade
from tests.support.fake_slack import VALID_TOKEN, FakeSlack
from tests.support.sessions import agree_boundaries, new_pair_id, utc


def run(pairs: int, url: str) -> list[tuple[str, float, int]]:
    engine = make_engine(url)
    upgrade(engine)
    for n in range(pairs):
        pair_id = new_pair_id(engine, mentor=f"UM{n:05d}", mentee=f"UE{n:05d}", channel_id=f"G{n:08d}")
        agree_boundaries(engine, pair_id)  # weekly, Thursdays 17:00 Berlin, from 3 Dec 2026
    results = []
    with FakeSlack() as fake:
        settings = Settings(
            slack_bot_token=VALID_TOKEN, slack_signing_secret="x", slack_api_url=fake.api_url, database_url=url
        )
        deps = build_deps(settings, engine=engine)
        instants: list[tuple[str, datetime]] = [
            ("quiet minute", utc(2026, 12, 1, 10, 0)),
            ("reminder minute", utc(2026, 12, 3, 15, 0)),
            ("same minute again", utc(2026, 12, 3, 15, 0)),
        ]
        for label, instant in instants:
            started = time.perf_counter()
            result = tick(instant, deps)
            results.append((label, time.perf_counter() - started, result.delivered))
    engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pairs", type=int, default=200)
    parser.add_argument(
        "--database-url",
        default=None,
        help="default: a temporary SQLite file; 'postgres': a throw-away schema on the local test database",
    )
    args = parser.parse_args()
    if args.database_url == "postgres":
        from tests.support.database import fresh_postgres_url

        context = fresh_postgres_url()
    else:
        tmp = tempfile.mkdtemp()
        context = nullcontext(args.database_url or f"sqlite:///{tmp}/bench.db")
    with context as url:
        results = run(args.pairs, url)
    print(f"database: {url.split(':')[0]}, {args.pairs} active pairs")
    for label, seconds, delivered in results:
        print(f"{label}: {seconds * 1000:,.0f} ms, {delivered} posts delivered")


if __name__ == "__main__":
    main()
