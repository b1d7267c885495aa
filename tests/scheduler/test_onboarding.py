"""Getting started: one gentle nudge about pre-work (to that member alone) and one about boundaries (pair DM)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import select

from mentoring.deps import Deps
from scheduler.producers.onboarding import boundaries_key, prework_key
from scheduler.tick import tick
from storage.db import session_scope
from storage.models import Boundaries, BoundariesStatus, Pair, SlackUser
from tests.conftest import MENTEE, MENTOR
from tests.support.fake_slack import FakeSlack
from tests.support.sessions import agree_boundaries, new_pair_id, posts_of, private_posts_of, utc
from tests.support.slack_user import add_prework

ACCEPTED = utc(2026, 12, 1, 10, 0)


def run(deps: Deps, at: datetime) -> None:
    deps.clock.set(at)  # type: ignore[attr-defined]
    tick(at, deps)


def accepted_pair(deps: Deps) -> int:
    """A pair both members accepted on ``ACCEPTED``."""
    pair_id = new_pair_id(deps.engine, mentor=MENTOR, mentee=MENTEE)
    with session_scope(deps.engine) as session:
        pair = session.get(Pair, pair_id)
        assert pair is not None
        pair.accepted_at = ACCEPTED
        session.add(pair)
    return pair_id


def in_zone(deps: Deps, user: str, tz: str) -> None:
    """What users.info said about ``user`` when they last used the bot."""
    with session_scope(deps.engine) as session:
        session.add(SlackUser(team_id="T0001", user_id=user, tz=tz, tz_since=ACCEPTED, fetched_at=utc(2030, 1, 1)))


def test_a_member_without_prework_hears_once_two_days_after_accepting_in_their_own_dm(
    deps: Deps, fake_slack: FakeSlack
) -> None:
    pair_id = accepted_pair(deps)
    with session_scope(deps.engine) as session:
        pair = session.get(Pair, pair_id)
        assert pair is not None
        add_prework(session, pair, MENTOR, wants="a mentee", brings="ten years", expects="honesty")
    run(deps, utc(2026, 12, 3, 9, 0))  # not yet two days
    assert private_posts_of(fake_slack, MENTEE, "onboarding:") == []
    run(deps, utc(2026, 12, 3, 13, 0))  # two days, but 08:00 in New York (Slack's zone for the mentee)
    assert private_posts_of(fake_slack, MENTEE, "onboarding:") == []
    run(deps, utc(2026, 12, 3, 14, 0))
    (nudge,) = private_posts_of(fake_slack, MENTEE, "onboarding:")
    assert nudge["metadata"]["event_payload"]["delivery_key"] == prework_key(pair_id, MENTEE)
    assert "/mentor prework" in nudge["text"] and f"<@{MENTOR}>" in nudge["text"]
    assert private_posts_of(fake_slack, MENTOR, "onboarding:") == []  # wrote theirs
    assert posts_of(fake_slack, "onboarding:") == []  # nothing in the pair DM
    run(deps, utc(2026, 12, 4, 14, 0))
    run(deps, utc(2026, 12, 6, 15, 0))
    assert len(private_posts_of(fake_slack, MENTEE, "onboarding:")) == 1  # once only


def test_the_prework_nudge_waits_for_daytime_in_the_members_slack_time_zone(deps: Deps, fake_slack: FakeSlack) -> None:
    accepted_pair(deps)
    in_zone(deps, MENTEE, "America/New_York")
    run(deps, utc(2026, 12, 3, 12, 0))  # 07:00 in New York
    assert private_posts_of(fake_slack, MENTEE, "onboarding:") == []
    assert len(private_posts_of(fake_slack, MENTOR, "onboarding:")) == 1  # 12:00 UTC: daytime by default
    run(deps, utc(2026, 12, 3, 14, 0))  # 09:00 in New York
    assert len(private_posts_of(fake_slack, MENTEE, "onboarding:")) == 1


def test_a_pair_without_agreed_boundaries_hears_once_a_week_after_accepting_in_the_pair_dm(
    deps: Deps, fake_slack: FakeSlack
) -> None:
    pair_id = accepted_pair(deps)
    run(deps, utc(2026, 12, 8, 9, 0))  # not yet a week
    assert posts_of(fake_slack, "onboarding:") == []
    run(deps, utc(2026, 12, 8, 13, 0))  # 14:00 in Berlin, but 08:00 in New York
    assert posts_of(fake_slack, "onboarding:") == []
    run(deps, utc(2026, 12, 8, 14, 0))  # both in daytime
    (nudge,) = posts_of(fake_slack, "onboarding:")
    assert nudge["metadata"]["event_payload"]["delivery_key"] == boundaries_key(pair_id)
    assert "/mentor boundaries" in nudge["text"] and f"<@{MENTOR}>" in nudge["text"] and f"<@{MENTEE}>" in nudge["text"]
    run(deps, utc(2026, 12, 9, 14, 0))
    run(deps, utc(2026, 12, 15, 15, 0))
    assert len(posts_of(fake_slack, "onboarding:")) == 1


def test_a_waiting_proposal_gets_the_other_member_asked_to_look_at_it(deps: Deps, fake_slack: FakeSlack) -> None:
    pair_id = accepted_pair(deps)
    agree_boundaries(deps.engine, pair_id, agreed_at=utc(2026, 12, 2))
    with session_scope(deps.engine) as session:  # proposed by the mentor, not agreed yet
        for row in session.exec(select(Boundaries)):
            row.status, row.agreed_by, row.agreed_at, row.proposed_by = BoundariesStatus.PROPOSED, None, None, MENTOR
            session.add(row)
    run(deps, utc(2026, 12, 8, 14, 0))
    (nudge,) = posts_of(fake_slack, "onboarding:")
    assert f"<@{MENTEE}>, <@{MENTOR}> proposed" in nudge["text"]


def test_a_pair_that_has_done_its_set_up_hears_nothing(deps: Deps, fake_slack: FakeSlack) -> None:
    pair_id = accepted_pair(deps)
    agree_boundaries(deps.engine, pair_id, agreed_at=utc(2026, 12, 2))
    with session_scope(deps.engine) as session:
        pair = session.get(Pair, pair_id)
        assert pair is not None
        for user in (MENTOR, MENTEE):
            add_prework(session, pair, user, wants="growth", brings="stories", expects="honesty")
    for day in (3, 8, 12):
        run(deps, utc(2026, 12, day, 15, 0))
    assert [p for p in fake_slack.posts() if "onboarding:" in str(p.get("metadata"))] == []


def test_pairs_paired_before_this_feature_are_left_alone(deps: Deps, fake_slack: FakeSlack) -> None:
    new_pair_id(deps.engine, mentor=MENTOR, mentee=MENTEE)  # active, no accepted_at recorded
    run(deps, utc(2026, 12, 8, 15, 0))
    assert [p for p in fake_slack.posts() if "onboarding:" in str(p.get("metadata"))] == []
