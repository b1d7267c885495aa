"""Items due "at the next meeting" are carried over when it passes, never overdue; only the owner closes one."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from blocks.actions import item_line, items_overview, nudge_message
from mentoring.boundaries import agreed_boundaries
from mentoring.deps import Deps
from mentoring.followthrough import add_items, carry_over, is_overdue, only_owner, open_items, open_items_by_owner
from mentoring.meeting_changes import skip_meeting
from mentoring.meetings import sync_meetings
from mentoring.problems import Problem
from scheduler.tick import tick
from storage.db import session_scope
from storage.models import ActionItem, Meeting, Pair
from tests.conftest import MENTEE, MENTOR
from tests.support.fake_slack import FakeSlack
from tests.support.sessions import agree_boundaries, agree_weekly_thursdays, new_pair_id, posts_of, rendered
from tests.support.slack_user import add_pair

# Weekly on Thursdays at 18:00 Berlin (17:00 UTC), an hour long, from Thursday 26 November.
MEETING_1 = datetime(2026, 11, 26, 17, 0, tzinfo=UTC)
MEETING_2 = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)
MEETING_3 = datetime(2026, 12, 10, 17, 0, tzinfo=UTC)
MEETING_4 = datetime(2026, 12, 17, 17, 0, tzinfo=UTC)
BEFORE = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with session_scope(engine) as session:
        yield session


@pytest.fixture
def pair(session: Session) -> Pair:
    pair = add_pair(session)
    agree_weekly_thursdays(session, pair)
    session.flush()
    return pair


def item_due_at_next_meeting(session: Session, pair: Pair, text: str = "Update CV", owner: str = MENTEE) -> ActionItem:
    added = add_items(
        session, pair=pair, owner_id=owner, text=text, kind="action", due_at=MEETING_1, now=BEFORE, follows_meeting=True
    )
    assert not isinstance(added, Problem)
    return added[0]


def test_an_open_item_moves_to_the_following_meeting_when_its_meeting_passes_and_counts_each_one(
    session: Session, pair: Pair
) -> None:
    item = item_due_at_next_meeting(session, pair)
    during = datetime(2026, 11, 26, 17, 30, tzinfo=UTC)
    assert carry_over(session, pair.id or 0, during) == []  # still due at the meeting under way
    after_one = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    (shown,) = open_items(session, pair.id or 0, now=after_one)
    assert (shown.due_at, shown.carried_over) == (MEETING_2, 1)
    assert "carried over, due" in item_line(shown, after_one) and "overdue" not in item_line(shown, after_one)
    after_two = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
    (shown,) = open_items(session, pair.id or 0, now=after_two)
    assert (shown.due_at, shown.carried_over) == (MEETING_3, 2)
    line = item_line(shown, after_two)
    assert "carried over ×2" in line and "overdue" not in line and not is_overdue(shown, after_two)
    assert open_items(session, pair.id or 0, now=after_two)[0].carried_over == 2  # asking again changes nothing
    assert item.id == shown.id


def test_meetings_missed_while_nobody_looked_are_all_counted(session: Session, pair: Pair) -> None:
    item_due_at_next_meeting(session, pair)
    weeks_later = datetime(2026, 12, 11, 9, 0, tzinfo=UTC)  # meetings 1, 2 and 3 are over
    (shown,) = open_items(session, pair.id or 0, now=weeks_later)
    assert (shown.due_at, shown.carried_over) == (MEETING_4, 3)
    overview = items_overview({MENTEE: [shown]}, weeks_later)
    assert "carried over ×3" in overview and "overdue" not in overview


def test_a_skipped_meeting_is_not_a_meeting_passed(session: Session, pair: Pair) -> None:
    item_due_at_next_meeting(session, pair)
    boundaries = agreed_boundaries(session, pair.id or 0)
    assert boundaries is not None
    sync_meetings(session, pair, boundaries, BEFORE)
    first = session.exec(select(Meeting).where(Meeting.pair_id == pair.id, Meeting.number == 1)).one()
    assert first.scheduled_at == MEETING_1
    assert not isinstance(skip_meeting(session, meeting=first, by=MENTEE, now=BEFORE), Problem)
    (shown,) = open_items(session, pair.id or 0, now=datetime(2026, 11, 27, 9, 0, tzinfo=UTC))
    assert (shown.due_at, shown.carried_over) == (MEETING_2, 0)  # it followed the skipped meeting


def test_an_item_with_a_date_of_its_own_keeps_it_and_can_be_overdue(session: Session, pair: Pair) -> None:
    own_date = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    added = add_items(
        session, pair=pair, owner_id=MENTEE, text="Send the form", kind="action", due_at=own_date, now=BEFORE
    )
    assert not isinstance(added, Problem)
    later = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
    (shown,) = open_items(session, pair.id or 0, now=later)
    assert (shown.due_at, shown.carried_over) == (own_date, 0)
    assert is_overdue(shown, later) and "overdue" in item_line(shown, later)


def test_the_weekly_nudge_counts_carried_items_and_never_calls_them_overdue(session: Session, pair: Pair) -> None:
    item_due_at_next_meeting(session, pair)
    item_due_at_next_meeting(session, pair, "Call Ana")
    later = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
    owned = open_items_by_owner(session, pair, now=later)[MENTEE]
    text, blocks = nudge_message(pair, MENTEE, owned, later)
    assert "2 open items (2 carried over)" in text and "overdue" not in text
    assert "overdue" not in str(blocks)


def test_only_the_owner_may_close_or_snooze_an_item(session: Session, pair: Pair) -> None:
    item = item_due_at_next_meeting(session, pair)
    assert only_owner(item, MENTEE) is None
    refused = only_owner(item, MENTOR)
    assert isinstance(refused, Problem) and f"Only <@{MENTEE}> can close" in refused.message


def test_the_reminder_after_two_passed_meetings_shows_carried_over_x2_and_never_overdue(
    deps: Deps, fake_slack: FakeSlack
) -> None:
    pair_id = new_pair_id(deps.engine, mentor=MENTOR, mentee=MENTEE)
    agree_boundaries(deps.engine, pair_id)  # Thursdays 17:00 Berlin (16:00 UTC) from 3 December
    with session_scope(deps.engine) as session:
        pair = session.get_one(Pair, pair_id)
        add_items(
            session,
            pair=pair,
            owner_id=MENTEE,
            text="Update CV",
            kind="action",
            due_at=datetime(2026, 12, 3, 16, 0, tzinfo=UTC),
            now=datetime(2026, 11, 27, 9, 0, tzinfo=UTC),
            follows_meeting=True,
        )
    for instant in (datetime(2026, 12, 3, 15, 0, tzinfo=UTC), datetime(2026, 12, 17, 15, 0, tzinfo=UTC)):
        deps.clock.set(instant)  # type: ignore[attr-defined]
        tick(instant, deps)
    first, third = posts_of(fake_slack, "reminder:")[0], posts_of(fake_slack, "reminder:")[-1]
    assert "Update CV" in rendered(first) and "carried over" not in rendered(first)
    assert "Update CV" in rendered(third) and "carried over ×2" in rendered(third)
    assert "overdue" not in rendered(third)
