"""Contact hours: daily windows in each member's own zone, and the next (or last) moment a post is allowed.

A ``Window`` is a daily span of wall-clock time in an IANA zone, e.g. 09:00–17:00 in Europe/Berlin.
It may wrap past midnight (22:00–02:00 runs from 22:00 one day to 02:00 the next); a window whose
start equals its end covers the whole day. Windows are turned into concrete UTC intervals one local
date at a time, so daylight-saving changes move them exactly as the members' clocks move. A wall-clock
time that does not exist on a spring-forward day (02:30 in the skipped hour) counts with the offset in
force before the change, i.e. it lands just after the gap.

Several windows together mean their intersection: a post into the pair's DM waits for hours both
members share. When the two never overlap, the pair DM uses the mentee's hours alone
(``pair_dm_windows``).

Contact hours follow the person: a member's hours are read in the zone they are in now (``Zones``,
their current Slack time zone, from the users cache), the zone recorded in the boundaries only when
Slack gives none. Meeting times are not affected: they stay instants in the agreed zone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from storage.models import Boundaries

#: How far ahead and back we look for an allowed moment (a daily window always has one within a day).
SEARCH_SPAN = timedelta(days=15)
Interval = tuple[datetime, datetime]
#: Each member's current zone by role (``"mentor"``, ``"mentee"``); a missing role uses the agreed zone.
Zones = Mapping[str, str]
#: Hours assumed for someone who has agreed none yet (set-up nudges), in their Slack time zone.
DEFAULT_START, DEFAULT_END = "09:00", "18:00"


class NoAllowedTime(ValueError):
    """The windows never overlap within the search span."""


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _hhmm(value: str | None, default: time) -> time:
    try:
        hours, minutes = (value or "").strip().split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        return default


@dataclass(frozen=True)
class Window:
    """A daily contact window ``start``–``end`` (wall clock) in ``tz``; wraps past midnight when end ≤ start."""

    start: time
    end: time
    tz: str

    @classmethod
    def parse(cls, start: str | None, end: str | None, tz: str | None) -> Window:
        """From ``"HH:MM"`` strings; an unreadable time gives the whole day, an unknown zone UTC."""
        return cls(_hhmm(start, time(0)), _hhmm(end, time(0)), tz or "UTC")

    def intervals(self, lo: datetime, hi: datetime) -> list[Interval]:
        """The window's UTC intervals that overlap ``[lo, hi)``, in order, merged where they touch."""
        zone = _zone(self.tz)
        day = lo.astimezone(zone).date() - timedelta(days=1)
        last = hi.astimezone(zone).date()
        found: list[Interval] = []
        while day <= last:
            end_day = day if self.end > self.start else day + timedelta(days=1)
            start = datetime.combine(day, self.start, tzinfo=zone).astimezone(UTC)
            end = datetime.combine(end_day, self.end, tzinfo=zone).astimezone(UTC)
            if end > start and end > lo and start < hi:
                if found and start <= found[-1][1]:
                    found[-1] = (found[-1][0], max(end, found[-1][1]))
                else:
                    found.append((start, end))
            day += timedelta(days=1)
        return found


def _intersect(a: list[Interval], b: list[Interval]) -> list[Interval]:
    out: list[Interval] = []
    i = j = 0
    while i < len(a) and j < len(b):
        start, end = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if start < end:
            out.append((start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def allowed_intervals(windows: Sequence[Window], lo: datetime, hi: datetime) -> list[Interval]:
    """UTC intervals within ``[lo, hi)`` (roughly) where every window is open."""
    if not windows:
        return [(lo, hi)]
    result = windows[0].intervals(lo, hi)
    for window in windows[1:]:
        result = _intersect(result, window.intervals(lo, hi))
    return result


def is_allowed(at: datetime, windows: Sequence[Window]) -> bool:
    return any(
        start <= at < end for start, end in allowed_intervals(windows, at - timedelta(days=2), at + timedelta(days=1))
    )


def next_allowed(now: datetime, windows: Sequence[Window]) -> datetime:
    """The earliest instant at or after ``now`` inside all ``windows``; raises NoAllowedTime if none soon."""
    for start, end in allowed_intervals(windows, now - timedelta(days=2), now + SEARCH_SPAN):
        if end > now:
            return max(start, now)
    raise NoAllowedTime(f"no allowed moment within {SEARCH_SPAN.days} days of {now.isoformat()}")


def last_allowed_before(
    deadline: datetime, windows: Sequence[Window], *, margin: timedelta = timedelta(minutes=1)
) -> datetime:
    """``deadline`` itself when allowed, else the last moment before it: ``margin`` before a window closes."""
    for start, end in reversed(allowed_intervals(windows, deadline - SEARCH_SPAN, deadline + timedelta(days=2))):
        if start <= deadline < end:
            return deadline
        if end <= deadline:
            return max(start, end - margin)
    raise NoAllowedTime(f"no allowed moment within {SEARCH_SPAN.days} days before {deadline.isoformat()}")


def overlap(a: Window, b: Window, around: datetime) -> bool:
    """Whether the two windows share any time in the weeks around ``around`` (DST can shift the overlap)."""
    return bool(allowed_intervals((a, b), around - timedelta(days=7), around + SEARCH_SPAN))


def mentor_window(boundaries: Boundaries, zones: Zones | None = None) -> Window:
    tz = (zones or {}).get("mentor") or boundaries.mentor_tz
    return Window.parse(boundaries.mentor_contact_start, boundaries.mentor_contact_end, tz)


def mentee_window(boundaries: Boundaries, zones: Zones | None = None) -> Window:
    tz = (zones or {}).get("mentee") or boundaries.mentee_tz
    return Window.parse(boundaries.mentee_contact_start, boundaries.mentee_contact_end, tz)


def default_window(tz: str | None) -> Window:
    """Daytime hours in ``tz``, for a member who has not agreed contact hours yet."""
    return Window.parse(DEFAULT_START, DEFAULT_END, tz)


def default_pair_windows(mentor_tz: str, mentee_tz: str, around: datetime) -> tuple[Window, ...]:
    """Before any boundaries: daytime in both members' zones, or the mentee's when those never overlap."""
    mentor, mentee = default_window(mentor_tz), default_window(mentee_tz)
    return (mentor, mentee) if overlap(mentor, mentee, around) else (mentee,)


def member_windows(boundaries: Boundaries, role: str, zones: Zones | None = None) -> tuple[Window, ...]:
    """The windows of one member (``"mentor"`` or ``"mentee"``), in the zone they are in now."""
    return (mentor_window(boundaries, zones) if role == "mentor" else mentee_window(boundaries, zones),)


def pair_dm_windows(boundaries: Boundaries, around: datetime, zones: Zones | None = None) -> tuple[Window, ...]:
    """The pair DM's windows: the hours both share, or the mentee's when they never overlap."""
    mentor, mentee = mentor_window(boundaries, zones), mentee_window(boundaries, zones)
    return (mentor, mentee) if overlap(mentor, mentee, around) else (mentee,)


def addressed_windows(
    boundaries: Boundaries, role: str, around: datetime, zones: Zones | None = None
) -> tuple[Window, ...]:
    """Windows for a post into the pair DM addressed to one member: the hours both share, so the
    other member is not woken either; when they never overlap, the addressee's own hours."""
    mentor, mentee = mentor_window(boundaries, zones), mentee_window(boundaries, zones)
    if overlap(mentor, mentee, around):
        return (mentor, mentee)
    return member_windows(boundaries, role, zones)


def next_allowed_or_fallback(now: datetime, windows: Sequence[Window]) -> datetime:
    """``next_allowed``, falling back to the last window alone (the mentee's) and then to ``now``."""
    for candidate in (windows, windows[-1:]):
        try:
            return next_allowed(now, candidate)
        except NoAllowedTime:
            continue
    return now


def last_allowed_before_or_fallback(
    deadline: datetime, windows: Sequence[Window], *, margin: timedelta = timedelta(minutes=1)
) -> datetime:
    for candidate in (windows, windows[-1:]):
        try:
            return last_allowed_before(deadline, candidate, margin=margin)
        except NoAllowedTime:
            continue
    return deadline
