"""Changes to one meeting: *We'll meet* (confirm), *Skip this one*, *Move it*, *We didn't meet*, and held.

A meeting counts as held once someone answers its questions (``mark_held``); *We didn't meet* on the
questions marks it missed instead (``mark_missed``, once, however many press it) and closes its
questions. A missed meeting can still be moved: its old questions are then released (their delivery
key renamed to ``missed:…``) so the meeting is asked about again after it really happens.

Each change locks the pair first (``meetings.lock_pair``) and re-reads the meeting. Skipping and
moving carry two side effects, each behind its own function: the open follow-through items due at
the meeting follow it (``followthrough.move_items_due_at``) and its unsent reminder is dropped from
the outbox (``reminders.drop_unsent_reminders``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from mentoring.followthrough import move_items_due_at
from mentoring.meetings import lock_pair, next_meeting, pair_slots, renumber_meetings
from mentoring.problems import Problem
from mentoring.reminders import drop_unsent_reminders
from storage.db import rows_matched
from storage.models import CheckIn, Meeting, MeetingStatus, Outbox

#: Delivery keys of check-ins whose meeting was missed and then moved start with this.
RELEASED_PREFIX = "missed:"
#: Statuses a meeting has before anyone says whether it took place.
NOT_YET_KNOWN = (MeetingStatus.SCHEDULED, MeetingStatus.CONFIRMED)


def meeting_checkin_key(pair_id: int, meeting_id: int) -> str:
    """The delivery key of the questions after a scheduled meeting (and of a wrap-up during it)."""
    return f"checkin:{pair_id}:{meeting_id}"


def _changeable(meeting: Meeting, now: datetime, *, missed_ok: bool = False) -> Problem | None:
    if meeting.status == MeetingStatus.SKIPPED:
        return Problem("This meeting was already skipped.")
    if meeting.status == MeetingStatus.MISSED:
        if missed_ok:
            return None
        return Problem("You said you didn't meet this time; use *Move it* on the questions to find another time.")
    if (
        meeting.status == MeetingStatus.HELD
        or meeting.scheduled_at + timedelta(minutes=meeting.duration_minutes) <= now
    ):
        return Problem("This meeting is already over, so it can't be changed any more.")
    return None


def confirm_meeting(session: Session, *, meeting: Meeting, by: str, now: datetime) -> Meeting | Problem:
    """Someone pressed *We'll meet*."""
    lock_pair(session, meeting.pair_id)
    session.refresh(meeting)
    problem = _changeable(meeting, now)
    if problem:
        return problem
    meeting.status = MeetingStatus.CONFIRMED
    meeting.updated_by, meeting.updated_at = by, now
    session.add(meeting)
    return meeting


def skip_meeting(session: Session, *, meeting: Meeting, by: str, now: datetime) -> Meeting | Problem:
    """*Skip this one*: the meeting loses its number, the later ones move up, open items move to the next."""
    lock_pair(session, meeting.pair_id)
    session.refresh(meeting)
    problem = _changeable(meeting, now)
    if problem:
        return problem
    meeting.status = MeetingStatus.SKIPPED
    meeting.number = 0
    meeting.updated_by, meeting.updated_at = by, now
    session.add(meeting)
    renumber_meetings(session, meeting.pair_id)
    following = next_meeting(session, meeting.pair_id, meeting.scheduled_at)
    move_items_due_at(session, meeting.pair_id, meeting.scheduled_at, following.scheduled_at if following else None)
    drop_unsent_reminders(session, meeting)
    return meeting


def move_meeting(session: Session, *, meeting: Meeting, to: datetime, by: str, now: datetime) -> Meeting | Problem:
    """*Move it*: this one meeting happens at ``to`` instead; it keeps its number, so it must stay in order."""
    lock_pair(session, meeting.pair_id)
    session.refresh(meeting)
    problem = _changeable(meeting, now, missed_ok=True)
    if problem:
        return problem
    was_missed = meeting.status == MeetingStatus.MISSED
    if to <= now:
        return Problem("Pick a time in the future.")
    slots = pair_slots(session, meeting.pair_id, until=max(to, meeting.series_at) + timedelta(days=70))
    others = [s for s in slots if not s.skipped and s.meeting_id != meeting.id]
    before = [s for s in others if s.series_at < meeting.series_at]
    after = [s for s in others if s.series_at > meeting.series_at]
    if before and to <= before[-1].scheduled_at:
        return Problem("That's before the previous meeting; pick a later time.")
    if after and to >= after[0].scheduled_at:
        return Problem("That's at or after the next meeting; skip this one instead, or pick an earlier time.")
    old = meeting.scheduled_at
    meeting.scheduled_at = to
    meeting.status = MeetingStatus.SCHEDULED
    meeting.updated_by, meeting.updated_at = by, now
    session.add(meeting)
    move_items_due_at(session, meeting.pair_id, old, to)
    drop_unsent_reminders(session, meeting)
    if was_missed:
        _release_checkin(session, meeting)
    return meeting


def _release_checkin(session: Session, meeting: Meeting) -> None:
    """The missed meeting's questions stay as they are, under another key, so the moved meeting gets its own."""
    key = meeting_checkin_key(meeting.pair_id, meeting.id or 0)
    checkin = session.exec(select(CheckIn).where(CheckIn.delivery_key == key)).first()
    if checkin is None:
        return
    released = f"{RELEASED_PREFIX}{meeting.pair_id}:{meeting.id}:{checkin.id}"
    checkin.delivery_key = released
    session.add(checkin)
    session.execute(
        update(Outbox)
        .where(col(Outbox.delivery_key) == key)
        .values(delivery_key=released)
        .execution_options(synchronize_session=False)
    )
    session.flush()


def mark_missed(session: Session, *, meeting: Meeting, by: str, now: datetime) -> Meeting | Problem:
    """*We didn't meet*: the meeting is missed (not held) and its questions stop asking; only the first press counts."""
    lock_pair(session, meeting.pair_id)
    result = session.execute(
        update(Meeting)
        .where(col(Meeting.id) == meeting.id, col(Meeting.status).in_(NOT_YET_KNOWN))
        .values(status=MeetingStatus.MISSED, updated_by=by, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    session.refresh(meeting)
    if rows_matched(result) == 1:
        return meeting
    if meeting.status == MeetingStatus.MISSED:
        return Problem(f"<@{meeting.updated_by}> already said you didn't meet. *Move it* finds another time.")
    if meeting.status == MeetingStatus.HELD:
        return Problem("Someone already answered the questions for this meeting, so it counts as held.")
    return Problem("This meeting was skipped, so there's nothing to mark.")


def mark_held(session: Session, meeting_id: int | None, now: datetime) -> None:
    """A meeting whose questions were answered did take place (unless someone said it did not)."""
    if meeting_id is None:
        return
    meeting = session.get(Meeting, meeting_id)
    if meeting is not None and meeting.status in NOT_YET_KNOWN:
        meeting.status = MeetingStatus.HELD
        meeting.updated_at = now
        session.add(meeting)
