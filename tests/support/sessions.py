"""Set-up for the meetings / check-ins / follow-through tests: an active pair with agreed boundaries."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from scheduler.tick import tick
from storage.db import session_scope
from storage.models import (
    ActionItem,
    Boundaries,
    BoundariesStatus,
    CheckIn,
    CheckInAnswer,
    Goal,
    Meeting,
    Outbox,
    OutboxStatus,
    Pair,
    RoadmapItem,
    SlackUser,
)
from tests.support import slack_user
from tests.support.fake_slack import TEAM_ID, FakeSlack
from tests.support.slack_user import DAYTIME_IN_BERLIN, MENTEE, MENTOR, NOW, PAIR_DM

if TYPE_CHECKING:
    from tests.conftest import RunningBot

#: The end-of-session questions as the method words them (and the CONTRACT lists them), asked after every meeting.
METHOD_QUESTIONS = (
    "What was useful about our conversation today?",
    "What are your next steps?",
    "What will you do/learn/explore before our next conversation?",
    "What changes should we make for our next conversation, or what areas do we want to focus on?",
)

#: Contact hours of a mentor in Berlin and a mentee in New York, both 09:00–17:00 local.
NINE_TO_FIVE_IN_TWO_ZONES = {
    "mentor_contact_start": "09:00",
    "mentor_contact_end": "17:00",
    "mentor_tz": "Europe/Berlin",
    "mentee_contact_start": "09:00",
    "mentee_contact_end": "17:00",
    "mentee_tz": "America/New_York",
}


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def lives_in(fake: FakeSlack, user_id: str, tz: str | None, *, engine: Engine | None = None) -> None:
    """The fake Slack puts ``user_id`` in ``tz`` (None: Slack gives no zone), keeping their name and team.

    Contact hours are read in the member's Slack zone whenever Slack gives one (CONTRACT), so a test whose
    member lives where the agreed boundaries say makes Slack agree. Call it before the first tick or
    agreement; with ``engine`` the zone already cached in the database (``slack_user``) is set as well.
    """
    known = fake.state.users.get(user_id, {})
    fake.add_user(user_id, name=known.get("name"), tz=tz, team_id=known.get("team_id", TEAM_ID))
    if engine is not None:
        with session_scope(engine) as session:
            for row in session.exec(select(SlackUser).where(SlackUser.user_id == user_id)):
                row.tz = tz
                session.add(row)


def new_pair_id(engine: Engine, *, mentor: str, mentee: str, channel_id: str = PAIR_DM, **fields: Any) -> int:
    """The id of a new active pair (``slack_user.make_pair``) made on 1 November."""
    made = utc(2026, 11, 1)
    pair = slack_user.make_pair(engine, mentor=mentor, mentee=mentee, channel=channel_id, created_at=made, **fields)
    assert pair.id is not None
    return pair.id


def agree_boundaries(engine: Engine, pair_id: int, *, version: int = 1, **overrides: Any) -> int:
    """An agreed boundaries row written directly (the boundaries UI is another feature's)."""
    values: dict[str, Any] = {
        "frequency": "weekly",
        "weekday": 3,  # Thursday
        "start_time": "17:00",
        "duration_minutes": 60,
        "timezone": "Europe/Berlin",
        "first_meeting_on": date(2026, 12, 3),
        "location": "Video call",
        "contact_method": "Slack",
        **DAYTIME_IN_BERLIN,
        "agreed_at": utc(2026, 11, 26, 8, 0),
    }
    values.update(overrides)
    with session_scope(engine) as session:
        pair = session.get(Pair, pair_id)
        assert pair is not None
        for older in session.exec(
            select(Boundaries).where(Boundaries.pair_id == pair_id, Boundaries.status == BoundariesStatus.AGREED)
        ):
            older.status = BoundariesStatus.SUPERSEDED
            session.add(older)
        row = Boundaries(
            team_id=pair.team_id,
            pair_id=pair_id,
            version=version,
            status=BoundariesStatus.AGREED,
            proposed_by=pair.mentee_id,
            proposed_at=values["agreed_at"],
            agreed_by=pair.mentor_id,
            **values,
        )
        session.add(row)
        session.flush()
        assert row.id is not None
        return row.id


def add_goal(engine: Engine, pair_id: int, title: str, progress: int, due_on: date, by: str) -> None:
    with session_scope(engine) as session:
        now = utc(2026, 11, 20)
        session.add(
            Goal(
                team_id=TEAM_ID,
                pair_id=pair_id,
                title=title,
                measurable="m",
                achievable="a",
                relevant="r",
                due_on=due_on,
                progress=progress,
                created_by=by,
                created_at=now,
                updated_at=now,
            )
        )


def set_theme(engine: Engine, pair_id: int, number: int, theme: str) -> None:
    with session_scope(engine) as session:
        session.add(
            RoadmapItem(
                team_id=TEAM_ID,
                pair_id=pair_id,
                meeting_number=number,
                theme=theme,
                updated_by="U0MENTEE",
                updated_at=utc(2026, 11, 20),
            )
        )


def meetings(engine: Engine, pair_id: int) -> list[Meeting]:
    with session_scope(engine) as session:
        return list(session.exec(select(Meeting).where(Meeting.pair_id == pair_id).order_by(Meeting.series_at)))


def items(engine: Engine, pair_id: int) -> list[ActionItem]:
    with session_scope(engine) as session:
        return list(session.exec(select(ActionItem).where(ActionItem.pair_id == pair_id).order_by(ActionItem.id)))


def checkins(engine: Engine, pair_id: int) -> list[CheckIn]:
    with session_scope(engine) as session:
        return list(session.exec(select(CheckIn).where(CheckIn.pair_id == pair_id).order_by(CheckIn.id)))


def answers(engine: Engine, checkin_id: int) -> dict[str, CheckInAnswer]:
    with session_scope(engine) as session:
        return {a.user_id: a for a in session.exec(select(CheckInAnswer).where(CheckInAnswer.checkin_id == checkin_id))}


def outbox_keys(engine: Engine) -> list[str]:
    with session_scope(engine) as session:
        return [row.delivery_key for row in session.exec(select(Outbox).order_by(Outbox.id))]


def dm_channel_of(fake: FakeSlack, user_id: str) -> str | None:
    """The bot's DM with one person, once the bot has opened it (``conversations.open``)."""
    with fake._lock:
        return next((ch for ch, users in fake.state.channels_opened.items() if users == [user_id]), None)


def private_posts_of(fake: FakeSlack, user_id: str, kind_prefix: str) -> list[dict[str, Any]]:
    """Posts into the bot's DM with ``user_id`` whose delivery key starts with ``kind_prefix``."""
    channel = dm_channel_of(fake, user_id)
    return posts_of(fake, kind_prefix, channel) if channel else []


def posts_of(fake: FakeSlack, kind_prefix: str, channel: str = PAIR_DM) -> list[dict[str, Any]]:
    """Posts in the channel whose delivery key starts with ``kind_prefix`` (e.g. ``"reminder:"``)."""
    return [
        p
        for p in fake.posts(channel)
        if str(((p.get("metadata") or {}).get("event_payload") or {}).get("delivery_key", "")).startswith(kind_prefix)
    ]


def message_with_key(fake: FakeSlack, key_prefix: str, channel: str = PAIR_DM) -> dict[str, Any]:
    """The stored message (with its ts and current blocks) of the newest post with that key prefix."""
    found = [
        m
        for m in fake.messages(channel)
        if str(((m.get("metadata") or {}).get("event_payload") or {}).get("delivery_key", "")).startswith(key_prefix)
    ]
    assert found, f"no message with key {key_prefix!r}"
    return found[-1]


def rendered(message: dict[str, Any]) -> str:
    """Everything a reader sees in a message or view: its text and the text of every block."""
    return str(message.get("text", "")) + " " + str(message.get("blocks", ""))


def eventually(predicate: Callable[[], Any], timeout: float = 5.0) -> Any:
    """Poll ``predicate`` (database state the bot changes after its ack) until truthy; fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.01)


def all_sent(engine: Engine) -> bool:
    """Every outbox row is posted and its message ts recorded (so thread replies can find it)."""
    with session_scope(engine) as session:
        rows = list(session.exec(select(Outbox)))
    return bool(rows) and all(r.status == OutboxStatus.SENT and r.ts for r in rows)


def agree_weekly_thursdays(session: Session, pair: Pair, first: date = date(2026, 11, 26)) -> None:
    """Agreed boundaries: weekly on Thursdays at 18:00 Berlin time, from ``first``."""
    session.add(
        Boundaries(
            team_id=pair.team_id,
            pair_id=pair.id or 0,
            version=1,
            status=BoundariesStatus.AGREED,
            proposed_by=MENTOR,
            proposed_at=NOW,
            agreed_by=MENTEE,
            agreed_at=NOW,
            frequency="weekly",
            weekday=3,
            start_time="18:00",
            duration_minutes=60,
            timezone="Europe/Berlin",
            first_meeting_on=first,
            mentor_contact_start="09:00",
            mentor_contact_end="18:00",
            mentor_tz="Europe/Berlin",
            mentee_contact_start="09:00",
            mentee_contact_end="18:00",
            mentee_tz="America/New_York",
        )
    )
    session.flush()


def reminded(bot: RunningBot) -> tuple[int, dict[str, Any]]:
    """An active pair with agreed boundaries whose first reminder the scheduler has just posted."""
    pair_id = new_pair_id(bot.engine, mentor=MENTOR, mentee=MENTEE)
    agree_boundaries(bot.engine, pair_id)
    bot.deps.clock.set(utc(2026, 12, 3, 15, 0))  # type: ignore[attr-defined]
    tick(bot.deps.now(), bot.deps)
    return pair_id, message_with_key(bot.fake, "reminder:")
