"""The private rating in the Answer modal: "How useful was this conversation?" 1–5, stored apart, never posted."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from blocks.checkins import RATING_BLOCK
from storage.db import session_scope
from storage.models import CheckInRating
from tests.conftest import MENTEE, MENTOR, RunningBot
from tests.support.sessions import agree_boundaries, message_with_key, new_pair_id, posts_of, rendered, utc
from tests.support.slack_user import db_snapshot, opened_view, press, submit, tick_at

AFTER_MEETING_1 = utc(2026, 12, 3, 17, 10)  # meeting 1: Thursday 3 Dec, 17:00–18:00 in Berlin


def _answer_modal(bot: RunningBot, user: str) -> dict[str, Any]:
    message = message_with_key(bot.fake, "checkin:")
    value = next(
        e["value"]
        for b in message["blocks"]
        if b.get("type") == "actions"
        for e in b["elements"]
        if e.get("action_id") == "checkin_answer"
    )
    before = len(bot.fake.calls("views.open"))
    press(bot, user, "checkin_answer", value, message)
    return opened_view(bot, before)


def _rating_block(view: dict[str, Any]) -> dict[str, Any]:
    return next(b for b in view["blocks"] if b.get("block_id") == RATING_BLOCK)


def _ratings(bot: RunningBot) -> dict[str, int]:
    with session_scope(bot.engine) as session:
        return {r.user_id: r.score for r in session.exec(select(CheckInRating))}


def test_a_member_rates_the_conversation_privately_and_sees_their_own_rating_again(bot: RunningBot) -> None:
    pair_id = new_pair_id(bot.engine, mentor=MENTOR, mentee=MENTEE)
    agree_boundaries(bot.engine, pair_id)
    tick_at(bot, AFTER_MEETING_1)
    view = _answer_modal(bot, MENTEE)
    rating = _rating_block(view)
    assert rating["optional"] is True and rating["label"]["text"] == "How useful was this conversation?"
    assert [o["value"] for o in rating["element"]["options"]] == ["1", "2", "3", "4", "5"]
    assert "never yours" in rating["hint"]["text"]

    assert submit(bot, MENTEE, view, {"useful": "The mock interview", RATING_BLOCK: "4"}) is None
    assert _ratings(bot) == {MENTEE: 4}
    again = _answer_modal(bot, MENTEE)
    assert _rating_block(again)["element"]["initial_option"]["value"] == "4"
    assert submit(bot, MENTOR, _answer_modal(bot, MENTOR), {"useful": "Seeing the progress"}) is None
    (summary,) = bot.fake.wait_for(lambda f: posts_of(f, "summary:"))
    assert "rating" not in rendered(summary).lower() and "How useful was this" not in rendered(summary)
    assert _ratings(bot) == {MENTEE: 4}  # the mentor left it empty: no rating of theirs


def test_a_rating_outside_one_to_five_is_a_field_error_and_changes_nothing(bot: RunningBot) -> None:
    pair_id = new_pair_id(bot.engine, mentor=MENTOR, mentee=MENTEE)
    agree_boundaries(bot.engine, pair_id)
    tick_at(bot, AFTER_MEETING_1)
    view = _answer_modal(bot, MENTEE)
    _rating_block(view)["element"]["options"].append({"text": {"type": "plain_text", "text": "9"}, "value": "9"})
    before = db_snapshot(bot)
    answer = submit(bot, MENTEE, view, {"useful": "x", RATING_BLOCK: "9"})
    assert answer["response_action"] == "errors" and RATING_BLOCK in answer["errors"]
    assert db_snapshot(bot) == before
