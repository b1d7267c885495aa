"""The goals screens stay within Slack's limits at their largest, and show progress as a text bar."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from blocks import goals as ui
from blocks import roadmap as roadmap_ui
from mentoring.goals import HISTORY_SHOWN, NOTE_MAX, PAGE_SIZE, TEXT_MAX, TITLE_MAX, GoalPage
from mentoring.roadmap import ROADMAP_ROWS, THEME_MAX, RoadmapRow
from storage.models import Goal, GoalStatus, GoalUpdate, Pair
from tests.support.fake_slack import validate_view

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
PAIR = Pair(id=7, team_id="T0001", mentor_id="U0MENTOR", mentee_id="U0MENTEE", created_by="U0ADMIN", created_at=NOW)


def mrkdwn_texts(node: Any) -> Iterator[str]:
    """Every mrkdwn text in a Block Kit tree (plain_text is never parsed for mentions)."""
    if isinstance(node, dict):
        if node.get("type") == "mrkdwn":
            yield node["text"]
        for value in node.values():
            yield from mrkdwn_texts(value)
    elif isinstance(node, list):
        for item in node:
            yield from mrkdwn_texts(item)


def biggest_goal(n: int, status: str = GoalStatus.ACTIVE) -> Goal:
    return Goal(
        id=1000 + n,
        team_id="T0001",
        pair_id=7,
        title="<!channel> & " + "t" * (TITLE_MAX - 13),
        description="d" * TEXT_MAX,
        measurable="m" * TEXT_MAX,
        achievable="a" * TEXT_MAX,
        relevant="r" * TEXT_MAX,
        due_on=date(2026, 12, 1),
        progress=55,
        status=status,
        created_by="U0MENTEE",
        created_at=NOW,
        updated_at=NOW,
        completed_on=date(2026, 11, 30) if status == GoalStatus.DONE else None,
    )


@pytest.mark.parametrize(
    ("percent", "bar"),
    [(0, "░" * 10 + " 0%"), (40, "▓▓▓▓░░░░░░ 40%"), (99, "▓" * 9 + "░ 99%"), (100, "▓" * 10 + " 100%")],
)
def test_progress_bar_is_text(percent: int, bar: str) -> None:
    assert ui.progress_bar(percent) == bar


def test_a_full_page_of_the_longest_goals_is_a_valid_view_well_under_100_blocks() -> None:
    page = GoalPage(
        [biggest_goal(n, GoalStatus.DONE if n % 2 else GoalStatus.ACTIVE) for n in range(PAGE_SIZE)], 1, 3, 30
    )
    view = ui.list_view(page, pair=PAIR, today=date(2026, 12, 5), notice=":tada: saved")
    assert validate_view(view) is None
    assert len(view["blocks"]) <= 50
    text = str(view["blocks"])
    mrkdwn = str(list(mrkdwn_texts(view["blocks"])))
    assert "<!channel>" not in mrkdwn and "&lt;!channel&gt; &amp;" in mrkdwn  # user text cannot ping anyone
    assert "Overdue" in text and "Done on Mon 30 Nov 2026" in text
    assert "◀ Previous" in text and "Next ▶" in text


def test_the_longest_goal_with_a_long_history_is_a_valid_detail_view() -> None:
    goal = biggest_goal(1)
    updates = [
        GoalUpdate(
            id=n,
            team_id="T0001",
            goal_id=goal.id,
            user_id="U0MENTEE",
            progress=n,
            note="n" * NOTE_MAX,
            created_at=NOW + timedelta(days=n),
        )
        for n in range(HISTORY_SHOWN)
    ]
    view = ui.detail_view(goal, updates, total_updates=75, today=date(2026, 11, 27))
    assert validate_view(view) is None
    assert "…and 55 earlier updates." in str(view["blocks"])


def test_forms_are_valid_views_with_the_longest_values() -> None:
    goal = biggest_goal(1)
    for view in (
        ui.goal_form(pair=PAIR, root_view_id="V1", page=3, goal=goal, wants="w" * 2000),
        ui.goal_form(pair=PAIR, root_view_id="V1", page=0),
        ui.progress_form(goal, pair=PAIR, root_view_id="V1", page=0),
        ui.problem_view("Nope."),
    ):
        assert validate_view(view) is None, view["title"]


def test_the_roadmap_form_is_a_valid_view_with_the_longest_themes() -> None:
    rows = [RoadmapRow(n, "x" * THEME_MAX, True, NOW + timedelta(weeks=n)) for n in range(40, 40 + ROADMAP_ROWS)]
    view = roadmap_ui.roadmap_form(rows, pair_id=7, tz="Asia/Tokyo", rev=12)
    assert validate_view(view) is None
    assert len(view["blocks"]) < 20
