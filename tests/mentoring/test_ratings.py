"""Private check-in ratings: stored per member and check-in, changed or removed, averaged without names."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from mentoring.problems import Problem
from mentoring.ratings import average_rating, parse_rating, rating_of, record_rating
from storage.db import session_scope
from storage.models import CheckIn, CheckInRating
from tests.support.sessions import new_pair_id, utc
from tests.support.slack_user import MENTEE, MENTOR


def _checkin(engine: Engine, pair_id: int, key: str) -> int:
    with session_scope(engine) as session:
        checkin = CheckIn(
            team_id="T0001", pair_id=pair_id, delivery_key=key, channel_id="G1", created_at=utc(2026, 12, 1)
        )
        session.add(checkin)
        session.flush()
        return checkin.id or 0


def test_a_rating_is_stored_changed_and_removed_per_member(engine: Engine) -> None:
    pair_id = new_pair_id(engine, mentor=MENTOR, mentee=MENTEE)
    checkin_id = _checkin(engine, pair_id, "wrapup:1")
    with session_scope(engine) as session:
        checkin = session.get(CheckIn, checkin_id)
        assert checkin is not None
        record_rating(session, checkin=checkin, user_id=MENTEE, score=4, now=utc(2026, 12, 1))
        record_rating(session, checkin=checkin, user_id=MENTOR, score=2, now=utc(2026, 12, 1))
        record_rating(session, checkin=checkin, user_id=MENTEE, score=5, now=utc(2026, 12, 2))
    with session_scope(engine) as session:
        scores = {r.user_id: r.score for r in session.exec(select(CheckInRating))}
        assert scores == {MENTEE: 5, MENTOR: 2}
        assert rating_of(session, checkin_id=checkin_id, user_id=MENTEE) == 5
        assert rating_of(session, checkin_id=checkin_id, user_id="U0NOBODY") is None
        assert average_rating(session, [pair_id]) == (3.5, 2)
        checkin = session.get(CheckIn, checkin_id)
        assert checkin is not None
        record_rating(session, checkin=checkin, user_id=MENTOR, score=None, now=utc(2026, 12, 2))
    with session_scope(engine) as session:
        assert average_rating(session, [pair_id]) == (5.0, 1)
        assert average_rating(session, []) == (None, 0)


def test_a_rating_outside_one_to_five_is_refused(engine: Engine) -> None:
    pair_id = new_pair_id(engine, mentor=MENTOR, mentee=MENTEE)
    checkin_id = _checkin(engine, pair_id, "wrapup:2")
    with session_scope(engine) as session:
        checkin = session.get(CheckIn, checkin_id)
        assert checkin is not None
        with pytest.raises(ValueError):
            record_rating(session, checkin=checkin, user_id=MENTEE, score=6, now=utc(2026, 12, 1))
    assert parse_rating("") is None
    assert parse_rating("3") == 3
    assert isinstance(parse_rating("0"), Problem) and isinstance(parse_rating("x"), Problem)
