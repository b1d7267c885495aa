"""``/mentor report``: admins see program figures (counts only) and the pairs that went quiet."""

from __future__ import annotations

from datetime import date

from storage.db import session_scope
from storage.models import CheckIn, CheckInAnswer, Goal, GoalStatus, PairStatus
from tests.conftest import ADMIN, MENTEE, MENTOR, OTHER, RunningBot
from tests.support.sessions import agree_boundaries, new_pair_id, utc


def _goal(pair_id: int, title: str, status: str) -> Goal:
    now = utc(2026, 11, 20)
    return Goal(
        team_id="T0001",
        pair_id=pair_id,
        title=title,
        measurable="m",
        achievable="a",
        relevant="r",
        due_on=date(2027, 3, 1),
        status=status,
        created_by=MENTEE,
        created_at=now,
        updated_at=now,
    )


def test_report_is_for_admins_only(bot: RunningBot) -> None:
    body = bot.slack.command("report", user_id=MENTOR).json()
    assert "Only program admins" in body["text"]


def test_report_counts_pairs_goals_answers_and_flags_a_quiet_pair_without_showing_private_text(
    bot: RunningBot,
) -> None:
    quiet = new_pair_id(bot.engine, mentor=MENTOR, mentee=MENTEE, channel_id="G0QUIET")
    agree_boundaries(bot.engine, quiet)  # weekly from Thu 3 Dec 2026; nobody ever meets or answers
    busy = new_pair_id(bot.engine, mentor=MENTOR, mentee=OTHER, channel_id="G0BUSY")
    new_pair_id(bot.engine, mentor=OTHER, mentee=MENTEE, channel_id="G0ENDED", status=PairStatus.ENDED)
    with session_scope(bot.engine) as session:
        session.add(_goal(busy, "SECRET GOAL TITLE", GoalStatus.DONE))
        session.add(_goal(busy, "another", GoalStatus.ACTIVE))
        checkin = CheckIn(
            team_id="T0001", pair_id=busy, delivery_key="wrapup:test", channel_id="G0BUSY", created_at=utc(2026, 11, 20)
        )
        session.add(checkin)
        session.flush()
        session.add(
            CheckInAnswer(
                team_id="T0001",
                checkin_id=checkin.id or 0,
                user_id=OTHER,
                useful="PRIVATE ANSWER",
                created_at=utc(2026, 11, 20),
                updated_at=utc(2026, 11, 20),
            )
        )
    bot.deps.clock.set(utc(2026, 12, 28, 12, 0))  # four weekly meetings of the quiet pair have passed

    body = bot.slack.command("report", user_id=ADMIN).json()
    rendered = body["text"] + str(body["blocks"])
    assert "2 active" in rendered and "1 ended" in rendered
    assert "1 of 2" in rendered  # goals met
    assert "50%" in rendered  # one of the two answers the check-in asked for
    assert "2 pairs need attention" in rendered
    (attention,) = [b["text"]["text"] for b in body["blocks"] if "need attention" in b.get("text", {}).get("text", "")]
    quiet_line, busy_line = (line for line in attention.split("\n") if line.startswith("• "))
    assert quiet_line.startswith(f"• <@{MENTOR}> → <@{MENTEE}>:") and "quiet for 4 meetings" in quiet_line
    # the busy pair never wrote pre-work nor agreed boundaries: it needs attention for that, not for being quiet
    assert busy_line.startswith(f"• <@{MENTOR}> → <@{OTHER}>:") and "quiet" not in busy_line
    assert "SECRET GOAL TITLE" not in rendered and "PRIVATE ANSWER" not in rendered
