"""SMART goals as plain functions: create with validation, edit, progress history, done, overdue, lists."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import partial

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from mentoring import goals
from mentoring.goals import GoalCreate, GoalUpdateIn, Invalid
from mentoring.problems import Problem
from storage.db import session_scope
from storage.models import Goal, GoalStatus, Pair
from tests.conftest import MENTEE, MENTOR, OTHER
from tests.support.slack_user import add_pair, add_prework

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
make_pair = partial(add_pair, channel="GPAIR0001")


def smart(**overrides: object) -> GoalCreate:
    values: dict[str, object] = {
        "title": "Give a 10-minute talk at the team demo",
        "description": "About the new build pipeline",
        "measurable": "Talk given, three questions answered",
        "achievable": "Two rehearsals with my mentor",
        "relevant": "I want to get better at presenting",
        "due_on": date(2026, 12, 31),
    }
    values.update(overrides)
    return GoalCreate(**values)


def add(session: Session, pair: Pair, max_active: int = goals.MAX_ACTIVE_GOALS, **overrides: object) -> Goal:
    goal = goals.create_goal(
        session=session, pair=pair, goal_in=smart(**overrides), by=MENTEE, now=NOW, max_active=max_active
    )
    assert isinstance(goal, Goal), goal
    return goal


@pytest.fixture
def session(engine: Engine):  # type: ignore[no-untyped-def]
    with session_scope(engine) as session:
        yield session


def test_a_valid_goal_is_created_active_at_zero_percent(session: Session) -> None:
    pair = make_pair(session)
    goal = add(session, pair)
    assert goal.status == GoalStatus.ACTIVE and goal.progress == 0
    assert goal.created_by == MENTEE and goal.updated_at == NOW
    assert [g.id for g in goals.active_goals(session, pair.id)] == [goal.id]


def test_every_missing_required_field_is_named(session: Session) -> None:
    pair = make_pair(session)
    result = goals.create_goal(
        session=session,
        pair=pair,
        goal_in=GoalCreate(title="  ", measurable="", achievable="", relevant=""),
        by=MENTEE,
        now=NOW,
    )
    assert isinstance(result, Invalid)
    assert set(result.fields) == {"title", "measurable", "achievable", "relevant", "due_on"}
    assert goals.active_goals(session, pair.id) == []


def test_description_is_optional(session: Session) -> None:
    pair = make_pair(session)
    assert add(session, pair, description="").description == ""


def test_too_long_fields_are_refused_with_their_length(session: Session) -> None:
    pair = make_pair(session)
    result = goals.create_goal(
        session=session, pair=pair, goal_in=smart(title="x" * 151, measurable="m" * 1001), by=MENTEE, now=NOW
    )
    assert isinstance(result, Invalid)
    assert "150" in result.fields["title"] and "151" in result.fields["title"]
    assert "1,001" in result.fields["measurable"]


@pytest.mark.parametrize("due", [date(2026, 11, 26), date(2026, 11, 1)])
def test_due_date_today_or_past_is_refused(session: Session, due: date) -> None:
    pair = make_pair(session)
    result = goals.create_goal(session=session, pair=pair, goal_in=smart(due_on=due), by=MENTEE, now=NOW)
    assert isinstance(result, Invalid)
    assert "after today" in result.fields["due_on"]


def test_due_date_is_judged_in_the_users_time_zone(session: Session) -> None:
    pair = make_pair(session)
    late_evening_in_new_york = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # 26 Nov in New York, 27 Nov in Berlin
    tomorrow_in_ny = smart(due_on=date(2026, 11, 27))
    refused = goals.create_goal(
        session=session, pair=pair, goal_in=tomorrow_in_ny, by=MENTOR, now=late_evening_in_new_york, tz="Europe/Berlin"
    )
    assert isinstance(refused, Invalid) and "due_on" in refused.fields
    accepted = goals.create_goal(
        session=session,
        pair=pair,
        goal_in=tomorrow_in_ny,
        by=MENTEE,
        now=late_evening_in_new_york,
        tz="America/New_York",
    )
    assert isinstance(accepted, Goal)


def test_active_goals_are_capped_per_pair_and_done_ones_do_not_count(session: Session) -> None:
    pair = make_pair(session)
    first = add(session, pair, title="Goal 0")
    for n in range(1, 3):
        add(session, pair, title=f"Goal {n}")
    refused = goals.create_goal(session=session, pair=pair, goal_in=smart(), by=MENTEE, now=NOW, max_active=3)
    assert isinstance(refused, Invalid) and "3 active goals" in refused.fields["title"]
    assert goals.mark_done(session=session, pair=pair, goal_id=first.id, by=MENTOR, now=NOW)
    assert isinstance(
        goals.create_goal(session=session, pair=pair, goal_in=smart(), by=MENTEE, now=NOW, max_active=3), Goal
    )


def test_default_cap_is_the_module_constant(session: Session) -> None:
    pair = make_pair(session)
    for n in range(goals.MAX_ACTIVE_GOALS):
        add(session, pair, title=f"Goal {n}")
    assert isinstance(goals.create_goal(session=session, pair=pair, goal_in=smart(), by=MENTEE, now=NOW), Invalid)


def test_partial_edit_changes_only_the_given_fields(session: Session) -> None:
    pair = make_pair(session)
    goal = add(session, pair)
    later = NOW + timedelta(hours=1)
    edited = goals.update_goal(
        session=session,
        pair=pair,
        goal_id=goal.id,
        goal_in=GoalUpdateIn(title="A 15-minute talk"),
        by=MENTOR,
        now=later,
    )
    assert isinstance(edited, Goal)
    assert edited.title == "A 15-minute talk"
    assert edited.measurable == "Talk given, three questions answered"
    assert edited.updated_at == later


def test_edit_is_validated_like_create(session: Session) -> None:
    pair = make_pair(session)
    goal = add(session, pair)
    result = goals.update_goal(
        session=session,
        pair=pair,
        goal_id=goal.id,
        goal_in=GoalUpdateIn(title="", due_on=date(2026, 1, 1)),
        by=MENTOR,
        now=NOW,
    )
    assert isinstance(result, Invalid) and set(result.fields) == {"title", "due_on"}
    session.refresh(goal)
    assert goal.title == "Give a 10-minute talk at the team demo"


def test_an_overdue_goal_can_be_edited_without_moving_its_date(session: Session) -> None:
    pair = make_pair(session)
    goal = add(session, pair, due_on=date(2026, 11, 30))
    much_later = datetime(2026, 12, 10, tzinfo=UTC)
    edited = goals.update_goal(
        session=session,
        pair=pair,
        goal_id=goal.id,
        goal_in=GoalUpdateIn(title="Typo fixed", due_on=date(2026, 11, 30)),
        by=MENTOR,
        now=much_later,
    )
    assert isinstance(edited, Goal) and edited.title == "Typo fixed"


def test_progress_updates_are_kept_as_history_newest_first(session: Session) -> None:
    pair = make_pair(session)
    goal = add(session, pair)
    goals.record_progress(
        session=session, pair=pair, goal_id=goal.id, progress="40", note="Outline done", by=MENTEE, now=NOW
    )
    later = NOW + timedelta(days=3)
    updated = goals.record_progress(
        session=session, pair=pair, goal_id=goal.id, progress=70, note="First rehearsal", by=MENTOR, now=later
    )
    assert isinstance(updated, Goal) and updated.progress == 70 and updated.updated_at == later
    history = goals.history(session, goal.id)
    assert [(h.progress, h.note, h.user_id) for h in history] == [
        (70, "First rehearsal", MENTOR),
        (40, "Outline done", MENTEE),
    ]
    assert goals.count_history(session, goal.id) == 2


@pytest.mark.parametrize("bad", ["-1", "101", "4.5", "lots", "", None])
def test_progress_must_be_a_whole_percent(session: Session, bad: object) -> None:
    pair = make_pair(session)
    goal = add(session, pair)
    result = goals.record_progress(
        session=session, pair=pair, goal_id=goal.id, progress=bad, note="", by=MENTEE, now=NOW
    )
    assert isinstance(result, Invalid) and "progress" in result.fields
    assert goals.history(session, goal.id) == []


def test_progress_note_has_a_length_limit(session: Session) -> None:
    pair = make_pair(session)
    goal = add(session, pair)
    result = goals.record_progress(
        session=session, pair=pair, goal_id=goal.id, progress=10, note="n" * 1001, by=MENTEE, now=NOW
    )
    assert isinstance(result, Invalid) and "note" in result.fields


def test_mark_done_records_the_local_date_and_can_happen_once(session: Session) -> None:
    pair = make_pair(session)
    goal = add(session, pair)
    evening_in_new_york = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
    done = goals.mark_done(
        session=session, pair=pair, goal_id=goal.id, by=MENTEE, now=evening_in_new_york, tz="America/New_York"
    )
    assert isinstance(done, Goal)
    assert done.status == GoalStatus.DONE and done.completed_on == date(2026, 11, 26) and done.progress == 100
    assert goals.history(session, goal.id)[0].note == "Marked done."
    assert goals.mark_done(session=session, pair=pair, goal_id=goal.id, by=MENTEE, now=NOW) == goals.GOAL_DONE
    assert goals.active_goals(session, pair.id) == []
    refused = goals.record_progress(
        session=session, pair=pair, goal_id=goal.id, progress=5, note="", by=MENTEE, now=NOW
    )
    assert refused == goals.GOAL_DONE


def test_overdue_means_active_and_past_its_due_date(session: Session) -> None:
    pair = make_pair(session)
    goal = add(session, pair, due_on=date(2026, 12, 1))
    assert not goals.is_overdue(goal, date(2026, 12, 1))
    assert goals.is_overdue(goal, date(2026, 12, 2))
    goals.mark_done(session=session, pair=pair, goal_id=goal.id, by=MENTEE, now=NOW)
    assert not goals.is_overdue(goal, date(2026, 12, 2))


def test_counts_for_admins_are_numbers_only(session: Session) -> None:
    pair = make_pair(session)
    add(session, pair, due_on=date(2026, 12, 1))
    add(session, pair, due_on=date(2027, 1, 1))
    done = add(session, pair)
    goals.mark_done(session=session, pair=pair, goal_id=done.id, by=MENTEE, now=NOW)
    assert goals.goal_counts(session, pair.id, today=date(2026, 12, 5)) == goals.GoalCounts(active=2, done=1, overdue=1)


def test_another_pairs_goal_is_not_found(session: Session) -> None:
    mine = make_pair(session)
    theirs = make_pair(session, mentor=OTHER, mentee="U0SOMEONE", channel="GPAIR0002")
    their_goal = add(session, theirs)
    for attempt in (
        goals.goal_of_pair(session, pair=mine, goal_id=their_goal.id),
        goals.update_goal(
            session=session, pair=mine, goal_id=their_goal.id, goal_in=GoalUpdateIn(title="x"), by=MENTOR, now=NOW
        ),
        goals.record_progress(
            session=session, pair=mine, goal_id=their_goal.id, progress=50, note="", by=MENTOR, now=NOW
        ),
        goals.mark_done(session=session, pair=mine, goal_id=their_goal.id, by=MENTOR, now=NOW),
        goals.goal_of_pair(session, pair=mine, goal_id="not-a-number"),
    ):
        assert attempt == goals.GOAL_NOT_FOUND
    session.refresh(their_goal)
    assert their_goal.title != "x" and their_goal.progress == 0 and their_goal.status == GoalStatus.ACTIVE


def test_pages_list_active_goals_first_then_done_ones(session: Session) -> None:
    pair = make_pair(session)
    made = [
        add(session, pair, 100, title=f"Goal {n:02d}", due_on=date(2026, 12, 1) + timedelta(days=n)) for n in range(20)
    ]
    goals.mark_done(session=session, pair=pair, goal_id=made[0].id, by=MENTEE, now=NOW)
    first = goals.goals_page(session, pair.id, 0, per_page=8)
    assert (first.page, first.pages, first.total) == (0, 3, 20)
    assert first.goals[0].title == "Goal 01"
    seen = [g.title for p in range(3) for g in goals.goals_page(session, pair.id, p, per_page=8).goals]
    assert len(seen) == len(set(seen)) == 20 and seen[-1] == "Goal 00"
    assert goals.goals_page(session, pair.id, 99, per_page=8).page == 2
    assert goals.goals_page(session, pair.id, -3, per_page=8).page == 0


def test_mentees_prework_wants_are_offered_as_context(session: Session) -> None:
    pair = make_pair(session)
    assert goals.mentee_wants(session, pair) is None
    add_prework(session, pair, MENTEE, wants="Grow into a tech lead", brings="Curiosity", expects="Honest feedback")
    session.flush()
    assert goals.mentee_wants(session, pair) == "Grow into a tech lead"


def test_problems_are_problems(session: Session) -> None:
    """Field errors are Problems too, so every caller's ``isinstance(x, Problem)`` check catches them."""
    assert isinstance(goals.invalid({"title": "Say what."}), Problem)
