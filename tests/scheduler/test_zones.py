"""Contact hours follow the person: the tick keeps members' Slack zones fresh, in bounded batches."""

from __future__ import annotations

from datetime import timedelta

from mentoring.contact_hours import mentee_window, mentor_window
from mentoring.deps import Deps
from mentoring.users import cached_user, current_zones
from scheduler.zones import refresh_member_zones
from slackapi.users import REFRESH_PER_PASS
from storage.db import session_scope
from storage.models import Boundaries, Pair
from tests.conftest import MENTEE, MENTOR
from tests.support.fake_slack import FakeSlack
from tests.support.sessions import agree_boundaries, new_pair_id, utc

AGREED = utc(2026, 11, 26, 8, 0)


def test_a_pass_asks_slack_about_a_bounded_number_of_members(deps: Deps, fake_slack: FakeSlack) -> None:
    for n in range(REFRESH_PER_PASS):  # 2 × REFRESH_PER_PASS members
        new_pair_id(deps.engine, mentor=f"U0MR{n:03d}", mentee=f"U0ME{n:03d}", channel_id=f"G0P{n:04d}")
    refresh_member_zones(deps, utc(2026, 12, 1, 9, 0))
    assert len(fake_slack.calls("users.info")) == REFRESH_PER_PASS


def test_the_slack_zone_counts_for_contact_hours_and_the_agreed_zone_only_when_slack_gives_none(
    deps: Deps, fake_slack: FakeSlack
) -> None:
    # CONTRACT: hours are read "in the time zone the member is in now (their Slack time zone; the zone
    # agreed in the boundaries when Slack gives none)". Both agreed 08–20 Berlin; Slack says Berlin and New York.
    pair_id = new_pair_id(deps.engine, mentor=MENTOR, mentee=MENTEE)
    boundaries_id = agree_boundaries(deps.engine, pair_id, agreed_at=AGREED)
    refresh_member_zones(deps, utc(2026, 12, 1, 9, 0))  # Berlin and New York, as Slack says: first seen
    with session_scope(deps.engine) as session:
        pair, boundaries = session.get(Pair, pair_id), session.get(Boundaries, boundaries_id)
        assert pair is not None and boundaries is not None
        assert boundaries.mentee_tz == "Europe/Berlin"
        zones = current_zones(session, pair, agreed_at=AGREED)
        # The Slack zone counts, though it is not the agreed one and has not changed since agreeing.
        assert zones == {"mentor": "Europe/Berlin", "mentee": "America/New_York"}
        assert current_zones(session, pair, agreed_at=None) == zones
        assert mentee_window(boundaries, zones).tz == "America/New_York"
    fake_slack.add_user(MENTOR, name="maria", tz="Asia/Tokyo")
    refresh_member_zones(deps, utc(2026, 12, 1, 9, 30))  # fresh for an hour: not asked yet
    assert len(fake_slack.calls("users.info")) == 2
    refresh_member_zones(deps, utc(2026, 12, 1, 10, 1))
    with session_scope(deps.engine) as session:
        pair = session.get(Pair, pair_id)
        assert pair is not None
        assert current_zones(session, pair, agreed_at=AGREED) == {"mentor": "Asia/Tokyo", "mentee": "America/New_York"}
        user = cached_user(session, team_id=pair.team_id, user_id=MENTOR)
        assert user is not None and user.tz_since == utc(2026, 12, 1, 10, 1)
    assert utc(2026, 12, 1, 10, 1) - utc(2026, 12, 1, 9, 0) > timedelta(hours=1)
    # Slack gives the mentee no zone any more: the zone agreed in the boundaries stands for them.
    fake_slack.add_user(MENTEE, name="tom", tz=None)
    refresh_member_zones(deps, utc(2026, 12, 1, 11, 2))
    with session_scope(deps.engine) as session:
        pair, boundaries = session.get(Pair, pair_id), session.get(Boundaries, boundaries_id)
        assert pair is not None and boundaries is not None
        zones = current_zones(session, pair, agreed_at=AGREED)
        assert zones == {"mentor": "Asia/Tokyo"}
        assert mentee_window(boundaries, zones).tz == "Europe/Berlin"
        assert mentor_window(boundaries, zones).tz == "Asia/Tokyo"
