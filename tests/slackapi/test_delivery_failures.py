"""Failures never lose a post: a failed history lookup, a refused token, a 429 storm; admins are told once."""

from __future__ import annotations

from functools import partial

from mentoring.deps import Deps
from mentoring.outbox import claim_due
from scheduler.tick import tick
from storage.db import session_scope
from storage.models import Outbox, OutboxStatus
from tests.conftest import ADMIN, MENTEE, MENTOR, RunningBot
from tests.support import outbox
from tests.support.clock import FakeClock
from tests.support.fake_slack import VALID_TOKEN, FakeSlack
from tests.support.outbox import outbox_rows
from tests.support.sessions import new_pair_id

CHANNEL = "G0PAIRDM"
producer_of = partial(outbox.producer_of, key="fail", channel=CHANNEL)


def admin_dms(fake: FakeSlack) -> list[dict]:  # type: ignore[type-arg]
    return [p for p in fake.posts() if p["channel"].startswith("D")]


def test_a_failed_history_lookup_posts_nothing_and_the_row_waits(
    deps: Deps, fake_slack: FakeSlack, clock: FakeClock
) -> None:
    """A retry cannot see Slack's history (a 500): it must not post blind, and posts once later."""
    fake_slack.clock_base = int(clock().timestamp())
    with session_scope(deps.engine) as session:
        session.add(
            Outbox(
                team_id="T0001",
                delivery_key="fail:0",
                kind="test",
                channel_id=CHANNEL,
                text="post 0",
                not_before=clock(),
                created_at=clock(),
            )
        )
    (claimed,) = claim_due(deps.engine, clock())
    # The first attempt reached Slack, then its answer was lost (a reset connection, a proxy's 502).
    deps.client.chat_postMessage(
        channel=CHANNEL,
        text="post 0",
        metadata={"event_type": "mentor_bot_post", "event_payload": {"delivery_key": "fail:0"}},
    )
    with session_scope(deps.engine) as session:
        row = session.get(Outbox, claimed.id)
        assert row is not None
        row.attempts, row.status, row.claim_token = 1, OutboxStatus.PENDING, None
        session.add(row)
    clock.advance(minutes=3)
    fake_slack.inject("conversations.history", status=500)
    assert tick(clock(), deps, []).delivered == 0
    assert len(fake_slack.posts(CHANNEL)) == 1  # not posted a second time
    (row,) = outbox_rows(deps.engine)
    assert row.status == OutboxStatus.PENDING
    clock.advance(minutes=5)
    assert tick(clock(), deps, []).delivered == 1  # found in the history this time
    assert len(fake_slack.posts(CHANNEL)) == 1
    (row,) = outbox_rows(deps.engine)
    assert (row.status, row.ts) == (OutboxStatus.SENT, fake_slack.messages(CHANNEL)[0]["ts"])


def test_a_rate_limited_history_lookup_posts_nothing(deps: Deps, fake_slack: FakeSlack, clock: FakeClock) -> None:
    fake_slack.clock_base = int(clock().timestamp())
    fake_slack.inject("chat.postMessage", status=500)  # the first attempt fails: did it reach Slack?
    tick(clock(), deps, [producer_of(1)])
    deps.client.chat_postMessage(  # it did (a 500 from a proxy after Slack took the post)
        channel=CHANNEL,
        text="post 0",
        metadata={"event_type": "mentor_bot_post", "event_payload": {"delivery_key": "fail:0"}},
    )
    clock.advance(minutes=5)
    fake_slack.rate_limit("conversations.history", retry_after=10, times=3)
    assert tick(clock(), deps, []).delivered == 0
    assert len(fake_slack.posts(CHANNEL)) == 1
    assert outbox_rows(deps.engine)[0].status == OutboxStatus.PENDING


def test_posts_refused_for_a_revoked_token_are_all_delivered_once_it_is_fixed(
    deps: Deps, fake_slack: FakeSlack, clock: FakeClock
) -> None:
    fake_slack.tokens.clear()  # Slack answers invalid_auth to the bot's token
    assert tick(clock(), deps, [producer_of(20)]).delivered == 0
    assert len(fake_slack.calls("chat.postMessage")) == 1  # the workspace paused after one refusal
    assert {r.status for r in outbox_rows(deps.engine)} == {OutboxStatus.PENDING}
    clock.advance(minutes=2)
    assert tick(clock(), deps, []).delivered == 0  # still paused: no call at all
    assert len(fake_slack.calls("chat.postMessage")) == 1

    fake_slack.tokens.add(VALID_TOKEN)  # the token is fixed
    clock.advance(minutes=5)
    assert tick(clock(), deps, []).delivered == 20
    assert sorted(p["text"] for p in fake_slack.posts(CHANNEL)) == sorted(f"post {n}" for n in range(20))


def test_token_revoked_errors_pause_instead_of_failing(deps: Deps, fake_slack: FakeSlack, clock: FakeClock) -> None:
    fake_slack.inject("chat.postMessage", error="token_revoked", times=3)
    for _ in range(3):
        tick(clock(), deps, [producer_of(5)])
        clock.advance(minutes=6)
    assert tick(clock(), deps, []).delivered == 5
    assert len(fake_slack.posts(CHANNEL)) == 5


def test_a_429_storm_does_not_drop_posts(deps: Deps, fake_slack: FakeSlack, clock: FakeClock) -> None:
    """Slack answers 429 (Retry-After 6 s) for 36 calls in a row: the posts still go out, once each."""
    fake_slack.rate_limit("chat.postMessage", retry_after=6, times=36)
    result = tick(clock(), deps, [producer_of(2)])
    for _ in range(45):
        if result.delivered:
            break
        clock.advance(minutes=1)
        result = tick(clock(), deps, [])
    assert sorted(p["text"] for p in fake_slack.posts(CHANNEL)) == ["post 0", "post 1"]
    assert {r.status for r in outbox_rows(deps.engine)} == {OutboxStatus.SENT}


def test_server_errors_for_hours_do_not_drop_a_post(deps: Deps, fake_slack: FakeSlack, clock: FakeClock) -> None:
    fake_slack.inject("chat.postMessage", status=503, times=12)
    tick(clock(), deps, [producer_of(1)])
    for _ in range(12):
        clock.advance(minutes=30)
        tick(clock(), deps, [])
    assert [p["text"] for p in fake_slack.posts(CHANNEL)] == ["post 0"]
    assert outbox_rows(deps.engine)[0].status == OutboxStatus.SENT


def test_errors_for_more_than_a_day_give_up(deps: Deps, fake_slack: FakeSlack, clock: FakeClock) -> None:
    fake_slack.inject("chat.postMessage", status=503, times=200)
    tick(clock(), deps, [producer_of(1)])
    for _ in range(52):
        clock.advance(minutes=30)
        tick(clock(), deps, [])
    (row,) = outbox_rows(deps.engine)
    assert row.status == OutboxStatus.FAILED
    assert fake_slack.posts(CHANNEL) == []


def test_admins_get_one_dm_about_a_post_given_up_and_the_report_shows_it(
    bot: RunningBot, fake_slack: FakeSlack, clock: FakeClock
) -> None:
    pair_id = new_pair_id(bot.engine, mentor=MENTOR, mentee=MENTEE, channel_id=CHANNEL)
    fake_slack.inject("chat.postMessage", error="channel_not_found")
    tick(clock(), bot.deps, [producer_of(1, pair_id=pair_id, kind="reminder")])
    clock.advance(minutes=1)
    tick(clock(), bot.deps, [])
    clock.advance(hours=3)
    tick(clock(), bot.deps, [])

    (dm,) = admin_dms(fake_slack)
    assert fake_slack.state.channels_opened[dm["channel"]] == [ADMIN]
    assert "could not be delivered" in dm["text"]
    assert "meeting reminder" in dm["text"] and f"<@{MENTOR}>" in dm["text"] and f"<@{MENTEE}>" in dm["text"]
    assert "no longer exists" in dm["text"] and "post 0" not in dm["text"]

    body = bot.slack.command("report", user_id=ADMIN).json()
    rendered = body["text"] + str(body["blocks"])
    assert "1 post could not be delivered" in rendered
    assert "no longer exists" in rendered


def test_admins_hear_of_posts_stuck_for_an_hour_once_a_day_and_they_still_go_out(
    bot: RunningBot, fake_slack: FakeSlack, clock: FakeClock
) -> None:
    pair_id = new_pair_id(bot.engine, mentor=MENTOR, mentee=MENTEE, channel_id=CHANNEL)
    fake_slack.inject("chat.postMessage", status=500, times=8)
    tick(clock(), bot.deps, [producer_of(1, pair_id=pair_id, kind="nudge")])
    for _ in range(6):
        clock.advance(minutes=20)
        tick(clock(), bot.deps, [])
    (dm,) = admin_dms(fake_slack)
    assert "weekly nudge" in dm["text"] and "1 scheduled post could not be delivered" in dm["text"]
    for _ in range(6):
        clock.advance(minutes=30)
        tick(clock(), bot.deps, [])
    assert len(admin_dms(fake_slack)) == 1
    assert [p["text"] for p in fake_slack.posts(CHANNEL)] == ["post 0"]
