"""Weekly nudges about open commitments, and the gentle nudge (and admin flag) for pairs gone quiet."""

from __future__ import annotations

from datetime import date, datetime

from mentoring.deps import Deps
from mentoring.followthrough import add_items, complete_item
from mentoring.inactivity import inactive_pairs
from mentoring.meeting_changes import skip_meeting
from scheduler.tick import tick
from storage.db import session_scope
from storage.models import ActionItem, CheckInAnswer, Meeting, Pair
from tests.conftest import MENTEE, MENTOR
from tests.support.fake_slack import FakeSlack
from tests.support.sessions import (
    agree_boundaries,
    checkins,
    items,
    lives_in,
    meetings,
    new_pair_id,
    posts_of,
    private_posts_of,
    rendered,
    utc,
)


def add(deps: Deps, pair_id: int, owner: str, text: str, *, due_at: datetime | None = None, at: datetime) -> None:
    with session_scope(deps.engine) as session:
        pair = session.get(Pair, pair_id)
        assert pair is not None
        add_items(session, pair=pair, owner_id=owner, text=text, kind="action", due_at=due_at, now=at)


def run(deps: Deps, *args: int) -> None:
    deps.clock.set(utc(*args))  # type: ignore[attr-defined]
    tick(deps.now(), deps)


def test_no_nudge_when_nothing_is_open(deps: Deps, fake_slack: FakeSlack) -> None:
    pair_id = new_pair_id(deps.engine, mentor=MENTOR, mentee=MENTEE)
    agree_boundaries(deps.engine, pair_id)
    add(deps, pair_id, MENTEE, "Update CV", at=utc(2026, 11, 30))
    with session_scope(deps.engine) as session:
        item = session.get(ActionItem, items(deps.engine, pair_id)[0].id)
        complete_item(session, item=item, now=utc(2026, 12, 1))  # type: ignore[arg-type]
    run(deps, 2026, 12, 3, 7, 0)
    run(deps, 2026, 12, 3, 12, 0)
    assert posts_of(fake_slack, "nudge:") == []


def test_the_nudge_comes_privately_on_the_meeting_weekday_of_a_week_without_a_meeting(
    deps: Deps, fake_slack: FakeSlack
) -> None:
    lives_in(fake_slack, MENTEE, "Europe/Berlin")  # both members' 08–20 Berlin hours are agreed
    pair_id = new_pair_id(deps.engine, mentor=MENTOR, mentee=MENTEE)
    # Every other Tuesday from 24 Nov: 1 Dec is a week without a meeting.
    agree_boundaries(deps.engine, pair_id, weekday=1, frequency="biweekly", first_meeting_on=date(2026, 11, 24))
    add(deps, pair_id, MENTEE, "Update CV", due_at=utc(2026, 11, 24, 16, 0), at=utc(2026, 11, 20))
    add(deps, pair_id, MENTEE, "Call Ana", due_at=utc(2026, 12, 8, 16, 0), at=utc(2026, 11, 20))
    run(deps, 2026, 11, 26, 7, 0)  # Thursday: not the pair's day
    assert private_posts_of(fake_slack, MENTEE, "nudge:") == []
    run(deps, 2026, 12, 1, 7, 0)  # Tuesday 08:00 Berlin
    (nudge,) = private_posts_of(fake_slack, MENTEE, "nudge:")
    assert nudge["metadata"]["event_payload"]["delivery_key"] == f"nudge:{pair_id}:{MENTEE}:2026-W49"
    lines = [b["text"]["text"] for b in nudge["blocks"] if b.get("block_id", "").startswith("item_") and "text" in b]
    assert "overdue" in lines[0] and "Update CV" in lines[0]
    assert "overdue" not in lines[1] and "Call Ana" in lines[1]
    assert "1 overdue" in nudge["text"]
    # The mentee's alone: nothing in the pair DM, nothing to the mentor (who has nothing open).
    assert posts_of(fake_slack, "nudge:") == [] and private_posts_of(fake_slack, MENTOR, "nudge:") == []


def test_no_nudge_in_a_week_whose_reminder_lists_the_items(deps: Deps, fake_slack: FakeSlack) -> None:
    pair_id = new_pair_id(deps.engine, mentor=MENTOR, mentee=MENTEE)
    agree_boundaries(deps.engine, pair_id)  # weekly, Thursdays 17:00 Berlin
    add(deps, pair_id, MENTEE, "Update CV", at=utc(2026, 11, 30))
    for day in (3, 10):
        run(deps, 2026, 12, day, 7, 0)
        run(deps, 2026, 12, day, 15, 0)
    assert private_posts_of(fake_slack, MENTEE, "nudge:") == [] and posts_of(fake_slack, "nudge:") == []
    reminders = posts_of(fake_slack, "reminder:")
    assert len(reminders) == 2 and all("Update CV" in rendered(r) for r in reminders)


def test_items_made_after_the_nudge_went_out_wait_for_next_week(deps: Deps, fake_slack: FakeSlack) -> None:
    lives_in(fake_slack, MENTEE, "Europe/Berlin")  # both members' 08–20 Berlin hours are agreed
    pair_id = new_pair_id(deps.engine, mentor=MENTOR, mentee=MENTEE)
    # Every other Thursday from 26 Nov: 3 and 17 Dec are weeks without a meeting.
    agree_boundaries(deps.engine, pair_id, frequency="biweekly", first_meeting_on=date(2026, 11, 26))
    run(deps, 2026, 12, 3, 7, 0)  # nudge time, nothing open
    add(deps, pair_id, MENTEE, "Update CV", at=utc(2026, 12, 3, 17, 30))
    run(deps, 2026, 12, 3, 17, 31)
    run(deps, 2026, 12, 4, 9, 0)
    assert private_posts_of(fake_slack, MENTEE, "nudge:") == []
    run(deps, 2026, 12, 17, 7, 0)
    assert "Update CV" in rendered(private_posts_of(fake_slack, MENTEE, "nudge:")[0])


def test_a_private_nudge_waits_for_its_owners_own_hours_only(deps: Deps, fake_slack: FakeSlack) -> None:
    pair_id = new_pair_id(deps.engine, mentor=MENTOR, mentee=MENTEE)
    # Mentor 08:00-20:00 Berlin (07-19 UTC); mentee 09:00-17:00 New York (14-22 UTC).
    agree_boundaries(
        deps.engine,
        pair_id,
        frequency="biweekly",
        first_meeting_on=date(2026, 11, 26),
        mentee_contact_start="09:00",
        mentee_contact_end="17:00",
        mentee_tz="America/New_York",
    )
    add(deps, pair_id, MENTEE, "call Ana", at=utc(2026, 12, 1))
    add(deps, pair_id, MENTOR, "intro to Bo", at=utc(2026, 12, 1))
    run(deps, 2026, 12, 3, 7, 5)  # 08:05 Berlin, 02:05 New York: the mentee is asleep, the mentor is not
    assert "intro to Bo" in rendered(private_posts_of(fake_slack, MENTOR, "nudge:")[0])
    assert private_posts_of(fake_slack, MENTEE, "nudge:") == []
    run(deps, 2026, 12, 3, 14, 5)  # 09:05 New York
    (nudge,) = private_posts_of(fake_slack, MENTEE, "nudge:")
    assert "call Ana" in rendered(nudge) and "intro to Bo" not in rendered(nudge)
    assert len(private_posts_of(fake_slack, MENTOR, "nudge:")) == 1
    assert posts_of(fake_slack, "nudge:") == []


def _answer(deps: Deps, checkin_id: int, user: str, at: datetime) -> None:
    with session_scope(deps.engine) as session:
        session.add(
            CheckInAnswer(
                team_id="T0001", checkin_id=checkin_id, user_id=user, useful="yes", created_at=at, updated_at=at
            )
        )


def test_three_quiet_meetings_bring_one_gentle_nudge_and_flag_the_pair(deps: Deps, fake_slack: FakeSlack) -> None:
    pair_id = new_pair_id(deps.engine, mentor=MENTOR, mentee=MENTEE)
    agree_boundaries(deps.engine, pair_id)
    for day in (3, 10, 17):
        run(deps, 2026, 12, day, 17, 10)
    run(deps, 2026, 12, 19, 16, 59)  # meeting 3 (ended 17:00 UTC on the 17th) gets two days for answers
    assert posts_of(fake_slack, "inactive:") == []
    run(deps, 2026, 12, 19, 17, 0)
    (nudge,) = posts_of(fake_slack, "inactive:")
    assert f"<@{MENTOR}>" in nudge["text"] and f"<@{MENTEE}>" in nudge["text"]
    with session_scope(deps.engine) as session:
        assert inactive_pairs(session, utc(2026, 12, 19, 17, 0)) == [pair_id]
    run(deps, 2026, 12, 26, 17, 10)  # still quiet: no second nudge for the same stretch
    assert len(posts_of(fake_slack, "inactive:")) == 1
    # An answer ends the stretch.
    _answer(deps, checkins(deps.engine, pair_id)[-1].id, MENTEE, utc(2026, 12, 27))  # type: ignore[arg-type]
    with session_scope(deps.engine) as session:
        assert inactive_pairs(session, utc(2026, 12, 27, 12, 0)) == []


def test_skipped_meetings_do_not_make_a_pair_inactive(deps: Deps, fake_slack: FakeSlack) -> None:
    pair_id = new_pair_id(deps.engine, mentor=MENTOR, mentee=MENTEE)
    agree_boundaries(deps.engine, pair_id)
    run(deps, 2026, 12, 3, 17, 10)
    _answer(deps, checkins(deps.engine, pair_id)[0].id, MENTEE, utc(2026, 12, 3, 18, 0))  # type: ignore[arg-type]
    run(deps, 2026, 12, 10, 12, 0)  # meetings up to 18 Dec are stored now
    with session_scope(deps.engine) as session:
        for meeting in meetings(deps.engine, pair_id)[1:3]:
            row = session.get(Meeting, meeting.id)
            assert isinstance(skip_meeting(session, meeting=row, by=MENTEE, now=utc(2026, 12, 10, 12, 0)), Meeting)  # type: ignore[arg-type]
    assert [m.status for m in meetings(deps.engine, pair_id)][:3] == ["scheduled", "skipped", "skipped"]
    for day in (10, 17, 24, 31):
        run(deps, 2026, 12, day, 17, 10)
    run(deps, 2027, 1, 2, 18, 0)  # two quiet meetings (24 and 31 Dec) and two skipped ones
    assert posts_of(fake_slack, "inactive:") == []
    with session_scope(deps.engine) as session:
        assert inactive_pairs(session, utc(2027, 1, 2, 18, 0)) == []
