"""A gentle nudge to both members when three meetings in a row passed with none held and no answers."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime

from sqlmodel import Session

from blocks.common import section
from mentoring.checkins import outbox_row
from mentoring.contact_hours import is_allowed, pair_dm_windows
from mentoring.inactivity import INACTIVE_AFTER, inactivity_streak
from mentoring.meetings import sync_meetings
from mentoring.outbox import PlannedPost
from mentoring.settings import Settings
from mentoring.users import current_zones
from scheduler.producers.each_pair import for_each_pair
from storage.models import Boundaries, Pair

KIND = "inactive"


def plan(session: Session, pair: Pair, boundaries: Boundaries, now: datetime) -> Iterator[PlannedPost]:
    """One nudge per inactive stretch (keyed by the stretch's first meeting), inside the DM's hours."""
    assert pair.id is not None  # scheduled pairs are stored rows
    sync_meetings(session, pair, boundaries, now)
    streak = inactivity_streak(session, pair.id, now, boundaries=boundaries)
    if len(streak) < INACTIVE_AFTER or streak[0].meeting_id is None:
        return
    key = f"inactive:{pair.id}:{streak[0].meeting_id}"
    if outbox_row(session, key) is not None:
        return
    zones = current_zones(session, pair, agreed_at=boundaries.agreed_at)
    if not is_allowed(now, pair_dm_windows(boundaries, now, zones)):
        return
    text = (
        f":wave: <@{pair.mentee_id}> <@{pair.mentor_id}>, it's been {len(streak)} meetings since I last heard "
        "how things are going. No pressure — if you met, press *Answer* on the last closing questions (or "
        "`/mentor wrapup`); if the rhythm doesn't fit any more, `/mentor boundaries` lets you change it."
    )
    yield PlannedPost.to_pair_dm(pair, key=key, kind=KIND, text=text, blocks=[section(text)], not_before=now)


def produce(session: Session, now: datetime, settings: Settings) -> Iterable[PlannedPost]:
    return for_each_pair(session, now, plan)
