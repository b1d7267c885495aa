"""Contact hours: posts wait for the next allowed moment (or go at the last one before), in every zone, across DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from mentoring.contact_hours import (
    NoAllowedTime,
    Window,
    is_allowed,
    last_allowed_before,
    next_allowed,
    next_allowed_or_fallback,
    pair_dm_windows,
)
from storage.models import Boundaries
from tests.support.sessions import NINE_TO_FIVE_IN_TWO_ZONES

BERLIN_9_17 = Window.parse("09:00", "17:00", "Europe/Berlin")
NEW_YORK_9_17 = Window.parse("09:00", "17:00", "America/New_York")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def boundaries(**overrides: str) -> Boundaries:
    values = {**NINE_TO_FIVE_IN_TWO_ZONES, **overrides}
    return Boundaries(
        team_id="T0001",
        pair_id=1,
        version=1,
        proposed_by="U1",
        proposed_at=utc(2026, 1, 1),
        frequency="weekly",
        weekday=3,
        start_time="10:00",
        duration_minutes=60,
        timezone="Europe/Berlin",
        first_meeting_on=date(2026, 12, 3),
        **values,
    )


def test_inside_the_window_a_post_may_go_right_now() -> None:
    now = utc(2026, 11, 26, 10, 0)  # 11:00 in Berlin
    assert next_allowed(now, [BERLIN_9_17]) == now
    assert is_allowed(now, [BERLIN_9_17])


def test_after_hours_a_post_waits_until_the_window_opens_next_morning() -> None:
    evening = utc(2026, 11, 26, 18, 30)  # 19:30 in Berlin
    assert next_allowed(evening, [BERLIN_9_17]) == utc(2026, 11, 27, 8, 0)  # 09:00 Berlin (UTC+1)


def test_the_window_end_is_not_allowed_but_its_last_minute_is() -> None:
    closing = utc(2026, 11, 26, 16, 0)  # 17:00 in Berlin
    assert not is_allowed(closing, [BERLIN_9_17])
    assert last_allowed_before(closing, [BERLIN_9_17]) == utc(2026, 11, 26, 15, 59)


def test_last_allowed_before_an_early_deadline_is_the_evening_before() -> None:
    deadline = utc(2026, 11, 27, 6, 0)  # 07:00 Berlin: before hours
    assert last_allowed_before(deadline, [BERLIN_9_17]) == utc(2026, 11, 26, 15, 59)
    assert last_allowed_before(deadline, [BERLIN_9_17], margin=timedelta(minutes=10)) == utc(2026, 11, 26, 15, 50)


def test_last_allowed_before_a_deadline_inside_hours_is_the_deadline() -> None:
    deadline = utc(2026, 11, 27, 9, 0)
    assert last_allowed_before(deadline, [BERLIN_9_17]) == deadline


def test_a_window_may_wrap_past_midnight() -> None:
    night = Window.parse("22:00", "02:00", "UTC")
    assert is_allowed(utc(2026, 11, 26, 23, 30), [night])
    assert is_allowed(utc(2026, 11, 27, 1, 59), [night])
    assert not is_allowed(utc(2026, 11, 27, 2, 0), [night])
    assert next_allowed(utc(2026, 11, 27, 3, 0), [night]) == utc(2026, 11, 27, 22, 0)
    assert last_allowed_before(utc(2026, 11, 27, 12, 0), [night]) == utc(2026, 11, 27, 1, 59)


def test_equal_start_and_end_means_all_day() -> None:
    always = Window.parse("00:00", "00:00", "Asia/Tokyo")
    now = utc(2026, 11, 26, 3, 17)
    assert next_allowed(now, [always]) == now
    assert last_allowed_before(now, [always]) == now


def test_unreadable_hours_mean_all_day_and_an_unknown_zone_means_utc() -> None:
    window = Window.parse("soon", "", "Mars/Olympus")
    assert window.start == window.end == time(0)
    assert is_allowed(utc(2026, 11, 26, 3, 0), [window])


def test_two_windows_mean_the_hours_both_share() -> None:
    # Berlin 09–17 is 08–16 UTC; New York 09–17 is 14–22 UTC: they share 14–16 UTC.
    both = [BERLIN_9_17, NEW_YORK_9_17]
    assert next_allowed(utc(2026, 11, 26, 9, 0), both) == utc(2026, 11, 26, 14, 0)
    assert next_allowed(utc(2026, 11, 26, 16, 30), both) == utc(2026, 11, 27, 14, 0)
    assert last_allowed_before(utc(2026, 11, 27, 10, 0), both) == utc(2026, 11, 26, 15, 59)


def test_windows_that_never_overlap_have_no_shared_time() -> None:
    tokyo_morning = Window.parse("07:00", "09:00", "Asia/Tokyo")  # 22–24 UTC
    with pytest.raises(NoAllowedTime):
        next_allowed(utc(2026, 11, 26, 9, 0), [BERLIN_9_17, tokyo_morning])
    # The fallback is the last window alone (the mentee's, by convention).
    assert next_allowed_or_fallback(utc(2026, 11, 26, 9, 0), [BERLIN_9_17, tokyo_morning]) == utc(2026, 11, 26, 22, 0)


def test_pair_dm_uses_shared_hours_or_the_mentees_when_none_overlap() -> None:
    now = utc(2026, 11, 26, 9, 0)
    assert len(pair_dm_windows(boundaries(), now)) == 2
    apart = boundaries(mentee_contact_start="07:00", mentee_contact_end="09:00", mentee_tz="Asia/Tokyo")
    (only,) = pair_dm_windows(apart, now)
    assert only.tz == "Asia/Tokyo"


def test_windows_follow_the_clock_across_the_autumn_dst_change() -> None:
    # Berlin leaves summer time on 25 Oct 2026: 09:00 local is 07:00 UTC before, 08:00 UTC after.
    assert next_allowed(utc(2026, 10, 24, 5, 0), [BERLIN_9_17]) == utc(2026, 10, 24, 7, 0)
    assert next_allowed(utc(2026, 10, 26, 5, 0), [BERLIN_9_17]) == utc(2026, 10, 26, 8, 0)
    # On the change day itself the window is 09:00 CET = 08:00 UTC.
    assert next_allowed(utc(2026, 10, 25, 2, 0), [BERLIN_9_17]) == utc(2026, 10, 25, 8, 0)


def test_shared_hours_shift_in_the_weeks_when_only_one_side_changed_clocks() -> None:
    # US springs forward on 14 Mar 2027, Europe on 28 Mar: for two weeks New York is only 5 hours behind.
    both = [BERLIN_9_17, NEW_YORK_9_17]
    before = next_allowed(utc(2027, 3, 10, 0, 0), both)  # both on winter time: 14:00 UTC
    between = next_allowed(utc(2027, 3, 17, 0, 0), both)  # NY on summer time: 13:00 UTC
    after = next_allowed(utc(2027, 3, 31, 0, 0), both)  # both on summer time: 13:00 UTC, Berlin closes 15:00
    assert before == utc(2027, 3, 10, 14, 0)
    assert between == utc(2027, 3, 17, 13, 0)
    assert after == utc(2027, 3, 31, 13, 0)
    assert last_allowed_before(utc(2027, 3, 31, 20, 0), both) == utc(2027, 3, 31, 14, 59)


def test_a_window_starting_in_the_skipped_spring_hour_opens_right_after_the_gap() -> None:
    # New York skips 02:00–03:00 on 14 Mar 2027; a 02:30 start opens at 03:30 EDT = 07:30 UTC.
    window = Window.parse("02:30", "04:00", "America/New_York")
    assert next_allowed(utc(2027, 3, 14, 5, 0), [window]) == utc(2027, 3, 14, 7, 30)
