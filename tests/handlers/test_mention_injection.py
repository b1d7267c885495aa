"""Member-typed text never reaches Slack as a live mention: ``<!here>``, ``<!channel>`` arrive escaped."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from blocks.importing import import_modal
from mentoring.followthrough import add_items
from scheduler.tick import tick
from storage.db import session_scope
from storage.models import Pair
from tests.conftest import ADMIN, MENTEE, MENTOR, RunningBot
from tests.support.payloads import view_submission
from tests.support.sessions import add_goal, agree_boundaries, message_with_key, new_pair_id, set_theme, utc

NOW = utc(2026, 12, 1)
LIVE = ("<!here", "<!channel", "<!everyone", "<!subteam", "<@U0INJECT")


def unescaped(calls: list[Any]) -> list[str]:
    """Every live special mention in the text or blocks of the given chat.postMessage calls."""
    found = []
    for call in calls:
        sent = json.dumps({"text": call.args.get("text"), "blocks": call.args.get("blocks")}, ensure_ascii=False)
        found += [live for live in LIVE if live in sent]
    return found


def test_a_reminder_escapes_the_theme_location_goals_and_items(bot: RunningBot) -> None:
    pair_id = new_pair_id(bot.engine, mentor=MENTOR, mentee=MENTEE)
    agree_boundaries(bot.engine, pair_id, location="Room <!channel> & <@U0INJECT>")
    set_theme(bot.engine, pair_id, 1, "<!here> Career <!everyone>")
    add_goal(bot.engine, pair_id, "<!here> ship it", 10, date(2027, 1, 31), MENTEE)
    with session_scope(bot.engine) as session:
        pair = session.get(Pair, pair_id)
        assert pair is not None
        add_items(session, pair=pair, owner_id=MENTEE, text="<!channel> read", kind="action", due_at=None, now=NOW)
    bot.deps.clock.set(utc(2026, 12, 3, 15, 0))  # type: ignore[attr-defined]
    tick(bot.deps.now(), bot.deps)
    reminder = message_with_key(bot.fake, "reminder:")
    assert "&lt;!here&gt; Career &lt;!everyone&gt;" in reminder["text"]
    assert "Room &lt;!channel&gt; &amp; &lt;@U0INJECT&gt;" in json.dumps(reminder["blocks"])
    assert unescaped(bot.fake.calls("chat.postMessage")) == []


def test_the_import_report_escapes_the_bad_lines_it_echoes(bot: RunningBot) -> None:
    text = "\n".join(["<!channel>", "<!here>, <@U0INJECT>", "<!everyone>, x, y"])
    response = bot.slack.interactive(view_submission(user_id=ADMIN, view=import_modal(), inputs={"lines": text}))
    assert response.status == 200
    report = bot.fake.wait_for(lambda f: [p for p in f.posts() if "Import finished" in p["text"]])[0]
    assert "line 1" in report["text"] and "line 2" in report["text"] and "line 3" in report["text"]
    assert "&lt;!channel&gt;" in report["text"] and "&lt;!here&gt;" in report["text"]
    assert unescaped(bot.fake.calls("chat.postMessage")) == []


def test_an_unknown_subcommand_is_echoed_escaped(bot: RunningBot) -> None:
    answer = bot.slack.command("<!here>", user_id=MENTEE).json()
    sent = json.dumps(answer)
    assert "&lt;!here&gt;" in sent and "<!here" not in sent
