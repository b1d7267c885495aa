"""The bot served over HTTP on a chosen database: SQLite (the suite's default) or PostgreSQL, per test."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from bot.app import build_deps
from tests.support.clock import FakeClock
from tests.support.database import migrated_engine
from tests.support.fake_slack import FakeSlack

#: Parametrise a fixture with these to run a test on both databases.
BOTH_DATABASES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@contextmanager
def running_bot(fake: FakeSlack, url: str, clock: FakeClock) -> Iterator[object]:
    """A RunningBot on the database at ``url`` (migrated here)."""
    from tests.conftest import make_settings, serving

    with migrated_engine(url) as engine:
        settings = make_settings(fake, url)
        with serving(build_deps(settings, engine=engine, clock=clock), fake) as running:
            yield running


def bot_on(request: pytest.FixtureRequest, backend: str) -> Iterator[object]:
    """The ``bot`` fixture on SQLite, or a bot on a fresh PostgreSQL schema."""
    if backend == "sqlite":
        yield request.getfixturevalue("bot")
        return
    url: str = request.getfixturevalue("pg_url")
    with running_bot(request.getfixturevalue("fake_slack"), url, request.getfixturevalue("clock")) as running:
        yield running
