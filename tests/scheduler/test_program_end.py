"""The end-of-program producer: only active pairs of an ended program, inside their agreed contact
hours, each post planned once; the gentle end only after the survey window and only without both
members choosing to continue."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.engine import Engine

from mentoring.outbox import enqueue
from mentoring.settings import Settings
from mentoring.surveys import SurveyIn, save_response
from scheduler.producers import program_end
from storage.db import session_scope
from storage.models import Pair, PairStatus, Program
from tests.conftest import ADMIN, MENTEE, MENTOR, OTHER
from tests.support.fake_slack import TEAM_ID
from tests.support.sessions import agree_boundaries, new_pair_id, utc


def add_program(engine: Engine, name: str, ends: date) -> int:
    with session_scope(engine) as session:
        program = Program(
            team_id=TEAM_ID,
            name=name,
            starts_on=date(2026, 11, 1),
            ends_on=ends,
            created_by=ADMIN,
            created_at=utc(2026, 11, 1),
        )
        session.add(program)
        session.flush()
        assert program.id is not None
        return program.id


def join(engine: Engine, pair_id: int, program_id: int, status: str = PairStatus.ACTIVE) -> None:
    with session_scope(engine) as session:
        pair = session.get(Pair, pair_id)
        assert pair is not None
        pair.program_id, pair.status = program_id, status
        session.add(pair)


def planned(engine: Engine, settings: Settings, at: datetime) -> list[str]:
    """The keys the producer plans at ``at`` (and enqueues, as the tick does)."""
    with session_scope(engine) as session:
        posts = list(program_end.produce(session, at, settings))
        enqueue(session, posts, now=at)
    return [p.delivery_key for p in posts]


def status_of(engine: Engine, pair_id: int) -> str:
    with session_scope(engine) as session:
        pair = session.get(Pair, pair_id)
        assert pair is not None
        return pair.status


def test_the_closing_message_waits_for_the_end_date_and_the_agreed_contact_hours(
    engine: Engine, settings: Settings
) -> None:
    ended = add_program(engine, "Autumn", date(2026, 12, 15))
    later = add_program(engine, "Winter", date(2027, 2, 28))
    pair = new_pair_id(engine, mentor=MENTOR, mentee=MENTEE, channel_id="GPAIR0001")
    agree_boundaries(engine, pair)  # contact hours 08:00–20:00 Berlin for both
    join(engine, pair, ended)
    pending = new_pair_id(engine, mentor=OTHER, mentee=MENTEE, channel_id="GPAIR0002")
    join(engine, pending, ended, PairStatus.PENDING)
    elsewhere = new_pair_id(engine, mentor=MENTOR, mentee=OTHER, channel_id="GPAIR0003")
    join(engine, elsewhere, later)
    new_pair_id(engine, mentor=ADMIN, mentee=OTHER, channel_id="GPAIR0004")  # in no program

    assert planned(engine, settings, utc(2026, 12, 14, 12, 0)) == []
    assert planned(engine, settings, utc(2026, 12, 15, 6, 30)) == []  # 07:30 in Berlin
    assert planned(engine, settings, utc(2026, 12, 15, 7, 30)) == [f"program-end:{ended}:{pair}:2026-12-15"]
    assert planned(engine, settings, utc(2026, 12, 15, 8, 0)) == []  # once


def test_the_pair_is_ended_after_the_window_unless_both_continue(engine: Engine, settings: Settings) -> None:
    program = add_program(engine, "Autumn", date(2026, 12, 15))
    leaving = new_pair_id(engine, mentor=MENTOR, mentee=MENTEE, channel_id="GPAIR0001")
    staying = new_pair_id(engine, mentor=MENTOR, mentee=OTHER, channel_id="GPAIR0002")
    for pair in (leaving, staying):
        join(engine, pair, program)
    assert len(planned(engine, settings, utc(2026, 12, 15, 10, 0))) == 2  # daytime in UTC: no hours agreed
    with session_scope(engine) as session:
        stay = SurveyIn(4, "yes", "yes", "", False)
        for member in (MENTOR, OTHER):
            pair_row = session.get(Pair, staying)
            assert pair_row is not None
            save_response(session, pair=pair_row, user_id=member, data=stay, now=utc(2026, 12, 16, 10, 0))

    assert planned(engine, settings, utc(2026, 12, 29, 9, 59)) == []  # the window is still open
    assert status_of(engine, leaving) == PairStatus.ACTIVE
    assert planned(engine, settings, utc(2026, 12, 29, 10, 0)) == [f"program-close:{program}:{leaving}"]
    assert planned(engine, settings, utc(2026, 12, 30, 10, 0)) == []
    assert status_of(engine, leaving) == PairStatus.ENDED
    assert status_of(engine, staying) == PairStatus.ACTIVE


def test_a_program_extended_after_its_closing_message_closes_again_at_its_new_end(
    engine: Engine, settings: Settings
) -> None:
    program = add_program(engine, "Autumn", date(2026, 12, 15))
    pair = new_pair_id(engine, mentor=MENTOR, mentee=MENTEE, channel_id="GPAIR0001")
    join(engine, pair, program)
    assert planned(engine, settings, utc(2026, 12, 15, 10, 0)) == [f"program-end:{program}:{pair}:2026-12-15"]
    with session_scope(engine) as session:
        row = session.get(Program, program)
        assert row is not None
        row.ends_on = date(2027, 1, 31)  # the lead gives the cohort six more weeks
        session.add(row)
    assert planned(engine, settings, utc(2026, 12, 29, 10, 0)) == []  # not ended after the first window
    assert status_of(engine, pair) == PairStatus.ACTIVE
    assert planned(engine, settings, utc(2027, 1, 31, 10, 0)) == [f"program-end:{program}:{pair}:2027-01-31"]
    assert planned(engine, settings, utc(2027, 2, 14, 10, 0)) == [f"program-close:{program}:{pair}"]
    assert status_of(engine, pair) == PairStatus.ENDED
