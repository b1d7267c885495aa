"""A pair walks through its meetings with an injected clock: reminders, closing questions, answers, follow-through.

Boundaries: weekly on Thursday 17:00 Berlin (16:00 UTC in winter), 60 minutes, first meeting 3 Dec 2026,
both members reachable 08:00–20:00 Berlin time.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from storage.models import ActionStatus, MeetingStatus
from tests.conftest import MENTEE, MENTOR, OTHER, RunningBot
from tests.support.payloads import block_action, mpim_message, view_submission
from tests.support.sessions import (
    PAIR_DM,
    add_goal,
    agree_boundaries,
    answers,
    checkins,
    items,
    meetings,
    message_with_key,
    new_pair_id,
    posts_of,
    private_posts_of,
    rendered,
    set_theme,
    utc,
)
from tests.support.slack_user import press, tick_at

#: The method's four questions, verbatim, after every meeting.
FOUR_QUESTIONS = (
    "What was useful about our conversation today?",
    "What are your next steps?",
    "What will you do/learn/explore before our next conversation?",
    "What changes should we make for our next conversation, or what areas do we want to focus on?",
)


def at(bot: RunningBot, *args: int) -> None:
    """Move the clock to that UTC instant and run one scheduler pass there."""
    tick_at(bot, utc(*args))


def button_value(message: dict[str, Any], action_id: str) -> str:
    for block in message["blocks"]:
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            if element.get("action_id") == action_id:
                return str(element["value"])
    raise AssertionError(f"no {action_id} button in {message['blocks']}")


def newest_view(bot: RunningBot, count_before: int) -> dict[str, Any]:
    bot.fake.wait_for(lambda f: len(f.state.views) > count_before)
    return list(bot.fake.state.views.values())[-1]


def answer_with_modal(bot: RunningBot, user: str, checkin_message: dict[str, Any], inputs: dict[str, str]) -> None:
    views = len(bot.fake.state.views)
    press(bot, user, "checkin_answer", button_value(checkin_message, "checkin_answer"), checkin_message)
    view = newest_view(bot, views)
    response = bot.slack.interactive(view_submission(user_id=user, view=view, inputs=inputs))
    assert response.status == 200
    assert response.text in ("", "{}") or "errors" not in response.text


def updates(bot: RunningBot) -> int:
    return len(bot.fake.calls("chat.update"))


def test_a_pair_walks_through_its_meetings(bot: RunningBot) -> None:
    fake, engine = bot.fake, bot.engine
    pair_id = new_pair_id(engine, mentor=MENTOR, mentee=MENTEE)
    agree_boundaries(engine, pair_id)
    add_goal(engine, pair_id, "Ship the portfolio site", 40, date(2027, 2, 1), MENTEE)
    for number, theme in enumerate(
        ("Getting to know each other", "Industry trends", "Time management", "Lessons learned"), 1
    ):
        set_theme(engine, pair_id, number, theme)

    # --- Meeting 1: the reminder comes an hour before, with the theme and the goals. -----------------
    at(bot, 2026, 12, 3, 14, 59)
    assert posts_of(fake, "reminder:") == []
    at(bot, 2026, 12, 3, 15, 0)
    (reminder,) = posts_of(fake, "reminder:")
    shown = rendered(reminder)
    assert "Meeting 1" in shown and "Getting to know each other" in shown
    assert "Ship the portfolio site" in shown and "40%" in shown
    assert "<!date^" in shown  # everyone sees local time

    before = updates(bot)
    press(
        bot, MENTEE, "meeting_confirm", button_value(reminder, "meeting_confirm"), message_with_key(fake, "reminder:")
    )
    fake.wait_for(lambda f: len(f.calls("chat.update")) > before)
    assert "confirmed" in rendered(message_with_key(fake, "reminder:"))
    assert meetings(engine, pair_id)[0].status == MeetingStatus.CONFIRMED

    # --- After meeting 1: the four questions, ten minutes after its end. -------------------------------
    at(bot, 2026, 12, 3, 17, 9)
    assert posts_of(fake, "checkin:") == []
    at(bot, 2026, 12, 3, 17, 10)
    (checkin_post,) = posts_of(fake, "checkin:")
    for question in FOUR_QUESTIONS:
        assert question in rendered(checkin_post)
    assert "Four questions about your conversation today (meeting 1)" in rendered(checkin_post)

    # The mentee answers with one button and one modal.
    checkin_message = message_with_key(fake, "checkin:")
    before = updates(bot)
    answer_with_modal(
        bot,
        MENTEE,
        checkin_message,
        {
            "useful": "The feedback on my CV",
            "next_steps": "- Rewrite the summary\n- Apply to two jobs",
            "before_next": "Read about system design",
        },
    )
    fake.wait_for(lambda f: len(f.calls("chat.update")) > before)  # the questions now show who answered
    assert "answered" in rendered(message_with_key(fake, "checkin:"))
    mentee_items = items(engine, pair_id)
    assert [i.text for i in mentee_items] == ["Rewrite the summary", "Apply to two jobs", "Read about system design"]
    assert all(i.owner_id == MENTEE and i.due_at == utc(2026, 12, 10, 16, 0) for i in mentee_items)

    # The mentor answers in the thread; commitments get their kind.
    before = updates(bot)
    bot.slack.event(
        mpim_message(
            user_id=MENTOR,
            channel_id=PAIR_DM,
            thread_ts=checkin_message["ts"],
            text=(
                "useful: hearing about the job search\n"
                "next steps:\nresource: send the Lean Startup book\ncontact: intro to Ana"
            ),
        )
    )
    fake.wait_for(lambda f: len(f.calls("chat.update")) > before)
    mentor_items = [i for i in items(engine, pair_id) if i.owner_id == MENTOR]
    assert [(i.kind, i.text) for i in mentor_items] == [
        ("resource", "send the Lean Startup book"),
        ("contact", "intro to Ana"),
    ]
    (summary,) = posts_of(fake, "summary:")
    assert summary["thread_ts"] == checkin_message["ts"]
    assert "Rewrite the summary" in rendered(summary) and "intro to Ana" in rendered(summary)
    assert any("Thanks" in p["text"] for p in posts_of(fake, "reply:"))
    assert meetings(engine, pair_id)[0].status == MeetingStatus.HELD

    # Answers stay editable: the modal comes back pre-filled.
    views = len(fake.state.views)
    press(bot, MENTEE, "checkin_answer", button_value(checkin_message, "checkin_answer"), checkin_message)
    prefilled = newest_view(bot, views)
    assert "Rewrite the summary" in str(prefilled["blocks"])

    # --- Follow-through: one done from /mentor actions. ------------------------------------------------
    bot.deps.clock.set(utc(2026, 12, 4, 10, 0))  # type: ignore[attr-defined]
    listing = bot.slack.command("actions", user_id=MENTEE, channel_id=PAIR_DM).json()
    assert listing["response_type"] == "ephemeral"
    assert "Rewrite the summary" in rendered(listing) and "intro to Ana" not in rendered(listing)
    done_id = str(mentee_items[0].id)
    payload = block_action(
        user_id=MENTEE, action_id="item_done", value=done_id, channel_id=PAIR_DM, response_url=fake.response_url("list")
    )
    payload["container"]["is_ephemeral"] = True
    payload.pop("message")
    bot.slack.interactive(payload)
    (replaced,) = fake.wait_for_responses()
    assert replaced["replace_original"] is True
    assert "~Rewrite the summary~" in rendered(replaced)
    assert items(engine, pair_id)[0].status == ActionStatus.DONE

    # --- No weekly nudge in a week with a meeting: its reminder lists the open items instead. ----------
    at(bot, 2026, 12, 10, 7, 0)  # 08:00 Berlin on the meeting weekday
    assert posts_of(fake, "nudge:") == []
    assert private_posts_of(fake, MENTEE, "nudge:") == [] and private_posts_of(fake, MENTOR, "nudge:") == []

    # Snooze one from /mentor actions: it leaves this week's reminder.
    snooze_id = str(mentee_items[2].id)
    payload = block_action(
        user_id=MENTEE,
        action_id="item_snooze",
        value=snooze_id,
        channel_id=PAIR_DM,
        response_url=fake.response_url("s"),
    )
    payload["container"]["is_ephemeral"] = True
    payload.pop("message")
    bot.slack.interactive(payload)
    assert "snoozed until" in rendered(fake.wait_for_responses(2)[-1])

    # --- Meeting 2 is moved to Friday. -----------------------------------------------------------------
    at(bot, 2026, 12, 10, 15, 0)
    (_, reminder2) = posts_of(fake, "reminder:")
    assert "Meeting 2" in rendered(reminder2) and "Industry trends" in rendered(reminder2)
    assert "Apply to two jobs" in rendered(reminder2)  # open follow-through is listed
    assert "Rewrite the summary" not in rendered(reminder2)  # done
    reminder2_message = message_with_key(fake, f"reminder:{pair_id}:2026-12-10")
    views = len(fake.state.views)
    press(bot, MENTOR, "meeting_move", button_value(reminder2, "meeting_move"), reminder2_message)
    move_view = newest_view(bot, views)
    assert "Europe/Berlin" in str(move_view["blocks"])
    before = updates(bot)
    bot.slack.interactive(
        view_submission(user_id=MENTOR, view=move_view, inputs={"move_date": "2026-12-11", "move_time": "17:00"})
    )
    fake.wait_for(lambda f: len(f.calls("chat.update")) > before)
    assert "moved this meeting" in rendered(fake.calls("chat.update")[-1].args)
    moved = meetings(engine, pair_id)[1]
    assert (moved.number, moved.scheduled_at) == (2, utc(2026, 12, 11, 16, 0))

    at(bot, 2026, 12, 10, 17, 30)  # the original slot's end: no questions, the meeting moved
    assert len(posts_of(fake, "checkin:")) == 1
    at(bot, 2026, 12, 11, 15, 0)  # a fresh reminder for the new time
    assert "(moved)" in rendered(posts_of(fake, "reminder:")[-1])
    at(bot, 2026, 12, 11, 17, 10)
    assert len(posts_of(fake, "checkin:")) == 2
    second = message_with_key(fake, "checkin:")
    before = updates(bot)
    # A prefixed line is an item at once (free text would only be offered to her as a next step).
    reply = mpim_message(user_id=MENTEE, channel_id=PAIR_DM, thread_ts=second["ts"], text="next: Finish the CV")
    bot.slack.event(reply)
    fake.wait_for(lambda f: len(f.calls("chat.update")) > before)
    assert any(i.text == "Finish the CV" and i.due_at == utc(2026, 12, 17, 16, 0) for i in items(engine, pair_id))

    # --- Meeting 3 is skipped: the next one takes its number and its theme. ------------------------------
    at(bot, 2026, 12, 17, 15, 0)
    reminder3 = posts_of(fake, "reminder:")[-1]
    assert "Meeting 3" in rendered(reminder3)
    before = updates(bot)
    press(bot, MENTEE, "meeting_skip", button_value(reminder3, "meeting_skip"), message_with_key(fake, "reminder:"))
    fake.wait_for(lambda f: len(f.calls("chat.update")) > before)
    skipped_note = rendered(fake.calls("chat.update")[-1].args)
    assert "skipped this meeting" in skipped_note and "Meeting 3" in skipped_note and "Time management" in skipped_note
    assert "meeting_confirm" not in skipped_note  # no buttons on a skipped meeting
    assert [m.number for m in meetings(engine, pair_id)][:4] == [1, 2, 0, 3]
    at(bot, 2026, 12, 17, 17, 10)
    assert len(posts_of(fake, "checkin:")) == 2  # no questions for a skipped meeting

    at(bot, 2026, 12, 24, 15, 0)
    reminder_24 = posts_of(fake, "reminder:")[-1]
    assert "Meeting 3" in rendered(reminder_24) and "Time management" in rendered(reminder_24)
    at(bot, 2026, 12, 24, 17, 10)
    third = posts_of(fake, "checkin:")[-1]
    assert "meeting 3" in rendered(third) and all(q in rendered(third) for q in FOUR_QUESTIONS)

    # --- Meeting 4 asks the same four questions (no extra ones every fourth meeting). ----------------
    at(bot, 2026, 12, 31, 15, 0)
    assert "Lessons learned" in rendered(posts_of(fake, "reminder:")[-1])
    at(bot, 2026, 12, 31, 17, 10)
    fourth = posts_of(fake, "checkin:")[-1]
    for question in FOUR_QUESTIONS:
        assert question in rendered(fourth)
    assert "Four questions" in rendered(fourth) and "three quick questions" not in rendered(fourth)
    views = len(fake.state.views)
    fourth_message = message_with_key(fake, "checkin:")
    press(bot, MENTOR, "checkin_answer", button_value(fourth_message, "checkin_answer"), fourth_message)
    modal = newest_view(bot, views)
    block_ids = {b.get("block_id") for b in modal["blocks"]}
    assert "focus" in block_ids and "changes" not in block_ids

    # Answers came for meetings 1 and 2, so the pair is not flagged as inactive.
    assert posts_of(fake, "inactive:") == []

    # Nothing was ever posted twice, and nobody outside the pair was addressed.
    keys = [p["metadata"]["event_payload"]["delivery_key"] for p in fake.posts()]
    assert len(keys) == len(set(keys))
    assert OTHER not in str(fake.posts())
    assert [c.meeting_id is not None for c in checkins(engine, pair_id)] == [True, True, True, True]
    assert answers(engine, checkins(engine, pair_id)[0].id)[MENTOR].useful == "hearing about the job search"  # type: ignore[arg-type]
