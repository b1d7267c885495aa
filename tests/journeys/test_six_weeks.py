"""Six weeks of weekly meetings the way a pair really uses the bot, against the README's noise budget.

Driven through signed requests, the fake Slack and the injected clock, hour by hour: the pair is made
and accepted, the mentee is late with pre-work and the pair with boundaries (one getting-started nudge
each), they meet on Thursdays, reply in the questions' threads the way people write, skip one week
(that week's open items come as a private nudge), and the mentor moves to Tokyo half-way through
(contact hours are read in each member's Slack zone: the mentee's New York, the mentor's Berlin, then Tokyo).

Parts that depend on other parts of issue 11 still being finished are marked ``# depends on:``.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from scheduler.tick import tick
from storage.models import MeetingStatus
from tests.conftest import MENTEE, MENTOR, RunningBot
from tests.support.sessions import dm_channel_of, meetings, utc
from tests.support.slack_user import (
    BOUNDARIES,
    PREWORK_ANSWERS,
    agree_through_the_ui,
    open_modal,
    pair_via_command,
    press_in_message,
    started,
    submit,
    thread_reply,
)

#: The README's budget for the pair DM: two per meeting (reminder, questions) and the set-up posts
#: (welcome, "you're both in", shared pre-work, boundaries proposal, agreement, one boundaries nudge).
PER_MEETING = 2
SET_UP = 6
REPLIES = (
    (MENTEE, "thanks!"),
    (MENTOR, "Great session, really enjoyed it!"),
    (MENTEE, "I think I finally understand what the hiring manager is looking for."),
    (MENTEE, "- update my CV\n- ask Ana for an intro\n- read chapter 3 of the book"),
    (MENTEE, "next: draft the talk outline"),
    (MENTOR, "next: send the slide-design checklist\nresource: https://example.com/talks"),
    (MENTEE, "Thanks! See you next week :)"),
)


def key_of(post: dict[str, Any]) -> str:
    return str(((post.get("metadata") or {}).get("event_payload") or {}).get("delivery_key", ""))


class Week:
    """Ticks the scheduler hour by hour and remembers when each post went out."""

    def __init__(self, bot: RunningBot, channel: str) -> None:
        self.bot, self.channel = bot, channel
        self.posted_at: list[tuple[datetime, str, dict[str, Any]]] = []  # (instant, channel, post)
        self._seen = 0

    def run(self, start: datetime, end: datetime, step: timedelta = timedelta(hours=1)) -> None:
        at = start
        while at <= end:
            self.at(at)
            at += step

    def at(self, instant: datetime) -> None:
        self.bot.deps.clock.set(instant)  # type: ignore[attr-defined]
        tick(instant, self.bot.deps)
        calls = self.bot.fake.calls("chat.postMessage")
        for call in calls[self._seen :]:
            self.posted_at.append((instant, str(call.args.get("channel")), call.args))
        self._seen = len(calls)

    def top_level_in_pair_dm(self) -> list[dict[str, Any]]:
        return [
            c.args
            for c in self.bot.fake.calls("chat.postMessage")
            if c.args.get("channel") == self.channel and not c.args.get("thread_ts")
        ]


def reply_in_thread(bot: RunningBot, pair: Any, questions_ts: str, n: int) -> None:
    for i, (user, text) in enumerate(REPLIES):
        bot.slack.event(thread_reply(pair, user, text, questions_ts, f"{1_800_100_000 + n * 100 + i}.000100"))
    bot.settle()


def button_value(message: dict[str, Any], action_id: str) -> str:
    for block in message.get("blocks") or []:
        for element in block.get("elements") or []:
            if isinstance(element, dict) and element.get("action_id") == action_id:
                return str(element.get("value", ""))
    raise AssertionError(f"no {action_id} button")


def newest(bot: RunningBot, channel: str, prefix: str) -> dict[str, Any] | None:
    found = [m for m in bot.fake.messages(channel) if key_of(m).startswith(prefix)]
    return found[-1] if found else None


def test_six_weekly_meetings_stay_within_the_pair_dms_budget(bot: RunningBot) -> None:
    fake = bot.fake
    pair = started(bot, pair_via_command(bot, MENTOR, MENTEE))  # Thu 26 Nov 09:00 UTC: both accept
    channel = pair.channel_id or ""
    week = Week(bot, channel)

    # ---- Getting started: the mentor writes pre-work at once, the mentee two days late. ---------------------
    submit(bot, MENTOR, open_modal(bot, MENTOR, channel, command="prework"), PREWORK_ANSWERS)
    week.run(utc(2026, 11, 26, 10), utc(2026, 11, 30, 23))
    prework_nudges = [(at, ch) for at, ch, p in week.posted_at if key_of(p).startswith("onboarding:prework:")]
    assert len(prework_nudges) == 1  # once, to the mentee alone, in daytime in New York (their Slack zone)
    at, ch = prework_nudges[0]
    assert ch == dm_channel_of(fake, MENTEE) and at >= utc(2026, 11, 28, 9)
    assert 9 <= at.astimezone(ZoneInfo("America/New_York")).hour < 18
    bot.deps.clock.set(utc(2026, 12, 1, 14))  # type: ignore[attr-defined]
    submit(bot, MENTEE, open_modal(bot, MENTEE, channel, command="prework"), PREWORK_ANSWERS)

    # A week after accepting, still no boundaries: one nudge in the pair DM, when both are in daytime.
    week.run(utc(2026, 12, 1, 15), utc(2026, 12, 3, 17))
    boundaries_nudges = [(at, ch) for at, ch, p in week.posted_at if key_of(p).startswith("onboarding:boundaries:")]
    assert [ch for _, ch in boundaries_nudges] == [channel]
    assert boundaries_nudges[0][0] >= utc(2026, 12, 3, 9)

    # They agree: weekly on Thursdays 17:00 Berlin, contact hours 08:00-20:00 Berlin for both.
    bot.deps.clock.set(utc(2026, 12, 3, 17, 30))  # type: ignore[attr-defined]
    agree_through_the_ui(bot, pair, BOUNDARIES)
    week.at(utc(2026, 12, 3, 18))
    first = min(m.scheduled_at for m in meetings(bot.engine, pair.id or 0))

    # ---- Seven Thursdays: six meetings held, the fifth skipped; the mentor moves to Tokyo after the third. --
    moved_at = first + timedelta(weeks=2, days=1)  # set again when it happens
    for n in range(7):
        meeting_at = first + timedelta(weeks=n)
        # Hourly, then every ten minutes on the meeting's day (UTC): the hours both share may be short (see below).
        week.run(meeting_at - timedelta(days=6, hours=-1), meeting_at - timedelta(hours=16))
        ten_minutes, close_by = timedelta(minutes=10), meeting_at - timedelta(hours=16, minutes=-10)
        if n == 4:  # the reminder's Skip this one, pressed as soon as it comes
            # Mentor in Tokyo, mentee in New York: they share 08-10 Tokyo (18-20 New York, 23:00-01:00 UTC), so
            # the reminder comes at the last shared moment before the usual hour: 00:50 UTC, 15 hours ahead.
            week.run(close_by, meeting_at - timedelta(hours=15), step=ten_minutes)
            reminder = newest(bot, channel, "reminder:")
            assert reminder is not None and str(meeting_at.day) in json.dumps(reminder["metadata"])
            press_in_message(
                bot, MENTEE, "meeting_skip", button_value(reminder, "meeting_skip"), channel=channel, ts=reminder["ts"]
            )
            bot.settle()
            close_by = meeting_at - timedelta(hours=15) + ten_minutes
        week.run(close_by, meeting_at + timedelta(hours=2), step=ten_minutes)
        week.run(meeting_at + timedelta(hours=3), meeting_at + timedelta(days=1))
        if n == 2:  # Friday after meeting 3: the mentor is in Tokyo now (Slack says so)
            fake.add_user(MENTOR, name="maria", tz="Asia/Tokyo")
            moved_at = meeting_at + timedelta(days=1)
        questions = newest(bot, channel, "checkin:")
        if n != 4 and questions is not None:
            reply_in_thread(bot, pair, str(questions["ts"]), n)
    week.run(first + timedelta(weeks=6, days=1, hours=1), first + timedelta(weeks=6, days=2))

    held_or_skipped = [m for m in meetings(bot.engine, pair.id or 0) if m.scheduled_at <= first + timedelta(weeks=6)]
    assert len(held_or_skipped) == 7
    assert [m.status for m in held_or_skipped].count(MeetingStatus.SKIPPED) == 1

    # ---- The budget: two top-level posts per meeting (the skipped one: its reminder), plus the set-up --------
    top = week.top_level_in_pair_dm()
    assert len(top) <= SET_UP + PER_MEETING * 6 + 1, [key_of(p) or p["text"][:60] for p in top]
    per_kind = [key_of(p).split(":")[0] for p in top if key_of(p)]
    assert per_kind.count("reminder") == 7 and per_kind.count("checkin") == 6, per_kind
    assert not [p for p in top if key_of(p).startswith(("nudge:", "onboarding:prework:"))]

    # ---- Nudges are private to their owner ------------------------------------------------------------------
    nudges = [(ch, p) for _, ch, p in week.posted_at if key_of(p).startswith("nudge:")]
    for ch, post in nudges:
        owner = key_of(post).split(":")[2]
        assert ch == dm_channel_of(fake, owner), key_of(post)
    # depends on: thread replies (item 3) making the prefixed "next:" lines items, for the skipped week's nudge
    assert nudges, "the week without a meeting brought no private nudge"

    # ---- Getting started: once each -------------------------------------------------------------------------
    keys = [key_of(p) for _, _, p in week.posted_at if key_of(p).startswith("onboarding:")]
    assert len(keys) == len(set(keys)) == 2, keys

    # ---- Contact hours follow the mentor to Tokyo; the mentee's are read in New York, their Slack zone -------
    # Both agreed 08:00-20:00 (in Berlin), read where each is now (CONTRACT): 08-20 Tokyo (23:00-11:00 UTC) and
    # 08-20 New York (13:00-01:00 UTC) share 23:00-01:00 UTC, so the pair DM waits for both members' hours;
    # what goes to one member alone, for that member's.
    tokyo, new_york = ZoneInfo("Asia/Tokyo"), ZoneInfo("America/New_York")
    mentor_dm, mentee_dm = dm_channel_of(fake, MENTOR), dm_channel_of(fake, MENTEE)
    after_move = [(at, ch, p) for at, ch, p in week.posted_at if at > moved_at + timedelta(hours=1)]
    assert [p for _, ch, p in after_move if ch == channel], "the weeks after the move posted nothing"
    scheduled = ("reminder:", "checkin:", "nudge:", "inactive:", "onboarding:")
    for at, ch, post in after_move:  # what the scheduler posts (answers to what a member just did come at once)
        if key_of(post).startswith(scheduled) and not post.get("thread_ts"):
            if ch in (channel, mentor_dm):
                assert 8 <= at.astimezone(tokyo).hour < 20, (key_of(post), at)
            if ch in (channel, mentee_dm):
                assert 8 <= at.astimezone(new_york).hour < 20, (key_of(post), at)
