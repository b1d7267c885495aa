"""Meeting reminders: when they go, the outbox delivery key that names each one, and dropping unsent ones.

The scheduler's reminder producer posts them; ``meeting_changes`` drops a changed meeting's unsent
reminder so that a delivery retry never announces a time that no longer holds.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import Session, col

from mentoring.meetings import Slot
from storage.models import Meeting, Outbox, OutboxStatus

#: Reminders go this long before a meeting (earlier when that falls outside contact hours).
REMINDER_LEAD = timedelta(hours=1)


def reminder_key_prefix(pair_id: int, series_at: datetime) -> str:
    return f"reminder:{pair_id}:{series_at.isoformat()}"


def reminder_key(pair_id: int, slot: Slot) -> str:
    """One reminder per slot; a moved meeting gets a fresh one for its new time."""
    key = reminder_key_prefix(pair_id, slot.series_at)
    return f"{key}@{slot.scheduled_at.isoformat()}" if slot.moved else key


def drop_unsent_reminders(session: Session, meeting: Meeting) -> None:
    """Delete the meeting's reminders still waiting in the outbox (a retry must not announce a time that changed)."""
    session.execute(
        delete(Outbox)
        .where(
            col(Outbox.delivery_key).startswith(reminder_key_prefix(meeting.pair_id, meeting.series_at)),
            col(Outbox.status) == OutboxStatus.PENDING,
        )
        .execution_options(synchronize_session=False)
    )
