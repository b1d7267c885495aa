"""Programs and the end-of-program survey as plain functions: validation, uniqueness, the current
program, which program a new pair joins, the survey's answers and the choice to continue."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from mentoring import programs, surveys
from mentoring.problems import Problem
from storage.db import session_scope
from storage.models import Program
from tests.conftest import ADMIN, MENTEE, MENTOR
from tests.support.fake_slack import TEAM_ID
from tests.support.slack_user import add_pair

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
TODAY = NOW.date()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with session_scope(engine) as session:
        yield session


def form(name: str = "Spring 2027 engineering mentoring", starts: str = "2027-03-01", ends: str = "2027-06-30"):  # type: ignore[no-untyped-def]
    return {programs.NAME: name, programs.STARTS_ON: starts, programs.ENDS_ON: ends}


def save(session: Session, name: str, starts: date, ends: date, *, team_id: str = TEAM_ID) -> Program:
    saved = programs.save_program(
        session,
        team_id=team_id,
        program_id=None,
        data=programs.ProgramIn(name, starts, ends),
        by=ADMIN,
        now=NOW,
    )
    assert isinstance(saved, Program), saved
    return saved


def test_a_valid_form_gives_the_program_with_its_name_tidied() -> None:
    data = programs.validate_program(form(name="  “Spring   2027 engineering mentoring” "))
    assert data == programs.ProgramIn("Spring 2027 engineering mentoring", date(2027, 3, 1), date(2027, 6, 30))


@pytest.mark.parametrize(
    ("inputs", "field", "words"),
    [
        (form(name=""), programs.NAME, "name"),
        (form(name="  "), programs.NAME, "name"),
        (form(name="ab"), programs.NAME, "at least 3"),
        (form(name="x" * 81), programs.NAME, "80 characters"),
        (form(ends="2027-03-01"), programs.ENDS_ON, "after the start"),
        (form(ends="2027-02-01"), programs.ENDS_ON, "after the start"),
        (form(ends="2031-03-01"), programs.ENDS_ON, "three years"),
        (form(starts=""), programs.STARTS_ON, "start"),
        (form(ends="not a date"), programs.ENDS_ON, "end"),
    ],
)
def test_a_wrong_field_gets_an_error_on_that_field(inputs: dict[str, str], field: str, words: str) -> None:
    errors = programs.validate_program(inputs)
    assert isinstance(errors, dict) and words in errors[field]


def test_names_are_unique_per_workspace_whatever_the_case(session: Session) -> None:
    first = save(session, "Spring 2027", date(2027, 3, 1), date(2027, 6, 30))
    again = programs.save_program(
        session,
        team_id=TEAM_ID,
        program_id=None,
        data=programs.ProgramIn("SPRING  2027", date(2027, 4, 1), date(2027, 7, 1)),
        by=ADMIN,
        now=NOW,
    )
    assert isinstance(again, dict) and "already a program" in again[programs.NAME]
    save(session, "Spring 2027", date(2027, 3, 1), date(2027, 6, 30), team_id="T0OTHER")  # another workspace
    changed = programs.save_program(
        session,
        team_id=TEAM_ID,
        program_id=first.id,
        data=programs.ProgramIn("Spring 2027", date(2027, 3, 8), date(2027, 7, 7)),
        by=ADMIN,
        now=NOW,
    )
    assert isinstance(changed, Program) and changed.id == first.id and changed.ends_on == date(2027, 7, 7)
    assert changed.updated_by == ADMIN


def test_a_program_of_another_workspace_cannot_be_changed(session: Session) -> None:
    theirs = save(session, "Theirs", date(2026, 1, 1), date(2026, 12, 31), team_id="T0OTHER")
    result = programs.save_program(
        session,
        team_id=TEAM_ID,
        program_id=theirs.id,
        data=programs.ProgramIn("Mine now", date(2026, 1, 1), date(2026, 12, 31)),
        by=ADMIN,
        now=NOW,
    )
    assert isinstance(result, dict) and "no longer exists" in result[programs.NAME]
    assert session.get(Program, theirs.id).name == "Theirs"  # type: ignore[union-attr]


def test_the_current_program_contains_today_and_is_the_newest_of_several(session: Session) -> None:
    assert programs.current_program(session, TEAM_ID, TODAY) is None
    save(session, "Last year", date(2025, 1, 1), date(2025, 12, 31))
    autumn = save(session, "Autumn", date(2026, 9, 1), date(2026, 12, 31))
    assert programs.current_program(session, TEAM_ID, TODAY) == autumn
    november = save(session, "November sprint", date(2026, 11, 1), date(2026, 11, 30))
    assert programs.current_program(session, TEAM_ID, TODAY) == november
    assert programs.current_program(session, TEAM_ID, date(2026, 12, 1)) == autumn
    assert programs.current_program(session, "T0OTHER", TODAY) is None


def test_a_new_pair_joins_the_named_program_else_the_current_one(session: Session) -> None:
    autumn = save(session, "Autumn", date(2026, 9, 1), date(2026, 12, 31))
    spring = save(session, "Spring 2027", date(2027, 3, 1), date(2027, 6, 30))
    save(session, "Old cohort", date(2025, 1, 1), date(2025, 6, 30))
    assert programs.program_for_new_pair(session, team_id=TEAM_ID, name="  ", today=TODAY) == autumn
    assert programs.program_for_new_pair(session, team_id=TEAM_ID, name='"spring 2027"', today=TODAY) == spring
    unknown = programs.program_for_new_pair(session, team_id=TEAM_ID, name="Winter <!channel>", today=TODAY)
    assert isinstance(unknown, Problem)
    assert "no program called “Winter &lt;!channel&gt;”" in unknown.message
    assert "“Spring 2027”" in unknown.message and "“Autumn”" in unknown.message and "Old cohort" not in unknown.message
    ended = programs.program_for_new_pair(session, team_id=TEAM_ID, name="old cohort", today=TODAY)
    assert isinstance(ended, Problem) and "ended on 30 June 2025" in ended.message


def survey_form(**changes: str) -> dict[str, str | None]:
    values: dict[str, str | None] = {
        surveys.USEFUL: "4",
        surveys.GOALS: "partly",
        surveys.CONTINUE_CHOICE: "yes",
        surveys.COMMENT: "  More   of the same, please ",
    }
    values.update(changes)
    return values


def test_the_survey_answers_are_read_and_the_comment_made_one_line() -> None:
    answers = surveys.validate_survey(survey_form(), share=True)
    assert answers == surveys.SurveyIn(4, "partly", "yes", "More of the same, please", True)
    no_comment = surveys.validate_survey(survey_form(**{surveys.COMMENT: ""}), share=True)
    assert isinstance(no_comment, surveys.SurveyIn) and no_comment.share_with_lead is False  # nothing to share


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({surveys.USEFUL: None}, surveys.USEFUL),
        ({surveys.USEFUL: "6"}, surveys.USEFUL),
        ({surveys.GOALS: "maybe"}, surveys.GOALS),
        ({surveys.CONTINUE_CHOICE: None}, surveys.CONTINUE_CHOICE),
        ({surveys.COMMENT: "x" * 301}, surveys.COMMENT),
    ],
)
def test_a_survey_answer_left_out_or_out_of_range_is_refused_on_its_field(changes: dict[str, str], field: str) -> None:
    errors = surveys.validate_survey(survey_form(**changes), share=False)
    assert isinstance(errors, dict) and set(errors) == {field}


def test_a_pair_continues_only_when_both_members_choose_to(session: Session) -> None:
    pair = add_pair(session)
    yes = surveys.SurveyIn(5, "yes", "yes", "", False)
    no = surveys.SurveyIn(3, "partly", "no", "", False)
    surveys.save_response(session, pair=pair, user_id=MENTOR, data=yes, now=NOW)
    assert not surveys.both_continue(session, pair)
    surveys.save_response(session, pair=pair, user_id=MENTEE, data=no, now=NOW)
    assert not surveys.both_continue(session, pair)
    surveys.save_response(session, pair=pair, user_id=MENTEE, data=yes, now=NOW)  # changed their mind
    assert surveys.both_continue(session, pair)
    assert len(surveys.responses(session, pair.id or 0)) == 2
