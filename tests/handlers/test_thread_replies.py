"""Thread replies as people write them: kept as answers; items only from ticked or prefixed lines; the offer of
next steps is for the author alone; only an item's owner closes it; the focus answer suggests the next theme.

Everything goes through signed HTTP to the running bot and the fake Slack.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from mentoring import roadmap
from storage.db import session_scope
from storage.models import ActionStatus, Meeting, Pair
from tests.conftest import MENTEE, MENTOR, RunningBot
from tests.support.payloads import mpim_message
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
)
from tests.support.slack_user import press, tick_and_press

PLAN = (
    "Great session! My plan for the week:\n"
    "- read chapter 3 of Crucial Conversations\n"
    "- ask Ana for a mock interview\n"
    "- update my CV"
)


def posted_questions(bot: RunningBot) -> tuple[int, int, str]:
    """A pair and its closing questions posted by /mentor wrapup: (pair id, check-in id, the message's ts)."""
    pair_id = new_pair_id(bot.engine, mentor=MENTOR, mentee=MENTEE)
    bot.slack.command("wrapup", user_id=MENTEE, channel_id=PAIR_DM)
    eventually(lambda: all_sent(bot.engine))
    (checkin,) = checkins(bot.engine, pair_id)
    return pair_id, checkin.id or 0, message_with_key(bot.fake, "wrapup:")["ts"]


def reply(bot: RunningBot, user: str, text: str, thread_ts: str) -> None:
    assert bot.slack.event(mpim_message(user_id=user, channel_id=PAIR_DM, thread_ts=thread_ts, text=text)).status == 200
    bot.settle()


def offers(bot: RunningBot) -> list[dict[str, Any]]:
    return [c.args for c in bot.fake.calls("chat.postEphemeral") if "next step" in str(c.args.get("text"))]


def open_texts(bot: RunningBot, pair_id: int) -> list[str]:
    return [i.text for i in items(bot.engine, pair_id) if i.status == ActionStatus.OPEN]


def test_thanks_and_plain_sentences_are_kept_as_answers_and_make_no_items(bot: RunningBot) -> None:
    pair_id, checkin_id, ts = posted_questions(bot)
    for text in ("thanks!", "Thanks! See you next week :)", "Great session, really enjoyed it!"):
        reply(bot, MENTEE, text, ts)
    reply(bot, MENTOR, "I liked how we broke the talk down into three parts.", ts)
    assert items(bot.engine, pair_id) == []
    assert offers(bot) == []
    kept = answers(bot.engine, checkin_id)
    assert kept[MENTEE].useful.splitlines() == [
        "thanks!",
        "Thanks! See you next week :)",
        "Great session, really enjoyed it!",
    ]
    assert kept[MENTOR].useful == "I liked how we broke the talk down into three parts."


def test_a_list_of_three_commitments_is_offered_to_its_author_only_and_only_ticked_lines_become_items(
    bot: RunningBot,
) -> None:
    pair_id, checkin_id, ts = posted_questions(bot)
    reply(bot, MENTEE, PLAN, ts)
    assert items(bot.engine, pair_id) == []  # nothing until the author chooses
    (offer,) = offers(bot)
    assert (offer["user"], offer["channel"], offer["thread_ts"]) == (MENTEE, PAIR_DM, ts)
    (checkboxes,) = [
        e for b in offer["blocks"] if b["type"] == "actions" for e in b["elements"] if e["type"] == "checkboxes"
    ]
    assert [o["text"]["text"] for o in checkboxes["options"]] == [
        "read chapter 3 of Crucial Conversations",
        "ask Ana for a mock interview",
        "update my CV",
    ]
    assert "Only you can see this" in str(offer["blocks"])
    assert not [p for p in bot.fake.posts(PAIR_DM) if "read chapter 3" in str(p)]  # never posted for both to see

    # The other member cannot use it (were the message ever in front of them): nothing changes.
    tick_and_press(bot, MENTOR, offer["blocks"], [0, 1, 2])
    (refused,) = bot.fake.wait_for_responses(1)
    assert f"Only <@{MENTEE}> can" in refused["text"]
    assert items(bot.engine, pair_id) == []

    # Pressing with nothing ticked asks for a tick and changes nothing.
    tick_and_press(bot, MENTEE, offer["blocks"], [])
    assert "Tick the lines" in bot.fake.wait_for_responses(2)[1]["text"]
    assert items(bot.engine, pair_id) == []

    tick_and_press(bot, MENTEE, offer["blocks"], [0, 2])
    done = bot.fake.wait_for_responses(3)[2]
    assert done.get("replace_original") is True and "Added 2 next steps" in done["text"]
    bot.settle()
    assert open_texts(bot, pair_id) == ["read chapter 3 of Crucial Conversations", "update my CV"]
    assert {i.owner_id for i in items(bot.engine, pair_id)} == {MENTEE}
    answer = answers(bot.engine, checkin_id)[MENTEE]
    assert answer.next_steps.splitlines() == ["read chapter 3 of Crucial Conversations", "update my CV"]
    assert "update my CV" not in answer.useful and "ask Ana for a mock interview" in answer.useful

    # Pressing again (another tick, a double click) adds nothing more.
    tick_and_press(bot, MENTEE, offer["blocks"], [1])
    assert "already" in bot.fake.wait_for_responses(4)[3]["text"]
    assert len(items(bot.engine, pair_id)) == 2


def test_prefixed_lines_become_items_directly_without_an_offer(bot: RunningBot) -> None:
    pair_id, _, ts = posted_questions(bot)
    reply(bot, MENTOR, "Thanks both!\nnext: book a mock interview for Maria\nresource: the Lean Startup", ts)
    assert sorted((i.kind, i.text, i.owner_id) for i in items(bot.engine, pair_id)) == [
        ("action", "book a mock interview for Maria", MENTOR),
        ("resource", "the Lean Startup", MENTOR),
    ]
    assert offers(bot) == []


def test_mixed_reply_makes_items_of_prefixed_lines_and_offers_the_rest(bot: RunningBot) -> None:
    pair_id, _, ts = posted_questions(bot)
    reply(bot, MENTEE, "Really useful, thank you :pray:\nI'll practise the intro twice\nbefore next: read the RFC", ts)
    assert open_texts(bot, pair_id) == ["read the RFC"]
    (offer,) = offers(bot)
    assert "I'll practise the intro twice" in str(offer["blocks"]) and "thank you" not in str(offer["blocks"])


def test_only_the_owner_can_close_or_snooze_an_item_the_other_member_is_told_so(bot: RunningBot) -> None:
    pair_id, _, ts = posted_questions(bot)
    reply(bot, MENTEE, "next: update my CV", ts)
    (item,) = items(bot.engine, pair_id)
    press(bot, MENTOR, "item_done", str(item.id))
    press(bot, MENTOR, "item_snooze", str(item.id))
    replies = bot.fake.wait_for_responses(2)
    assert all(f"Only <@{MENTEE}> can close or snooze this item" in r["text"] for r in replies)
    (unchanged,) = items(bot.engine, pair_id)
    assert (unchanged.status, unchanged.snoozed_until) == (ActionStatus.OPEN, None)
    press(bot, MENTEE, "item_done", str(item.id))
    bot.fake.wait_for_responses(3)
    assert items(bot.engine, pair_id)[0].status == ActionStatus.DONE


def test_the_focus_answer_is_the_next_meetings_suggested_theme_shown_with_where_it_came_from(bot: RunningBot) -> None:
    bot.fake.add_user(MENTEE, name="maria")
    pair_id = new_pair_id(bot.engine, mentor=MENTOR, mentee=MENTEE)
    agree_boundaries(bot.engine, pair_id, first_meeting_on=date(2026, 11, 26))  # Thursdays 17:00 Berlin
    with session_scope(bot.engine) as session:
        roadmap.set_themes(
            session=session,
            pair=session.get_one(Pair, pair_id),
            themes={2: "Career paths"},
            by=MENTOR,
            now=datetime(2026, 11, 26, 9, 0, tzinfo=UTC),
        )
    bot.deps.clock.set(datetime(2026, 11, 26, 18, 0, tzinfo=UTC))  # type: ignore[attr-defined]
    bot.slack.command("wrapup", user_id=MENTEE, channel_id=PAIR_DM)  # right after meeting 1
    eventually(lambda: all_sent(bot.engine))
    (checkin,) = checkins(bot.engine, pair_id)
    with session_scope(bot.engine) as session:
        meeting = session.get(Meeting, checkin.meeting_id)
        assert meeting is not None and meeting.number == 1
    ts = message_with_key(bot.fake, "checkin:")["ts"]
    reply(bot, MENTEE, "focus: salary negotiation", ts)

    # Meeting 2 has the pair's own theme, so the suggestion goes to meeting 3 and nothing is overwritten.
    with session_scope(bot.engine) as session:
        assert roadmap.theme_for(session, pair_id, 2) == "Career paths"
        assert roadmap.theme_for(session, pair_id, 3) == "salary negotiation"

    before = len(bot.fake.calls("views.open"))
    bot.slack.command("roadmap", user_id=MENTOR, channel_id=PAIR_DM)
    view = bot.fake.wait_for_calls("views.open", before + 1)[-1].args["view"]
    meeting_3 = next(b for b in view["blocks"] if b["type"] == "input" and b["block_id"].startswith("theme_3_"))
    assert meeting_3["element"]["initial_value"] == "salary negotiation"
    assert meeting_3["hint"]["text"].startswith("Suggested from maria's check-in answer")
