"""The App Home tab shows each user their own pairs and nothing of others'."""

from __future__ import annotations

from tests.conftest import MENTEE, MENTOR, OTHER, RunningBot
from tests.support.slack_user import active_pair


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
