"""Replies in a check-in's thread (message.mpim) become answers; retries, bots, edits and strangers are ignored."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from handlers.events import handle_thread_reply, is_member_thread_reply
from mentoring.deps import Deps
from scheduler.tick import tick
from storage.models import PairStatus
from tests.conftest import MENTEE, MENTOR, OTHER, RunningBot
from tests.support.fake_slack import BOT_ID, BOT_USER_ID, TEAM_ID, FakeSlack
from tests.support.payloads import mpim_message
from tests.support.sessions import (
    PAIR_DM,
    all_sent,
    answers,
    checkins,
    eventually,
    items,
    message_with_key,
    new_pair_id,
    posts_of,
)
from tests.support.slack_user import (
    agree_through_the_ui,
    db_snapshot,
    dm_texts,
    open_items_of,
    pair_via_command,
    started,
    thread_reply,
)


def envelope(event: dict[str, Any], event_id: str = "Ev0001") -> dict[str, Any]:
    return {"team_id": TEAM_ID, "event_id": event_id, "event": event, "type": "event_callback"}


def posted_checkin(bot: RunningBot) -> tuple[int, str]:
    """A check-in posted by /mentor wrapup: (its id, its message ts)."""
    pair_id = new_pair_id(bot.engine, mentor=MENTOR, mentee=MENTEE)
    bot.slack.command("wrapup", user_id=MENTEE, channel_id=PAIR_DM)
    eventually(lambda: all_sent(bot.engine))
    (checkin,) = checkins(bot.engine, pair_id)
    return checkin.id, message_with_key(bot.fake, "wrapup:")["ts"]  # type: ignore[return-value]


def test_a_reply_in_the_thread_is_recorded_and_acknowledged_in_the_thread(bot: RunningBot) -> None:
    checkin_id, ts = posted_checkin(bot)
    updates = len(bot.fake.calls("chat.update"))
    bot.slack.event(mpim_message(user_id=MENTEE, channel_id=PAIR_DM, thread_ts=ts, text="before next: read SICP"))
    bot.fake.wait_for(lambda f: len(f.calls("chat.update")) > updates)
    assert answers(bot.engine, checkin_id)[MENTEE].before_next == "read SICP"
    (ack,) = posts_of(bot.fake, "reply:")
    assert ack["thread_ts"] == ts and "1 new follow-through item" in ack["text"]
    assert [i.text for i in items(bot.engine, 1)] == ["read SICP"]


def test_a_second_reply_adds_to_the_answers(bot: RunningBot, deps: Deps) -> None:
    checkin_id, ts = posted_checkin(bot)
    for n, text in enumerate(("Call Ana", "useful: the pep talk\nnext steps: Update CV")):
        body = envelope(mpim_message(user_id=MENTEE, channel_id=PAIR_DM, thread_ts=ts, text=text), f"Ev{n}")
        assert handle_thread_reply(deps, deps.client, body, body["event"])
    answer = answers(bot.engine, checkin_id)[MENTEE]
    # Free text is kept as what was useful and makes no item; the prefixed next step does.
    assert (answer.useful, answer.next_steps) == ("Call Ana\nthe pep talk", "Update CV")
    assert [i.text for i in items(bot.engine, 1)] == ["Update CV"]


def test_a_retried_event_is_recorded_once(bot: RunningBot, deps: Deps) -> None:
    checkin_id, ts = posted_checkin(bot)
    body = envelope(mpim_message(user_id=MENTEE, channel_id=PAIR_DM, thread_ts=ts, text="Call Ana"), "EvRETRY")
    assert handle_thread_reply(deps, deps.client, body, body["event"]) is True
    assert handle_thread_reply(deps, deps.client, body, body["event"]) is False  # Slack's retry
    assert answers(bot.engine, checkin_id)[MENTEE].useful == "Call Ana"
    assert len(posts_of(bot.fake, "reply:")) == 1
    assert len(bot.fake.calls("chat.postEphemeral")) == 1  # the offer of "Call Ana" as a next step, once


def test_replies_from_outside_the_pair_or_outside_a_checkin_thread_change_nothing(bot: RunningBot, deps: Deps) -> None:
    checkin_id, ts = posted_checkin(bot)
    stranger = envelope(mpim_message(user_id=OTHER, channel_id=PAIR_DM, thread_ts=ts, text="Me too"), "Ev1")
    elsewhere = envelope(mpim_message(user_id=MENTEE, channel_id=PAIR_DM, thread_ts="1.000001", text="hi"), "Ev2")
    other_dm = envelope(mpim_message(user_id=MENTEE, channel_id="G0ELSEWHERE", thread_ts=ts, text="hi"), "Ev3")
    for body in (stranger, elsewhere, other_dm):
        assert handle_thread_reply(deps, deps.client, body, body["event"]) is False
    assert answers(bot.engine, checkin_id) == {}
    assert posts_of(bot.fake, "reply:") == []


def test_replies_to_an_ended_pairs_questions_are_ignored(bot: RunningBot, deps: Deps) -> None:
    from storage.db import session_scope
    from storage.models import Pair

    checkin_id, ts = posted_checkin(bot)
    with session_scope(bot.engine) as session:
        pair = session.get(Pair, 1)
        assert pair is not None
        pair.status = PairStatus.ENDED
        session.add(pair)
    body = envelope(mpim_message(user_id=MENTEE, channel_id=PAIR_DM, thread_ts=ts, text="Call Ana"))
    assert handle_thread_reply(deps, deps.client, body, body["event"]) is False
    assert answers(bot.engine, checkin_id) == {}


def _event(**changes: Any) -> dict[str, Any]:
    event = mpim_message(user_id=MENTEE, channel_id=PAIR_DM, thread_ts="1800000001.000001", text="Call Ana")
    event.update(changes)
    return {k: v for k, v in event.items() if v is not None}


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        (_event(), True),
        (_event(thread_ts=None), False),  # a top-level message
        (_event(bot_id=BOT_ID, user=BOT_USER_ID), False),  # our own summary / acknowledgement
        (_event(bot_id="B0OTHER"), False),  # another app
        (_event(subtype="message_changed"), False),  # an edit
        (_event(subtype="bot_message", user=None), False),
        (_event(channel_type="im"), False),
        (_event(text="  "), False),
    ],
)
def test_only_peoples_plain_thread_replies_in_group_dms_count(event: dict[str, Any], expected: bool) -> None:
    assert is_member_thread_reply(event, BOT_USER_ID) is expected


def test_a_thread_parent_is_not_a_reply(fake_slack: FakeSlack) -> None:
    event = _event()
    event["thread_ts"] = event["ts"]
    assert is_member_thread_reply(event, BOT_USER_ID) is False


def test_the_bots_own_messages_and_other_channels_messages_are_ignored(bot: RunningBot) -> None:
    pair = started(bot, pair_via_command(bot, MENTOR, MENTEE))
    before, calls = db_snapshot(bot), len(bot.fake.calls())
    own = {
        "type": "message",
        "channel": pair.channel_id,
        "channel_type": "mpim",
        "user": BOT_USER_ID,
        "bot_id": BOT_ID,
        "app_id": "A0001",
        "team": TEAM_ID,
        "text": "useful: a reply the bot itself posted",
        "ts": "1800000999.000100",
        "thread_ts": pair.welcome_ts,
        "parent_user_id": BOT_USER_ID,
        "event_ts": "1800000999.000100",
    }
    assert bot.slack.event(own).status == 200
    stranger = dict(own, user=OTHER, channel="C0OTHER", ts="1800000999.000200", event_ts="1800000999.000200")
    stranger.pop("bot_id")
    assert bot.slack.event(stranger).status == 200
    bot.settle()
    assert db_snapshot(bot) == before
    assert [c.method for c in bot.fake.calls()[calls:] if c.method.startswith("chat.")] == []


def test_thread_reply_to_the_questions_and_the_next_reminder(bot: RunningBot) -> None:
    pair = started(bot, pair_via_command(bot, MENTOR, MENTEE))
    agreed = agree_through_the_ui(bot, pair)
    channel = pair.channel_id or ""
    start = datetime.combine(agreed.first_meeting_on, datetime.min.time(), tzinfo=UTC).replace(hour=16)  # type: ignore[arg-type]
    tick(start + timedelta(minutes=75), bot.deps)
    questions = next(
        m for m in bot.fake.messages(channel) if "What was useful about our conversation today?" in m["text"]
    )
    event = thread_reply(pair, MENTEE, "next steps: call Ana about the raise", questions["ts"], "1800001000.000100")
    # Slack retries an event it thinks was not acked: the same event_id arrives twice, handled once.
    assert bot.slack.event(event, event_id="Ev0THREAD1").status == 200
    retried = bot.slack.post(
        json.dumps(
            {
                "token": "x",
                "team_id": TEAM_ID,
                "enterprise_id": "E0001",
                "api_app_id": "A0001",
                "event": event,
                "type": "event_callback",
                "event_id": "Ev0THREAD1",
                "event_time": int(time.time()),
                "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
            }
        ),
        "application/json",
        headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"},
    )
    assert retried.status == 200
    bot.fake.wait_for(lambda f: open_items_of(bot, pair.id or 0))
    bot.settle()
    assert open_items_of(bot, pair.id or 0) == ["call Ana about the raise"]

    # The next week's reminder lists the mentee's open step; no separate nudge repeats it in the pair DM.
    seen = len(bot.fake.posts(channel))
    reminder_at = start + timedelta(days=7) - timedelta(minutes=55)
    tick(start + timedelta(days=7) - timedelta(hours=7), bot.deps)  # Thursday 10:00 Berlin
    tick(reminder_at, bot.deps)
    tick(reminder_at, bot.deps)
    listed = [t for t in dm_texts(bot, channel, seen) if "call Ana about the raise" in t]
    assert len(listed) == 1, dm_texts(bot, channel, seen)
    assert not [p for p in bot.fake.posts(channel) if "nudge:" in str(p.get("metadata"))]
