"""The .ics builder: CRLF lines folded at 75 octets, escaped text, the series as one recurring event."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from mentoring.ics import MeetingSeries, duration, escape_text, fold, rrule, series_calendar, vtimezone

STAMP = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def series(**changes: object) -> MeetingSeries:
    values: dict[str, object] = {
        "uid": "mentor-bot-T0001-pair-7@mentor-bot",
        "sequence": 2,
        "frequency": "biweekly",
        "first": date(2026, 12, 1),
        "start_time": "10:00",
        "duration_minutes": 60,
        "timezone": "Europe/Berlin",
        "summary": "Mentoring: Maria & Tom",
        "location": "https://meet.example.com/abc",
    }
    values.update(changes)
    return MeetingSeries(**values)  # type: ignore[arg-type]


def unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")[:-1]


def test_every_line_ends_with_crlf_and_fits_in_75_octets() -> None:
    text = series_calendar(series(description="ä" * 200, summary="x" * 300), stamp=STAMP)
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")
    for line in text.split("\r\n")[:-1]:
        assert len(line.encode()) <= 75
        line.encode().decode()  # never cut inside a UTF-8 character
    assert "DESCRIPTION:" + "ä" * 200 in unfold(text)


def test_series_is_one_recurring_event_starting_at_local_time_in_its_zone() -> None:
    lines = unfold(series_calendar(series(), stamp=STAMP))
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines
    assert lines.count("BEGIN:VEVENT") == 1
    assert "DTSTART;TZID=Europe/Berlin:20261201T100000" in lines
    assert "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU" in lines
    assert "DURATION:PT1H" in lines
    assert "DTSTAMP:20261126T090000Z" in lines
    assert "UID:mentor-bot-T0001-pair-7@mentor-bot" in lines and "SEQUENCE:2" in lines
    assert "SUMMARY:Mentoring: Maria & Tom" in lines
    assert "LOCATION:https://meet.example.com/abc" in lines
    assert "TZID:Europe/Berlin" in lines  # the VTIMEZONE the DTSTART refers to


@pytest.mark.parametrize(
    ("frequency", "first", "rule"),
    [
        ("weekly", date(2026, 12, 3), "FREQ=WEEKLY;BYDAY=TH"),
        ("biweekly", date(2026, 11, 30), "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"),
        ("monthly", date(2026, 12, 8), "FREQ=MONTHLY;BYDAY=2TU"),
        ("monthly", date(2026, 12, 1), "FREQ=MONTHLY;BYDAY=1TU"),
        ("monthly", date(2026, 12, 27), "FREQ=MONTHLY;BYDAY=4SU"),
    ],
)
def test_recurrence_rule_matches_the_frequency(frequency: str, first: date, rule: str) -> None:
    assert rrule(frequency, first) == rule


def test_text_values_are_escaped() -> None:
    assert escape_text("a,b;c\\d\ne\r\nf") == "a\\,b\\;c\\\\d\\ne\\nf"
    text = series_calendar(series(location="Café Central, Room 2; ask at desk"), stamp=STAMP)
    assert "LOCATION:Café Central\\, Room 2\\; ask at desk" in unfold(text)


def test_durations_are_written_in_hours_and_minutes() -> None:
    assert [duration(m) for m in (15, 45, 60, 90, 240)] == ["PT15M", "PT45M", "PT1H", "PT1H30M", "PT4H"]


def test_folding_keeps_short_lines_and_splits_long_ones_with_a_leading_space() -> None:
    assert fold("SUMMARY:short") == "SUMMARY:short"
    folded = fold("X:" + "a" * 100)
    first, second = folded.split("\r\n")
    assert len(first) == 75 and second.startswith(" ") and first + second[1:] == "X:" + "a" * 100


def test_time_zone_definition_has_the_real_summer_time_changes() -> None:
    lines = vtimezone("Europe/Berlin", date(2026, 12, 1))
    spring = lines.index("DTSTART:20270328T020000")
    assert lines[spring - 1] == "BEGIN:DAYLIGHT"
    assert lines[spring + 1 : spring + 4] == ["TZOFFSETFROM:+0100", "TZOFFSETTO:+0200", "TZNAME:CEST"]
    autumn = lines.index("DTSTART:20271031T030000")
    assert lines[autumn + 1 : autumn + 3] == ["TZOFFSETFROM:+0200", "TZOFFSETTO:+0100"]
    new_york = vtimezone("America/New_York", date(2026, 12, 1))
    assert "DTSTART:20270314T020000" in new_york and "TZOFFSETTO:-0400" in new_york


def test_zone_without_summer_time_has_a_single_standard_offset() -> None:
    lines = vtimezone("UTC", date(2026, 12, 1))
    assert lines.count("BEGIN:STANDARD") == 1 and "BEGIN:DAYLIGHT" not in lines
    assert "TZOFFSETTO:+0000" in lines
    kolkata = vtimezone("Asia/Kolkata", date(2026, 12, 1))
    assert "TZOFFSETTO:+0530" in kolkata
