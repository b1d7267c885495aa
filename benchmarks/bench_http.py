"""Benchmark: latency of a signed ``/mentor help`` over real HTTP (waitress), sequential and 8 concurrent.

Run: python -m benchmarks.bench_http [--requests 500]
Prints p50 / p95 / max in milliseconds; Slack needs the ack within 3,000 ms.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

from bot.app import build_deps, create_app
from bot.server import serving_in_thread
from mentoring.settings import Settings
from storage.db import make_engine
from storage.migrate import upgrade
from tests.support.fake_slack import VALID_TOKEN, FakeSlack
from tests.support.slack_requests import SIGNING_SECRET, SlackSender


def timed(sender: SlackSender) -> float:
    started = time.perf_counter()
    response = sender.command("help")
    assert response.status == 200
    return (time.perf_counter() - started) * 1000


def summary(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return f"p50 {statistics.median(ordered):.1f} ms, p95 {p95:.1f} ms, max {ordered[-1]:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=500)
    args = parser.parse_args()
    with FakeSlack() as fake, tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        engine = make_engine(url)
        upgrade(engine)
        settings = Settings(
            slack_bot_token=VALID_TOKEN,
            slack_signing_secret=SIGNING_SECRET,
            slack_api_url=fake.api_url,
            database_url=url,
        )
        deps = build_deps(settings, engine=engine)
        with serving_in_thread(
            create_app(settings, client=deps.client, engine=engine),
            engine,
            signing_secret=settings.slack_signing_secret,
        ) as url:
            sender = SlackSender(url, response_url=fake.response_url())
            sequential = [timed(sender) for _ in range(args.requests)]
            with ThreadPoolExecutor(max_workers=8) as pool:
                concurrent = list(pool.map(lambda _: timed(sender), range(args.requests)))
    print(f"sequential ({args.requests}): {summary(sequential)}")
    print(f"8 concurrent ({args.requests}): {summary(concurrent)}")


if __name__ == "__main__":
    main()
