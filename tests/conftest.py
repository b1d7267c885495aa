"""Shared fixtures: a migrated database, the fake Slack, an injected clock and the bot served over HTTP."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from bot.app import build_deps, create_app
from bot.server import serving_in_thread
from mentoring.deps import Deps
from mentoring.settings import Settings
from storage.db import make_engine
from tests.support.clock import FakeClock
from tests.support.database import (
    fresh_postgres_url,
    migrate_template_sqlite,
    migrated_engine,
    suite_runs_on_postgres,
    truncate_all,
)
from tests.support.executor import TrackingExecutor
from tests.support.fake_slack import VALID_TOKEN, FakeSlack
from tests.support.slack_requests import SIGNING_SECRET, SlackSender
from tests.support.slack_user import ADMIN, MENTEE, MENTOR

OTHER = "U0OTHER"


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        fake.add_user(ADMIN, name="ada", tz="Europe/London")
        fake.add_user(MENTOR, name="maria", tz="Europe/Berlin")
        fake.add_user(MENTEE, name="tom", tz="America/New_York")
        fake.add_user(OTHER, name="olga", tz="Asia/Tokyo")
        yield fake


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrations run once per test session; each test gets a copy of the migrated file."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    migrate_template_sqlite(str(path))
    return path


@pytest.fixture(scope="session")
def shared_postgres_url() -> Iterator[str]:
    """With the suite on PostgreSQL: one migrated schema, emptied before each test."""
    with fresh_postgres_url() as url, migrated_engine(url):
        yield url


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty database for this test (SQLite by default, PostgreSQL with MENTOR_TEST_DATABASE_URL)."""
    if suite_runs_on_postgres():
        url: str = request.getfixturevalue("shared_postgres_url")
        truncate_all(url)
        return url
    target = tmp_path / "mentor.db"
    shutil.copyfile(request.getfixturevalue("sqlite_template"), target)
    return f"sqlite:///{target}"


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def pg_url() -> Iterator[str]:
    with fresh_postgres_url() as url:
        yield url


@pytest.fixture
def pg_engine(pg_url: str) -> Iterator[Engine]:
    with migrated_engine(pg_url) as engine:
        yield engine


def make_settings(fake: FakeSlack, database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "slack_bot_token": VALID_TOKEN,
        "slack_signing_secret": SIGNING_SECRET,
        "slack_api_url": fake.api_url,
        "database_url": database_url,
        "admins": frozenset({ADMIN}),
        "default_tz": "UTC",
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def settings(fake_slack: FakeSlack, database_url: str) -> Settings:
    return make_settings(fake_slack, database_url)


@pytest.fixture
def deps(settings: Settings, engine: Engine, clock: FakeClock) -> Deps:
    return build_deps(settings, engine=engine, clock=clock)


@dataclass
class RunningBot:
    url: str
    deps: Deps
    fake: FakeSlack
    slack: SlackSender
    listeners: TrackingExecutor

    @property
    def engine(self) -> Engine:
        return self.deps.engine

    def settle(self) -> None:
        """Wait until everything Bolt does after its acks has finished (before checking that nothing changed)."""
        self.listeners.wait_idle()


@contextmanager
def serving(deps: Deps, fake: FakeSlack) -> Iterator[RunningBot]:
    """Serve the bot over real HTTP on a free port; on exit, wait for its listeners, then stop."""
    listeners = TrackingExecutor()
    app = create_app(
        deps.settings, client=deps.client, engine=deps.engine, clock=deps.clock, listener_executor=listeners
    )
    try:
        with serving_in_thread(app, deps.engine, signing_secret=deps.settings.slack_signing_secret) as url:
            running = RunningBot(url, deps, fake, SlackSender(url, response_url=fake.response_url()), listeners)
            try:
                yield running
            finally:
                running.settle()  # no test's background work spills into the next one
    finally:
        listeners.shutdown(wait=True)


@pytest.fixture
def bot(deps: Deps, fake_slack: FakeSlack) -> Iterator[RunningBot]:
    """The bot served over real HTTP by waitress on a free port, talking to the fake Slack."""
    with serving(deps, fake_slack) as running:
        yield running
