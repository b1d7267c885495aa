"""``/mentor export``: the caller gets their own data as a JSON file in a DM, and nobody else's writing."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from storage.db import session_scope
from storage.models import Prework
from tests.conftest import MENTEE, MENTOR, OTHER, RunningBot
from tests.support.slack_user import active_pair, pair_via_command, run_command, started


def test_export_sends_the_callers_own_data_as_a_file_without_the_partners_prework(bot: RunningBot) -> None:
    pair = active_pair(bot, MENTOR, MENTEE)
    now = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    with session_scope(bot.engine) as session:
        for user, wants in ((MENTEE, "grow as a tech lead"), (MENTOR, "PRIVATE-MENTOR-NOTE")):
            session.add(
                Prework(
                    team_id="T0001",
                    pair_id=pair.id,
                    user_id=user,
                    wants=wants,
                    brings="b",
                    expects="e",
                    created_at=now,
                    updated_at=now,
                )
            )
    body = bot.slack.command("export", user_id=MENTEE).json()
    assert "direct message" in body["text"]
    (complete,) = bot.fake.wait_for_calls("files.completeUploadExternal")
    assert complete.args["channel_id"].startswith("D")
    (content,) = bot.fake.state.uploads.values()
    data = json.loads(content)
    assert data["user"]["id"] == MENTEE
    (exported,) = data["pairs"]
    assert exported["my_role"] == "mentee"
    assert [p["wants"] for p in exported["my_prework"]] == ["grow as a tech lead"]
    assert "PRIVATE-MENTOR-NOTE" not in content.decode()


def test_export_with_no_pairs_says_there_is_nothing(bot: RunningBot) -> None:
    body = bot.slack.command("export", user_id=OTHER).json()
    assert "nothing to export" in body["text"]
    assert bot.fake.calls("files.getUploadURLExternal") == []


def test_export_goes_only_to_the_caller(bot: RunningBot) -> None:
    pair = started(bot, pair_via_command(bot, MENTOR, MENTEE))
    run_command(bot, "export", user_id=MENTEE, channel_id=pair.channel_id or "")
    (done,) = bot.fake.wait_for_calls("files.completeUploadExternal")
    assert done.args.get("channel_id") != pair.channel_id
    opens = [c for c in bot.fake.calls("conversations.open") if c.args.get("users") == MENTEE]
    assert opens, [c.args for c in bot.fake.calls("conversations.open")]
