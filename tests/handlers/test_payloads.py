"""What members type, as the edge reads it: mentions and subcommands, and valid-looking modal input that used to
close a modal as if saved, with nothing saved and no word to the user."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import select

from blocks import goals as ui
from handlers.payloads import clean_text, parse_mentions, split_command
from scheduler.tick import tick
from storage.db import session_scope
from storage.models import Boundaries, Goal, GoalUpdate, Prework
from tests.conftest import ADMIN, MENTEE, MENTOR, RunningBot
from tests.support import slack_user
from tests.support.bots import BOTH_DATABASES, bot_on
from tests.support.payloads import view_action, view_submission
from tests.support.sessions import meetings, reminded, utc
from tests.support.slack_user import (
    BIWEEKLY_BOUNDARIES,
    BOUNDARIES,
    GOALS_DM,
    PREWORK_ANSWERS,
    agree_through_the_ui,
    click_push,
    db_snapshot,
    goal_id_by_title,
    latest_view_call,
    open_goals,
    opened_view,
    pair_via_command,
    press,
    press_in_message,
    run_command,
    send_submission,
    started,
    submit,
    submit_and_refresh,
    view_count,
    wait_for_version,
)
from tests.support.slack_user import GOAL_INPUTS as GOAL

NUL = "\x00"


@pytest.fixture(params=BOTH_DATABASES)
def any_bot(request: pytest.FixtureRequest) -> Iterator[RunningBot]:
    yield from bot_on(request, request.param)  # type: ignore[misc]


def test_clean_text_drops_control_characters_but_keeps_tabs_and_newlines() -> None:
    assert clean_text("a\x00b\x07c\r\nd\te\x1bf\x7fg\u200bh") == "abc\nd\tef" + "g\u200bh"


def test_a_nul_byte_in_prework_is_cleaned_and_the_prework_saved(any_bot: RunningBot) -> None:
    bot = any_bot
    slack_user.make_pair(bot.engine)
    view = slack_user.open_modal(bot, MENTEE, command="prework")
    answers = {**PREWORK_ANSWERS, "wants": f"Feed{NUL}back"}
    assert submit(bot, MENTEE, view, answers) is None  # a plain ack closes the modal

    def saved(_: object) -> list[Prework]:
        with session_scope(bot.engine) as session:
            return list(session.exec(select(Prework)))

    (row,) = bot.fake.wait_for(saved)
    assert row.wants == "Feedback"
    bot.fake.wait_for(lambda f: f.calls("chat.postEphemeral"))  # the member is told it was saved


def test_a_nul_byte_in_boundaries_is_cleaned_and_the_proposal_posted(any_bot: RunningBot) -> None:
    bot = any_bot
    pair = slack_user.make_pair(bot.engine)
    view = slack_user.open_modal(bot, MENTEE, command="boundaries")
    inputs = {**BIWEEKLY_BOUNDARIES, "location": f"Room{NUL} 4", "notes": f"{NUL}"}
    assert submit(bot, MENTEE, view, inputs) is None
    row = wait_for_version(bot, pair, 1)
    assert (row.location, row.notes) == ("Room 4", "")
    with session_scope(bot.engine) as session:
        assert len(list(session.exec(select(Boundaries)))) == 1


def test_a_nul_byte_in_a_goal_is_cleaned_and_the_goal_saved(any_bot: RunningBot) -> None:
    bot = any_bot
    slack_user.make_pair(bot.engine, channel=GOALS_DM)
    form = click_push(bot, MENTEE, open_goals(bot), ui.ADD_ACTION, "add")
    response = send_submission(bot, MENTEE, form, {**GOAL, "measurable": f"Talk{NUL} given"})
    assert response.status == 200 and not response.body, response.text
    with session_scope(bot.engine) as session:
        (goal,) = session.exec(select(Goal))
    assert goal.measurable == "Talk given"


def test_a_5000_digit_progress_is_a_field_error(bot: RunningBot) -> None:
    slack_user.make_pair(bot.engine, channel=GOALS_DM)
    form = click_push(bot, MENTEE, open_goals(bot), ui.ADD_ACTION, "add")
    root = submit_and_refresh(bot, MENTEE, form, GOAL)
    progress = click_push(bot, MENTEE, root, ui.PROGRESS_ACTION, goal_id_by_title(bot.engine, GOAL["specific_title"]))
    for value in ("9" * 5000, "1000", "²"):
        response = send_submission(bot, MENTEE, progress, {ui.PERCENT_BLOCK: value})
        assert response.status == 200
        assert response.json()["errors"] == {ui.PERCENT_BLOCK: "Enter a whole number from 0 to 100."}
    with session_scope(bot.engine) as session:
        assert list(session.exec(select(GoalUpdate))) == []


def test_a_goal_due_in_9999_is_a_field_error(bot: RunningBot) -> None:
    slack_user.make_pair(bot.engine, channel=GOALS_DM)
    form = click_push(bot, MENTEE, open_goals(bot), ui.ADD_ACTION, "add")
    response = send_submission(bot, MENTEE, form, {**GOAL, "time_bound": "9999-12-31"})
    assert "within the next 2 years" in response.json()["errors"]["time_bound"]
    with session_scope(bot.engine) as session:
        assert list(session.exec(select(Goal))) == []


def test_moving_a_meeting_to_9999_12_31_is_a_field_error(bot: RunningBot) -> None:
    pair_id, reminder = reminded(bot)
    views = len(bot.fake.state.views)
    press(bot, MENTOR, "meeting_move", str(meetings(bot.engine, pair_id)[0].id), reminder)
    bot.fake.wait_for(lambda f: len(f.state.views) > views)
    view = list(bot.fake.state.views.values())[-1]
    for day in ("9999-12-31", "2029-01-01"):
        response = bot.slack.interactive(
            view_submission(user_id=MENTOR, view=view, inputs={"move_date": day, "move_time": "23:30"})
        )
        assert response.status == 200
        assert "within the next 2 years" in response.json()["errors"]["move_date"], response.text
    assert meetings(bot.engine, pair_id)[0].scheduled_at == utc(2026, 12, 3, 16, 0)


# ---- mentions and subcommands as users type them -------------------------------------------------


def test_both_mention_forms_are_understood() -> None:
    assert parse_mentions("<@U0002|ann> <@U0003>") == ["U0002", "U0003"]
    assert parse_mentions("<@W0ABC|name with spaces>and<@U9>") == ["W0ABC", "U9"]


def test_plain_at_names_are_not_mentions() -> None:
    assert parse_mentions("@ann @bob") == []
    assert parse_mentions("<#C0001|general> <!here>") == []


def test_subcommand_is_split_and_lower_cased() -> None:
    assert split_command("  PAIR <@U1> <@U2> ") == ("pair", "<@U1> <@U2>")
    assert split_command("") == ("", "")
    assert split_command(None) == ("", "")


def test_oversized_text_in_a_modal_is_a_field_error_and_saves_nothing(bot: RunningBot) -> None:
    pair = started(bot, pair_via_command(bot, MENTOR, MENTEE))
    before_views = len(bot.fake.calls("views.open"))
    run_command(bot, "boundaries", user_id=MENTOR, channel_id=pair.channel_id or "")
    view = opened_view(bot, before_views)
    before = db_snapshot(bot)
    huge = dict(BOUNDARIES, location="x" * 5000, expectations="y" * 20000)
    response = bot.slack.interactive(view_submission(user_id=MENTOR, view=view, inputs=huge))
    assert response.status == 200
    answer = response.json()
    assert answer["response_action"] == "errors"
    input_ids = {b["block_id"] for b in view["blocks"] if b["type"] == "input"}
    assert set(answer["errors"]) <= input_ids and {"location", "expectations"} & set(answer["errors"])
    bot.settle()
    assert db_snapshot(bot) == before


def _submit_oversized(bot: RunningBot, user: str, view: dict[str, Any], size: int) -> dict[str, Any]:
    inputs = {
        b["block_id"]: "x" * size
        for b in view["blocks"]
        if b["type"] == "input" and b["element"]["type"] == "plain_text_input"
    }
    response = bot.slack.interactive(view_submission(user_id=user, view=view, inputs=inputs))
    assert response.status == 200, response.text
    return response.json() if response.body else {}


def test_oversized_prework_and_import_text_are_field_errors_and_save_nothing(bot: RunningBot) -> None:
    pair = started(bot, pair_via_command(bot, MENTOR, MENTEE))
    before = db_snapshot(bot)
    posts = len(bot.fake.posts())
    for user, sub, channel in ((MENTEE, "prework", pair.channel_id or ""), (ADMIN, "import", "C0001")):
        views = len(bot.fake.calls("views.open"))
        run_command(bot, sub, user_id=user, channel_id=channel)
        view = opened_view(bot, views)
        answer = _submit_oversized(bot, user, view, 20000)
        assert answer.get("response_action") == "errors", (sub, answer)
        input_ids = {b["block_id"] for b in view["blocks"] if b["type"] == "input"}
        assert answer["errors"] and set(answer["errors"]) <= input_ids, answer
    bot.settle()
    assert db_snapshot(bot) == before and len(bot.fake.posts()) == posts


def test_oversized_text_in_every_other_modal_is_a_field_error(bot: RunningBot) -> None:
    pair = started(bot, pair_via_command(bot, MENTOR, MENTEE))
    agreed = agree_through_the_ui(bot, pair)
    channel = pair.channel_id or ""
    start = datetime.combine(agreed.first_meeting_on, datetime.min.time(), tzinfo=UTC).replace(hour=16)  # type: ignore[arg-type]
    tick(start - timedelta(minutes=55), bot.deps)
    modals: list[tuple[str, dict[str, Any]]] = []

    n = view_count(bot)
    run_command(bot, "roadmap", user_id=MENTEE, channel_id=channel)
    modals.append(("roadmap", latest_view_call(bot, n)))

    n = view_count(bot)
    run_command(bot, "goals", user_id=MENTEE, channel_id=channel)
    goals = latest_view_call(bot, n)
    n = view_count(bot)
    bot.slack.interactive(view_action(user_id=MENTEE, view=goals, action_id="goals_add", value=str(pair.id)))
    modals.append(("goal", latest_view_call(bot, n)))

    n = view_count(bot)
    press_in_message(bot, MENTEE, "items_add", str(pair.id), channel=channel, ts="1.000100")
    modals.append(("items", latest_view_call(bot, n)))

    reminder = bot.fake.messages(channel)[-1]
    move = next(e for b in reminder["blocks"] for e in b.get("elements") or [] if e.get("action_id") == "meeting_move")
    n = view_count(bot)
    press_in_message(bot, MENTEE, "meeting_move", move["value"], channel=channel, ts=reminder["ts"])
    modals.append(("move", latest_view_call(bot, n)))

    before = db_snapshot(bot)
    for name, view in modals:
        texts = [b for b in view["blocks"] if b["type"] == "input" and b["element"]["type"] == "plain_text_input"]
        if not texts:
            continue
        inputs = {b["block_id"]: "w" * 20000 for b in texts}
        response = bot.slack.interactive(view_submission(user_id=MENTEE, view=view, inputs=inputs))
        assert response.status == 200, (name, response.text)
        answer = response.json() if response.body else {}
        assert answer.get("response_action") == "errors", (name, answer)
        bot.settle()
        assert db_snapshot(bot) == before, name
