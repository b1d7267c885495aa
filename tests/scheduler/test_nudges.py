"""Weekly nudges about open commitments, and the gentle nudge (and admin flag) for pairs gone quiet."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mentoring.deps import Deps
from mentoring.followthrough import add_items, complete_item
from mentoring.inactivity import inactive_pairs
from mentoring.meeting_changes import skip_meeting
from scheduler.tick import tick
from storage.db import session_scope
from storage.models import ActionItem, CheckInAnswer, Meeting, Pair
from tests.conftest import MENTEE, MENTOR, RunningBot
from tests.support.fake_slack import FakeSlack
from tests.support.sessions import agree_boundaries, checkins, items, meetings, new_pair_id, posts_of, rendered, utc
from tests.support.slack_user import (
    BOUNDARIES,
    agree_through_the_ui,
    dm_texts,
    open_items_of,
    pair_via_command,
    started,
    thread_reply,
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


def test_the_nudge_comes_on_the_pairs_meeting_weekday_and_marks_overdue_items(
    deps: Deps, fake_slack: FakeSlack
) -> None:
    pair_id = new_pair_id(deps.engine, mentor=MENTOR, mentee=MENTEE)
    agree_boundaries(deps.engine, pair_id, weekday=1)  # Tuesdays
    add(deps, pair_id, MENTEE, "Update CV", due_at=utc(2026, 11, 24, 16, 0), at=utc(2026, 11, 20))
    add(deps, pair_id, MENTEE, "Call Ana", due_at=utc(2026, 12, 8, 16, 0), at=utc(2026, 11, 20))
    run(deps, 2026, 11, 26, 7, 0)  # Thursday: not the pair's day
    assert posts_of(fake_slack, "nudge:") == []
    run(deps, 2026, 12, 1, 7, 0)  # Tuesday 08:00 Berlin
    (nudge,) = posts_of(fake_slack, "nudge:")
    assert nudge["metadata"]["event_payload"]["delivery_key"] == f"nudge:{pair_id}:{MENTEE}:2026-W49"
    lines = [b["text"]["text"] for b in nudge["blocks"] if b.get("block_id", "").startswith("item_") and "text" in b]
    assert "overdue" in lines[0] and "Update CV" in lines[0]
    assert "overdue" not in lines[1] and "Call Ana" in lines[1]
    assert "1 overdue" in nudge["text"]


def test_items_made_after_the_nudge_went_out_wait_for_next_week(deps: Deps, fake_slack: FakeSlack) -> None:
    pair_id = new_pair_id(deps.engine, mentor=MENTOR, mentee=MENTEE)
    agree_boundaries(deps.engine, pair_id)
    run(deps, 2026, 12, 3, 7, 0)  # nudge time, nothing open
    add(deps, pair_id, MENTEE, "Update CV", at=utc(2026, 12, 3, 17, 30))  # answered after the meeting
    run(deps, 2026, 12, 3, 17, 31)
    run(deps, 2026, 12, 4, 9, 0)
    assert posts_of(fake_slack, "nudge:") == []
    run(deps, 2026, 12, 10, 7, 0)
    assert "Update CV" in rendered(posts_of(fake_slack, "nudge:")[0])


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


def test_a_nudge_in_the_pair_dm_waits_for_hours_both_members_share(bot: RunningBot) -> None:
    pair = started(bot, pair_via_command(bot, MENTOR, MENTEE))
    # Mentor 08:00-20:00 Berlin (07-19 UTC); mentee 09:00-17:00 New York (14-22 UTC): shared 14:00-19:00 UTC.
    hours = dict(BOUNDARIES, mentee_contact_start="09:00", mentee_contact_end="17:00", mentee_tz="America/New_York")
    agreed = agree_through_the_ui(bot, pair, hours)
    channel = pair.channel_id or ""
    start = datetime.combine(agreed.first_meeting_on, datetime.min.time(), tzinfo=UTC).replace(hour=16)  # type: ignore[arg-type]
    tick(start + timedelta(minutes=75), bot.deps)
    questions = next(
        m for m in bot.fake.messages(channel) if "What was useful about our conversation today?" in m["text"]
    )
    for user, text, ts in (
        (MENTEE, "next steps: call Ana", "1800002000.000100"),
        (MENTOR, "next: intro to Bo", "1800002000.000200"),
    ):
        bot.slack.event(thread_reply(pair, user, text, questions["ts"], ts))
    bot.fake.wait_for(lambda f: len(open_items_of(bot, pair.id or 0)) == 2)
    bot.fake.wait_for(lambda f: any(p["text"].startswith("You both answered") for p in f.posts(channel)))
    seen = len(bot.fake.posts(channel))
    next_week = start + timedelta(days=7)
    tick(next_week.replace(hour=7, minute=5), bot.deps)  # 08:05 Berlin, 02:05 New York: the mentee is asleep
    assert not [t for t in dm_texts(bot, channel, seen) if "call Ana" in t or "intro to Bo" in t]
    tick(next_week.replace(hour=14, minute=5), bot.deps)  # 15:05 Berlin, 09:05 New York
    posted = dm_texts(bot, channel, seen)
    assert [t for t in posted if "call Ana" in t] and [t for t in posted if "intro to Bo" in t], posted
