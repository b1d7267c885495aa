"""The questions after every meeting: the method's four, verbatim, each time; worded for when they arrive."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import MENTEE, MENTOR, RunningBot
from tests.support.sessions import (
    METHOD_QUESTIONS,
    agree_boundaries,
    lives_in,
    new_pair_id,
    posts_of,
    rendered,
    utc,
)
from tests.support.slack_user import tick_at


def test_the_four_questions_come_verbatim_after_each_of_the_first_five_meetings(bot: RunningBot) -> None:
    pair_id = new_pair_id(bot.engine, mentor=MENTOR, mentee=MENTEE)
    agree_boundaries(bot.engine, pair_id)  # weekly, Thursday 17:00 Berlin (16:00 UTC), from 3 Dec, 08–20 hours
    for number in range(1, 6):
        ended = utc(2026, 12, 3, 17, 0) + timedelta(weeks=number - 1)
        tick_at(bot, ended + timedelta(minutes=9))
        assert len(posts_of(bot.fake, "checkin:")) == number - 1
        tick_at(bot, ended + timedelta(minutes=10))
        tick_at(bot, ended + timedelta(minutes=10))  # twice: still one post
        posts = posts_of(bot.fake, "checkin:")
        assert len(posts) == number
        shown = rendered(posts[-1])
        for question in METHOD_QUESTIONS:
            assert question in shown, (number, question)
        assert f"Four questions about your conversation today (meeting {number})" in shown
        assert "quick questions" not in shown


def test_questions_pushed_to_the_next_day_by_contact_hours_name_the_meetings_weekday(bot: RunningBot) -> None:
    lives_in(bot.fake, MENTEE, "Europe/Berlin")  # both members live in Berlin
    pair_id = new_pair_id(bot.engine, mentor=MENTOR, mentee=MENTEE)
    # The meeting ends at 18:00 in Berlin, when both members' hours end too: the questions wait for Friday 08:00.
    agree_boundaries(bot.engine, pair_id, mentor_contact_end="18:00", mentee_contact_end="18:00")
    tick_at(bot, utc(2026, 12, 3, 17, 10))
    assert posts_of(bot.fake, "checkin:") == []
    tick_at(bot, utc(2026, 12, 4, 7, 0))  # Friday 08:00 in Berlin
    (questions,) = posts_of(bot.fake, "checkin:")
    shown = rendered(questions)
    assert "Four questions about Thursday's conversation (meeting 1)" in shown
    assert "your conversation today" not in shown
    assert METHOD_QUESTIONS[0] in shown  # the method's words stay as they are
