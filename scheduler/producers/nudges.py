"""The weekly nudge: each member with open items gets them listed, privately, in their DM with the bot.

It is that member's alone, so it waits for that member's own contact hours (read in the zone they are
in now) and goes to nobody else. It is skipped when nothing is open, and in a week whose meeting
reminder lists the same items anyway (a meeting within two days before the nudge, or later that day).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from blocks.actions import nudge_message
from mentoring.checkins import outbox_row
from mentoring.contact_hours import is_allowed, member_windows, next_allowed_or_fallback
from mentoring.followthrough import open_items
from mentoring.meetings import sync_meetings
from mentoring.outbox import PlannedPost
from mentoring.settings import Settings
from mentoring.users import current_zones
from scheduler.producers.each_pair import for_each_pair
from storage.models import Boundaries, Meeting, MeetingStatus, Pair

KIND = "nudge"
#: A nudge missed (downtime) is still sent this long after it fell due; later, that week's is let go.
LATE_AT_MOST = timedelta(days=1)
#: A reminder this recent (or one still to come the same day) already lists the member's items.
REMINDED_WITHIN = timedelta(days=2)


def nudge_day(boundaries: Boundaries, now: datetime) -> date:
    """This week's nudge day: the latest meeting weekday (in the boundaries' zone) on or before today."""
    today = now.astimezone(ZoneInfo(boundaries.timezone)).date()
    return today - timedelta(days=(today.weekday() - boundaries.weekday) % 7)


def nudge_key(pair_id: int, user_id: str, day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"nudge:{pair_id}:{user_id}:{year}-W{week:02d}"


def reminded_around(session: Session, pair_id: int, day_start: datetime) -> bool:
    """Whether a meeting reminder lists the items anyway: a meeting in the two days before the nudge
    day, or on the nudge day itself (its reminder comes within hours)."""
    meeting = session.exec(
        select(Meeting.id).where(
            Meeting.pair_id == pair_id,
            col(Meeting.status) != MeetingStatus.SKIPPED,
            col(Meeting.scheduled_at) >= day_start - REMINDED_WITHIN,
            col(Meeting.scheduled_at) < day_start + timedelta(days=1),
        )
    ).first()
    return meeting is not None


def plan(session: Session, pair: Pair, boundaries: Boundaries, now: datetime) -> Iterator[PlannedPost]:
    """Nudges now due; only items open when the nudge fell due (and not snoozed) are listed; none, no nudge."""
    assert pair.id is not None  # scheduled pairs are stored rows
    day = nudge_day(boundaries, now)
    day_start = datetime.combine(day, time(0), tzinfo=ZoneInfo(boundaries.timezone)).astimezone(UTC)
    zones = current_zones(session, pair, agreed_at=boundaries.agreed_at)
    checked_reminders = False
    for user_id in (pair.mentee_id, pair.mentor_id):
        windows = member_windows(boundaries, pair.role_of(user_id) or "mentee", zones)
        due = next_allowed_or_fallback(day_start, windows)
        if not due <= now < due + LATE_AT_MOST or not is_allowed(now, windows):
            continue
        key = nudge_key(pair.id, user_id, day)
        if outbox_row(session, key) is not None:
            continue
        if not checked_reminders:
            sync_meetings(session, pair, boundaries, now)
            if reminded_around(session, pair.id, day_start):
                return
            checked_reminders = True
        items = open_items(session, pair.id, owner_id=user_id, awake_at=now, created_before=due)
        if not items:
            continue
        text, blocks = nudge_message(pair, user_id, items, now)
        yield PlannedPost(
            delivery_key=key,
            team_id=pair.team_id,
            channel_id=user_id,  # the bot's DM with this member alone (opened when delivered)
            kind=KIND,
            text=text,
            blocks=blocks,
            pair_id=pair.id,
            not_before=due,
        )


def produce(session: Session, now: datetime, settings: Settings) -> Iterable[PlannedPost]:
    return for_each_pair(session, now, plan)
