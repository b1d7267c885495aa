"""The end-of-session questions after every meeting (its end plus a grace period, inside contact hours).

The message is rendered when it is due, so its wording says when the meeting was ("today",
"Thursday's conversation") as seen when the post arrives.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime

from sqlmodel import Session

from blocks.checkins import checkin_brief_message
from mentoring.checkins import checkin_brief, checkin_post, get_or_create_checkin, meeting_checkin_key, outbox_row
from mentoring.contact_hours import is_allowed, next_allowed_or_fallback, pair_dm_windows
from mentoring.meetings import CHECKIN_GRACE, latest_ended, sync_meetings
from mentoring.outbox import PlannedPost
from mentoring.settings import Settings
from mentoring.users import current_zones
from scheduler.producers.each_pair import for_each_pair
from storage.models import Boundaries, Pair


def plan(session: Session, pair: Pair, boundaries: Boundaries, now: datetime) -> Iterator[PlannedPost]:
    """The questions of the pair's latest ended meeting once due (earlier missed ones are let go)."""
    assert pair.id is not None  # scheduled pairs are stored rows
    latest = latest_ended(sync_meetings(session, pair, boundaries, now), now)
    if latest is None or latest.meeting_id is None:
        return
    key = meeting_checkin_key(pair.id, latest.meeting_id)
    if outbox_row(session, key) is not None:
        return
    windows = pair_dm_windows(boundaries, now, current_zones(session, pair, agreed_at=boundaries.agreed_at))
    due = next_allowed_or_fallback(latest.ends_at + CHECKIN_GRACE, windows)
    if due > now or not is_allowed(now, windows):
        return
    checkin = get_or_create_checkin(
        session,
        pair=pair,
        key=key,
        meeting_id=latest.meeting_id,
        now=now,
    )
    brief = checkin_brief(session, checkin=checkin, pair=pair, now=now)
    text, blocks = checkin_brief_message(pair=pair, brief=brief, now=now)
    yield checkin_post(pair=pair, checkin=checkin, text=text, blocks=blocks, not_before=due)


def produce(session: Session, now: datetime, settings: Settings) -> Iterable[PlannedPost]:
    return for_each_pair(session, now, plan)
