"""A small iCalendar (RFC 5545) builder for a pair's meeting series: one VEVENT with an RRULE."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from mentoring.meeting_series import parse_hhmm

CRLF = "\r\n"
FOLD_AT = 75  # octets per line, not counting the CRLF
BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
#: Years of time-zone transitions written into the VTIMEZONE, from the first meeting's year on.
VTIMEZONE_YEARS = 10


@dataclass(frozen=True)
class MeetingSeries:
    """What a calendar needs to know about the meetings: when, how long, how often, where."""

    uid: str
    sequence: int
    frequency: str  # weekly | biweekly | monthly
    first: date
    start_time: str  # HH:MM in ``timezone``
    duration_minutes: int
    timezone: str
    summary: str
    location: str = ""
    description: str = ""


def escape_text(value: str) -> str:
    """A TEXT value: backslash, semicolon and comma escaped, line breaks as ``\\n``."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Split a content line into 75-octet pieces joined by CRLF + space, never inside a UTF-8 character."""
    pieces: list[str] = []
    current = ""
    size = 0
    limit = FOLD_AT
    for char in line:
        width = len(char.encode())
        if size + width > limit:
            pieces.append(current)
            current, size = "", 0
            limit = FOLD_AT - 1  # continuation lines start with a space
        current += char
        size += width
    pieces.append(current)
    return (CRLF + " ").join(pieces)


def rrule(frequency: str, first: date) -> str:
    """The recurrence rule matching ``mentoring.meeting_series.series_dates`` for this frequency."""
    day = BYDAY[first.weekday()]
    if frequency == "weekly":
        return f"FREQ=WEEKLY;BYDAY={day}"
    if frequency == "biweekly":
        return f"FREQ=WEEKLY;INTERVAL=2;BYDAY={day}"
    if frequency == "monthly":
        nth = min((first.day - 1) // 7 + 1, 4)
        return f"FREQ=MONTHLY;BYDAY={nth}{day}"
    raise ValueError(f"unknown frequency {frequency!r}")


def duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return "PT" + (f"{hours}H" if hours else "") + (f"{rest}M" if rest or not hours else "")


def _local(value: datetime) -> str:
    return value.strftime("%Y%m%dT%H%M%S")


def _offset(delta: timedelta | None) -> str:
    seconds = int((delta or timedelta()).total_seconds())
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{sign}{hours:02d}{minutes:02d}" + (f"{secs:02d}" if secs else "")


def _transitions(tz: ZoneInfo, start: datetime, end: datetime) -> list[datetime]:
    """UTC instants in [start, end) where ``tz``'s offset changes (found day by day, then to the second)."""
    found: list[datetime] = []
    day = start
    before = day.astimezone(tz).utcoffset()
    while day < end:
        after_day = day + timedelta(days=1)
        after = after_day.astimezone(tz).utcoffset()
        if after != before:
            low, high = day, after_day  # offset(low) == before, offset(high) != before
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                if middle.astimezone(tz).utcoffset() == before:
                    low = middle
                else:
                    high = middle
            found.append(high.replace(microsecond=0))
            before = after
        day = after_day
    return found


def vtimezone(name: str, first: date) -> list[str]:
    """A VTIMEZONE for ``name`` with its offsets from the start of ``first``'s year on (explicit transitions)."""
    tz = ZoneInfo(name)
    start = datetime(first.year, 1, 1, tzinfo=UTC)
    end = datetime(first.year + VTIMEZONE_YEARS, 1, 1, tzinfo=UTC)

    def observance(at: datetime, offset_from: timedelta | None) -> list[str]:
        local = at.astimezone(tz)
        kind = "DAYLIGHT" if local.dst() else "STANDARD"
        # DTSTART of an observance is the onset in the local time that was in effect before it.
        onset = (at + (offset_from or timedelta())).replace(tzinfo=None)
        return [
            f"BEGIN:{kind}",
            f"DTSTART:{_local(onset)}",
            f"TZOFFSETFROM:{_offset(offset_from)}",
            f"TZOFFSETTO:{_offset(local.utcoffset())}",
            f"TZNAME:{escape_text(local.tzname() or name)}",
            f"END:{kind}",
        ]

    lines = ["BEGIN:VTIMEZONE", f"TZID:{name}"]
    lines += observance(start, start.astimezone(tz).utcoffset())
    for instant in _transitions(tz, start, end):
        lines += observance(instant, (instant - timedelta(seconds=1)).astimezone(tz).utcoffset())
    lines.append("END:VTIMEZONE")
    return lines


def series_calendar(series: MeetingSeries, *, stamp: datetime) -> str:
    """The .ics text of the series: VCALENDAR with a VTIMEZONE and one recurring VEVENT, CRLF line endings."""
    start = datetime.combine(series.first, parse_hhmm(series.start_time))
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//mentor-bot//Mentoring meetings//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        *vtimezone(series.timezone, series.first),
        "BEGIN:VEVENT",
        f"UID:{series.uid}",
        f"SEQUENCE:{series.sequence}",
        f"DTSTAMP:{stamp.astimezone(UTC).strftime('%Y%m%dT%H%M%SZ')}",
        f"DTSTART;TZID={series.timezone}:{_local(start)}",
        f"DURATION:{duration(series.duration_minutes)}",
        f"RRULE:{rrule(series.frequency, series.first)}",
        f"SUMMARY:{escape_text(series.summary)}",
    ]
    if series.location:
        lines.append(f"LOCATION:{escape_text(series.location)}")
    if series.description:
        lines.append(f"DESCRIPTION:{escape_text(series.description)}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "".join(fold(line) + CRLF for line in lines)
