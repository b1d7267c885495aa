"""The meeting series of agreed boundaries: wall-clock times in the pair's zone, correct across DST."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

FREQUENCIES = {"weekly": "Weekly", "biweekly": "Every two weeks", "monthly": "Monthly"}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def parse_hhmm(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def local_instant(day: date, at: str, tz: str) -> datetime:
    """``day`` at wall-clock ``at`` (HH:MM) in ``tz``, as an aware UTC datetime."""
    return datetime.combine(day, parse_hhmm(at), tzinfo=ZoneInfo(tz)).astimezone(UTC)


def first_meeting_date(*, weekday: int, start_time: str, tz: str, now: datetime) -> date:
    """The first date with ``weekday`` whose meeting start is still ahead of ``now``."""
    today = now.astimezone(ZoneInfo(tz)).date()
    day = today + timedelta(days=(weekday - today.weekday()) % 7)
    if local_instant(day, start_time, tz) <= now:
        day += timedelta(days=7)
    return day


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> date:
    """The ``nth`` ``weekday`` of the month, or its last one when the month has no ``nth`` (a fifth)."""
    first = date(year, month, 1)
    day = first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))
    while day.month != month:
        day -= timedelta(days=7)
    return day


def series_dates(*, frequency: str, first: date) -> Iterator[date]:
    """Dates of the series from ``first`` on: weekly, every two weeks, or monthly on the same nth weekday.

    Monthly from a fifth weekday (the 29th or later) falls on the last such weekday of shorter months.
    """
    if frequency in ("weekly", "biweekly"):
        step = timedelta(days=7 if frequency == "weekly" else 14)
        day = first
        while True:
            yield day
            day += step
    elif frequency == "monthly":
        nth = (first.day - 1) // 7 + 1
        year, month = first.year, first.month
        while True:
            yield _nth_weekday(year, month, first.weekday(), nth)
            month += 1
            if month > 12:
                year, month = year + 1, 1
    else:
        raise ValueError(f"unknown frequency {frequency!r}")


def meeting_starts(
    *, frequency: str, first: date, start_time: str, tz: str, after: datetime | None = None
) -> Iterator[datetime]:
    """UTC start instants of the series (optionally only those after ``after``)."""
    for day in series_dates(frequency=frequency, first=first):
        instant = local_instant(day, start_time, tz)
        if after is None or instant > after:
            yield instant
