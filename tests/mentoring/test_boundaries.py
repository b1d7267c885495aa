"""The boundaries rules called directly: validation, versions, who may agree, the series' first date."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from functools import partial
from typing import Any

import pytest

from mentoring import boundaries as rules
from mentoring.problems import Problem
from storage.db import session_scope
from storage.models import BoundariesStatus
from tests.conftest import MENTEE, MENTOR, OTHER
from tests.support import slack_user
from tests.support.slack_user import BIWEEKLY_BOUNDARIES as VALID

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
make_pair = partial(slack_user.make_pair, channel="GPAIR", accepted=False)


def valid() -> rules.BoundariesIn:
    data = rules.validate_boundaries(VALID)
    assert isinstance(data, rules.BoundariesIn)
    return data


def test_valid_input_becomes_typed_boundaries_with_canonical_zones() -> None:
    data = rules.validate_boundaries(dict(VALID, timezone=" europe/berlin ", mentee_tz="AMERICA/NEW_YORK"))
    assert isinstance(data, rules.BoundariesIn)
    assert (data.weekday, data.duration_minutes) == (1, 60)
    assert (data.timezone, data.mentee_tz) == ("Europe/Berlin", "America/New_York")


def test_every_text_field_has_its_limit_in_one_place() -> None:
    for field, longest in rules.TEXT_LIMITS.items():
        if field in rules.ZONE_FIELDS:
            continue
        assert isinstance(rules.validate_boundaries(dict(VALID, **{field: "a" * longest})), rules.BoundariesIn)
        errors = rules.validate_boundaries(dict(VALID, **{field: "a" * (longest + 1)}))
        assert isinstance(errors, dict) and set(errors) == {field}, field


def test_optional_fields_may_stay_empty_but_required_ones_may_not() -> None:
    assert isinstance(rules.validate_boundaries(dict(VALID, scope_out="", notes="  ")), rules.BoundariesIn)
    errors = rules.validate_boundaries(dict(VALID, mentee_tz="   ", frequency=None))
    assert errors == {"mentee_tz": "Please choose a time zone.", "frequency": "Please choose how often you meet."}


def test_emptied_details_take_their_sensible_defaults() -> None:
    data = rules.validate_boundaries(dict(VALID, location="", contact_method=" ", mentor_role="", scope_in=None))
    assert isinstance(data, rules.BoundariesIn)
    assert (data.location, data.contact_method) == ("Video call", "Slack, in this DM")
    assert (
        data.mentor_role == rules.DETAIL_DEFAULTS["mentor_role"] and data.scope_in == rules.DETAIL_DEFAULTS["scope_in"]
    )
    assert data.expectations == VALID["expectations"]  # what was written stays


def test_only_what_is_needed_to_schedule_is_required() -> None:
    errors = rules.validate_boundaries({})
    assert isinstance(errors, dict)
    assert set(errors) == set(rules.FIELDS) - rules.OPTIONAL
    assert {
        "location",
        "contact_method",
        "mentor_role",
        "mentee_role",
        "expectations",
        "scope_in",
        "scope_out",
        "notes",
    } == rules.OPTIONAL


@pytest.mark.parametrize(
    "location",
    [
        "https://meet.example.com/abc",
        "http://zoom.us/j/123?pwd=x",
        "Café Central, 2nd floor",
        "Room 4.12",
        "Video: https://meet.example.com/abc, or room 3 if we're both in the office",
    ],
)
def test_places_and_valid_links_are_accepted(location: str) -> None:
    assert rules.bad_link(location) is None


@pytest.mark.parametrize(
    ("location", "flagged"),
    [
        ("zoom.us/j/123", "zoom.us/j/123"),
        ("www.example.com", "www.example.com"),
        ("htps://meet.example.com", "htps://meet.example.com"),
        ("ftp://files.example.com", "ftp://files.example.com"),
        ("https://", "https://"),
        ("https://nohost", "https://nohost"),
        ("https://example.com:99999/x", "https://example.com:99999/x"),
        ("Join at (https://exa_mple.com) please", "https://exa_mple.com"),
    ],
)
def test_things_that_look_like_links_must_be_valid_http_links(location: str, flagged: str) -> None:
    assert rules.bad_link(location) == flagged


def test_proposals_are_numbered_and_a_new_one_supersedes_the_waiting_one(engine: Any) -> None:
    pair = make_pair(engine)
    with session_scope(engine) as session:
        first = rules.propose(session, pair=pair, user_id=MENTOR, data=valid(), now=NOW)
        assert isinstance(first, rules.Proposed) and first.superseded == []
    with session_scope(engine) as session:
        second = rules.propose(session, pair=pair, user_id=MENTEE, data=replace(valid(), weekday=4), now=NOW)
        assert isinstance(second, rules.Proposed)
        assert [old.version for old in second.superseded] == [1]
    with session_scope(engine) as session:
        history = rules.boundaries_history(session, pair.id or 0)
        assert [(b.version, b.status, b.proposed_by) for b in history] == [
            (1, BoundariesStatus.SUPERSEDED, MENTOR),
            (2, BoundariesStatus.PROPOSED, MENTEE),
        ]
        assert (rules.current_boundaries(session, pair.id or 0) or history[0]).version == 2
        assert rules.agreed_boundaries(session, pair.id or 0) is None


def test_only_the_other_member_agrees_and_only_to_the_waiting_proposal(engine: Any) -> None:
    pair = make_pair(engine)
    with session_scope(engine) as session:
        proposed = rules.propose(session, pair=pair, user_id=MENTOR, data=valid(), now=NOW)
        assert isinstance(proposed, rules.Proposed)
        version_id = proposed.proposal.id
    with session_scope(engine) as session:
        own = rules.agree(session, pair=pair, boundaries_id=version_id, user_id=MENTOR, now=NOW)
        outsider = rules.agree(session, pair=pair, boundaries_id=version_id, user_id=OTHER, now=NOW)
        unknown = rules.agree(session, pair=pair, boundaries_id="999", user_id=MENTEE, now=NOW)
    assert isinstance(own, Problem) and f"<@{MENTEE}> needs to agree" in own.message
    assert isinstance(outsider, Problem) and isinstance(unknown, Problem)
    with session_scope(engine) as session:
        agreed = rules.agree(session, pair=pair, boundaries_id=version_id, user_id=MENTEE, now=NOW)
        assert isinstance(agreed, rules.Agreed)
        assert agreed.agreed.status == BoundariesStatus.AGREED and agreed.agreed.agreed_by == MENTEE
        assert agreed.agreed.first_meeting_on == date(2026, 12, 1)  # the next Tuesday
    with session_scope(engine) as session:
        twice = rules.agree(session, pair=pair, boundaries_id=version_id, user_id=MENTEE, now=NOW)
    assert isinstance(twice, Problem) and "already agreed" in twice.message


def test_agreeing_to_a_revision_keeps_the_old_agreement_as_history(engine: Any) -> None:
    pair = make_pair(engine)
    ids = []
    for proposer, agreer in ((MENTOR, MENTEE), (MENTEE, MENTOR)):
        with session_scope(engine) as session:
            proposed = rules.propose(session, pair=pair, user_id=proposer, data=valid(), now=NOW)
            assert isinstance(proposed, rules.Proposed)
            ids.append(proposed.proposal.id)
        with session_scope(engine) as session:
            result = rules.agree(session, pair=pair, boundaries_id=ids[-1], user_id=agreer, now=NOW)
            assert isinstance(result, rules.Agreed)
    assert [old.version for old in result.superseded] == [1]
    with session_scope(engine) as session:
        statuses = [b.status for b in rules.boundaries_history(session, pair.id or 0)]
        assert statuses == [BoundariesStatus.SUPERSEDED, BoundariesStatus.AGREED]
        assert (rules.agreed_boundaries(session, pair.id or 0) or result.agreed).version == 2


def test_superseded_proposal_cannot_be_agreed(engine: Any) -> None:
    pair = make_pair(engine)
    with session_scope(engine) as session:
        first = rules.propose(session, pair=pair, user_id=MENTOR, data=valid(), now=NOW)
        assert isinstance(first, rules.Proposed)
    with session_scope(engine) as session:
        rules.propose(session, pair=pair, user_id=MENTOR, data=valid(), now=NOW)
    with session_scope(engine) as session:
        result = rules.agree(session, pair=pair, boundaries_id=first.proposal.id, user_id=MENTEE, now=NOW)
    assert isinstance(result, Problem) and "replaced by a newer one" in result.message


def test_monthly_series_never_starts_on_a_fifth_weekday() -> None:
    # From 23 December 2026 the next Tuesday is the 29th, the month's fifth Tuesday.
    december_23 = datetime(2026, 12, 23, 9, 0, tzinfo=UTC)
    common = {"weekday": 1, "start_time": "10:00", "tz": "UTC", "now": december_23}
    assert rules.first_meeting_on(frequency="weekly", **common) == date(2026, 12, 29)
    assert rules.first_meeting_on(frequency="monthly", **common) == date(2027, 1, 5)


def test_next_meetings_are_the_coming_starts_of_the_agreed_series(engine: Any) -> None:
    pair = make_pair(engine)
    with session_scope(engine) as session:
        proposed = rules.propose(session, pair=pair, user_id=MENTOR, data=valid(), now=NOW)
        assert isinstance(proposed, rules.Proposed)
        agreed = rules.agree(session, pair=pair, boundaries_id=proposed.proposal.id, user_id=MENTEE, now=NOW)
        assert isinstance(agreed, rules.Agreed)
    # Every two weeks, Tuesdays 10:00 Berlin (09:00 UTC in winter).
    assert rules.next_meetings(agreed.agreed, after=NOW) == [
        datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
        datetime(2026, 12, 15, 9, 0, tzinfo=UTC),
        datetime(2026, 12, 29, 9, 0, tzinfo=UTC),
    ]
