"""``/mentor goals`` as users meet it: signed requests to the running bot, views checked in the fake Slack."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from functools import partial
from typing import Any

from sqlmodel import select

from blocks import goals as ui
from mentoring import goals
from storage.db import session_scope
from storage.models import GoalStatus, GoalUpdate
from tests.conftest import ADMIN, MENTEE, MENTOR, OTHER, RunningBot
from tests.support import slack_user
from tests.support.clock import FakeClock
from tests.support.slack_user import (
    GOAL_INPUTS,
    GOALS_DM,
    add_goals,
    add_prework,
    click_push,
    click_update,
    goal_id_by_title,
    open_goals,
    send_submission,
    stored_goals,
    submit_and_refresh,
)

CHANNEL = GOALS_DM
make_pair = partial(slack_user.make_pair, channel=CHANNEL)
OTHER_CHANNEL = "GPAIROO01"
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)

VALID = GOAL_INPUTS


# ---- helpers -------------------------------------------------------------------------------


def rendered(view: dict[str, Any]) -> str:
    return json.dumps(view.get("blocks", []), ensure_ascii=False)


# ---- opening the list and the form ----------------------------------------------------------


def test_no_goals_yet_explains_smart_in_two_lines_and_offers_add_goal(bot: RunningBot) -> None:
    make_pair(bot.engine)
    view = open_goals(bot)
    intro = next(b for b in view["blocks"] if b.get("block_id") == "goals_intro")
    assert "Specific" in intro["text"]["text"] and "Time-bound" in intro["text"]["text"]
    assert intro["text"]["text"].count("\n") == 1
    assert ui.ADD_ACTION in rendered(view)


def test_add_goal_form_has_a_field_per_smart_letter_with_hints_and_the_mentees_prework(bot: RunningBot) -> None:
    pair = make_pair(bot.engine)
    with session_scope(bot.engine) as session:
        add_prework(session, pair, MENTEE, wants="Grow into a <tech lead>", brings="b", expects="e")
    form = click_push(bot, MENTOR, open_goals(bot, MENTOR), ui.ADD_ACTION, "add")
    assert form["callback_id"] == ui.FORM_CALLBACK and form["title"]["text"] == "Add a goal"
    inputs = {b["block_id"]: b for b in form["blocks"] if b["type"] == "input"}
    assert list(inputs) == list(ui.FIELD_BLOCKS.values())
    labels = [b["label"]["text"] for b in inputs.values()]
    for letter in ("Specific", "Measurable", "Achievable", "Relevant", "Time-bound"):
        assert any(label.startswith(letter) for label in labels)
    assert all(b.get("hint") for b in inputs.values())
    assert inputs["time_bound"]["element"]["type"] == "datepicker"
    assert "Grow into a &lt;tech lead&gt;" in rendered(form)  # pre-work shown (and escaped) beside *Relevant*
    assert "pre-work" in inputs["relevant"]["hint"]["text"]


def test_every_validation_error_names_its_field_and_saves_nothing(bot: RunningBot, clock: FakeClock) -> None:
    make_pair(bot.engine)
    form = click_push(bot, MENTEE, open_goals(bot), ui.ADD_ACTION, "add")

    def errors(user: str, **inputs: Any) -> dict[str, str]:
        response = send_submission(bot, user, form, {**VALID, **inputs})
        assert response.status == 200
        body = response.json()
        assert body["response_action"] == "errors"
        return body["errors"]

    empty = errors(MENTEE, **{key: None for key in VALID})
    assert set(empty) == {"specific_title", "measurable", "achievable", "relevant", "time_bound"}
    assert "how you will know" in empty["measurable"]
    assert set(errors(MENTEE, specific_title="t" * 151)) == {"specific_title"}
    assert set(errors(MENTEE, achievable="a" * 1001, relevant="r" * 1001)) == {"achievable", "relevant"}
    assert "after today" in errors(MENTEE, time_bound="2026-11-01")["time_bound"]
    assert set(errors(MENTEE, time_bound="not-a-date")) == {"time_bound"}
    # 02:00 UTC on 27 Nov: still the 26th for the mentee in New York, already the 27th for the mentor in Berlin.
    clock.set(datetime(2026, 11, 27, 2, 0, tzinfo=UTC))
    assert "after today" in errors(MENTOR, time_bound="2026-11-27")["time_bound"]
    assert stored_goals(bot.engine) == []
    assert bot.fake.posts(CHANNEL) == []
    assert not send_submission(bot, MENTEE, form, {**VALID, "time_bound": "2026-11-27"}).body  # fine in New York


def test_at_most_the_configured_number_of_active_goals(bot: RunningBot) -> None:
    pair = make_pair(bot.engine)
    add_goals(bot.engine, pair, goals.MAX_ACTIVE_GOALS)
    form = click_push(bot, MENTEE, open_goals(bot), ui.ADD_ACTION, "add")
    body = send_submission(bot, MENTEE, form, VALID).json()
    assert body["response_action"] == "errors"
    assert f"{goals.MAX_ACTIVE_GOALS} active goals" in body["errors"]["specific_title"]
    assert len(stored_goals(bot.engine)) == goals.MAX_ACTIVE_GOALS


# ---- the whole flow ----------------------------------------------------------------------------


def test_add_edit_progress_history_and_done_update_the_list_in_place_and_tell_the_pair(
    bot: RunningBot, clock: FakeClock
) -> None:
    make_pair(bot.engine)
    root = open_goals(bot)

    # Add: the list underneath shows the goal, the pair DM gets one line.
    form = click_push(bot, MENTEE, root, ui.ADD_ACTION, "add")
    root = submit_and_refresh(bot, MENTEE, form, VALID)
    assert "Give a 10-minute talk at the team demo" in rendered(root)
    assert "░░░░░░░░░░ 0%" in rendered(root)
    note = bot.fake.posts(CHANNEL)[-1]["text"]
    assert f"<@{MENTEE}> added a goal" in note and "Thu 31 Dec 2026" in note and "\n" not in note
    goal_id = goal_id_by_title(bot.engine, VALID["specific_title"])

    # Edit: the form comes pre-filled; saving changes the list and says so in the DM.
    clock.advance(hours=1)
    edit = click_push(bot, MENTOR, root, ui.EDIT_ACTION, goal_id)
    assert edit["title"]["text"] == "Edit goal"
    shown = {b["block_id"]: b["element"] for b in edit["blocks"] if b["type"] == "input"}
    assert shown["specific_title"]["initial_value"] == VALID["specific_title"]
    assert shown["time_bound"]["initial_date"] == "2026-12-31"
    root = submit_and_refresh(bot, MENTOR, edit, {**VALID, "specific_title": "Give a 15-minute talk"})
    assert "Give a 15-minute talk" in rendered(root) and "10-minute" not in rendered(root)
    assert f"<@{MENTOR}> edited the goal *Give a 15-minute talk*" in bot.fake.posts(CHANNEL)[-1]["text"]

    # Progress: a percent and a note; a bad percent is a field error.
    progress = click_push(bot, MENTEE, root, ui.PROGRESS_ACTION, goal_id)
    bad = send_submission(bot, MENTEE, progress, {ui.PERCENT_BLOCK: "140"}).json()
    assert bad == {"response_action": "errors", "errors": {ui.PERCENT_BLOCK: "Enter a whole number from 0 to 100."}}
    root = submit_and_refresh(bot, MENTEE, progress, {ui.PERCENT_BLOCK: "40", ui.NOTE_BLOCK: "Outline written"})
    assert "▓▓▓▓░░░░░░ 40%" in rendered(root)
    assert "▓▓▓▓░░░░░░ 40% — “Outline written”" in bot.fake.posts(CHANNEL)[-1]["text"]
    clock.advance(days=2)
    progress = click_push(bot, MENTOR, root, ui.PROGRESS_ACTION, goal_id)
    root = submit_and_refresh(bot, MENTOR, progress, {ui.PERCENT_BLOCK: "70", ui.NOTE_BLOCK: "First rehearsal"})
    assert "▓▓▓▓▓▓▓░░░ 70%" in rendered(root)

    # The goal's detail shows every update, newest first.
    detail = click_push(bot, MENTEE, root, ui.DETAIL_ACTION, goal_id)
    text = rendered(detail)
    assert "Measurable" in text and "Talk given; three questions answered" in text
    assert text.index("First rehearsal") < text.index("Outline written")
    with session_scope(bot.engine) as session:
        assert [u.progress for u in session.exec(select(GoalUpdate).order_by(GoalUpdate.id))] == [40, 70]

    # Done: the list changes in place with the date; the DM hears about it.
    root = click_update(bot, MENTEE, root, ui.DONE_ACTION, goal_id)
    assert "Done on Sat 28 Nov 2026" in rendered(root) and "▓▓▓▓▓▓▓▓▓▓ 100%" in rendered(root)
    assert ui.PROGRESS_ACTION not in rendered(root) and ui.EDIT_ACTION not in rendered(root)
    bot.fake.wait_for(lambda f: "marked the goal" in f.posts(CHANNEL)[-1]["text"])
    (goal,) = stored_goals(bot.engine)
    assert goal.status == GoalStatus.DONE and goal.completed_on == date(2026, 11, 28)

    # A second (stale) click changes nothing and says why.
    again = click_update(bot, MENTEE, root, ui.DONE_ACTION, goal_id)
    assert "already done" in rendered(again)
    assert sum("marked the goal" in p["text"] for p in bot.fake.posts(CHANNEL)) == 1


def test_overdue_goals_are_flagged_in_the_list(bot: RunningBot, clock: FakeClock) -> None:
    pair = make_pair(bot.engine)
    add_goals(bot.engine, pair, 1, title="Ship the side project", due=date(2026, 12, 1))
    assert "Overdue" not in rendered(open_goals(bot))
    clock.set(datetime(2026, 12, 2, 12, 0, tzinfo=UTC))
    view = open_goals(bot)
    assert ":warning: *Overdue*" in rendered(view)


def test_thirty_goals_page_through_and_every_view_stays_within_slacks_limits(bot: RunningBot) -> None:
    pair = make_pair(bot.engine)
    add_goals(bot.engine, pair, 30, title="{n:02d} " + "A very long goal title " * 6)
    view = open_goals(bot)
    seen: list[str] = []
    pages = 0
    while True:
        pages += 1
        assert len(view["blocks"]) < 60
        seen += [b["text"]["text"][1:3] for b in view["blocks"] if re.fullmatch(r"goal_\d+", b.get("block_id", ""))]
        if "Next ▶" not in rendered(view):
            break
        next_page = str(ui.read_metadata(view)["pg"] + 1)
        view = click_update(bot, MENTEE, view, ui.PAGE_ACTION, next_page)
    assert pages == 4
    assert sorted(seen) == [f"{n:02d}" for n in range(30)]
    assert "Page 4 of 4" in rendered(view)
    back = click_update(bot, MENTEE, view, ui.PAGE_ACTION, "2")
    assert "Page 3 of 4" in rendered(back)


# ---- privacy ---------------------------------------------------------------------------------


def crafted(view: dict[str, Any], **metadata: Any) -> dict[str, Any]:
    return dict(view, private_metadata=json.dumps(metadata))


def test_admins_outside_the_pair_see_counts_only(bot: RunningBot) -> None:
    pair = make_pair(bot.engine)
    add_goals(bot.engine, pair, 3, title="Secret goal {n}")
    response = bot.slack.command("goals", user_id=ADMIN, channel_id=CHANNEL)
    assert response.status == 200
    (reply,) = bot.fake.wait_for_responses()
    assert "3 active goals" in reply["text"] and "0 done" in reply["text"]
    assert "Secret" not in json.dumps(reply)
    assert bot.fake.calls("views.open") == []


def test_outsiders_cannot_open_a_pairs_goals(bot: RunningBot) -> None:
    make_pair(bot.engine)
    body = bot.slack.command("goals", user_id=OTHER, channel_id=CHANNEL).json()
    assert "not part of this pair" in body["text"]
    assert bot.fake.calls("views.open") == []


def test_crafted_interactions_naming_another_pairs_goal_are_refused(bot: RunningBot) -> None:
    pair = make_pair(bot.engine)
    add_goals(bot.engine, pair, 1, title="Private goal of the pair")
    theirs = goal_id_by_title(bot.engine, "Private goal of the pair")
    other_pair = make_pair(bot.engine, mentor=OTHER, mentee=ADMIN, channel=OTHER_CHANNEL)
    own_list = open_goals(bot, OTHER, OTHER_CHANNEL)
    assert ui.read_metadata(own_list)["p"] == other_pair.id

    # A list naming the victim pair: refused with a view that shows nothing of theirs.
    for action in (ui.EDIT_ACTION, ui.PROGRESS_ACTION, ui.DETAIL_ACTION, ui.DONE_ACTION, ui.ADD_ACTION):
        refused = click_update(bot, OTHER, crafted(own_list, p=pair.id, pg=0), action, theirs)
        assert "not part of this pair" in rendered(refused) and "Private" not in rendered(refused)
    # Their own pair, the victim's goal id: "not found", and their own (empty) list again.
    for action in (ui.EDIT_ACTION, ui.PROGRESS_ACTION, ui.DETAIL_ACTION, ui.DONE_ACTION):
        refused = click_update(bot, OTHER, own_list, action, theirs)
        assert "couldn't find that goal" in rendered(refused) and "Private" not in rendered(refused)
    assert bot.fake.calls("views.push") == []

    # Submissions of crafted forms: edit and progress, for the victim pair or with the victim's goal.
    form = ui.goal_form(pair=other_pair, root_view_id=own_list["id"], page=0)
    progress_form = {**form, "callback_id": ui.PROGRESS_CALLBACK}
    progress_form["blocks"] = [
        {"type": "input", "block_id": ui.PERCENT_BLOCK, "element": {"type": "number_input", "action_id": "value"}}
    ]
    for metadata in ({"p": pair.id, "g": int(theirs), "root": own_list["id"]}, {"p": other_pair.id, "g": int(theirs)}):
        edit = send_submission(bot, OTHER, crafted(form, **metadata), {**VALID, "specific_title": "Hijacked"}).json()
        assert edit["response_action"] == "update" and "Private" not in json.dumps(edit)
        push = send_submission(bot, OTHER, crafted(progress_form, **metadata), {ui.PERCENT_BLOCK: "99"}).json()
        assert push["response_action"] == "update"
    add = send_submission(bot, OTHER, crafted(form, p=pair.id, root=own_list["id"]), VALID).json()
    assert add["response_action"] == "update" and "not part of this pair" in json.dumps(add)

    (goal,) = stored_goals(bot.engine)
    assert (goal.title, goal.progress, goal.status) == ("Private goal of the pair", 0, GoalStatus.ACTIVE)
    with session_scope(bot.engine) as session:
        assert session.exec(select(GoalUpdate)).all() == []
    assert bot.fake.posts(CHANNEL) == []
