"""``/mentor delete-my-data``: a confirmation saying what goes and what stays, then nothing of the person remains."""

from __future__ import annotations

from typing import Any

from blocks.deletion import DELETE_CANCEL_ACTION, DELETE_CONFIRM_ACTION
from mentoring.deletion import placeholder
from storage.db import session_scope
from storage.models import Pair, PairStatus
from tests.conftest import ADMIN, MENTEE, MENTOR, OTHER, RunningBot
from tests.support.payloads import block_action
from tests.support.sessions import new_pair_id, utc
from tests.support.slack_user import db_snapshot
from tests.support.typed_text import seed_member_text, where_text_is

MARKER = "QQ-MENTEE-WROTE-THIS"
PARTNER = "QQ-MENTOR-WROTE-THIS"


def _seeded(bot: RunningBot) -> int:
    pair_id = new_pair_id(bot.engine, mentor=MENTOR, mentee=MENTEE, channel_id="G0DEL")
    seed_member_text(bot.engine, pair_id, MENTEE, MARKER, at=utc(2026, 11, 20))
    seed_member_text(bot.engine, pair_id, MENTOR, PARTNER, at=utc(2026, 11, 20))
    return pair_id


def _click(bot: RunningBot, user: str, action_id: str, value: str) -> dict[str, Any]:
    before = len(bot.fake.responses())
    payload = block_action(
        user_id=user, action_id=action_id, value=value, channel_id="C0001", response_url=bot.fake.response_url("del")
    )
    assert bot.slack.interactive(payload).status == 200
    return bot.fake.wait_for_responses(before + 1)[-1]


def _blocks_text(body: dict[str, Any]) -> str:
    return body["text"] + str(body.get("blocks") or "")


def test_delete_my_data_confirms_what_goes_and_what_stays_then_removes_every_word_and_the_id(bot: RunningBot) -> None:
    pair_id = _seeded(bot)
    body = bot.slack.command("delete-my-data", user_id=MENTEE).json()
    shown = _blocks_text(body)
    assert body["response_type"] == "ephemeral"
    assert "What will be removed" in shown and "• your pre-work" in shown and "What stays" in shown
    assert "still in 1 pairing: it ends" in shown and "/mentor export" in shown
    assert where_text_is(bot.engine, MARKER)  # nothing changed before the confirmation

    done = _click(bot, MENTEE, DELETE_CONFIRM_ACTION, MENTEE)
    assert done["text"].startswith("Done: your data is deleted.") and done.get("replace_original") is True
    assert where_text_is(bot.engine, MARKER) == set()
    assert where_text_is(bot.engine, MENTEE) == set()
    assert (("prework", "wants")) in where_text_is(bot.engine, PARTNER)  # the mentor's own words stay
    with session_scope(bot.engine) as session:
        pair = session.get(Pair, pair_id)
        assert pair is not None and pair.status == PairStatus.ENDED
        assert pair.mentee_id == placeholder("T0001", MENTEE) and pair.mentor_id == MENTOR
    (post,) = bot.fake.wait_for(lambda f: f.posts("G0DEL"))
    assert "one of its members has left the program" in post["text"] and MENTEE not in post["text"]


def test_cancel_deletes_nothing(bot: RunningBot) -> None:
    _seeded(bot)
    bot.slack.command("delete-my-data", user_id=MENTEE)
    before = db_snapshot(bot)
    answer = _click(bot, MENTEE, DELETE_CANCEL_ACTION, MENTEE)
    assert answer["text"] == "OK, nothing was deleted."
    assert db_snapshot(bot) == before


def test_an_admin_deletes_the_data_of_someone_who_left_after_the_same_confirmation(bot: RunningBot) -> None:
    _seeded(bot)
    body = bot.slack.command(f"delete-my-data <@{MENTEE}|mentee>", user_id=ADMIN).json()
    shown = _blocks_text(body)
    assert f"<@{MENTEE}>'s pre-work" in shown and DELETE_CONFIRM_ACTION in shown
    done = _click(bot, ADMIN, DELETE_CONFIRM_ACTION, MENTEE)
    assert done["text"].startswith(f"Done: <@{MENTEE}>'s data is deleted.")
    assert where_text_is(bot.engine, MARKER) == set()
    assert where_text_is(bot.engine, PARTNER)


def test_a_member_cannot_delete_someone_elses_data_by_command_or_by_a_crafted_press(bot: RunningBot) -> None:
    _seeded(bot)
    body = bot.slack.command(f"delete-my-data <@{MENTEE}>", user_id=OTHER).json()
    assert "Only program admins" in body["text"]
    before = db_snapshot(bot)
    answer = _click(bot, MENTOR, DELETE_CONFIRM_ACTION, MENTEE)
    assert "Only program admins" in answer["text"]
    assert db_snapshot(bot) == before
    assert where_text_is(bot.engine, MARKER)


def test_someone_with_no_data_is_told_so_and_two_names_are_refused(bot: RunningBot) -> None:
    assert bot.slack.command("delete-my-data", user_id=OTHER).json()["text"] == "mentor-bot keeps nothing about you."
    body = bot.slack.command(f"delete-my-data <@{MENTOR}> <@{MENTEE}>", user_id=ADMIN).json()
    assert "Name one person" in body["text"]


def test_help_lists_delete_my_data_and_report(bot: RunningBot) -> None:
    text = _blocks_text(bot.slack.command("help", user_id=MENTEE).json())
    assert "delete-my-data" in text and "report [program] [from..to]" in text
