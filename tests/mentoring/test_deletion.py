"""Deleting a person's data: no text of theirs, no trace of their id; counts and the partner's words stay."""

from __future__ import annotations

from dataclasses import fields
from datetime import date

from sqlalchemy import Engine
from sqlmodel import SQLModel

from mentoring.deletion import DELETED_TEXT, RULES, delete_user_data, placeholder, preview
from mentoring.reports import PairRow, pair_rows, program_report
from storage.db import session_scope
from storage.models import MeetingStatus, Pair, PairStatus
from tests.support.sessions import new_pair_id, utc
from tests.support.slack_user import ADMIN, MENTEE, MENTOR
from tests.support.typed_text import (
    add_meetings,
    add_program,
    put_in_program,
    seed_member_text,
    text_columns,
    where_text_is,
)

OTHER = "U0OTHER"
GONE = "MENTEE-GONE-MARKER"
STAYS = "MENTOR-STAYS-MARKER"
NOW = utc(2026, 12, 10, 12)
#: What is not a count: who, which stage, and the dates of what ended just now.
NOT_COUNTS = {"mentor_id", "mentee_id", "status", "stage", "ended_on", "quiet", "attention"}


def _seed(engine: Engine) -> tuple[int, int]:
    program = add_program(
        engine, "Spring 2027", starts_on=date(2026, 11, 1), ends_on=date(2027, 5, 1), by=ADMIN, now=NOW
    )
    live = new_pair_id(engine, mentor=MENTOR, mentee=MENTEE, channel_id="G0LIVE")
    ended = new_pair_id(engine, mentor=OTHER, mentee=MENTEE, channel_id="G0ENDED", status=PairStatus.ENDED)
    for pair_id in (live, ended):
        put_in_program(engine, pair_id, program)
    add_meetings(engine, live, utc(2026, 11, 5, 10), [MeetingStatus.HELD, MeetingStatus.MISSED, MeetingStatus.HELD])
    seed_member_text(engine, live, MENTEE, GONE, at=utc(2026, 11, 20))
    seed_member_text(engine, live, MENTOR, STAYS, at=utc(2026, 11, 20))
    seed_member_text(engine, ended, MENTEE, GONE, at=utc(2026, 11, 21))
    return live, ended


def _counts(rows: list[PairRow]) -> list[tuple[object, ...]]:
    names = [f.name for f in fields(PairRow) if f.name not in NOT_COUNTS]
    return [tuple(getattr(r, n) for n in names) for r in rows]


def test_every_table_and_text_column_has_a_decision() -> None:
    """A table or text column added later fails here until deletion.RULES says what happens to it."""
    tables = {t.name for t in SQLModel.metadata.sorted_tables}
    assert tables - set(RULES) == set(), "add a Rule in mentoring/deletion.py for each new table"
    undecided = []
    for table, column in text_columns():
        rule = RULES[table]
        decided = (
            rule.untouched
            or column in rule.typed
            or column in rule.owners
            or column in rule.kept
            or column == "team_id"
            or column.endswith(("_id", "_by"))  # a person's or a Slack object's id: ids are replaced everywhere
        )
        if not decided:
            undecided.append((table, column))
    assert undecided == []


def test_deleting_a_member_leaves_no_text_of_theirs_and_no_trace_of_their_id(engine: Engine) -> None:
    live, _ = _seed(engine)
    seeded = where_text_is(engine, GONE)
    typed = {(t, c) for t, rule in RULES.items() for c in rule.typed}
    assert seeded == typed - {("slack_user", "tz")}, "the seed must put the marker in every column a member types"
    partner_before = where_text_is(engine, STAYS)

    with session_scope(engine) as session:
        done = delete_user_data(session, team_id="T0001", user_id=MENTEE, now=NOW)

    assert where_text_is(engine, GONE) == set()
    assert where_text_is(engine, MENTEE) == set()  # their id is nowhere: ids, keys, mentions in posts
    assert where_text_is(engine, done.placeholder)  # the placeholder holds their place
    # the partner's own words stay, their nudge to themselves too (posts into the pair's DM are delivery
    # records, cleared with the pair: the partner's stored summary there keeps no blocks)
    assert where_text_is(engine, STAYS) == partner_before - {("outbox", "blocks_json")}
    with session_scope(engine) as session:
        pair = session.get(Pair, live)
        assert pair is not None
        assert (pair.mentor_id, pair.mentee_id, pair.status) == (MENTOR, done.placeholder, PairStatus.ENDED)


def test_deleting_keeps_every_count_of_the_report(engine: Engine) -> None:
    _seed(engine)
    with session_scope(engine) as session:
        rows_before = pair_rows(session, team_id="T0001", now=NOW)
        report_before = program_report(session, team_id="T0001", now=NOW)
    with session_scope(engine) as session:
        delete_user_data(session, team_id="T0001", user_id=MENTEE, now=NOW)
    with session_scope(engine) as session:
        rows_after = pair_rows(session, team_id="T0001", now=NOW)
        report_after = program_report(session, team_id="T0001", now=NOW)
    assert _counts(rows_after) == _counts(rows_before)
    for figure in ("meetings_held", "meetings_missed", "goals_total", "goals_met", "checkins", "checkin_answers"):
        assert getattr(report_after, figure) == getattr(report_before, figure), figure
    assert (report_after.items_open, report_after.rating, report_after.raters) == (
        report_before.items_open,
        report_before.rating,
        report_before.raters,
    )
    assert sum(report_after.pairs_by_status.values()) == sum(report_before.pairs_by_status.values())


def test_deleting_twice_is_harmless_and_the_placeholder_is_stable(engine: Engine) -> None:
    _seed(engine)
    with session_scope(engine) as session:
        first = delete_user_data(session, team_id="T0001", user_id=MENTEE, now=NOW)
    with session_scope(engine) as session:
        again = delete_user_data(session, team_id="T0001", user_id=MENTEE, now=NOW)
        assert preview(session, team_id="T0001", user_id=MENTEE).anything is False
    assert first.placeholder == again.placeholder == placeholder("T0001", MENTEE)
    assert again.ended == []
    assert len(first.placeholder) <= 32 and MENTEE not in first.placeholder


def test_typed_words_become_a_deleted_mark_so_answers_still_count(engine: Engine) -> None:
    _seed(engine)
    with session_scope(engine) as session:
        before = preview(session, team_id="T0001", user_id=MENTEE)
        delete_user_data(session, team_id="T0001", user_id=MENTEE, now=NOW)
    labels = dict(before.removed)
    assert labels["your pre-work"] == 2 and labels["your check-in answers (thread replies included)"] == 2
    assert (before.pairs, before.live_pairs) == (2, 1)
    assert ("checkin_answer", "useful") in where_text_is(engine, DELETED_TEXT)
