"""Which pair a request is about (handlers/context.py): members of several pairs are asked, outsiders, crafted
ids of another pair and another workspace are refused and change nothing; signed requests shaped like Slack's."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import select

from scheduler.tick import tick
from storage.db import session_scope
from storage.models import ActionItem, Boundaries, Goal
from tests.conftest import ADMIN, MENTEE, MENTOR, OTHER, RunningBot
from tests.support.fake_slack import TEAM_ID
from tests.support.payloads import block_action, view_action, view_submission
from tests.support.slack_user import (
    BOUNDARIES,
    SECOND_MENTEE,
    agree_through_the_ui,
    ask,
    db_snapshot,
    opened_view,
    pair_via_command,
    press_in_message,
    run_command,
    started,
)


def test_member_of_several_pairs_outside_a_pair_dm_is_asked_which_pair(bot: RunningBot) -> None:
    bot.fake.add_user(SECOND_MENTEE, name="sam", tz="Europe/Paris")
    first = started(bot, pair_via_command(bot, MENTOR, MENTEE))
    second = started(bot, pair_via_command(bot, MENTOR, SECOND_MENTEE))
    seen = ask(bot, "actions", user_id=MENTOR, channel_id="C0001")
    assert "which" in seen.lower()
    assert f"<@{MENTEE}>" in seen and f"<@{SECOND_MENTEE}>" in seen  # each pair named by the other person
    assert "choose_pair" in seen
    # Choosing the second pair runs the command on it.
    before = len(bot.fake.responses())
    reply = run_command(bot, "actions", user_id=MENTOR, channel_id="C0001") or bot.fake.wait_for_responses(
        before + 1
    )[-1]
    chosen = next(b["accessory"] for b in reply["blocks"] if "accessory" in b and SECOND_MENTEE in json.dumps(b))
    before = len(bot.fake.responses())
    press_in_message(bot, MENTOR, "choose_pair", chosen["value"], channel="C0001", ts="1.000100")
    answer = bot.fake.wait_for_responses(before + 1)[before]
    assert "which" not in answer["text"].lower() and "not" not in answer["text"].lower(), answer
    assert second.id is not None
    # Inside one pair's DM, the DM decides: no question.
    seen_in_dm = ask(bot, "actions", user_id=MENTOR, channel_id=first.channel_id or "")
    assert "which" not in seen_in_dm.lower()


@pytest.mark.parametrize("sub", ["prework", "boundaries", "goals", "roadmap", "actions", "wrapup", "end", "export"])
def test_someone_in_no_pair_is_refused_and_sees_nothing_of_any_pair(bot: RunningBot, sub: str) -> None:
    pair = started(bot, pair_via_command(bot, MENTOR, MENTEE))
    before = db_snapshot(bot)
    views, posts = len(bot.fake.calls("views.open")), len(bot.fake.posts())
    uploads = len(bot.fake.calls("files.completeUploadExternal"))
    seen = ask(bot, sub, user_id=OTHER, channel_id=pair.channel_id or "")
    assert "not" in seen.lower()
    assert f"<@{MENTEE}>" not in seen and f"<@{MENTOR}>" not in seen
    assert len(bot.fake.calls("views.open")) == views and len(bot.fake.posts()) == posts
    assert len(bot.fake.calls("files.completeUploadExternal")) == uploads
    assert db_snapshot(bot) == before


def _ids(bot: RunningBot, model: Any, pair_id: int) -> list[int]:
    with session_scope(bot.engine) as session:
        return [r.id for r in session.exec(select(model).where(model.pair_id == pair_id))]


def test_buttons_naming_another_pairs_ids_are_refused_and_change_nothing(bot: RunningBot) -> None:
    bot.fake.add_user(SECOND_MENTEE, name="sam", tz="Europe/Paris")
    victim = started(bot, pair_via_command(bot, MENTOR, MENTEE))
    agreed = agree_through_the_ui(bot, victim)
    start = datetime.combine(agreed.first_meeting_on, datetime.min.time(), tzinfo=UTC).replace(hour=16)  # type: ignore[arg-type]
    tick(start + timedelta(minutes=75), bot.deps)  # the victim pair has meetings and a check-in now
    with session_scope(bot.engine) as session:
        now = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
        session.add(ActionItem(team_id=TEAM_ID, pair_id=victim.id or 0, owner_id=MENTEE, text="secret", created_at=now))
        session.add(
            Goal(
                team_id=TEAM_ID,
                pair_id=victim.id or 0,
                title="secret goal",
                measurable="m",
                achievable="a",
                relevant="r",
                due_on=now.date() + timedelta(days=30),
                progress=10,
                created_by=MENTEE,
                created_at=now,
                updated_at=now,
            )
        )
    from storage.models import CheckIn, Meeting

    ids = {
        "pair": [victim.id],
        "boundaries": _ids(bot, Boundaries, victim.id or 0),
        "meeting": _ids(bot, Meeting, victim.id or 0),
        "checkin": _ids(bot, CheckIn, victim.id or 0),
        "item": _ids(bot, ActionItem, victim.id or 0),
    }
    assert all(ids.values()), ids
    outsider_pair = started(bot, pair_via_command(bot, ADMIN, SECOND_MENTEE))
    before = db_snapshot(bot)
    posts = len(bot.fake.posts())
    views = len(bot.fake.calls("views.open"))
    replies = len(bot.fake.responses())
    buttons = {
        "pair": ("boundaries_open", "pair_accept", "pair_decline", "pair_end_confirm", "prework_open", "items_add"),
        "boundaries": ("boundaries_agree", "boundaries_change"),
        "meeting": ("meeting_confirm", "meeting_skip", "meeting_move"),
        "checkin": ("checkin_answer",),
        "item": ("item_done", "item_snooze"),
    }
    sent = 0
    for kind, action_ids in buttons.items():
        for action_id in action_ids:
            for value in ids[kind]:
                press_in_message(
                    bot, SECOND_MENTEE, action_id, str(value), channel=outsider_pair.channel_id or "", ts="1.000100"
                )
                sent += 1
    bot.fake.wait_for_responses(replies + sent)
    assert db_snapshot(bot) == before
    assert len(bot.fake.posts()) == posts and len(bot.fake.calls("views.open")) == views
    for response in bot.fake.responses()[replies:]:
        assert "secret" not in json.dumps(response) and f"<@{MENTEE}>" not in json.dumps(response), response


def test_a_submission_by_someone_outside_the_pair_is_refused(bot: RunningBot) -> None:
    pair = started(bot, pair_via_command(bot, MENTOR, MENTEE))
    before_views = len(bot.fake.calls("views.open"))
    run_command(bot, "boundaries", user_id=MENTOR, channel_id=pair.channel_id or "")
    view = opened_view(bot, before_views)
    before = db_snapshot(bot)
    response = bot.slack.interactive(view_submission(user_id=OTHER, view=view, inputs=BOUNDARIES))
    assert response.status == 200 and response.json()["response_action"] == "errors"
    bot.settle()
    assert db_snapshot(bot) == before


def test_a_modal_button_with_a_crafted_view_of_another_pair_is_refused(bot: RunningBot) -> None:
    pair = started(bot, pair_via_command(bot, MENTOR, MENTEE))
    before_views = len(bot.fake.calls("views.open"))
    run_command(bot, "goals", user_id=MENTOR, channel_id=pair.channel_id or "")
    view = opened_view(bot, before_views)
    before = db_snapshot(bot)
    buttons = [e for b in view["blocks"] if b["type"] == "actions" for e in b["elements"] if e["type"] == "button"]
    for button in buttons:
        payload = view_action(
            user_id=OTHER, view=view, action_id=button["action_id"], value=str(button.get("value", ""))
        )
        assert bot.slack.interactive(payload).status == 200
    bot.settle()
    assert db_snapshot(bot) == before
    assert len(bot.fake.calls("views.push")) == 0


@pytest.mark.parametrize("sub", ["prework", "boundaries", "goals", "roadmap", "actions", "wrapup"])
def test_an_admin_outside_the_pair_sees_none_of_its_member_only_screens(bot: RunningBot, sub: str) -> None:
    pair = started(bot, pair_via_command(bot, MENTOR, MENTEE))
    agree_through_the_ui(bot, pair)
    before = db_snapshot(bot)
    views, posts = len(bot.fake.calls("views.open")), len(bot.fake.posts())
    seen = ask(bot, sub, user_id=ADMIN, channel_id=pair.channel_id or "")
    if sub == "goals":  # admins get the program view: counts only, no titles, no modal
        assert "active goals" in seen, seen
    else:
        assert "not" in seen.lower() or "themselves" in seen.lower(), seen
    # A crafted pair picker naming the pair is refused the same way.
    value = json.dumps({"c": sub, "p": pair.id, "a": ""})
    from blocks.pairing import choice_value

    value = choice_value(sub, pair.id or 0)
    before_replies = len(bot.fake.responses())
    press_in_message(bot, ADMIN, "choose_pair", value, channel="C0001", ts="1.000100")
    bot.fake.wait_for_responses(before_replies + 1)
    bot.settle()
    assert len(bot.fake.calls("views.open")) == views and len(bot.fake.posts()) == posts
    assert db_snapshot(bot) == before


def test_interactions_claiming_another_workspace_are_refused(bot: RunningBot) -> None:
    pair = started(bot, pair_via_command(bot, MENTOR, MENTEE))
    before = db_snapshot(bot)
    payload = block_action(
        user_id=MENTOR,
        action_id="pair_end_confirm",
        value=str(pair.id),
        channel_id=pair.channel_id or "",
        response_url=bot.fake.response_url("action"),
        team_id="T0OTHER",
    )
    assert bot.slack.interactive(payload).status == 200
    bot.settle()
    assert db_snapshot(bot) == before
