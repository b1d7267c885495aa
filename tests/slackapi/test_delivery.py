"""The scheduler's outbox: each planned post reaches Slack exactly once, whatever happens."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy.engine import Engine

from bot.app import build_deps
from mentoring.deps import Deps
from mentoring.outbox import claim_due
from mentoring.settings import Settings
from scheduler.tick import tick
from storage.db import session_scope
from storage.models import Outbox, OutboxStatus
from tests.support import outbox
from tests.support.fake_slack import FakeSlack
from tests.support.outbox import outbox_rows

CHANNEL = "G0PAIRDM"


def producer_of(count: int, *, due_in: timedelta = timedelta(0)):  # type: ignore[no-untyped-def]
    """A test producer: ``count`` posts, keyed by number, all due at the start of today + ``due_in``."""
    return outbox.producer_of(count, key="test", channel=CHANNEL, due=lambda now: midnight(now) + due_in)


def midnight(now: datetime) -> datetime:
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def test_tick_twice_at_the_same_instant_posts_once(deps: Deps, fake_slack: FakeSlack, clock) -> None:  # type: ignore[no-untyped-def]
    first = tick(clock(), deps, [producer_of(3)])
    second = tick(clock(), deps, [producer_of(3)])
    assert (first.planned, first.delivered) == (3, 3)
    assert (second.planned, second.delivered) == (0, 0)
    assert [p["text"] for p in fake_slack.posts(CHANNEL)] == ["post 0", "post 1", "post 2"]
    assert all(r.status == OutboxStatus.SENT and r.ts for r in outbox_rows(deps.engine))


def test_every_post_carries_its_delivery_key_as_metadata(deps: Deps, fake_slack: FakeSlack, clock) -> None:  # type: ignore[no-untyped-def]
    tick(clock(), deps, [producer_of(1)])
    (post,) = fake_slack.posts(CHANNEL)
    assert post["metadata"]["event_payload"]["delivery_key"] == "test:0"


def test_a_post_not_yet_due_waits(deps: Deps, fake_slack: FakeSlack, clock) -> None:  # type: ignore[no-untyped-def]
    tick(clock(), deps, [producer_of(1, due_in=timedelta(days=1))])
    assert fake_slack.posts() == []
    clock.advance(days=1)
    tick(clock(), deps, [])
    assert len(fake_slack.posts()) == 1


def test_rate_limited_post_is_retried_after_retry_after_and_posted_once(
    deps: Deps,
    fake_slack: FakeSlack,
    clock,  # type: ignore[no-untyped-def]
) -> None:
    fake_slack.rate_limit("chat.postMessage", retry_after=1, times=1)
    result = tick(clock(), deps, [producer_of(1)])
    assert result.delivered == 1  # slack_sdk's RateLimitErrorRetryHandler waited and retried
    assert len(fake_slack.posts()) == 1
    assert len(fake_slack.calls("chat.postMessage")) == 2


def test_persistent_rate_limit_leaves_the_post_pending_until_retry_after(
    deps: Deps,
    fake_slack: FakeSlack,
    clock,  # type: ignore[no-untyped-def]
) -> None:
    fake_slack.rate_limit("chat.postMessage", retry_after=1, times=3)
    assert tick(clock(), deps, [producer_of(1)]).delivered == 0
    (row,) = outbox_rows(deps.engine)
    assert row.status == OutboxStatus.PENDING
    assert row.last_error == "ratelimited"
    assert row.not_before == clock() + timedelta(seconds=1)
    clock.advance(seconds=1)
    assert tick(clock(), deps, []).delivered == 1
    assert len(fake_slack.posts()) == 1


def test_server_error_is_retried_on_a_later_tick(deps: Deps, fake_slack: FakeSlack, clock) -> None:  # type: ignore[no-untyped-def]
    fake_slack.inject("chat.postMessage", status=500)
    assert tick(clock(), deps, [producer_of(1)]).delivered == 0
    (row,) = outbox_rows(deps.engine)
    assert (row.status, row.attempts) == (OutboxStatus.PENDING, 1)
    clock.advance(minutes=5)
    assert tick(clock(), deps, []).delivered == 1
    assert len(fake_slack.posts()) == 1


def test_retry_after_a_lost_answer_finds_the_post_in_history_instead_of_posting_again(
    deps: Deps,
    fake_slack: FakeSlack,
    clock,  # type: ignore[no-untyped-def]
) -> None:
    """Slack took the post but the answer never arrived (a 5xx from a proxy, a reset): no repeat."""
    tick(clock(), deps, [producer_of(1, due_in=timedelta(days=1))])
    clock.advance(days=1)
    fake_slack.state.messages.setdefault(CHANNEL, [])
    (claimed,) = claim_due(deps.engine, clock())
    # What a first attempt that reached Slack leaves behind: the message, with its delivery key.
    deps.client.chat_postMessage(
        channel=CHANNEL,
        text="post 0",
        metadata={"event_type": "mentor_bot_post", "event_payload": {"delivery_key": claimed.delivery_key}},
    )
    with session_scope(deps.engine) as session:
        row = session.get(Outbox, claimed.id)
        assert row is not None
        row.attempts, row.status = 1, OutboxStatus.PENDING
        session.add(row)
    assert tick(clock(), deps, []).delivered == 1
    assert len(fake_slack.posts(CHANNEL)) == 1
    assert outbox_rows(deps.engine)[0].ts == fake_slack.messages(CHANNEL)[0]["ts"]


def test_permanent_error_gives_up_and_keeps_the_reason(deps: Deps, fake_slack: FakeSlack, clock) -> None:  # type: ignore[no-untyped-def]
    fake_slack.inject("chat.postMessage", error="channel_not_found")
    tick(clock(), deps, [producer_of(1)])
    (row,) = outbox_rows(deps.engine)
    assert row.status == OutboxStatus.FAILED
    assert row.last_error == "channel_not_found"
    clock.advance(days=1)
    assert tick(clock(), deps, []).delivered == 0


def test_crash_before_posting_is_posted_after_the_lease(deps: Deps, fake_slack: FakeSlack, clock) -> None:  # type: ignore[no-untyped-def]
    tick(clock(), deps, [producer_of(1, due_in=timedelta(days=1))])
    clock.advance(days=1)
    claim_due(deps.engine, clock())  # claimed, then the process died
    assert tick(clock(), deps, []).delivered == 0
    clock.advance(minutes=6)
    assert tick(clock(), deps, []).delivered == 1
    assert len(fake_slack.posts()) == 1


def _concurrent_ticks(settings: Settings, url_engine_factory, clock, count: int) -> None:  # type: ignore[no-untyped-def]
    engines = [url_engine_factory() for _ in range(2)]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run(engine: Engine) -> None:
        try:
            deps = build_deps(settings, engine=engine, clock=clock)
            barrier.wait()
            tick(clock(), deps, [producer_of(count)])
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run, args=(e,)) for e in engines]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    for e in engines:
        e.dispose()
    assert not errors, errors


@pytest.mark.postgres
def test_two_concurrent_ticks_on_postgres_post_500_items_once_each(
    pg_url: str,
    pg_engine: Engine,
    fake_slack: FakeSlack,
    clock,  # type: ignore[no-untyped-def]
) -> None:
    from storage.db import make_engine
    from tests.conftest import make_settings

    settings = make_settings(fake_slack, pg_url)
    _concurrent_ticks(settings, lambda: make_engine(pg_url), clock, 500)
    texts = [p["text"] for p in fake_slack.posts(CHANNEL)]
    assert len(texts) == 500
    assert len(set(texts)) == 500
    assert {r.status for r in outbox_rows(pg_engine)} == {OutboxStatus.SENT}


def test_two_concurrent_ticks_on_sqlite_post_each_once(
    database_url: str,
    engine: Engine,
    fake_slack: FakeSlack,
    clock,  # type: ignore[no-untyped-def]
) -> None:
    from storage.db import make_engine
    from tests.conftest import make_settings

    settings = make_settings(fake_slack, database_url)
    _concurrent_ticks(settings, lambda: make_engine(database_url), clock, 100)
    texts = [p["text"] for p in fake_slack.posts(CHANNEL)]
    assert sorted(texts) == sorted(f"post {n}" for n in range(100))
