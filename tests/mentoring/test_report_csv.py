"""The report's rules: what ``[program] [from..to]`` means, the CSV's shape, ratings averaged over several people."""

from __future__ import annotations

import csv
import io
from datetime import date

from sqlalchemy import Engine

from mentoring.problems import Problem
from mentoring.ratings import record_rating
from mentoring.reports import CSV_COLUMNS, ReportScope, pair_rows, parse_scope, program_report, report_csv
from storage.db import session_scope
from storage.models import CheckIn, Pair
from tests.support.sessions import new_pair_id, utc
from tests.support.slack_user import ADMIN, MENTEE, MENTOR
from tests.support.typed_text import add_checkin, add_program, put_in_program, seed_member_text

NOW = utc(2026, 12, 1, 12)


def _programs(engine: Engine) -> tuple[int, int]:
    spring = add_program(
        engine, "Spring 2027 engineering", starts_on=date(2027, 3, 1), ends_on=date(2027, 6, 1), by=ADMIN, now=NOW
    )
    sprint = add_program(
        engine, "Sprint leads", starts_on=date(2027, 1, 1), ends_on=date(2027, 2, 1), by=ADMIN, now=NOW
    )
    return spring, sprint


def test_program_names_match_whole_or_by_a_unique_beginning_in_any_case(engine: Engine) -> None:
    spring, _ = _programs(engine)
    with session_scope(engine) as session:
        scope = parse_scope(session, team_id="T0001", args="  spring   2027 ")
        assert isinstance(scope, ReportScope) and scope.program is not None and scope.program.id == spring
        ambiguous = parse_scope(session, team_id="T0001", args="Spr")
        assert isinstance(ambiguous, Problem) and "matches several programs" in ambiguous.message
        unknown = parse_scope(session, team_id="T0001", args="Autumn")
        assert isinstance(unknown, Problem) and "“Spring 2027 engineering”, “Sprint leads”" in unknown.message


def test_a_range_alone_or_after_the_program_is_read_and_bad_ranges_are_refused(engine: Engine) -> None:
    _programs(engine)
    with session_scope(engine) as session:
        scope = parse_scope(session, team_id="T0001", args="Sprint leads 2027-01-01..2027-01-31")
        assert isinstance(scope, ReportScope) and scope.program is not None
        assert (scope.start, scope.end) == (date(2027, 1, 1), date(2027, 1, 31))
        assert scope.describe() == "Sprint leads · 1 Jan 2027 – 31 Jan 2027"
        whole = parse_scope(session, team_id="T0001", args="2026-09-01..2026-12-31")
        assert isinstance(whole, ReportScope) and whole.program is None
        for bad in ("2026-02-30..2026-03-01", "2026-03-01..2026-02-01", "..2026-03-01", "2026-01-01...2026-02-01"):
            assert isinstance(parse_scope(session, team_id="T0001", args=bad), Problem), bad


def test_the_csv_has_a_header_and_one_row_per_pair_with_counts_and_dates_only(engine: Engine) -> None:
    spring, _ = _programs(engine)
    pair_id = new_pair_id(engine, mentor=MENTOR, mentee=MENTEE)
    put_in_program(engine, pair_id, spring)
    seed_member_text(engine, pair_id, MENTEE, "MARK-TYPED", at=utc(2026, 11, 20))
    with session_scope(engine) as session:
        rows = pair_rows(session, team_id="T0001", now=NOW)
    text = report_csv(rows)
    assert "MARK-TYPED" not in text
    (row,) = list(csv.DictReader(io.StringIO(text)))
    assert tuple(row) == CSV_COLUMNS
    assert (row["program"], row["goals_set"], row["goals_met"], row["items_open"], row["items_carried"]) == (
        "Spring 2027 engineering",
        "1",
        "1",
        "1",
        "1",
    )
    assert row["checkin_answer_rate"] == "0.50" and row["end_survey_score"] == "4.00"


def test_the_ratings_average_shows_only_once_three_people_rated(engine: Engine) -> None:
    first = new_pair_id(engine, mentor=MENTOR, mentee=MENTEE)
    second = new_pair_id(engine, mentor=MENTOR, mentee="U0THIRD", channel_id="G0SECOND")
    with session_scope(engine) as session:
        for pair_id, raters in ((first, {MENTOR: 5, MENTEE: 4}), (second, {"U0THIRD": 3})):
            pair = session.get(Pair, pair_id)
            assert pair is not None
            checkin: CheckIn = add_checkin(session, pair, f"wrapup:{pair_id}", utc(2026, 11, 20))
            for user, score in raters.items():
                record_rating(session, checkin=checkin, user_id=user, score=score, now=utc(2026, 11, 20))
            if pair_id == first:
                assert program_report(session, team_id="T0001", now=NOW).rating is None  # two people: hidden
    with session_scope(engine) as session:
        report = program_report(session, team_id="T0001", now=NOW)
    assert (report.rating, report.raters) == (4.0, 3)
