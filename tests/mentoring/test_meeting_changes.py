"""*We didn't meet* against held meetings, answers and moves: "held" and "missed" never both, never lost."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import select

from mentoring.checkins import CLOSED, get_or_create_checkin, save_answers, save_checkin
from mentoring.meeting_changes import confirm_meeting, mark_missed, meeting_checkin_key, move_meeting
from mentoring.meetings import sync_meetings
from mentoring.problems import Problem
from storage.db import session_scope
from storage.models import Boundaries, CheckIn, Meeting, MeetingStatus, Pair
from tests.conftest import MENTEE, MENTOR
from tests.support.sessions import agree_boundaries, new_pair_id, utc

AFTER_MEETING_1 = utc(2026, 12, 3, 17, 10)


def first_meeting_and_checkin(engine: Engine) -> tuple[int, int]:
    pair_id = new_pair_id(engine, mentor=MENTOR, mentee=MENTEE)
    boundaries_id = agree_boundaries(engine, pair_id)
    with session_scope(engine) as session:
        pair, boundaries = session.get(Pair, pair_id), session.get(Boundaries, boundaries_id)
        assert pair is not None and boundaries is not None
        slot = sync_meetings(session, pair, boundaries, AFTER_MEETING_1)[0]
        assert slot.meeting_id is not None
        checkin = get_or_create_checkin(
            session,
            pair=pair,
            key=meeting_checkin_key(pair_id, slot.meeting_id),
            meeting_id=slot.meeting_id,
            now=AFTER_MEETING_1,
        )
        assert checkin.id is not None
        return slot.meeting_id, checkin.id


def test_a_meeting_someone_answered_for_cannot_be_marked_missed(engine: Engine) -> None:
    meeting_id, checkin_id = first_meeting_and_checkin(engine)
    with session_scope(engine) as session:
        checkin = session.get(CheckIn, checkin_id)
        assert checkin is not None
        pair = session.get(Pair, checkin.pair_id)
        assert pair is not None
        save_answers(
            session, checkin=checkin, pair=pair, user_id=MENTEE, fields={"useful": "a lot"}, now=AFTER_MEETING_1
        )
    with session_scope(engine) as session:
        meeting = session.get(Meeting, meeting_id)
        assert meeting is not None
        result = mark_missed(session, meeting=meeting, by=MENTOR, now=AFTER_MEETING_1)
        assert isinstance(result, Problem) and "counts as held" in result.message
        assert meeting.status == MeetingStatus.HELD


def test_a_missed_meeting_takes_no_answers_no_confirmation_and_can_be_moved_to_be_asked_again(engine: Engine) -> None:
    meeting_id, checkin_id = first_meeting_and_checkin(engine)
    with session_scope(engine) as session:
        meeting = session.get(Meeting, meeting_id)
        assert meeting is not None
        assert mark_missed(session, meeting=meeting, by=MENTEE, now=AFTER_MEETING_1) is meeting
        again = mark_missed(session, meeting=meeting, by=MENTOR, now=AFTER_MEETING_1)
        assert isinstance(again, Problem) and f"<@{MENTEE}> already said" in again.message
        assert isinstance(confirm_meeting(session, meeting=meeting, by=MENTOR, now=AFTER_MEETING_1), Problem)
    with session_scope(engine) as session:
        checkin = session.get(CheckIn, checkin_id)
        pair = session.get(Pair, checkin.pair_id) if checkin else None
        assert checkin is not None and pair is not None
        answer = save_checkin(
            session,
            checkin=checkin,
            pair=pair,
            user_id=MENTEE,
            fields={"useful": "x"},
            done_item_ids=[],
            progress={},
            now=AFTER_MEETING_1,
        )
        assert answer is CLOSED
    with session_scope(engine) as session:
        meeting = session.get(Meeting, meeting_id)
        assert meeting is not None and meeting.status == MeetingStatus.MISSED
        moved = move_meeting(session, meeting=meeting, to=utc(2026, 12, 7, 16, 0), by=MENTOR, now=AFTER_MEETING_1)
        assert not isinstance(moved, Problem) and moved.status == MeetingStatus.SCHEDULED
    with session_scope(engine) as session:
        released = session.get(CheckIn, checkin_id)
        assert released is not None and released.delivery_key.startswith("missed:")
        # The meeting's own key is free again: its questions will be asked after it really happens.
        assert session.get(Meeting, meeting_id) is not None
        key = meeting_checkin_key(released.pair_id, meeting_id)
        assert session.exec(select(CheckIn).where(CheckIn.delivery_key == key)).first() is None
