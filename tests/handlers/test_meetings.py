"""The reminder's buttons: We'll meet, Skip this one, Move it — for pair members only, with clear errors."""

from __future__ import annotations

from mentoring.meeting_changes import skip_meeting
from scheduler.tick import tick
from storage.db import session_scope
from storage.models import Meeting, MeetingStatus, Pair
from tests.conftest import MENTEE, MENTOR, OTHER, RunningBot
from tests.support.payloads import view_submission
from tests.support.sessions import (
    agree_boundaries,
    eventually,
    items,
    meetings,
    new_pair_id,
    outbox_keys,
    posts_of,
    reminded,
    utc,
)
from tests.support.slack_user import PAIR_DM, press


def test_someone_outside_the_pair_cannot_skip_confirm_or_move_its_meeting(bot: RunningBot) -> None:
    pair_id, reminder = reminded(bot)
    meeting_id = str(meetings(bot.engine, pair_id)[0].id)
    views = len(bot.fake.state.views)
    for action_id in ("meeting_skip", "meeting_confirm", "meeting_move"):
        press(bot, OTHER, action_id, meeting_id, reminder)
    replies = bot.fake.wait_for_responses(3)
    assert all("not part of this pair" in r["text"] for r in replies)
    assert meetings(bot.engine, pair_id)[0].status == MeetingStatus.SCHEDULED
    assert bot.fake.calls("chat.update") == [] and len(bot.fake.state.views) == views


def test_an_unknown_meeting_id_is_answered_plainly(bot: RunningBot) -> None:
    _, reminder = reminded(bot)
    press(bot, MENTEE, "meeting_skip", "99999", reminder)
    (reply,) = bot.fake.wait_for_responses()
    assert "couldn't find that meeting" in reply["text"]


def test_moving_to_a_time_already_past_is_a_field_error_and_changes_nothing(bot: RunningBot) -> None:
    pair_id, reminder = reminded(bot)
    views = len(bot.fake.state.views)
    press(bot, MENTOR, "meeting_move", str(meetings(bot.engine, pair_id)[0].id), reminder)
    bot.fake.wait_for(lambda f: len(f.state.views) > views)
    view = list(bot.fake.state.views.values())[-1]
    initial = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert initial["move_date"]["initial_date"] == "2026-12-03" and initial["move_time"]["initial_time"] == "17:00"
    response = bot.slack.interactive(
        view_submission(user_id=MENTOR, view=view, inputs={"move_date": "2026-12-02", "move_time": "17:00"})
    )
    assert response.json()["errors"] == {"move_date": "Pick a time in the future."}
    assert meetings(bot.engine, pair_id)[0].scheduled_at == utc(2026, 12, 3, 16, 0)
    missing = bot.slack.interactive(view_submission(user_id=MENTOR, view=view, inputs={"move_date": "2026-12-04"}))
    assert "move_time" in missing.json()["errors"]


def test_a_crafted_move_by_someone_outside_the_pair_is_refused(bot: RunningBot) -> None:
    pair_id, reminder = reminded(bot)
    views = len(bot.fake.state.views)
    press(bot, MENTEE, "meeting_move", str(meetings(bot.engine, pair_id)[0].id), reminder)
    bot.fake.wait_for(lambda f: len(f.state.views) > views)
    view = list(bot.fake.state.views.values())[-1]
    response = bot.slack.interactive(
        view_submission(user_id=OTHER, view=view, inputs={"move_date": "2026-12-04", "move_time": "10:00"})
    )
    assert "not part of this pair" in response.json()["errors"]["move_date"]
    assert meetings(bot.engine, pair_id)[0].scheduled_at == utc(2026, 12, 3, 16, 0)


def test_a_button_press_never_redraws_a_message_outside_the_pair_dm(bot: RunningBot) -> None:
    pair_id, reminder = reminded(bot)
    press(bot, MENTEE, "meeting_confirm", str(meetings(bot.engine, pair_id)[0].id), reminder, channel="C0GENERAL")
    eventually(lambda: meetings(bot.engine, pair_id)[0].status == MeetingStatus.CONFIRMED)
    assert bot.fake.calls("chat.update") == []


def test_skipping_moves_open_items_to_the_next_meeting(bot: RunningBot) -> None:
    from mentoring.followthrough import add_items

    pair_id, reminder = reminded(bot)
    with session_scope(bot.engine) as session:
        pair = session.get(Pair, pair_id)
        add_items(
            session,
            pair=pair,
            owner_id=MENTEE,
            text="Update CV",
            kind="action",
            due_at=utc(2026, 12, 3, 16, 0),
            now=utc(2026, 12, 1),
        )  # type: ignore[arg-type]
    updates = len(bot.fake.calls("chat.update"))
    press(bot, MENTEE, "meeting_skip", str(meetings(bot.engine, pair_id)[0].id), reminder)
    bot.fake.wait_for(lambda f: len(f.calls("chat.update")) > updates)
    assert items(bot.engine, pair_id)[0].due_at == utc(2026, 12, 10, 16, 0)
    tick(utc(2026, 12, 3, 17, 10), bot.deps)
    assert posts_of(bot.fake, "checkin:") == []  # no questions for a skipped meeting


def test_a_reminder_whose_posting_failed_is_not_retried_after_the_meeting_was_skipped(bot: RunningBot) -> None:
    pair_id = new_pair_id(bot.engine, mentor=MENTOR, mentee=MENTEE)
    agree_boundaries(bot.engine, pair_id)
    bot.fake.inject("chat.postMessage", status=500)
    tick(utc(2026, 12, 3, 15, 0), bot.deps)
    # The admin's weekly digest (this month-old pair has no pre-work) is planned too; only the reminder matters here.
    assert len([k for k in outbox_keys(bot.engine) if not k.startswith("lead_digest:")]) == 1
    assert bot.fake.posts(PAIR_DM) == []
    with session_scope(bot.engine) as session:
        meeting = session.get(Meeting, meetings(bot.engine, pair_id)[0].id)
        skip_meeting(session, meeting=meeting, by=MENTEE, now=utc(2026, 12, 3, 15, 1))  # type: ignore[arg-type]
    tick(utc(2026, 12, 3, 15, 30), bot.deps)
    assert bot.fake.posts(PAIR_DM) == []
