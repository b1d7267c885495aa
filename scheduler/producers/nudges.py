"""The weekly nudge: on the pair's meeting weekday, each member with open items gets them listed.

It goes into the shared pair DM, so it waits for the hours both members share (when they never
overlap, the addressee's own hours).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from blocks.actions import nudge_message
from mentoring.checkins import outbox_row
from mentoring.contact_hours import addressed_windows, is_allowed, next_allowed_or_fallback
from mentoring.followthrough import open_items
from mentoring.outbox import PlannedPost
from mentoring.settings import Settings
from scheduler.producers.each_pair import for_each_pair
from storage.models import Boundaries, Pair

KIND = "nudge"
#: A nudge missed (downtime) is still sent this long after it fell due; later, that week's is let go.
LATE_AT_MOST = timedelta(days=1)


def nudge_day(boundaries: Boundaries, now: datetime) -> date:
    """This week's nudge day: the latest meeting weekday (in the boundaries' zone) on or before today."""
    today = now.astimezone(ZoneInfo(boundaries.timezone)).date()
    return today - timedelta(days=(today.weekday() - boundaries.weekday) % 7)


def nudge_key(pair_id: int, user_id: str, day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"nudge:{pair_id}:{user_id}:{year}-W{week:02d}"


def plan(session: Session, pair: Pair, boundaries: Boundaries, now: datetime) -> Iterator[PlannedPost]:
    """Nudges now due; only items open when the nudge fell due (and not snoozed) are listed; none, no nudge."""
    assert pair.id is not None  # scheduled pairs are stored rows
    day = nudge_day(boundaries, now)
    day_start = datetime.combine(day, time(0), tzinfo=ZoneInfo(boundaries.timezone)).astimezone(UTC)
    for user_id in (pair.mentee_id, pair.mentor_id):
        windows = addressed_windows(boundaries, pair.role_of(user_id) or "mentee", day_start)
        due = next_allowed_or_fallback(day_start, windows)
        if not due <= now < due + LATE_AT_MOST or not is_allowed(now, windows):
            continue
        key = nudge_key(pair.id, user_id, day)
        if outbox_row(session, key) is not None:
            continue
        items = open_items(session, pair.id, owner_id=user_id, awake_at=now, created_before=due)
        if not items:
            continue
        text, blocks = nudge_message(pair, user_id, items, now)
        yield PlannedPost.to_pair_dm(pair, key=key, kind=KIND, text=text, blocks=blocks, not_before=due)


def produce(session: Session, now: datetime, settings: Settings) -> Iterable[PlannedPost]:
    return for_each_pair(session, now, plan)
