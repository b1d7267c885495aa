"""Roadmap suggestions: the mentee's goals first, then the examples; the focus answer as the next theme."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from blocks.roadmap import roadmap_form
from mentoring import roadmap
from storage.db import session_scope
from storage.models import CheckIn, CheckInAnswer, Goal, Pair
from tests.conftest import MENTEE, MENTOR
from tests.support.slack_user import add_pair

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with session_scope(engine) as session:
        yield session


@pytest.fixture
def pair(session: Session) -> Pair:
    return add_pair(session, channel="GPAIR0001", accepted=False)


def add_goal(session: Session, pair: Pair, title: str, due: date) -> None:
    session.add(
        Goal(
            team_id=pair.team_id,
            pair_id=pair.id or 0,
            title=title,
            measurable="m",
            achievable="a",
            relevant="r",
            due_on=due,
            created_by=MENTEE,
            created_at=NOW,
            updated_at=NOW,
        )
    )
    session.flush()


def answer_focus(session: Session, pair: Pair, answers: dict[str, str], *, key: str = "wrapup:1:a") -> CheckIn:
    checkin = CheckIn(
        team_id=pair.team_id, pair_id=pair.id or 0, delivery_key=key, channel_id="GPAIR0001", created_at=NOW
    )
    session.add(checkin)
    session.flush()
    for user, focus in answers.items():
        session.add(
            CheckInAnswer(
                team_id=pair.team_id,
                checkin_id=checkin.id or 0,
                user_id=user,
                focus=focus,
                created_at=NOW,
                updated_at=NOW,
            )
        )
    session.flush()
    return checkin


def test_suggestions_start_from_the_mentees_active_goals_then_the_examples(session: Session, pair: Pair) -> None:
    add_goal(session, pair, "Give a 10-minute talk at the team demo", date(2027, 1, 31))
    add_goal(session, pair, "Ship the portfolio site", date(2027, 2, 28))
    rows = roadmap.roadmap_rows(session, pair.id or 0, now=NOW)
    assert [r.theme for r in rows] == [
        roadmap.DEFAULT_THEMES[0],
        "Give a 10-minute talk at the team demo",
        "Ship the portfolio site",
        *roadmap.DEFAULT_THEMES[1:4],
    ]
    hints = [b.get("hint", {}).get("text", "") for b in roadmap_form(rows, pair_id=pair.id, tz="UTC")["blocks"]]
    assert "Suggested from your goals — change it freely." in hints


def test_the_focus_answer_is_the_next_themeless_meetings_theme_the_mentees_first(session: Session, pair: Pair) -> None:
    answer_focus(session, pair, {MENTOR: "Interview practice", MENTEE: "Salary negotiation\n- asking for a raise"})
    assert roadmap.theme_for(session, pair.id or 0, 1) == "Salary negotiation; asking for a raise"
    (row, *_) = roadmap.roadmap_rows(session, pair.id or 0, now=NOW)
    assert (row.number, row.suggested, row.suggested_by) == (1, roadmap.Suggested.CHECKIN, MENTEE)
    blocks = roadmap_form([row], pair_id=pair.id, tz="UTC", viewer=MENTOR, names={MENTEE: "Maria"})["blocks"]
    assert blocks[-1]["hint"]["text"].startswith("Suggested from Maria's check-in answer")
    mine = roadmap_form([row], pair_id=pair.id, tz="UTC", viewer=MENTEE, names={})["blocks"]
    assert mine[-1]["hint"]["text"].startswith("Suggested from your check-in answer")


def test_a_theme_the_pair_set_is_never_overwritten_and_their_change_or_clearing_sticks(
    session: Session, pair: Pair
) -> None:
    roadmap.set_themes(session=session, pair=pair, themes={1: "Getting started"}, by=MENTOR, now=NOW)
    answer_focus(session, pair, {MENTEE: "Negotiation"})
    assert roadmap.saved_themes(session, pair.id or 0) == {1: "Getting started", 2: "Negotiation"}
    # Saving the form unchanged keeps it a suggestion; changing it makes it the pair's.
    roadmap.set_themes(session=session, pair=pair, themes={1: "Getting started", 2: "Negotiation"}, by=MENTOR, now=NOW)
    assert roadmap.roadmap_rows(session, pair.id or 0, now=NOW)[1].suggested == roadmap.Suggested.CHECKIN
    roadmap.set_themes(session=session, pair=pair, themes={2: ""}, by=MENTOR, now=NOW)
    assert roadmap.theme_for(session, pair.id or 0, 2) is None  # cleared, and it does not come back
    assert roadmap.saved_themes(session, pair.id or 0) == {1: "Getting started"}
