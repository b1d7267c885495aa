"""End-of-session questions: /mentor wrapup, the Answer modal (editable), the summary, privacy, reply parsing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from mentoring.checkins import BEFORE_NEXT, NEXT_STEPS, USEFUL, parse_reply
from mentoring.followthrough import complete_item
from scheduler.tick import tick
from storage.db import session_scope
from storage.models import ActionItem, ActionStatus
from tests.conftest import MENTEE, MENTOR, OTHER, RunningBot
from tests.support.payloads import block_action, view_submission
from tests.support.sessions import (
    PAIR_DM,
    agree_boundaries,
    all_sent,
    answers,
    checkins,
    eventually,
    items,
    message_with_key,
    new_pair_id,
    outbox_keys,
    posts_of,
    rendered,
    utc,
)
from tests.support.slack_user import (
    agree_through_the_ui,
    db_snapshot,
    opened_view,
    pair_via_command,
    press_in_message,
    send_submission,
    started,
)


def wrapup(bot: RunningBot, user: str = MENTEE) -> dict[str, Any]:
    return bot.slack.command("wrapup", user_id=user, channel_id=PAIR_DM).json()


def open_answer_modal(bot: RunningBot, user: str, checkin_id: int) -> dict[str, Any]:
    views = len(bot.fake.state.views)
    bot.slack.interactive(
        block_action(user_id=user, action_id="checkin_answer", value=str(checkin_id), channel_id=PAIR_DM)
    )
    bot.fake.wait_for(lambda f: len(f.state.views) > views)
    return list(bot.fake.state.views.values())[-1]


def submit_and_wait(bot: RunningBot, user: str, view: dict[str, Any], inputs: dict[str, str]) -> Any:
    """Submit the modal; when accepted, wait for the questions to be redrawn (the handler's last step)."""
    updates = len(bot.fake.calls("chat.update"))
    response = send_submission(bot, user, view, inputs)
    if "errors" not in response.text:
        bot.fake.wait_for(lambda f: len(f.calls("chat.update")) > updates)
    return response


def test_wrapup_posts_the_three_questions_into_the_pair_dm_now(bot: RunningBot) -> None:
    pair_id = new_pair_id(bot.engine, mentor=MENTOR, mentee=MENTEE)
    reply = wrapup(bot)
    assert reply["response_type"] == "ephemeral" and "Posted" in reply["text"]
    eventually(lambda: all_sent(bot.engine))
    (post,) = bot.fake.posts(PAIR_DM)
    for question in (USEFUL, NEXT_STEPS, BEFORE_NEXT):
        assert question in rendered(post)
    assert post["metadata"]["event_payload"]["delivery_key"].startswith(f"wrapup:{pair_id}:")
    (checkin,) = checkins(bot.engine, pair_id)
    assert checkin.meeting_id is None and checkin.channel_id == PAIR_DM


def test_wrapup_twice_in_the_same_minute_posts_once(bot: RunningBot) -> None:
    new_pair_id(bot.engine, mentor=MENTOR, mentee=MENTEE)
    wrapup(bot)
    second = wrapup(bot, MENTOR)
    assert "already" in second["text"]
    eventually(lambda: all_sent(bot.engine))
    assert len(bot.fake.posts(PAIR_DM)) == 1


def test_wrapup_during_a_meeting_belongs_to_it_and_the_scheduled_questions_do_not_repeat(bot: RunningBot) -> None:
    pair_id = new_pair_id(bot.engine, mentor=MENTOR, mentee=MENTEE)
    agree_boundaries(bot.engine, pair_id)
    bot.deps.clock.set(utc(2026, 12, 3, 16, 50))  # type: ignore[attr-defined]  # meeting 1 is under way
    wrapup(bot)
    eventually(lambda: all_sent(bot.engine))
    (checkin,) = checkins(bot.engine, pair_id)
    assert checkin.meeting_id is not None
    assert "meeting 1" in rendered(posts_of(bot.fake, "checkin:")[0])
    assert "already" in wrapup(bot, MENTOR)["text"]
    tick(utc(2026, 12, 3, 17, 10), bot.deps)
    assert len(posts_of(bot.fake, "checkin:")) == 1


def test_wrapup_from_someone_outside_the_pair_is_refused(bot: RunningBot) -> None:
    new_pair_id(bot.engine, mentor=MENTOR, mentee=MENTEE)
    reply = wrapup(bot, OTHER)
    assert "not part of this pair" in reply["text"]
    assert bot.fake.posts() == [] and outbox_keys(bot.engine) == []


def test_answer_modal_asks_for_at_least_one_answer_and_changes_nothing(bot: RunningBot) -> None:
    pair_id = new_pair_id(bot.engine, mentor=MENTOR, mentee=MENTEE)
    wrapup(bot)
    eventually(lambda: all_sent(bot.engine))
    (checkin,) = checkins(bot.engine, pair_id)
    view = open_answer_modal(bot, MENTEE, checkin.id)  # type: ignore[arg-type]
    assert view["title"]["text"] == "Closing questions"
    response = submit_and_wait(bot, MENTEE, view, {"useful": "  ", "next_steps": ""})
    assert response.json() == {"response_action": "errors", "errors": {"useful": "Answer at least one question."}}
    assert answers(bot.engine, checkin.id) == {}  # type: ignore[arg-type]


def test_answers_stay_editable_and_items_follow_the_lines(bot: RunningBot) -> None:
    pair_id = new_pair_id(bot.engine, mentor=MENTOR, mentee=MENTEE)
    wrapup(bot)
    eventually(lambda: all_sent(bot.engine))
    (checkin,) = checkins(bot.engine, pair_id)
    view = open_answer_modal(bot, MENTEE, checkin.id)  # type: ignore[arg-type]
    submit_and_wait(bot, MENTEE, view, {"next_steps": "Call Ana\nUpdate CV\nRead chapter 3"})
    bot.fake.wait_for(lambda f: len(items(bot.engine, pair_id)) == 3)
    with session_scope(bot.engine) as session:
        first = session.get(ActionItem, items(bot.engine, pair_id)[0].id)
        assert first is not None
        complete_item(session, item=first, now=utc(2026, 11, 26, 10, 0))

    edit = open_answer_modal(bot, MENTEE, checkin.id)  # type: ignore[arg-type]
    assert "Read chapter 3" in str(edit["blocks"])  # pre-filled
    submit_and_wait(bot, MENTEE, edit, {"next_steps": "Update CV\nFind a mentor circle"})
    bot.fake.wait_for(lambda f: any(i.text == "Find a mentor circle" for i in items(bot.engine, pair_id)))
    now_items = {(i.text, i.status) for i in items(bot.engine, pair_id)}
    assert now_items == {
        ("Call Ana", ActionStatus.DONE),  # done: history, kept
        ("Update CV", ActionStatus.OPEN),
        ("Find a mentor circle", ActionStatus.OPEN),
    }
    assert answers(bot.engine, checkin.id)[MENTEE].next_steps == "Update CV\nFind a mentor circle"  # type: ignore[arg-type]


def test_summary_is_posted_once_in_the_thread_when_both_have_answered(bot: RunningBot) -> None:
    pair_id = new_pair_id(bot.engine, mentor=MENTOR, mentee=MENTEE)
    wrapup(bot)
    eventually(lambda: all_sent(bot.engine))
    (checkin,) = checkins(bot.engine, pair_id)
    submit_and_wait(bot, MENTEE, open_answer_modal(bot, MENTEE, checkin.id), {"useful": "Everything"})  # type: ignore[arg-type]
    bot.fake.wait_for(lambda f: answers(bot.engine, checkin.id))  # type: ignore[arg-type]
    assert posts_of(bot.fake, "summary:") == []
    submit_and_wait(bot, MENTOR, open_answer_modal(bot, MENTOR, checkin.id), {"next_steps": "info: salary bands"})  # type: ignore[arg-type]
    bot.fake.wait_for(lambda f: posts_of(f, "summary:"))
    submit_and_wait(
        bot, MENTOR, open_answer_modal(bot, MENTOR, checkin.id), {"next_steps": "info: salary bands\nresource: a book"}
    )  # type: ignore[arg-type]
    bot.fake.wait_for(lambda f: len(items(bot.engine, pair_id)) == 2)
    (summary,) = posts_of(bot.fake, "summary:")
    assert summary["thread_ts"] == message_with_key(bot.fake, "wrapup:")["ts"]
    assert [(i.owner_id, i.kind) for i in items(bot.engine, pair_id)] == [(MENTOR, "information"), (MENTOR, "resource")]


def test_someone_outside_the_pair_can_neither_open_nor_submit_the_answers(bot: RunningBot) -> None:
    pair_id = new_pair_id(bot.engine, mentor=MENTOR, mentee=MENTEE)
    wrapup(bot)
    eventually(lambda: all_sent(bot.engine))
    (checkin,) = checkins(bot.engine, pair_id)
    views = len(bot.fake.state.views)
    bot.slack.interactive(
        block_action(
            user_id=OTHER,
            action_id="checkin_answer",
            value=str(checkin.id),
            channel_id=PAIR_DM,
            response_url=bot.fake.response_url("crafted"),
        )
    )
    (refusal,) = bot.fake.wait_for_responses()
    assert "not part of this pair" in refusal["text"]
    assert len(bot.fake.state.views) == views
    # A crafted submission of the mentee's modal by someone else.
    view = open_answer_modal(bot, MENTEE, checkin.id)  # type: ignore[arg-type]
    response = submit_and_wait(bot, OTHER, view, {"useful": "sneaky"})
    assert "not part of this pair" in response.json()["errors"]["useful"]
    assert answers(bot.engine, checkin.id) == {}  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Call Ana\nUpdate CV", {"useful": "Call Ana\nUpdate CV"}),  # free text makes no items by itself
        (
            "Great session!\nresource: the Lean Startup",
            {"useful": "Great session!", "next_steps": "resource: the Lean Startup"},
        ),
        ("useful: the CV tips", {"useful": "the CV tips"}),
        (
            "Useful: the CV tips\nNext steps: call Ana\nsend the deck\nBefore next: read chapter 3",
            {"useful": "the CV tips", "next_steps": "call Ana\nsend the deck", "before_next": "read chapter 3"},
        ),
        ("*next steps:*\n- one\n- two", {"next_steps": "- one\n- two"}),
        ("changes: meet less often\nfocus: interviews", {"focus": "meet less often\ninterviews"}),
        ("   \n", {}),
    ],
)
def test_thread_replies_are_split_by_their_prefixes(text: str, expected: dict[str, str]) -> None:
    assert parse_reply(text) == expected


def test_answering_the_questions_through_the_button_and_an_oversized_answer(bot: RunningBot) -> None:
    pair = started(bot, pair_via_command(bot, MENTOR, MENTEE))
    agreed = agree_through_the_ui(bot, pair)
    start = datetime.combine(agreed.first_meeting_on, datetime.min.time(), tzinfo=UTC).replace(hour=16)  # type: ignore[arg-type]
    tick(start + timedelta(minutes=75), bot.deps)
    channel = pair.channel_id or ""
    questions = next(
        m for m in bot.fake.messages(channel) if "What was useful about our conversation today?" in m["text"]
    )
    answer = next(
        e for b in questions["blocks"] for e in b.get("elements") or [] if e.get("action_id") == "checkin_answer"
    )
    bot.fake.inject("views.open", delay=3.5)  # a slow Slack must not delay the ack of the click
    views = len(bot.fake.calls("views.open"))
    press_in_message(bot, MENTEE, "checkin_answer", answer["value"], channel=channel, ts=questions["ts"])
    view = opened_view(bot, views)
    before = db_snapshot(bot)
    inputs = {b["block_id"]: "z" * 20000 for b in view["blocks"] if b["type"] == "input"}
    response = bot.slack.interactive(view_submission(user_id=MENTEE, view=view, inputs=inputs))
    assert response.status == 200 and response.json()["response_action"] == "errors", response.text
    assert db_snapshot(bot) == before
    # An outsider submitting the same modal is refused.
    typed = [b for b in view["blocks"] if b["type"] == "input" and b["element"]["type"] == "plain_text_input"]
    good = {b["block_id"]: "Practise the pitch" for b in typed}
    response = bot.slack.interactive(view_submission(user_id=OTHER, view=view, inputs=good))
    assert response.status == 200 and response.json()["response_action"] == "errors", response.text
    bot.settle()
    assert db_snapshot(bot) == before
    # The member's answer is saved.
    response = bot.slack.interactive(view_submission(user_id=MENTEE, view=view, inputs=good))
    assert response.status == 200 and not (response.body and response.json().get("response_action") == "errors")
    bot.fake.wait_for(lambda f: db_snapshot(bot) != before)
