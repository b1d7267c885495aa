"""The meeting series and when the scheduler posts: numbering, skips and moves, DST, contact hours, catch-up."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine

from mentoring.deps import Deps
from mentoring.followthrough import add_items
from mentoring.meeting_changes import move_meeting, skip_meeting
from mentoring.meetings import meeting_dates, sync_meetings
from mentoring.problems import Problem
from scheduler.tick import tick
from storage.db import session_scope
from storage.models import Boundaries, Meeting, Pair, PairStatus
from tests.conftest import MENTEE, MENTOR
from tests.support.fake_slack import FakeSlack
from tests.support.sessions import (
    NINE_TO_FIVE_IN_TWO_ZONES,
    PAIR_DM,
    agree_boundaries,
    items,
    lives_in,
    meetings,
    new_pair_id,
    outbox_keys,
    posts_of,
    private_posts_of,
    rendered,
    set_theme,
    utc,
)


def run(deps: Deps, *args: int) -> None:
    deps.clock.set(utc(*args))  # type: ignore[attr-defined]
    tick(deps.now(), deps)


def sync(engine: Engine, pair_id: int, now: datetime) -> None:
    with session_scope(engine) as session:
        pair = session.get(Pair, pair_id)
        boundaries = session.get(Boundaries, _boundaries_id(session, pair_id))
        assert pair is not None and boundaries is not None
        sync_meetings(session, pair, boundaries, now)


def _boundaries_id(session, pair_id: int) -> int:  # type: ignore[no-untyped-def]
    from mentoring.boundaries import agreed_boundaries

    found = agreed_boundaries(session, pair_id)
    assert found is not None and found.id is not None
    return found.id


def change(engine: Engine, meeting_index: int, pair_id: int, how: str, now: datetime, to: datetime | None = None):  # type: ignore[no-untyped-def]
    with session_scope(engine) as session:
        meeting = session.get(Meeting, meetings(engine, pair_id)[meeting_index].id)
        assert meeting is not None
        if how == "skip":
            return skip_meeting(session, meeting=meeting, by=MENTEE, now=now)
        assert to is not None
        return move_meeting(session, meeting=meeting, to=to, by=MENTEE, now=now)


# ---- numbering ------------------------------------------------------------------------------------


def test_meetings_are_numbered_in_series_order_and_a_skipped_one_keeps_no_number(engine: Engine) -> None:
    pair_id = new_pair_id(engine, mentor=MENTOR, mentee=MENTEE)
    agree_boundaries(engine, pair_id)
    now = utc(2026, 11, 26, 9, 0)
    sync(engine, pair_id, now + timedelta(days=14))  # stores 3 Dec, 10 Dec, 17 Dec
    assert [m.number for m in meetings(engine, pair_id)] == [1, 2, 3]
    assert not isinstance(change(engine, 1, pair_id, "skip", now), Problem)
    assert [m.number for m in meetings(engine, pair_id)] == [1, 0, 2]
    with session_scope(engine) as session:
        dates = meeting_dates(session, pair_id, 4)
    # Meeting 2 is now on 17 Dec, and the series continues beyond what is stored.
    assert dates == {
        1: utc(2026, 12, 3, 16, 0),
        2: utc(2026, 12, 17, 16, 0),
        3: utc(2026, 12, 24, 16, 0),
        4: utc(2026, 12, 31, 16, 0),
    }


def test_a_moved_meeting_keeps_its_number_and_roadmap_dates_follow_it(engine: Engine) -> None:
    pair_id = new_pair_id(engine, mentor=MENTOR, mentee=MENTEE)
    agree_boundaries(engine, pair_id)
    now = utc(2026, 11, 26, 9, 0)
    sync(engine, pair_id, now)
    moved = change(engine, 0, pair_id, "move", now, to=utc(2026, 12, 4, 9, 0))
    assert not isinstance(moved, Problem)
    with session_scope(engine) as session:
        assert meeting_dates(session, pair_id, 2) == {1: utc(2026, 12, 4, 9, 0), 2: utc(2026, 12, 10, 16, 0)}


@pytest.mark.parametrize(
    ("to", "message"),
    [
        (utc(2026, 11, 26, 8, 0), "future"),
        (utc(2026, 12, 10, 16, 0), "next meeting"),
        (utc(2026, 12, 12, 9, 0), "next meeting"),
    ],
)
def test_a_meeting_cannot_be_moved_into_the_past_or_past_the_next_one(
    engine: Engine, to: datetime, message: str
) -> None:
    pair_id = new_pair_id(engine, mentor=MENTOR, mentee=MENTEE)
    agree_boundaries(engine, pair_id)
    now = utc(2026, 11, 26, 9, 0)
    sync(engine, pair_id, now)
    result = change(engine, 0, pair_id, "move", now, to=to)
    assert isinstance(result, Problem) and message in result.message
    assert meetings(engine, pair_id)[0].scheduled_at == utc(2026, 12, 3, 16, 0)


def test_a_meeting_that_is_over_cannot_be_skipped(engine: Engine) -> None:
    pair_id = new_pair_id(engine, mentor=MENTOR, mentee=MENTEE)
    agree_boundaries(engine, pair_id)
    sync(engine, pair_id, utc(2026, 12, 3, 18, 0))
    result = change(engine, 0, pair_id, "skip", utc(2026, 12, 3, 18, 0))
    assert isinstance(result, Problem) and "over" in result.message


def test_renegotiated_boundaries_replace_the_future_meetings_and_continue_the_numbering(engine: Engine) -> None:
    pair_id = new_pair_id(engine, mentor=MENTOR, mentee=MENTEE)
    agree_boundaries(engine, pair_id)
    sync(engine, pair_id, utc(2026, 12, 5, 9, 0))  # stores 3 Dec (past) and 10 Dec (ahead)
    agree_boundaries(
        engine,
        pair_id,
        version=2,
        weekday=1,
        start_time="12:00",
        first_meeting_on=date(2026, 12, 8),
        agreed_at=utc(2026, 12, 5, 9, 0),
    )
    sync(engine, pair_id, utc(2026, 12, 5, 9, 0))
    stored = meetings(engine, pair_id)
    assert [(m.number, m.scheduled_at) for m in stored] == [
        (1, utc(2026, 12, 3, 16, 0)),  # held under the old boundaries: history
        (2, utc(2026, 12, 8, 11, 0)),  # the new series: Tuesdays 12:00 Berlin
    ]


# ---- who gets posts --------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [PairStatus.PENDING, PairStatus.ENDED, PairStatus.DECLINED])
def test_only_active_pairs_get_scheduled_posts(deps: Deps, fake_slack: FakeSlack, status: str) -> None:
    pair_id = new_pair_id(deps.engine, mentor=MENTOR, mentee=MENTEE, status=status)
    agree_boundaries(deps.engine, pair_id)
    for instant in ((2026, 12, 3, 15, 0), (2026, 12, 3, 17, 10), (2026, 12, 10, 7, 0)):
        run(deps, *instant)
    assert fake_slack.posts(PAIR_DM) == []
    # A pending invitation this old is in the admin's weekly digest; nothing else is planned.
    assert [k for k in outbox_keys(deps.engine) if not k.startswith("lead_digest:")] == []


def test_no_boundaries_no_posts(deps: Deps, fake_slack: FakeSlack) -> None:
    new_pair_id(deps.engine, mentor=MENTOR, mentee=MENTEE)
    run(deps, 2026, 12, 3, 15, 0)
    assert fake_slack.posts(PAIR_DM) == []  # (the admin's digest names the pair: a month without pre-work)


# ---- DST ------------------------------------------------------------------------------------------


def test_reminders_and_questions_keep_local_time_across_the_spring_dst_change(
    deps: Deps, fake_slack: FakeSlack
) -> None:
    """17:00 Berlin is 16:00 UTC on 25 March 2027 and 15:00 UTC on 1 April (summer time from 28 March)."""
    pair_id = new_pair_id(deps.engine, mentor=MENTOR, mentee=MENTEE)
    agree_boundaries(deps.engine, pair_id, first_meeting_on=date(2027, 3, 25), agreed_at=utc(2027, 3, 20, 9, 0))
    set_theme(deps.engine, pair_id, 2, "Lessons learned")
    run(deps, 2027, 3, 25, 15, 0)
    assert len(posts_of(fake_slack, "reminder:")) == 1
    run(deps, 2027, 3, 25, 17, 10)
    assert len(posts_of(fake_slack, "checkin:")) == 1
    run(deps, 2027, 4, 1, 13, 59)
    assert len(posts_of(fake_slack, "reminder:")) == 1
    run(deps, 2027, 4, 1, 14, 0)  # 16:00 Berlin summer time: an hour before 17:00
    reminders = posts_of(fake_slack, "reminder:")
    assert len(reminders) == 2 and "Lessons learned" in rendered(reminders[1])
    assert meetings(deps.engine, pair_id)[1].scheduled_at == utc(2027, 4, 1, 15, 0)
    run(deps, 2027, 4, 1, 16, 9)
    assert len(posts_of(fake_slack, "checkin:")) == 1
    run(deps, 2027, 4, 1, 16, 10)
    assert len(posts_of(fake_slack, "checkin:")) == 2


# ---- contact hours --------------------------------------------------------------------------------


def two_zones(engine: Engine, **overrides: object) -> int:
    """Mentor in Berlin and mentee in New York, both 09:00–17:00 local: they share 14:00–16:00 UTC in winter."""
    pair_id = new_pair_id(engine, mentor=MENTOR, mentee=MENTEE)
    values: dict[str, object] = {**NINE_TO_FIVE_IN_TWO_ZONES, **overrides}
    agree_boundaries(engine, pair_id, **values)
    return pair_id


def test_questions_after_hours_wait_until_the_next_day_when_both_are_reachable(
    deps: Deps, fake_slack: FakeSlack
) -> None:
    two_zones(deps.engine)  # meeting Thursday 17:00 Berlin = 16:00 UTC, ends 17:00 UTC
    run(deps, 2026, 12, 3, 17, 10)  # 18:10 Berlin: the mentor's hours are over
    run(deps, 2026, 12, 3, 21, 0)  # 16:00 New York, but 22:00 Berlin
    run(deps, 2026, 12, 4, 8, 0)  # 09:00 Berlin, but 03:00 New York
    run(deps, 2026, 12, 4, 13, 59)
    assert posts_of(fake_slack, "checkin:") == []
    run(deps, 2026, 12, 4, 14, 0)  # Friday 15:00 Berlin / 09:00 New York
    assert len(posts_of(fake_slack, "checkin:")) == 1


def test_a_reminder_outside_hours_goes_at_the_last_shared_moment_before(deps: Deps, fake_slack: FakeSlack) -> None:
    two_zones(deps.engine, start_time="09:30")  # Thursday 09:30 Berlin = 08:30 UTC; 07:30 UTC is outside hours
    run(deps, 2026, 12, 2, 15, 49)
    assert posts_of(fake_slack, "reminder:") == []
    run(deps, 2026, 12, 2, 15, 50)  # Wednesday, ten minutes before the shared hours close
    assert len(posts_of(fake_slack, "reminder:")) == 1
    run(deps, 2026, 12, 3, 7, 30)  # the usual hour-before moment: nothing more
    assert len(posts_of(fake_slack, "reminder:")) == 1


def test_pair_dm_posts_use_the_mentees_hours_when_they_share_none(deps: Deps, fake_slack: FakeSlack) -> None:
    # Mentee in Tokyo 18:00–22:00 (09:00–13:00 UTC), mentor in New York 09:00–17:00 (14:00–22:00 UTC).
    lives_in(fake_slack, MENTOR, "America/New_York")
    lives_in(fake_slack, MENTEE, "Asia/Tokyo")
    two_zones(
        deps.engine,
        mentor_tz="America/New_York",
        mentee_tz="Asia/Tokyo",
        mentee_contact_start="18:00",
        mentee_contact_end="22:00",
    )
    run(deps, 2026, 12, 3, 17, 10)
    run(deps, 2026, 12, 4, 8, 59)
    assert posts_of(fake_slack, "checkin:") == []
    run(deps, 2026, 12, 4, 9, 0)  # 18:00 in Tokyo on Friday
    assert len(posts_of(fake_slack, "checkin:")) == 1


def test_weekly_nudges_go_to_each_owner_alone_inside_their_own_hours(deps: Deps, fake_slack: FakeSlack) -> None:
    # Every other Thursday from 26 Nov: 3 Dec is a week without a meeting, so the week of a nudge.
    pair_id = two_zones(deps.engine, frequency="biweekly", first_meeting_on=date(2026, 11, 26))
    with session_scope(deps.engine) as session:
        pair = session.get(Pair, pair_id)
        assert pair is not None
        for owner in (MENTOR, MENTEE):
            add_items(
                session, pair=pair, owner_id=owner, text="Call Ana", kind="action", due_at=None, now=utc(2026, 12, 1)
            )
    assert len(items(deps.engine, pair_id)) == 2
    run(deps, 2026, 12, 2, 23, 30)  # Thursday 00:30 in Berlin: the nudge day has started, nobody's hours have
    assert private_posts_of(fake_slack, MENTOR, "nudge:") == []
    run(deps, 2026, 12, 3, 8, 0)  # 09:00 Berlin: the mentor's nudge; 03:00 in New York: not the mentee's
    assert len(private_posts_of(fake_slack, MENTOR, "nudge:")) == 1
    run(deps, 2026, 12, 3, 13, 59)
    assert private_posts_of(fake_slack, MENTEE, "nudge:") == []
    run(deps, 2026, 12, 3, 14, 0)  # 09:00 New York
    assert len(private_posts_of(fake_slack, MENTEE, "nudge:")) == 1
    run(deps, 2026, 12, 4, 14, 0)  # the rest of the week: no repeat, and nothing in the pair DM
    assert len(private_posts_of(fake_slack, MENTOR, "nudge:")) == 1
    assert len(private_posts_of(fake_slack, MENTEE, "nudge:")) == 1
    assert posts_of(fake_slack, "nudge:") == []


def test_after_ten_days_down_only_the_latest_missed_questions_are_posted(deps: Deps, fake_slack: FakeSlack) -> None:
    lives_in(fake_slack, MENTEE, "Europe/Berlin")  # both members' 08–20 Berlin hours are agreed
    pair_id = new_pair_id(deps.engine, mentor=MENTOR, mentee=MENTEE)
    agree_boundaries(deps.engine, pair_id)
    run(deps, 2026, 12, 2, 12, 0)
    # Down from 2 Dec to 12 Dec: the meetings of 3 and 10 Dec passed unseen.
    run(deps, 2026, 12, 12, 12, 0)
    keys = [k for k in outbox_keys(deps.engine) if not k.startswith("lead_digest:")]  # the admin's digest aside
    stored = meetings(deps.engine, pair_id)
    assert keys == [f"checkin:{pair_id}:{stored[1].id}"]  # meeting 2's questions only; no stale reminders
    assert "meeting 2" in rendered(posts_of(fake_slack, "checkin:")[0])
    run(deps, 2026, 12, 12, 12, 1)
    assert len(fake_slack.posts(PAIR_DM)) == 1
    # Back to normal for the next meeting.
    run(deps, 2026, 12, 17, 15, 0)
    assert len(posts_of(fake_slack, "reminder:")) == 1


def test_a_reminder_missed_during_downtime_still_goes_if_the_meeting_is_ahead(
    deps: Deps, fake_slack: FakeSlack
) -> None:
    pair_id = new_pair_id(deps.engine, mentor=MENTOR, mentee=MENTEE)
    agree_boundaries(deps.engine, pair_id)
    run(deps, 2026, 12, 3, 15, 40)  # due at 15:00, meeting at 16:00
    assert len(posts_of(fake_slack, "reminder:")) == 1
    run(deps, 2026, 12, 10, 16, 5)  # up only after meeting 2 started: no reminder for it
    assert len(posts_of(fake_slack, "reminder:")) == 1


def test_a_pair_with_unreadable_boundaries_does_not_keep_others_from_their_reminders(
    deps: Deps, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    broken = new_pair_id(deps.engine, mentor=MENTOR, mentee=MENTEE, channel_id="G0BROKEN")
    agree_boundaries(deps.engine, broken, start_time="25:99")
    fine = new_pair_id(deps.engine, mentor=MENTOR, mentee="U0SECOND", channel_id="G0FINE")
    agree_boundaries(deps.engine, fine)
    run(deps, 2026, 12, 3, 15, 0)
    assert len(fake_slack.posts("G0FINE")) == 1 and fake_slack.posts("G0BROKEN") == []
    assert any(f"pair {broken}" in r.getMessage() for r in caplog.records)
