"""Changes to one meeting: *We'll meet* (confirm), *Skip this one*, *Move it*, and marking it held.

Each change locks the pair first (``meetings.lock_pair``) and re-reads the meeting. Skipping and
moving carry two side effects, each behind its own function: the open follow-through items due at
the meeting follow it (``followthrough.move_items_due_at``) and its unsent reminder is dropped from
the outbox (``reminders.drop_unsent_reminders``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from mentoring.followthrough import move_items_due_at
from mentoring.meetings import lock_pair, next_meeting, pair_slots, renumber_meetings
from mentoring.problems import Problem
from mentoring.reminders import drop_unsent_reminders
from storage.models import Meeting, MeetingStatus


def _changeable(meeting: Meeting, now: datetime) -> Problem | None:
    if meeting.status == MeetingStatus.SKIPPED:
        return Problem("This meeting was already skipped.")
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
    problem = _changeable(meeting, now)
    if problem:
        return problem
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
    return meeting


def mark_held(session: Session, meeting_id: int | None, now: datetime) -> None:
    """A meeting whose questions were answered did take place."""
    if meeting_id is None:
        return
    meeting = session.get(Meeting, meeting_id)
    if meeting is not None and meeting.status != MeetingStatus.HELD:
        meeting.status = MeetingStatus.HELD
        meeting.updated_at = now
        session.add(meeting)
