"""Pairs gone quiet: meetings in a row that passed with none held and no check-in answer.

The scheduler nudges such a pair once per quiet stretch; ``/mentor report`` flags it for the admins.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from mentoring.meetings import Slot, pair_slots, scheduled_pairs
from storage.models import Boundaries, CheckIn, CheckInAnswer, MeetingStatus

#: This many meetings in a row without a held meeting or any answer make a pair inactive ...
INACTIVE_AFTER = 3
#: ... each counted once this long has passed since its end (time to answer its questions).
INACTIVE_GRACE = timedelta(days=2)


def inactivity_streak(
    session: Session, pair_id: int, now: datetime, *, boundaries: Boundaries | None = None
) -> list[Slot]:
    """The meetings since the pair last showed activity (a held meeting or any check-in answer).

    A meeting counts once ``INACTIVE_GRACE`` has passed since its end; skipped meetings neither count
    nor break the stretch (skipping is a decision, not silence).
    """
    slots = pair_slots(session, pair_id, boundaries=boundaries, until=now)
    ended = [s for s in slots if not s.skipped and s.ends_at + INACTIVE_GRACE <= now]
    answered_meetings: set[int] = set()
    last_answer: datetime | None = None
    for meeting_id, answered_at in session.exec(
        select(CheckIn.meeting_id, CheckInAnswer.updated_at)
        .join(CheckInAnswer, col(CheckInAnswer.checkin_id) == col(CheckIn.id))
        .where(CheckIn.pair_id == pair_id)
    ):
        if meeting_id is not None:
            answered_meetings.add(meeting_id)
        if last_answer is None or answered_at > last_answer:
            last_answer = answered_at
    streak: list[Slot] = []
    for slot in ended:
        active = slot.status == MeetingStatus.HELD or slot.meeting_id in answered_meetings
        if active:
            streak = []
        elif last_answer is None or slot.ends_at > last_answer:
            streak.append(slot)
    return streak


def inactive_pairs(session: Session, now: datetime, *, team_id: str | None = None) -> list[int]:
    """Ids of active pairs whose last three (or more) meetings passed with none held and no answers.

    For ``/mentor report``: the admins see these pairs flagged.
    """
    flagged = []
    for pair, boundaries in scheduled_pairs(session):
        if team_id is not None and pair.team_id != team_id:
            continue
        assert pair.id is not None
        if len(inactivity_streak(session, pair.id, now, boundaries=boundaries)) >= INACTIVE_AFTER:
            flagged.append(pair.id)
    return flagged
