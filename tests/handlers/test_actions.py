"""Follow-through items: /mentor actions, Done and Snooze a week (updated in place), adding items, privacy."""

from __future__ import annotations

from datetime import date

import pytest

from mentoring.followthrough import add_items, parse_item_line, split_lines
from scheduler.tick import tick
from storage.db import session_scope
from storage.models import ActionStatus, Pair
from tests.conftest import MENTEE, MENTOR, OTHER, RunningBot
from tests.support.payloads import view_submission
from tests.support.sessions import (
    PAIR_DM,
    agree_boundaries,
    dm_channel_of,
    items,
    lives_in,
    message_with_key,
    new_pair_id,
    rendered,
    utc,
)
from tests.support.slack_user import (
    db_snapshot,
    latest_view_call,
    pair_via_command,
    press,
    press_in_message,
    started,
    view_count,
)


def with_items(bot: RunningBot, owner: str, *texts: str) -> int:
    lives_in(bot.fake, MENTEE, "Europe/Berlin")  # the agreed hours are both members' 08–20 Berlin
    pair_id = new_pair_id(bot.engine, mentor=MENTOR, mentee=MENTEE)
    # Every other Thursday from 26 Nov: the weeks of 3 and 17 Dec have no meeting, so a weekly nudge.
    agree_boundaries(bot.engine, pair_id, frequency="biweekly", first_meeting_on=date(2026, 11, 26))
    with session_scope(bot.engine) as session:
        pair = session.get(Pair, pair_id)
        assert pair is not None
        for text in texts:
            add_items(session, pair=pair, owner_id=owner, text=text, kind="action", due_at=None, now=utc(2026, 11, 25))
    return pair_id


def test_actions_lists_only_the_callers_open_items_with_done_and_snooze(bot: RunningBot) -> None:
    pair_id = with_items(bot, MENTEE, "Update CV", "Call Ana")
    with session_scope(bot.engine) as session:
        pair = session.get(Pair, pair_id)
        add_items(
            session,
            pair=pair,
            owner_id=MENTOR,
            text="contact: intro to Bo",
            kind="action",
            due_at=None,
            now=utc(2026, 11, 25),
        )  # type: ignore[arg-type]
    body = bot.slack.command("actions", user_id=MENTEE, channel_id=PAIR_DM).json()
    assert body["response_type"] == "ephemeral"
    shown = rendered(body)
    assert "Update CV" in shown and "Call Ana" in shown and "intro to Bo" not in shown
    buttons = [e["action_id"] for b in body["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert buttons == ["item_done", "item_snooze", "item_done", "item_snooze", "items_add"]


def test_actions_with_nothing_open_says_so(bot: RunningBot) -> None:
    new_pair_id(bot.engine, mentor=MENTOR, mentee=MENTEE)
    body = bot.slack.command("actions", user_id=MENTOR, channel_id=PAIR_DM).json()
    assert "no open follow-through items" in body["text"]


def test_actions_from_outside_the_pair_is_refused(bot: RunningBot) -> None:
    with_items(bot, MENTEE, "Update CV")
    body = bot.slack.command("actions", user_id=OTHER, channel_id=PAIR_DM).json()
    assert "not part of this pair" in body["text"] and "Update CV" not in str(body)


def test_done_in_the_weekly_nudge_updates_that_message_in_place(bot: RunningBot) -> None:
    pair_id = with_items(bot, MENTEE, "Update CV", "Call Ana")
    tick(utc(2026, 12, 3, 7, 0), bot.deps)  # Thursday 08:00 Berlin: the nudge, in the mentee's DM with the bot
    dm = dm_channel_of(bot.fake, MENTEE) or ""
    nudge = message_with_key(bot.fake, f"nudge:{pair_id}:{MENTEE}", dm)
    first = items(bot.engine, pair_id)[0]
    press(bot, MENTEE, "item_done", str(first.id), nudge, channel=dm)
    (update,) = bot.fake.wait_for_calls("chat.update")
    assert update.args["ts"] == nudge["ts"] and update.args["channel"] == dm
    assert "~Update CV~" in str(update.args["blocks"])
    done_buttons = [
        e["value"]
        for b in update.args["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == "item_done"
    ]
    assert done_buttons == [str(items(bot.engine, pair_id)[1].id)]  # only the open one keeps its buttons
    assert items(bot.engine, pair_id)[0].status == ActionStatus.DONE


def test_snooze_hides_an_item_from_next_weeks_nudge_for_a_week(bot: RunningBot) -> None:
    pair_id = with_items(bot, MENTEE, "Update CV", "Call Ana")
    bot.deps.clock.set(utc(2026, 11, 26, 8, 0))  # type: ignore[attr-defined]
    second = items(bot.engine, pair_id)[1]
    press(bot, MENTEE, "item_snooze", str(second.id))
    bot.fake.wait_for_responses()
    assert items(bot.engine, pair_id)[1].snoozed_until == utc(2026, 12, 3, 8, 0)
    tick(utc(2026, 12, 3, 7, 0), bot.deps)  # still snoozed at 08:00 Berlin on the 3rd
    nudge = rendered(message_with_key(bot.fake, "nudge:", dm_channel_of(bot.fake, MENTEE) or ""))
    assert "Update CV" in nudge and "Call Ana" not in nudge


def test_snoozing_a_done_item_is_refused(bot: RunningBot) -> None:
    pair_id = with_items(bot, MENTEE, "Update CV")
    item_id = str(items(bot.engine, pair_id)[0].id)
    press(bot, MENTEE, "item_done", item_id)
    bot.fake.wait_for_responses()
    press(bot, MENTEE, "item_snooze", item_id)
    replies = bot.fake.wait_for_responses(2)
    assert "already done" in replies[1]["text"]


def test_someone_outside_the_pair_cannot_mark_its_items(bot: RunningBot) -> None:
    pair_id = with_items(bot, MENTEE, "Update CV")
    other_pair = new_pair_id(bot.engine, mentor=OTHER, mentee="U0SOMEONE", channel_id="G0OTHERDM")
    assert other_pair != pair_id
    item_id = str(items(bot.engine, pair_id)[0].id)
    for user in (OTHER, "U0SOMEONE"):
        press(bot, user, "item_done", item_id)
    replies = bot.fake.wait_for_responses(2)
    assert all("not part of this pair" in r["text"] for r in replies)
    assert items(bot.engine, pair_id)[0].status == ActionStatus.OPEN
    assert bot.fake.calls("chat.update") == []


def test_items_can_be_added_by_hand_due_at_the_next_meeting(bot: RunningBot) -> None:
    pair_id = new_pair_id(bot.engine, mentor=MENTOR, mentee=MENTEE)
    agree_boundaries(bot.engine, pair_id)
    views = len(bot.fake.state.views)
    press(bot, MENTOR, "items_add", str(pair_id))
    bot.fake.wait_for(lambda f: len(f.state.views) > views)
    view = list(bot.fake.state.views.values())[-1]
    empty = bot.slack.interactive(
        view_submission(user_id=MENTOR, view=view, inputs={"items_text": " ", "items_kind": "resource"})
    )
    assert "items_text" in empty.json()["errors"]
    response = bot.slack.interactive(
        view_submission(
            user_id=MENTOR,
            view=view,
            inputs={"items_text": "- The Lean Startup\ncontact: Ana from the design team", "items_kind": "resource"},
        )
    )
    assert response.status == 200 and "errors" not in response.text
    bot.fake.wait_for_calls("chat.postEphemeral")
    added = items(bot.engine, pair_id)
    assert [(i.owner_id, i.kind, i.text, i.source) for i in added] == [
        (MENTOR, "resource", "The Lean Startup", "manual"),
        (MENTOR, "contact", "Ana from the design team", "manual"),
    ]
    assert all(i.due_at == utc(2026, 12, 3, 16, 0) for i in added)
    crafted = bot.slack.interactive(
        view_submission(user_id=OTHER, view=view, inputs={"items_text": "x", "items_kind": "action"})
    )
    assert "not part of this pair" in crafted.json()["errors"]["items_text"]
    assert len(items(bot.engine, pair_id)) == 2


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("resource: The Lean Startup", ("resource", "The Lean Startup")),
        ("Contact : Ana", ("contact", "Ana")),
        ("info: salary bands", ("information", "salary bands")),
        ("Update CV", ("action", "Update CV")),
        ("Note: this is just text", ("action", "Note: this is just text")),
        ("resource:", ("action", "resource:")),
    ],
)
def test_a_line_prefix_sets_the_kind_of_commitment(line: str, expected: tuple[str, str]) -> None:
    assert parse_item_line(line) == expected


def test_lines_lose_their_bullets_and_blank_lines_are_dropped() -> None:
    assert split_lines("- one\n\n• two\n  3. three\n* four\n") == ["one", "two", "three", "four"]


def test_an_item_line_longer_than_an_item_may_be_is_a_field_error_not_cut_short(bot: RunningBot) -> None:
    pair = started(bot, pair_via_command(bot, MENTOR, MENTEE))
    n = view_count(bot)
    press_in_message(bot, MENTEE, "items_add", str(pair.id), channel=pair.channel_id or "", ts="1.000100")
    view = latest_view_call(bot, n)
    before = db_snapshot(bot)
    text = "Read the negotiation book\n" + "Practise " * 70  # 630 characters on one line; the field takes 3000
    response = bot.slack.interactive(view_submission(user_id=MENTEE, view=view, inputs={"items_text": text}))
    answer = response.json() if response.body else {}
    assert answer.get("response_action") == "errors" and "Line 2" in answer["errors"]["items_text"], answer
    bot.settle()
    assert db_snapshot(bot) == before
