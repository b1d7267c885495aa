"""Claims on outbox rows: a long pass keeps its rows, a lost claim is never posted or recorded, SKIP LOCKED."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.app import build_deps
from mentoring.outbox import claim_due, claim_in, enqueue
from scheduler.tick import tick
from storage.db import make_engine, session_scope
from storage.models import Outbox, OutboxStatus
from tests.conftest import make_settings
from tests.support.clock import FakeClock
from tests.support.fake_slack import FakeSlack
from tests.support.outbox import outbox_rows, planned_posts

CHANNEL = "G0PAIRDM"
#: The wall clock of the first process; ``tick --now`` names another instant altogether.
WALL = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
PLANNED_AT = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def plan(engine: Engine, count: int) -> None:
    with session_scope(engine) as session:
        enqueue(session, planned_posts(count, key="claims", channel=CHANNEL, not_before=PLANNED_AT), now=PLANNED_AT)


class HeldPost:
    """Holds the first ``chat.postMessage`` until ``release()``: a pass stuck on a slow Slack answer.

    With ``answer_first`` Slack handles the call (and its injected answer) before the hold, so only
    the answer is late; otherwise the call reaches Slack only after the hold.
    """

    def __init__(self, fake: FakeSlack, monkeypatch: pytest.MonkeyPatch, *, answer_first: bool = False) -> None:
        self.started = threading.Event()
        self._released = threading.Event()
        self._taken = threading.Lock()
        self._first = True
        original: Callable[..., Any] = fake._handle

        def handle(method: str, args: dict[str, Any], headers: dict[str, str]) -> Any:
            with self._taken:
                hold = method == "chat.postMessage" and self._first
                if hold:
                    self._first = False
            if not hold:
                return original(method, args, headers)
            answer = original(method, args, headers) if answer_first else None
            self.started.set()
            self._released.wait(30)
            return answer if answer_first else original(method, args, headers)

        monkeypatch.setattr(fake, "_handle", handle)

    def release(self) -> None:
        self._released.set()


@pytest.fixture
def two_engines(database_url: str) -> Iterator[tuple[Engine, Engine]]:
    engines = (make_engine(database_url), make_engine(database_url))
    yield engines
    for engine in engines:
        engine.dispose()


def run_in_thread(target: Callable[[], Any]) -> tuple[threading.Thread, list[BaseException]]:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            target()
        except BaseException as error:  # reported by the test
            errors.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, errors


def test_a_second_tick_for_a_later_instant_during_a_long_pass_posts_nothing_twice(
    database_url: str,
    two_engines: tuple[Engine, Engine],
    fake_slack: FakeSlack,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``tick --now T`` is still posting (Slack is slow) when ``tick --now T+6min`` starts 6 s later."""
    settings = make_settings(fake_slack, database_url)
    first = build_deps(settings, engine=two_engines[0], clock=FakeClock(WALL))
    second = build_deps(settings, engine=two_engines[1], clock=FakeClock(WALL + timedelta(seconds=6)))
    plan(first.engine, 40)
    held = HeldPost(fake_slack, monkeypatch)

    thread, errors = run_in_thread(lambda: tick(PLANNED_AT, first, []))
    assert held.started.wait(30)
    later = tick(PLANNED_AT + timedelta(minutes=6), second, [])
    held.release()
    thread.join(60)

    assert not errors, errors
    texts = [p["text"] for p in fake_slack.posts(CHANNEL)]
    assert sorted(texts) == sorted(f"post {n}" for n in range(40))  # each once
    assert later.delivered == 0  # the first pass still held its claims
    assert {r.status for r in outbox_rows(first.engine)} == {OutboxStatus.SENT}


def test_a_pass_that_lost_its_claims_posts_none_of_them(
    database_url: str,
    two_engines: tuple[Engine, Engine],
    fake_slack: FakeSlack,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A first pass stuck longer than the lease: another process took its rows and the first posts none of them."""
    settings = make_settings(fake_slack, database_url)
    first = build_deps(settings, engine=two_engines[0], clock=FakeClock(WALL))
    second = build_deps(settings, engine=two_engines[1], clock=FakeClock(WALL + timedelta(minutes=6)))
    plan(first.engine, 5)
    held = HeldPost(fake_slack, monkeypatch, answer_first=True)  # the first post reached Slack; its answer is late

    thread, errors = run_in_thread(lambda: tick(PLANNED_AT, first, []))
    assert held.started.wait(30)
    later = tick(PLANNED_AT + timedelta(minutes=6), second, [])
    held.release()
    thread.join(60)

    assert not errors, errors
    texts = [p["text"] for p in fake_slack.posts(CHANNEL)]
    assert sorted(texts) == sorted(f"post {n}" for n in range(5))
    assert later.delivered == 5  # the first one found in Slack's history, the others posted
    assert {r.status for r in outbox_rows(first.engine)} == {OutboxStatus.SENT}


def test_an_outcome_is_recorded_only_while_the_claim_holds(
    database_url: str,
    two_engines: tuple[Engine, Engine],
    fake_slack: FakeSlack,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The first process's late failure must not undo the second's delivery (nor tell the admins it failed)."""
    settings = make_settings(fake_slack, database_url)
    first = build_deps(settings, engine=two_engines[0], clock=FakeClock(WALL))
    second = build_deps(settings, engine=two_engines[1], clock=FakeClock(WALL + timedelta(minutes=6)))
    plan(first.engine, 1)
    fake_slack.inject("chat.postMessage", error="is_archived")  # what the first attempt will hear, too late
    held = HeldPost(fake_slack, monkeypatch, answer_first=True)

    thread, errors = run_in_thread(lambda: tick(PLANNED_AT, first, []))
    assert held.started.wait(30)
    assert tick(PLANNED_AT + timedelta(minutes=6), second, []).delivered == 1
    held.release()
    thread.join(60)

    assert not errors, errors
    (row,) = outbox_rows(first.engine)
    assert (row.status, row.last_error) == (OutboxStatus.SENT, None)
    assert row.ts == fake_slack.messages(CHANNEL)[0]["ts"]
    assert tick(PLANNED_AT + timedelta(minutes=7), second, []).delivered == 0  # no "could not be delivered" DM
    assert len(fake_slack.posts()) == 1


@pytest.mark.postgres
def test_postgres_claims_skip_rows_another_open_transaction_holds(pg_url: str, pg_engine: Engine) -> None:
    plan(pg_engine, 10)
    other = make_engine(pg_url)
    claimed: list[Outbox] = []
    try:
        with Session(pg_engine) as holding:  # the first claimer's transaction stays open
            first_token = claim_in(holding, PLANNED_AT, limit=5)
            thread, errors = run_in_thread(lambda: claimed.extend(claim_due(other, PLANNED_AT, limit=5)))
            thread.join(15)
            blocked = thread.is_alive()
            holding.commit()
        thread.join(30)
    finally:
        other.dispose()
    assert not blocked, "the second claimer waited for the first one's transaction"
    assert not errors, errors
    first_ids = {r.id for r in outbox_rows(pg_engine) if r.claim_token == first_token}
    second_ids = {r.id for r in claimed}
    assert len(first_ids) == len(second_ids) == 5
    assert not first_ids & second_ids
