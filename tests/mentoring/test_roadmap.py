"""The roadmap as plain functions: suggestions, saving and clearing themes, upcoming meetings with dates."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from mentoring import roadmap
from mentoring.goals import Invalid
from storage.db import session_scope
from tests.conftest import MENTEE, MENTOR
from tests.support.sessions import agree_weekly_thursdays
from tests.support.slack_user import add_pair

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)  # a Thursday
make_pair = partial(add_pair, channel="GPAIR0001", accepted=False)


@pytest.fixture
def session(engine: Engine):  # type: ignore[no-untyped-def]
    with session_scope(engine) as session:
        yield session


def test_without_boundaries_the_first_six_meetings_get_the_example_themes_as_suggestions(session: Session) -> None:
    pair = make_pair(session)
    rows = roadmap.roadmap_rows(session, pair.id, now=NOW)
    assert [r.number for r in rows] == [1, 2, 3, 4, 5, 6]
    assert [r.theme for r in rows] == [*roadmap.DEFAULT_THEMES, ""]
    assert rows[1].theme == "Industry trends" and rows[2].theme == "Time management"
    assert rows[3].theme == "Lessons learned" and rows[4].theme == "Technical issues"
    assert not any(r.saved for r in rows) and all(r.starts_at is None for r in rows)
    assert roadmap.theme_for(session, pair.id, 2) is None  # suggestions are not themes until saved


def test_saved_themes_are_read_back_and_replace_suggestions(session: Session) -> None:
    pair = make_pair(session)
    saved = roadmap.set_themes(
        session=session, pair=pair, themes={2: "  Career paths ", 3: "Time management"}, by=MENTEE, now=NOW
    )
    assert saved == {2: "Career paths", 3: "Time management"}
    assert roadmap.theme_for(session, pair.id, 2) == "Career paths"
    rows = roadmap.roadmap_rows(session, pair.id, now=NOW)
    assert (rows[1].theme, rows[1].saved) == ("Career paths", True)
    assert (rows[3].theme, rows[3].saved) == ("", False)  # once saved, an empty meeting stays empty


def test_suggestions_fill_only_a_roadmap_never_saved(session: Session) -> None:
    pair = make_pair(session)
    assert roadmap.roadmap_rows(session, pair.id, now=NOW)[3].theme == "Lessons learned"
    roadmap.set_themes(session=session, pair=pair, themes={1: "Hello", 4: ""}, by=MENTEE, now=NOW)
    assert [r.theme for r in roadmap.roadmap_rows(session, pair.id, now=NOW)] == ["Hello", "", "", "", "", ""]


def test_saving_again_changes_and_an_empty_theme_clears_it(session: Session) -> None:
    pair = make_pair(session)
    roadmap.set_themes(session=session, pair=pair, themes={1: "Intro", 2: "Trends"}, by=MENTEE, now=NOW)
    roadmap.set_themes(session=session, pair=pair, themes={1: "Hello", 2: "   "}, by=MENTOR, now=NOW)
    assert roadmap.saved_themes(session, pair.id) == {1: "Hello"}
    assert roadmap.theme_for(session, pair.id, 2) is None


def test_reordering_is_saving_themes_under_other_numbers(session: Session) -> None:
    pair = make_pair(session)
    roadmap.set_themes(session=session, pair=pair, themes={2: "Trends", 3: "Time"}, by=MENTEE, now=NOW)
    roadmap.set_themes(session=session, pair=pair, themes={2: "Time", 3: "Trends"}, by=MENTEE, now=NOW)
    assert roadmap.saved_themes(session, pair.id) == {2: "Time", 3: "Trends"}


def test_bad_themes_save_nothing(session: Session) -> None:
    pair = make_pair(session)
    result = roadmap.set_themes(
        session=session, pair=pair, themes={1: "ok", 2: "x" * 151, 0: "zero"}, by=MENTEE, now=NOW
    )
    assert isinstance(result, Invalid)
    assert set(result.fields) == {"2", "0"} and "150" in result.fields["2"]
    assert roadmap.saved_themes(session, pair.id) == {}


def test_with_agreed_boundaries_rows_start_at_the_next_meeting_and_carry_its_date(session: Session) -> None:
    pair = make_pair(session)
    agree_weekly_thursdays(session, pair)
    assert roadmap.first_upcoming(session, pair.id, now=NOW) == 1  # 18:00 Berlin today is still ahead
    after_two = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
    rows = roadmap.roadmap_rows(session, pair.id, now=after_two)
    assert [r.number for r in rows] == [3, 4, 5, 6, 7, 8]
    assert rows[0].starts_at == datetime(2026, 12, 10, 17, 0, tzinfo=UTC)
    assert rows[0].theme == "Time management"
