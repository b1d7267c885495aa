"""Exactly once: ticks repeated at the same instant, or run at once by two processes, never post anything twice."""

from __future__ import annotations

import logging
import threading
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.app import build_deps
from mentoring.deps import Deps
from mentoring.followthrough import add_items
from mentoring.settings import Settings
from scheduler.tick import tick
from storage.db import make_engine, session_scope
from storage.models import CheckIn, Meeting, Pair
from tests.conftest import MENTEE, MENTOR, OTHER, make_settings
from tests.support.clock import FakeClock
from tests.support.fake_slack import FakeSlack
from tests.support.sessions import agree_boundaries, lives_in, new_pair_id, utc
from tests.support.slack_user import REPO, cli_env, run_cli

#: Reminder and questions of meeting 1, then of meeting 2 (a weekly pair gets no separate nudge).
INSTANTS = (
    utc(2026, 12, 3, 7, 0),
    utc(2026, 12, 3, 15, 0),
    utc(2026, 12, 3, 17, 10),
    utc(2026, 12, 10, 7, 0),
    utc(2026, 12, 10, 15, 0),
    utc(2026, 12, 10, 17, 10),
)


def set_up_pairs(engine: Engine, fake: FakeSlack, count: int) -> None:
    people = [MENTOR, MENTEE, OTHER, "U0FOURTH", "U0FIFTH", "U0SIXTH"]
    # Everyone lives in Berlin, where their 08–20 hours are agreed (the fake Slack knows no zone for the
    # others: the agreed one stands for them).
    for person in (MENTOR, MENTEE, OTHER):
        lives_in(fake, person, "Europe/Berlin")
    for n in range(count):
        pair_id = new_pair_id(engine, mentor=people[n % 6], mentee=f"U0MENTEE{n}", channel_id=f"G0PAIR{n:04d}")
        agree_boundaries(engine, pair_id)
        with session_scope(engine) as session:
            pair = session.get(Pair, pair_id)
            assert pair is not None
            add_items(
                session,
                pair=pair,
                owner_id=pair.mentee_id,
                text="Read a book",
                kind="action",
                due_at=None,
                now=utc(2026, 12, 1),
            )


def delivery_keys(fake: FakeSlack) -> list[str]:
    """The delivery keys of the pairs' posts (what goes to the admins is counted elsewhere)."""
    keys = [p["metadata"]["event_payload"]["delivery_key"] for p in fake.posts()]
    return [k for k in keys if k.split(":")[0] in ("reminder", "checkin", "nudge")]


def expected_keys_per_pair() -> int:
    # Per pair: 2 reminders and 2 sets of questions. No weekly nudge: in a week with a meeting its
    # reminder lists the mentee's open item already (tests/scheduler/test_nudges.py).
    return 4


def test_tick_twice_at_every_instant_posts_each_thing_once(deps: Deps, fake_slack: FakeSlack) -> None:
    set_up_pairs(deps.engine, fake_slack, 3)
    for instant in INSTANTS:
        first = tick(instant, deps)
        second = tick(instant, deps)
        assert (second.planned, second.delivered) == (0, 0), instant
        assert first.planned == first.delivered
    keys = delivery_keys(fake_slack)
    assert len(keys) == 3 * expected_keys_per_pair()
    assert len(set(keys)) == len(keys)


def _tick_concurrently(settings: Settings, url: str, instants: tuple[datetime, ...], threads: int = 2) -> None:
    engines = [make_engine(url) for _ in range(threads)]
    errors: list[BaseException] = []
    try:
        for instant in instants:
            barrier = threading.Barrier(threads)

            def run(engine: Engine, at: datetime = instant, gate: threading.Barrier = barrier) -> None:
                try:
                    deps = build_deps(settings, engine=engine, clock=FakeClock(at))
                    gate.wait()
                    tick(at, deps)
                except BaseException as error:
                    errors.append(error)

            workers = [threading.Thread(target=run, args=(engine,)) for engine in engines]
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join(timeout=120)
    finally:
        for engine in engines:
            engine.dispose()
    assert not errors, errors


def _assert_each_once(engine: Engine, fake: FakeSlack, pairs: int) -> None:
    counts = Counter(delivery_keys(fake))
    assert [key for key, n in counts.items() if n > 1] == []
    assert len(counts) == pairs * expected_keys_per_pair()
    with session_scope(engine) as session:
        stored = list(session.exec(select(Meeting)))
        assert len(stored) == len({(m.pair_id, m.series_at) for m in stored})
        assert sorted({m.number for m in stored if m.series_at <= utc(2026, 12, 10, 16, 0)}) == [1, 2]
        assert len(list(session.exec(select(CheckIn)))) == pairs * 2


def _no_errors_logged(caplog: pytest.LogCaptureFixture) -> None:
    """No pair was skipped on the way (a planning error is logged, not raised)."""
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_two_processes_ticking_at_once_on_sqlite_post_each_thing_once(
    database_url: str, engine: Engine, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("the PostgreSQL variant is below")
    set_up_pairs(engine, fake_slack, 6)
    _tick_concurrently(make_settings(fake_slack, database_url), database_url, INSTANTS)
    _assert_each_once(engine, fake_slack, 6)
    _no_errors_logged(caplog)


@pytest.mark.postgres
def test_three_processes_ticking_at_once_on_postgres_post_each_thing_once(
    pg_url: str, pg_engine: Engine, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    set_up_pairs(pg_engine, fake_slack, 12)
    _tick_concurrently(make_settings(fake_slack, pg_url), pg_url, INSTANTS, threads=3)
    _assert_each_once(pg_engine, fake_slack, 12)
    _no_errors_logged(caplog)


@pytest.mark.e2e
def test_python_m_bot_tick_now_twice_posts_the_reminder_once(
    tmp_path: Path, fake_slack: FakeSlack, database_url: str, engine: Engine
) -> None:
    pair_id = new_pair_id(engine, mentor=MENTOR, mentee=MENTEE)
    agree_boundaries(engine, pair_id)
    env = cli_env(
        PYTHONPATH=str(REPO),
        SLACK_BOT_TOKEN="xoxb-test-token",
        SLACK_API_URL=fake_slack.api_url,
        DATABASE_URL=database_url,
    )
    for _ in range(2):
        result = run_cli(["tick", "--now", "2026-12-03T15:00:00Z"], tmp_path, env)
        assert result.returncode == 0, result.stderr
    (post,) = fake_slack.posts()
    assert post["metadata"]["event_payload"]["delivery_key"].startswith(f"reminder:{pair_id}:")
    # An offset instant is the same moment: 16:10 Berlin is 15:10 UTC, still nothing new.
    assert run_cli(["tick", "--now", "2026-12-03T16:10:00+01:00"], tmp_path, env).returncode == 0
    assert len(fake_slack.posts()) == 1
