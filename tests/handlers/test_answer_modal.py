"""*Answer* in one step (the questions, own items to tick, goal progress) and *We didn't meet* on the questions."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from sqlmodel import col, select

from blocks.goals import progress_bar
from blocks.reminders import MOVE_DATE_BLOCK, MOVE_TIME_BLOCK
from mentoring.followthrough import add_items
from mentoring.goals import record_progress
from mentoring.reports import program_report
from storage.db import session_scope
from storage.models import ActionItem, ActionStatus, CheckInAnswer, Goal, GoalUpdate, Meeting, MeetingStatus, Pair
from tests.conftest import MENTEE, MENTOR, RunningBot
from tests.support.bots import BOTH_DATABASES, bot_on
from tests.support.fake_slack import TEAM_ID
from tests.support.payloads import block_action, view_submission
from tests.support.sessions import (
    METHOD_QUESTIONS,
    PAIR_DM,
    add_goal,
    agree_boundaries,
    checkins,
    meetings,
    message_with_key,
    new_pair_id,
    posts_of,
    rendered,
    utc,
)
from tests.support.slack_user import at_once, db_snapshot, open_goals, opened_view, press, submit, tick_at

AFTER_MEETING_1 = utc(2026, 12, 3, 17, 10)  # meeting 1: Thursday 3 Dec, 17:00–18:00 in Berlin


@pytest.fixture(params=BOTH_DATABASES)
def any_bot(request: pytest.FixtureRequest) -> Iterator[RunningBot]:
    yield from bot_on(request, request.param)  # type: ignore[misc]


def asked(bot: RunningBot) -> tuple[int, dict[str, Any]]:
    """A pair with a goal at 25 % and one open item each, whose first meeting's questions were just posted."""
    pair_id = new_pair_id(bot.engine, mentor=MENTOR, mentee=MENTEE)
    agree_boundaries(bot.engine, pair_id)
    add_goal(bot.engine, pair_id, "Land a product role", 0, date(2027, 3, 1), MENTEE)
    with session_scope(bot.engine) as session:
        pair = session.get(Pair, pair_id)
        assert pair is not None
        goal = session.exec(select(Goal).where(Goal.pair_id == pair_id)).one()
        record_progress(
            session=session,
            pair=pair,
            goal_id=goal.id,
            progress=25,
            note="First CV draft",
            by=MENTEE,
            now=utc(2026, 11, 25),
        )
        for owner, text in ((MENTEE, "Rewrite the CV summary"), (MENTOR, "Send the interview checklist")):
            add_items(session, pair=pair, owner_id=owner, text=text, kind="action", due_at=None, now=utc(2026, 11, 26))
    tick_at(bot, AFTER_MEETING_1)
    return pair_id, message_with_key(bot.fake, "checkin:")


def open_answer(bot: RunningBot, user: str, message: dict[str, Any]) -> dict[str, Any]:
    before = len(bot.fake.calls("views.open"))
    press(bot, user, "checkin_answer", button_value(message, "checkin_answer"), message)
    return opened_view(bot, before)


def button_value(message: dict[str, Any], action_id: str) -> str:
    for block in message["blocks"]:
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            if element.get("action_id") == action_id:
                return str(element["value"])
    raise AssertionError(f"no {action_id} button in {message['blocks']}")


def labels(message: dict[str, Any]) -> list[str]:
    return [e["text"]["text"] for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]


def item_id(bot: RunningBot, text: str) -> int:
    with session_scope(bot.engine) as session:
        item = session.exec(select(ActionItem).where(ActionItem.text == text)).one()
        assert item.id is not None
        return item.id


def item_status(bot: RunningBot, text: str) -> str:
    with session_scope(bot.engine) as session:
        return session.exec(select(ActionItem.status).where(ActionItem.text == text)).one()


def goal_and_history(bot: RunningBot, pair_id: int) -> tuple[Goal, list[GoalUpdate]]:
    with session_scope(bot.engine) as session:
        goal = session.exec(select(Goal).where(Goal.pair_id == pair_id)).one()
        history = list(
            session.exec(select(GoalUpdate).where(GoalUpdate.goal_id == goal.id).order_by(col(GoalUpdate.id)))
        )
        session.expunge_all()
        return goal, history


def block(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


def submit_and_wait(bot: RunningBot, payload: dict[str, Any]) -> Any:
    """Send a (possibly crafted) submission; once accepted, wait for the questions to be redrawn."""
    updates = len(bot.fake.calls("chat.update"))
    response = bot.slack.interactive(payload)
    assert response.status == 200, response.text
    if not response.body:
        bot.fake.wait_for(lambda f: len(f.calls("chat.update")) > updates)
    bot.settle()
    return response.json() if response.body else None


def test_one_modal_asks_the_four_questions_offers_own_items_and_a_progress_step_per_goal(bot: RunningBot) -> None:
    pair_id, message = asked(bot)
    view = open_answer(bot, MENTEE, message)
    inputs = [b for b in view["blocks"] if b["type"] == "input"]
    assert [b["label"]["text"] for b in inputs[:4]] == list(METHOD_QUESTIONS)
    assert [b["block_id"] for b in inputs[:4]] == ["useful", "next_steps", "before_next", "focus"]
    ticks = block(view, "done_items")
    assert ticks["element"]["type"] == "checkboxes"
    assert [o["text"]["text"] for o in ticks["element"]["options"]] == ["Rewrite the CV summary"]  # only mine
    goal, _ = goal_and_history(bot, pair_id)
    select_block = block(view, f"goal_{goal.id}")
    assert select_block["element"]["type"] == "static_select"
    assert [o["value"] for o in select_block["element"]["options"]] == ["0", "25", "50", "75", "100"]
    assert select_block["element"]["initial_option"]["value"] == "25"
    assert "Land a product role" in select_block["label"]["text"]


def test_saving_the_modal_records_goal_progress_with_history_and_closes_only_my_own_items(bot: RunningBot) -> None:
    pair_id, message = asked(bot)
    view = open_answer(bot, MENTEE, message)
    goal, history = goal_and_history(bot, pair_id)
    assert [h.progress for h in history] == [25]
    payload = view_submission(
        user_id=MENTEE,
        view=view,
        inputs={
            "useful": "The mock interview",
            "focus": "Salary negotiation",
            "done_items": [str(item_id(bot, "Rewrite the CV summary"))],
            f"goal_{goal.id}": "75",
        },
    )
    # A crafted payload also ticks the mentor's item: only the member's own item is closed.
    ticked = payload["view"]["state"]["values"]["done_items"]["value"]["selected_options"]
    mentors = item_id(bot, "Send the interview checklist")
    ticked.append({"text": {"type": "plain_text", "text": "Send the interview checklist"}, "value": str(mentors)})
    assert submit_and_wait(bot, payload) is None

    assert item_status(bot, "Rewrite the CV summary") == ActionStatus.DONE
    assert item_status(bot, "Send the interview checklist") == ActionStatus.OPEN
    goal, history = goal_and_history(bot, pair_id)
    assert goal.progress == 75
    assert [(h.progress, h.user_id) for h in history] == [(25, MENTEE), (75, MENTEE)]  # the history is kept
    assert history[-1].note == "Check-in after meeting 1."
    (checkin,) = checkins(bot.engine, pair_id)
    assert meetings(bot.engine, pair_id)[0].status == MeetingStatus.HELD  # answered: it took place
    with session_scope(bot.engine) as session:
        answer = session.exec(select(CheckInAnswer).where(CheckInAnswer.checkin_id == checkin.id)).one()
        assert (answer.useful, answer.focus, answer.changes) == ("The mock interview", "Salary negotiation", "")

    # /mentor goals shows the progress recorded at the check-in.
    assert progress_bar(75) in json.dumps(open_goals(bot, MENTEE, PAIR_DM)["blocks"], ensure_ascii=False)

    # The modal comes back pre-filled: my done item is gone, the goal stands at 75 %.
    again = open_answer(bot, MENTEE, message_with_key(bot.fake, "checkin:"))
    assert block(again, "useful")["element"]["initial_value"] == "The mock interview"
    assert "done_items" not in {b.get("block_id") for b in again["blocks"]}
    assert block(again, f"goal_{goal.id}")["element"]["initial_option"]["value"] == "75"

    # The mentor answers without moving the goal: no progress update is recorded for an unchanged step.
    mentor_view = open_answer(bot, MENTOR, message_with_key(bot.fake, "checkin:"))
    assert [o["text"]["text"] for o in block(mentor_view, "done_items")["element"]["options"]] == [
        "Send the interview checklist"
    ]
    assert submit(bot, MENTOR, mentor_view, {"useful": "Seeing the progress", f"goal_{goal.id}": "75"}) is None
    bot.fake.wait_for(lambda f: posts_of(f, "summary:"))  # both answered: the summary, as before
    _, history = goal_and_history(bot, pair_id)
    assert len(history) == 2


def test_a_progress_value_that_is_not_a_step_is_a_field_error_and_changes_nothing(bot: RunningBot) -> None:
    pair_id, message = asked(bot)
    view = open_answer(bot, MENTEE, message)
    goal, _ = goal_and_history(bot, pair_id)
    before = db_snapshot(bot)
    for crafted in ("60", "500", "abc"):
        payload = view_submission(
            user_id=MENTEE,
            view=view,
            inputs={"useful": "x", "done_items": [str(item_id(bot, "Rewrite the CV summary"))]},
        )
        payload["view"]["state"]["values"][f"goal_{goal.id}"]["value"]["selected_option"] = {
            "text": {"type": "plain_text", "text": crafted},
            "value": crafted,
        }
        answer = submit_and_wait(bot, payload)
        assert answer == {"response_action": "errors", "errors": {f"goal_{goal.id}": "Pick one of the progress steps."}}
    assert db_snapshot(bot) == before


def test_we_did_not_meet_pressed_by_both_at_once_marks_the_meeting_missed_once(any_bot: RunningBot) -> None:
    bot = any_bot
    pair_id, message = asked(bot)
    assert labels(message) == ["Answer", "We didn't meet"]
    checkin_value = button_value(message, "checkin_missed")
    updates = len(bot.fake.calls("chat.update"))
    responses = len(bot.fake.responses())
    presses = [
        block_action(
            user_id=user,
            action_id="checkin_missed",
            value=checkin_value,
            channel_id=PAIR_DM,
            message={k: v for k, v in message.items() if k != "_args"},
            response_url=bot.fake.response_url(f"missed-{user}"),
        )
        for user in (MENTEE, MENTOR)
    ]
    assert at_once(*(lambda p=p: bot.slack.interactive(p).status for p in presses)) == [200, 200]
    bot.settle()

    (meeting,) = [m for m in meetings(bot.engine, pair_id) if m.number == 1]
    assert meeting.status == MeetingStatus.MISSED and meeting.updated_by in (MENTEE, MENTOR)
    told = [r.get("text", "") for r in bot.fake.responses()[responses:]]
    assert len(told) == 1 and "already said you didn't meet" in told[0], told  # the second press changed nothing
    assert len(bot.fake.calls("chat.update")) == updates + 1
    closed = message_with_key(bot.fake, "checkin:")
    assert f"<@{meeting.updated_by}> said you didn't meet" in rendered(closed)
    assert labels(closed) == ["Move it"]  # no more asking: the answer is *Move it*

    # The questions stop asking, even from an old copy of the message.
    before = len(bot.fake.responses())
    press(bot, MENTEE, "checkin_answer", checkin_value, message)
    (reply,) = bot.fake.wait_for_responses(before + 1)[before:]
    assert "questions are closed" in reply["text"]

    with session_scope(bot.engine) as session:
        report = program_report(session, team_id=TEAM_ID, now=AFTER_MEETING_1)
    assert (report.meetings_held, report.meetings_missed) == (0, 1)

    # *Move it* opens the meeting's move modal; the meeting happens on Monday instead and is asked about again.
    before = len(bot.fake.calls("views.open"))
    press(bot, MENTOR, "checkin_move", button_value(closed, "checkin_move"), closed)
    move = opened_view(bot, before)
    updates = len(bot.fake.calls("chat.update"))
    assert submit(bot, MENTOR, move, {MOVE_DATE_BLOCK: "2026-12-07", MOVE_TIME_BLOCK: "17:00"}) is None
    bot.fake.wait_for(lambda f: len(f.calls("chat.update")) > updates)
    with session_scope(bot.engine) as session:
        moved = session.get(Meeting, meeting.id)
        assert moved is not None
        assert (moved.status, moved.scheduled_at) == (MeetingStatus.SCHEDULED, utc(2026, 12, 7, 16, 0))
    (redrawn,) = [m for m in bot.fake.messages(PAIR_DM) if m["ts"] == closed["ts"]]
    assert "moved to" in rendered(redrawn) and labels(redrawn) == []

    tick_at(bot, utc(2026, 12, 7, 17, 10))
    again = message_with_key(bot.fake, "checkin:")
    assert "Four questions about your conversation today (meeting 1)" in rendered(again)
    assert labels(again) == ["Answer", "We didn't meet"]
    view = open_answer(bot, MENTEE, again)
    assert submit(bot, MENTEE, view, {"useful": "Finally met"}) is None
    bot.settle()
    with session_scope(bot.engine) as session:
        report = program_report(session, team_id=TEAM_ID, now=utc(2026, 12, 7, 18, 0))
    assert (report.meetings_held, report.meetings_missed) == (1, 0)
