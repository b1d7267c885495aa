"""``/mentor roadmap`` as users meet it: the modal, saving, reordering, dates and privacy, over signed HTTP."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import partial
from typing import Any

from sqlalchemy.engine import Engine

from blocks import roadmap as ui
from mentoring import roadmap
from storage.db import session_scope
from storage.models import Pair
from tests.conftest import ADMIN, MENTEE, MENTOR, OTHER, RunningBot
from tests.support import slack_user
from tests.support.clock import FakeClock
from tests.support.payloads import state_from_inputs, view_action, view_submission
from tests.support.sessions import agree_weekly_thursdays

CHANNEL = "GPAIRRM01"
make_pair = partial(slack_user.make_pair, channel=CHANNEL, accepted=False)
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def open_roadmap(bot: RunningBot, user: str = MENTEE, channel: str = CHANNEL) -> dict[str, Any]:
    before = len(bot.fake.calls("views.open"))
    assert bot.slack.command("roadmap", user_id=user, channel_id=channel).status == 200
    bot.fake.wait_for_calls("views.open", before + 1)
    view = bot.fake.state.views[max(bot.fake.state.views)]
    assert view["callback_id"] == ui.CALLBACK
    return view


def inputs_of(view: dict[str, Any]) -> list[dict[str, Any]]:
    return [b for b in view["blocks"] if b["type"] == "input"]


def typed(view: dict[str, Any], **by_number: str | None) -> dict[str, Any]:
    """Inputs for ``view``: what it shows, with some meetings' themes retyped (``m2="…"``)."""
    values = {b["block_id"]: b["element"].get("initial_value") for b in inputs_of(view)}
    for key, text in by_number.items():
        number = int(key.removeprefix("m"))
        block_id = next(b for b in values if b.startswith(f"theme_{number}_"))
        values[block_id] = text
    return values


def saved(engine: Engine, pair: Pair) -> dict[int, str]:
    with session_scope(engine) as session:
        return roadmap.saved_themes(session, pair.id or 0)


def test_roadmap_modal_numbers_six_meetings_prefilled_with_the_example_themes(bot: RunningBot) -> None:
    make_pair(bot.engine)
    view = open_roadmap(bot)
    rows = inputs_of(view)
    assert [b["label"]["text"] for b in rows] == [f"Meeting {n}" for n in range(1, 7)]
    assert [b["element"].get("initial_value", "") for b in rows] == [*roadmap.DEFAULT_THEMES, ""]
    assert all(b["hint"]["text"].startswith("Suggested") for b in rows[:5])
    assert "once you have agreed boundaries" in json.dumps(view["blocks"])


def test_saving_sets_the_themes_reads_them_back_and_tells_the_pair(bot: RunningBot) -> None:
    pair = make_pair(bot.engine)
    view = open_roadmap(bot)
    response = bot.slack.interactive(
        view_submission(user_id=MENTEE, view=view, inputs=typed(view, m2="Career paths", m3="", m6="Side projects"))
    )
    assert response.status == 200 and not response.body
    assert saved(bot.engine, pair) == {
        1: roadmap.DEFAULT_THEMES[0],
        2: "Career paths",
        4: "Lessons learned",
        5: "Technical issues",
        6: "Side projects",
    }
    with session_scope(bot.engine) as session:
        assert roadmap.theme_for(session, pair.id or 0, 2) == "Career paths"
        assert roadmap.theme_for(session, pair.id or 0, 3) is None
    (note,) = bot.fake.wait_for(lambda f: f.posts(CHANNEL))
    assert f"<@{MENTEE}> updated your roadmap for meetings 1–6" in note["text"] and "2: Career paths" in note["text"]

    again = open_roadmap(bot, MENTOR)
    assert [b["element"].get("initial_value", "") for b in inputs_of(again)][1:3] == ["Career paths", ""]
    assert "hint" not in inputs_of(again)[1]  # a saved theme is no longer a suggestion


def test_a_too_long_theme_is_a_field_error_and_nothing_is_saved(bot: RunningBot) -> None:
    pair = make_pair(bot.engine)
    view = open_roadmap(bot)
    body = bot.slack.interactive(view_submission(user_id=MENTEE, view=view, inputs=typed(view, m4="x" * 151))).json()
    assert body["response_action"] == "errors"
    assert list(body["errors"]) == [inputs_of(view)[3]["block_id"]]
    assert saved(bot.engine, pair) == {}


def test_move_down_swaps_two_themes_keeping_unsaved_edits_then_save_keeps_the_order(bot: RunningBot) -> None:
    pair = make_pair(bot.engine)
    view = open_roadmap(bot)
    with_state = dict(view, state={"values": state_from_inputs(view, typed(view, m1="Our first chat"))})
    before = len(bot.fake.calls("views.update"))
    bot.slack.interactive(view_action(user_id=MENTEE, view=with_state, action_id=ui.MOVE_ACTION, value="2:down"))
    bot.fake.wait_for_calls("views.update", before + 1)
    moved = bot.fake.state.views[view["id"]]
    shown = [b["element"].get("initial_value", "") for b in inputs_of(moved)]
    assert shown[:4] == ["Our first chat", "Time management", "Industry trends", "Lessons learned"]
    assert {b["block_id"] for b in inputs_of(moved)}.isdisjoint(b["block_id"] for b in inputs_of(view))

    bot.slack.interactive(view_submission(user_id=MENTEE, view=moved, inputs=typed(moved)))
    themes = saved(bot.engine, pair)
    assert (themes[1], themes[2], themes[3]) == ("Our first chat", "Time management", "Industry trends")


def test_labels_carry_each_meetings_date_in_the_users_zone_and_start_at_the_next_meeting(
    bot: RunningBot, clock: FakeClock
) -> None:
    pair = make_pair(bot.engine)
    with session_scope(bot.engine) as session:
        agree_weekly_thursdays(session, session.get(Pair, pair.id))  # type: ignore[arg-type]
    clock.set(datetime(2026, 12, 4, 9, 0, tzinfo=UTC))  # meetings 1 and 2 are over
    labels = [b["label"]["text"] for b in inputs_of(open_roadmap(bot, MENTEE))]
    assert labels[0] == "Meeting 3 · Thu 10 Dec 2026, 12:00"  # 18:00 in Berlin is 12:00 in New York
    assert labels[-1].startswith("Meeting 8 · Thu 14 Jan 2027")
    assert inputs_of(open_roadmap(bot, MENTOR))[0]["label"]["text"] == "Meeting 3 · Thu 10 Dec 2026, 18:00"


def test_only_the_pairs_members_see_or_change_its_roadmap(bot: RunningBot) -> None:
    pair = make_pair(bot.engine)
    make_pair(bot.engine, mentor=OTHER, mentee=ADMIN, channel="GPAIROO02")
    for outsider in (OTHER, ADMIN):
        body = bot.slack.command("roadmap", user_id=outsider, channel_id=CHANNEL).json()
        assert "not part of this pair" in body["text"]
    own = open_roadmap(bot, OTHER, "GPAIROO02")
    forged = dict(own, private_metadata=ui.metadata(pair_id=pair.id, first=1, rev=0))
    body = bot.slack.interactive(
        view_submission(user_id=OTHER, view=forged, inputs=typed(forged, m1="Hijacked"))
    ).json()
    assert body["response_action"] == "update" and "not part of this pair" in json.dumps(body)
    before = len(bot.fake.calls("views.update"))
    bot.slack.interactive(view_action(user_id=OTHER, view=forged, action_id=ui.MOVE_ACTION, value="1:down"))
    (call,) = bot.fake.wait_for_calls("views.update", before + 1)
    assert "not part of this pair" in json.dumps(call.args["view"])
    assert saved(bot.engine, pair) == {}
    assert bot.fake.posts(CHANNEL) == []
