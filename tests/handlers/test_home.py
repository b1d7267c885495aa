"""The App Home tab shows each user their own pairs and nothing of others'."""

from __future__ import annotations

import json
import time

from tests.conftest import MENTEE, MENTOR, OTHER, RunningBot
from tests.support.payloads import view_action
from tests.support.slack_user import REPO, active_pair, agree_through_the_ui, pair_via_command, started


def open_home(bot: RunningBot, user: str) -> dict:  # type: ignore[type-arg]
    before = len(bot.fake.calls("views.publish"))
    response = bot.slack.event(
        {"type": "app_home_opened", "user": user, "channel": "D0HOME", "tab": "home", "event_ts": "1800000000.000001"}
    )
    assert response.status == 200
    calls = bot.fake.wait_for_calls("views.publish", count=before + 1)
    assert calls[-1].args["user_id"] == user
    return calls[-1].args["view"]


def test_home_lists_the_users_pair_and_suggests_agreeing_boundaries(bot: RunningBot) -> None:
    active_pair(bot, MENTOR, MENTEE)
    view = open_home(bot, MENTEE)
    text = str(view["blocks"])
    assert f"Mentored by <@{MENTOR}>" in text
    assert "/mentor boundaries" in text


def test_home_of_someone_without_a_pair_explains_what_happens_next(bot: RunningBot) -> None:
    active_pair(bot, MENTOR, MENTEE)
    text = str(open_home(bot, OTHER)["blocks"])
    assert "not in a mentoring pair yet" in text
    assert MENTOR not in text and MENTEE not in text


def test_app_home_opened_with_enterprise_envelope_is_acked_fast(bot: RunningBot) -> None:
    envelope = json.loads((REPO / "tests" / "fixtures" / "app_home_opened.json").read_text())
    envelope["event"]["user"] = MENTOR
    envelope["event_time"] = int(time.time())
    started = time.monotonic()
    response = bot.slack.post(json.dumps(envelope), "application/json")
    assert time.monotonic() - started < 3 and response.status == 200
    publish = bot.fake.wait_for_calls("views.publish")
    assert publish[0].args["user_id"] == MENTOR


def test_the_home_tab_shows_a_members_pair_and_its_buttons_work(bot: RunningBot) -> None:
    pair = started(bot, pair_via_command(bot, MENTOR, MENTEE))
    agree_through_the_ui(bot, pair)
    envelope = json.loads((REPO / "tests" / "fixtures" / "app_home_opened.json").read_text())
    envelope["event"]["user"] = MENTEE
    envelope["event_time"] = int(time.time())
    envelope["event_id"] = "Ev0HOME2"
    assert bot.slack.post(json.dumps(envelope), "application/json").status == 200
    home = bot.fake.wait_for_calls("views.publish")[-1].args["view"]
    home = dict(home, id="V0HOME1", type="home")
    buttons = [
        e
        for b in home["blocks"]
        for e in (b.get("elements") or []) + ([b["accessory"]] if "accessory" in b else [])
        if e.get("type") == "button" and "url" not in e
    ]
    assert f"<@{MENTOR}>" in json.dumps(home["blocks"])  # the home tab names the member's partner
    for button in buttons:
        payload = view_action(user_id=MENTEE, view=home, action_id=button["action_id"], value=button.get("value", ""))
        payload["container"] = {"type": "view", "view_id": "V0HOME1"}
        response = bot.slack.interactive(payload)
        assert response.status == 200, (button["action_id"], response.text)
    bot.settle()
    errors = [c for c in bot.fake.calls() if c.method == "chat.postEphemeral" and "went wrong" in str(c.args)]
    assert not errors, errors
