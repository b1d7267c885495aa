"""Reminders before meetings: one hour before (or the last moment before inside both members' contact hours)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta

from sqlmodel import Session

from blocks.reminders import reminder_message
from mentoring.checkins import outbox_row
from mentoring.contact_hours import is_allowed, last_allowed_before_or_fallback, pair_dm_windows
from mentoring.meeting_briefs import meeting_brief
from mentoring.meetings import sync_meetings
from mentoring.outbox import PlannedPost
from mentoring.reminders import REMINDER_LEAD, reminder_key
from mentoring.settings import Settings
from mentoring.users import current_zones
from scheduler.producers.each_pair import for_each_pair
from storage.models import Boundaries, Pair

KIND = "reminder"
#: When contact hours close before the reminder time, remind this long before they close.
CLOSING_MARGIN = timedelta(minutes=10)


def plan(session: Session, pair: Pair, boundaries: Boundaries, now: datetime) -> Iterator[PlannedPost]:
    """Reminders now due: the meeting has not started, its reminder time has come, and the DM's hours are open."""
    assert pair.id is not None  # scheduled pairs are stored rows
    slots = sync_meetings(session, pair, boundaries, now)
    windows = pair_dm_windows(boundaries, now, current_zones(session, pair, agreed_at=boundaries.agreed_at))
    for slot in slots:
        if slot.skipped or slot.meeting_id is None or slot.scheduled_at <= now:
            continue
        due = last_allowed_before_or_fallback(slot.scheduled_at - REMINDER_LEAD, windows, margin=CLOSING_MARGIN)
        if due > now or not is_allowed(now, windows):
            continue
        key = reminder_key(pair.id, slot)
        if outbox_row(session, key) is not None:
            continue
        brief = meeting_brief(session, pair=pair, boundaries=boundaries, slot=slot, now=now)
        text, blocks = reminder_message(
            pair=pair,
            slot=slot,
            theme=brief.theme,
            goals=brief.goals,
            items=brief.items,
            location=brief.location,
            now=now,
        )
        yield PlannedPost.to_pair_dm(pair, key=key, kind=KIND, text=text, blocks=blocks, not_before=due)


def produce(session: Session, now: datetime, settings: Settings) -> Iterable[PlannedPost]:
    return for_each_pair(session, now, plan)
