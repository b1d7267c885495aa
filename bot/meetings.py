"""Meetings of a pair: numbered slots of the agreed series (with skipped and moved ones)."""

from __future__ import annotations

from datetime import datetime
from itertools import islice

from sqlmodel import Session

from bot.boundaries import agreed_boundaries
from bot.meeting_series import meeting_starts


def meeting_dates(session: Session, pair_id: int, count: int) -> dict[int, datetime]:
    """Start instants (UTC) of meetings 1..count by number; empty until boundaries are agreed."""
    boundaries = agreed_boundaries(session, pair_id)
    if boundaries is None or boundaries.first_meeting_on is None:
        return {}
    starts = meeting_starts(
        frequency=boundaries.frequency,
        first=boundaries.first_meeting_on,
        start_time=boundaries.start_time,
        tz=boundaries.timezone,
    )
    return dict(enumerate(islice(starts, count), start=1))
