"""Meeting series: weekly, every two weeks, monthly; wall-clock time kept across DST."""

from __future__ import annotations

from datetime import UTC, date, datetime
from itertools import islice

from mentoring.meeting_series import first_meeting_date, meeting_starts, series_dates


def test_first_meeting_is_the_next_matching_weekday_still_ahead() -> None:
    thursday_9utc = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)  # a Thursday
    assert first_meeting_date(weekday=3, start_time="10:00", tz="UTC", now=thursday_9utc) == date(2026, 11, 26)
    assert first_meeting_date(weekday=3, start_time="08:00", tz="UTC", now=thursday_9utc) == date(2026, 12, 3)
    assert first_meeting_date(weekday=0, start_time="08:00", tz="UTC", now=thursday_9utc) == date(2026, 11, 30)


def test_weekly_meeting_keeps_local_time_across_the_dst_change() -> None:
    starts = list(
        islice(
            meeting_starts(frequency="weekly", first=date(2026, 10, 19), start_time="10:00", tz="Europe/Berlin"),
            3,
        )
    )
    # Berlin leaves summer time on 25 October 2026: 10:00 local is 08:00 UTC before, 09:00 UTC after.
    assert starts == [
        datetime(2026, 10, 19, 8, 0, tzinfo=UTC),
        datetime(2026, 10, 26, 9, 0, tzinfo=UTC),
        datetime(2026, 11, 2, 9, 0, tzinfo=UTC),
    ]


def test_every_two_weeks_and_monthly_on_the_same_nth_weekday() -> None:
    assert list(islice(series_dates(frequency="biweekly", first=date(2026, 12, 1)), 3)) == [
        date(2026, 12, 1),
        date(2026, 12, 15),
        date(2026, 12, 29),
    ]
    # 2026-12-08 is the second Tuesday of December.
    assert list(islice(series_dates(frequency="monthly", first=date(2026, 12, 8)), 3)) == [
        date(2026, 12, 8),
        date(2027, 1, 12),
        date(2027, 2, 9),
    ]


def test_monthly_from_a_fifth_weekday_starts_on_it_and_uses_the_last_one_in_shorter_months() -> None:
    # 2026-12-29 is the fifth Tuesday of December; January and February 2027 have only four Tuesdays.
    assert list(islice(series_dates(frequency="monthly", first=date(2026, 12, 29)), 3)) == [
        date(2026, 12, 29),
        date(2027, 1, 26),
        date(2027, 2, 23),
    ]
