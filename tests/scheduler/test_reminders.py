"""Reminders and questions after boundaries agreed through Slack: posted by the scheduler's pass, within both
members' contact hours, naming the roadmap's theme."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from mentoring.checkins import QUESTIONS
from scheduler.tick import tick
from storage.db import session_scope
from storage.models import Pair, RoadmapItem
from tests.conftest import MENTEE, MENTOR, RunningBot
from tests.support.payloads import view_submission
from tests.support.sessions import METHOD_QUESTIONS, lives_in
from tests.support.slack_user import (
    BOUNDARIES,
    agree_through_the_ui,
    dm_texts,
    opened_view,
    pair_via_command,
    run_command,
    started,
)


def set_first_theme_through_the_ui(bot: RunningBot, pair: Pair, theme: str) -> None:
    before = len(bot.fake.calls("views.open"))
    run_command(bot, "roadmap", user_id=MENTEE, channel_id=pair.channel_id or "")
    view = opened_view(bot, before)
    inputs = [b for b in view["blocks"] if b["type"] == "input"]
    response = bot.slack.interactive(view_submission(user_id=MENTEE, view=view, inputs={inputs[0]["block_id"]: theme}))
    assert response.status == 200, response.text
    assert not response.body or response.json().get("response_action") != "errors", response.text
    bot.fake.wait_for(lambda f: any(p for p in _themes(bot)))
    bot.fake.wait_for(lambda f: any(theme in p["text"] for p in f.posts(pair.channel_id)))  # "roadmap updated"


def _themes(bot: RunningBot) -> list[str]:
    with session_scope(bot.engine) as session:
        return [r.theme for r in session.exec(select(RoadmapItem)) if r.theme]


def test_scheduler_posts_after_boundaries_agreed_in_slack(bot: RunningBot) -> None:
    bot.deps.clock.set(datetime(2026, 11, 26, 9, 0, tzinfo=UTC))  # type: ignore[attr-defined]
    pair = started(bot, pair_via_command(bot, MENTOR, MENTEE))
    agreed = agree_through_the_ui(bot, pair)
    assert agreed.first_meeting_on is not None
    set_first_theme_through_the_ui(bot, pair, "Negotiating a raise")
    channel = pair.channel_id or ""
    first = datetime.combine(agreed.first_meeting_on, datetime.min.time(), tzinfo=UTC)
    # Thursdays 17:00 Berlin = 16:00 UTC in winter.
    start = first.replace(hour=16)

    seen = len(bot.fake.posts(channel))
    tick(start - timedelta(hours=3), bot.deps)
    assert not any("Negotiating a raise" in t for t in dm_texts(bot, channel, seen)), dm_texts(bot, channel, seen)
    tick(start - timedelta(minutes=50), bot.deps)
    reminders = [t for t in dm_texts(bot, channel, seen) if "Negotiating a raise" in t]
    assert len(reminders) == 1, dm_texts(bot, channel, seen)
    tick(start - timedelta(minutes=50), bot.deps)
    tick(start - timedelta(minutes=40), bot.deps)
    assert len([t for t in dm_texts(bot, channel, seen) if "Negotiating a raise" in t]) == 1

    seen = len(bot.fake.posts(channel))
    after = start + timedelta(minutes=60 + 15)
    tick(after, bot.deps)
    tick(after, bot.deps)
    posted = dm_texts(bot, channel, seen)
    questions = [t for t in posted if all(q in t for q in QUESTIONS.values())]
    assert len(questions) == 1, posted
    for verbatim in METHOD_QUESTIONS:
        assert verbatim in questions[0]


def test_contact_hours_hold_posts_until_the_next_allowed_time(bot: RunningBot) -> None:
    lives_in(bot.fake, MENTEE, "Europe/Berlin")  # both members' 08–20 Berlin hours are agreed
    pair = started(bot, pair_via_command(bot, MENTOR, MENTEE))
    agree_through_the_ui(bot, pair)
    channel = pair.channel_id or ""
    seen = len(bot.fake.posts(channel))
    # Thursday 3 December 2026 17:00 Berlin meeting ends 18:00 Berlin; at 20:30 Berlin hours (08-20) are closed.
    late = datetime(2026, 12, 3, 19, 30, tzinfo=UTC)
    tick(late, bot.deps)
    for text in dm_texts(bot, channel, seen):
        assert "What was useful about our conversation today?" not in text
    morning = datetime(2026, 12, 4, 7, 5, tzinfo=UTC)  # 08:05 Berlin
    tick(morning, bot.deps)
    assert any("What was useful about our conversation today?" in t for t in dm_texts(bot, channel, seen))


def test_posts_outside_a_members_contact_hours_wait_for_the_next_allowed_time(bot: RunningBot) -> None:
    pair = started(bot, pair_via_command(bot, MENTOR, MENTEE))
    narrow = dict(BOUNDARIES, mentee_contact_start="09:00", mentee_contact_end="10:00", mentee_tz="America/New_York")
    agreed = agree_through_the_ui(bot, pair, narrow)
    channel = pair.channel_id or ""
    start = datetime.combine(agreed.first_meeting_on, datetime.min.time(), tzinfo=UTC).replace(hour=16)  # type: ignore[arg-type]
    seen = len(bot.fake.posts(channel))
    # The mentee's hours are 14:00-15:00 UTC; the meeting is 16:00-17:00 UTC.
    for instant in (
        start - timedelta(minutes=59),
        start + timedelta(minutes=75),
        start + timedelta(hours=20, minutes=55),
    ):
        tick(instant, bot.deps)
        posted = dm_texts(bot, channel, seen)
        assert not any("What was useful about our conversation today?" in t for t in posted), (instant, posted)
    assert len(posted) <= 1  # at most the reminder, sent while the mentee's hours were open
    for text in posted:
        assert "What was useful about our conversation today?" not in text
    tick(start + timedelta(hours=22, minutes=5), bot.deps)  # 09:05 New York the next day
    assert any("What was useful about our conversation today?" in t for t in dm_texts(bot, channel, seen))


def test_reminder_without_a_theme_still_reminds_and_names_no_placeholder(bot: RunningBot) -> None:
    pair = started(bot, pair_via_command(bot, MENTOR, MENTEE))
    agreed = agree_through_the_ui(bot, pair)
    start = datetime.combine(agreed.first_meeting_on, datetime.min.time(), tzinfo=UTC).replace(hour=16)  # type: ignore[arg-type]
    channel = pair.channel_id or ""
    seen = len(bot.fake.posts(channel))
    tick(start - timedelta(minutes=55), bot.deps)
    posted = dm_texts(bot, channel, seen)
    assert len(posted) == 1, posted
    for junk in ("None", "null"):
        assert junk not in bot.fake.posts(channel)[-1]["text"], posted


def test_the_second_meetings_reminder_names_the_second_theme(bot: RunningBot) -> None:
    pair = started(bot, pair_via_command(bot, MENTOR, MENTEE))
    agreed = agree_through_the_ui(bot, pair)
    n = len(bot.fake.calls("views.open"))
    run_command(bot, "roadmap", user_id=MENTEE, channel_id=pair.channel_id or "")
    view = opened_view(bot, n)
    ids = [b["block_id"] for b in view["blocks"] if b["type"] == "input"]
    inputs = {ids[0]: "Where I am now", ids[1]: "Salary talks"}
    response = bot.slack.interactive(view_submission(user_id=MENTEE, view=view, inputs=inputs))
    assert not response.body or response.json().get("response_action") != "errors", response.text
    bot.fake.wait_for(lambda f: "Salary talks" in _themes(bot))
    bot.fake.wait_for(lambda f: any("Salary talks" in p["text"] for p in f.posts(pair.channel_id)))
    channel = pair.channel_id or ""
    start = datetime.combine(agreed.first_meeting_on, datetime.min.time(), tzinfo=UTC).replace(hour=16)  # type: ignore[arg-type]
    tick(start - timedelta(minutes=55), bot.deps)
    tick(start + timedelta(minutes=75), bot.deps)
    seen = len(bot.fake.posts(channel))
    tick(start + timedelta(days=7, minutes=-55), bot.deps)
    posted = dm_texts(bot, channel, seen)
    reminders = [t for t in posted if "Salary talks" in t]
    assert len(reminders) == 1 and "Where I am now" not in reminders[0], posted
