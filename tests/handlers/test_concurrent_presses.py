"""Two members pressing the same kind of button at the same moment: real concurrent signed requests."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from sqlmodel import select

from blocks import goals as ui
from handlers.pair import start_pair_dm
from mentoring.pairs import create_pair
from storage.db import session_scope
from storage.models import Goal, GoalStatus, GoalUpdate, Pair, PairStatus
from tests.conftest import ADMIN, MENTEE, MENTOR, RunningBot
from tests.support import slack_user
from tests.support.bots import BOTH_DATABASES, bot_on
from tests.support.fake_slack import TEAM_ID
from tests.support.payloads import block_action, view_action
from tests.support.slack_user import GOALS_DM as CHANNEL
from tests.support.slack_user import add_goals, at_once, open_goals, stored_goals

ROUNDS = 50
BOTH_IN = "You're both in!"


@pytest.fixture(params=BOTH_DATABASES)
def any_bot(request: pytest.FixtureRequest) -> Iterator[RunningBot]:
    yield from bot_on(request, request.param)  # type: ignore[misc]


def new_pending_pairs(bot: RunningBot, count: int) -> list[Pair]:
    made = []
    for n in range(count):
        mentor, mentee = f"U0RM{n:03d}", f"U0RE{n:03d}"
        bot.fake.add_user(mentor, name=f"m{n}", tz="UTC")
        bot.fake.add_user(mentee, name=f"e{n}", tz="UTC")
        with session_scope(bot.engine) as session:
            pair = create_pair(
                session, team_id=TEAM_ID, mentor_id=mentor, mentee_id=mentee, created_by=ADMIN, now=bot.deps.now()
            )
        assert isinstance(pair, Pair)
        assert start_pair_dm(bot.deps, bot.deps.client, pair) is None
        made.append(pair)
    return made


def accept_click(bot: RunningBot, pair: Pair, user: str) -> dict[str, Any]:
    return block_action(
        user_id=user,
        action_id="pair_accept",
        value=str(pair.id),
        channel_id=pair.channel_id or "",
        message={"type": "message", "ts": pair.welcome_ts, "text": "welcome", "blocks": []},
        response_url=bot.fake.response_url("action"),
    )


def test_both_members_accepting_at_the_same_moment_activate_the_pair_once(any_bot: RunningBot) -> None:
    bot = any_bot
    made = new_pending_pairs(bot, ROUNDS)
    for pair in made:
        mentor_click, mentee_click = (accept_click(bot, pair, user) for user in pair.members())
        statuses = at_once(
            lambda p=mentor_click: bot.slack.interactive(p).status,
            lambda p=mentee_click: bot.slack.interactive(p).status,
        )
        assert statuses == [200, 200]

    def both_in_posts(fake: Any) -> list[dict[str, Any]]:
        return [p for p in fake.posts() if p.get("text", "").startswith(BOTH_IN)]

    # Every press changes the welcome message (2 per pair); the activating press then posts once.
    bot.fake.wait_for(lambda f: len(f.calls("chat.update")) >= 2 * ROUNDS, timeout=15)
    bot.fake.wait_for(lambda f: len(both_in_posts(f)) >= ROUNDS, timeout=15)
    with session_scope(bot.engine) as session:
        rows = list(session.exec(select(Pair).order_by(Pair.id)))
    assert [r.status for r in rows] == [PairStatus.ACTIVE] * ROUNDS
    assert all(r.mentor_accepted and r.mentee_accepted for r in rows)
    per_channel = Counter(p["channel"] for p in both_in_posts(bot.fake))
    assert per_channel == Counter({r.channel_id: 1 for r in rows})
    assert not [r for r in bot.fake.responses() if "already accepted" in str(r.get("text", ""))]


GOALS = 20


def test_both_members_marking_a_goal_done_at_once_record_and_announce_it_once(any_bot: RunningBot) -> None:
    bot = any_bot
    pair = slack_user.make_pair(bot.engine, channel=CHANNEL)
    add_goals(bot.engine, pair, GOALS)
    root = open_goals(bot)
    for goal in stored_goals(bot.engine):
        clicks = [
            view_action(user_id=u, view=root, action_id=ui.DONE_ACTION, value=str(goal.id)) for u in (MENTOR, MENTEE)
        ]
        statuses = at_once(*(lambda p=p: bot.slack.interactive(p).status for p in clicks))
        assert statuses == [200, 200]

    def done_notes(fake: Any) -> list[dict[str, Any]]:
        return [p for p in fake.posts(CHANNEL) if "done. Well done!" in p.get("text", "")]

    # Both presses redraw the list (one says done, the other that it already was); one note per goal.
    bot.fake.wait_for(lambda f: len(f.calls("views.update")) >= 2 * GOALS, timeout=15)
    bot.fake.wait_for(lambda f: len(done_notes(f)) >= GOALS, timeout=15)
    assert [g.status for g in stored_goals(bot.engine)] == [GoalStatus.DONE] * GOALS
    with session_scope(bot.engine) as session:
        marks = Counter(u.goal_id for u in session.exec(select(GoalUpdate)) if u.note == "Marked done.")
        ids = [g.id for g in session.exec(select(Goal))]
    assert marks == Counter(ids)
    assert len(done_notes(bot.fake)) == GOALS


ENDINGS = 20


def test_both_members_confirming_the_end_at_once_end_it_once(any_bot: RunningBot) -> None:
    bot = any_bot
    made = new_pending_pairs(bot, ENDINGS)
    with session_scope(bot.engine) as session:
        for pair in made:
            row = session.get(Pair, pair.id)
            assert row is not None
            row.status, row.mentor_accepted, row.mentee_accepted = PairStatus.ACTIVE, True, True
            session.add(row)
    for pair in made:
        clicks = [
            block_action(
                user_id=user,
                action_id="pair_end_confirm",
                value=str(pair.id),
                channel_id=pair.channel_id or "",
                response_url=bot.fake.response_url("end"),
            )
            for user in pair.members()
        ]
        assert at_once(*(lambda p=p: bot.slack.interactive(p).status for p in clicks)) == [200, 200]

    def ended_posts(fake: Any) -> list[dict[str, Any]]:
        return [p for p in fake.posts() if "ended this mentoring pairing" in p.get("text", "")]

    # Each press answers its member (ended, or already ended); the pair DM hears it once.
    bot.fake.wait_for(lambda f: len(f.responses()) >= 2 * ENDINGS, timeout=15)
    bot.fake.wait_for(lambda f: len(ended_posts(f)) >= ENDINGS, timeout=15)
    with session_scope(bot.engine) as session:
        assert [r.status for r in session.exec(select(Pair))] == [PairStatus.ENDED] * ENDINGS
    assert Counter(p["channel"] for p in ended_posts(bot.fake)) == Counter({p.channel_id: 1 for p in made})
