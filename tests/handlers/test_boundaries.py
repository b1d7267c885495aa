"""Boundaries as members see them: proposal → changes → agreement in the pair DM, dates, .ics, validation."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import partial
from typing import Any

import pytest

from mentoring.boundaries import agreed_boundaries
from mentoring.settings import Settings
from storage.db import session_scope
from storage.models import Boundaries, BoundariesStatus
from tests.conftest import MENTEE, MENTOR, OTHER, RunningBot, make_settings
from tests.support import slack_user
from tests.support.fake_slack import FakeSlack
from tests.support.payloads import view_submission
from tests.support.slack_user import BIWEEKLY_BOUNDARIES, opened_and_accepted, press, submit, versions, wait_for_version

CHANNEL = "GPAIRDM001"
make_pair = partial(slack_user.make_pair, channel=CHANNEL)
open_modal = partial(slack_user.open_modal, channel=CHANNEL, command="boundaries")
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)  # a Thursday; the injected clock starts here
NO_TZ_USER = "U0NOTZ"
VALID = BIWEEKLY_BOUNDARIES


@pytest.fixture
def settings(fake_slack: FakeSlack, database_url: str) -> Settings:
    """Members without a Slack time zone fall back to MENTOR_DEFAULT_TZ (here not UTC, to see it)."""
    fake_slack.add_user(NO_TZ_USER, name="nina", tz=None)
    return make_settings(fake_slack, database_url, default_tz="Europe/Lisbon")


def inputs_of(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}


def click(bot: RunningBot, user: str, action_id: str, value: str, *, ts: str = "1800000000.000100") -> None:
    press(bot, user, action_id, value, {"type": "message", "ts": ts, "text": "", "blocks": []}, channel=CHANNEL)


def message(bot: RunningBot, ts: str) -> dict[str, Any]:
    return next(m for m in bot.fake.messages(CHANNEL) if m["ts"] == ts)


def action_ids(blocks: list[dict[str, Any]]) -> list[str]:
    return [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]


def zone_of(field: dict[str, Any]) -> str:
    return str(field["element"]["initial_option"]["value"])


def offered(field: dict[str, Any]) -> list[str]:
    return [o["value"] for g in field["element"]["option_groups"] for o in g["options"]]


SCHEDULING = {
    "frequency",
    "weekday",
    "start_time",
    "duration_minutes",
    "timezone",
    *(f"{role}_{what}" for role in ("mentor", "mentee") for what in ("contact_start", "contact_end", "tz")),
}


def test_modal_defaults_to_each_members_own_slack_time_zone(bot: RunningBot) -> None:
    make_pair(bot.engine)
    view = open_modal(bot, MENTEE)
    fields = inputs_of(view)
    assert zone_of(fields["timezone"]) == "America/New_York"  # the submitter's zone
    assert zone_of(fields["mentor_tz"]) == "Europe/Berlin"
    assert zone_of(fields["mentee_tz"]) == "America/New_York"
    assert fields["mentee_contact_start"]["label"]["text"].startswith("Mentee (you)")
    assert set(fields) == set(VALID)
    assert len(view["blocks"]) <= 100 and len(view["title"]["text"]) <= 24


def test_zones_are_chosen_from_a_list_within_slacks_limits(bot: RunningBot) -> None:
    make_pair(bot.engine)
    fields = inputs_of(open_modal(bot, MENTEE))
    for field in ("timezone", "mentor_tz", "mentee_tz"):
        element = fields[field]["element"]
        assert element["type"] == "static_select"
        groups = element["option_groups"]
        assert len(groups) <= 100 and all(0 < len(g["options"]) <= 100 for g in groups)
        assert all(len(g["label"]["text"]) <= 75 for g in groups)
        zones = offered(fields[field])
        assert len(zones) == len(set(zones)) and {"UTC", "Asia/Tokyo", "Europe/London"} <= set(zones)
        assert element["initial_option"] in [o for g in groups for o in g["options"]]


def test_the_form_asks_to_schedule_first_and_fills_in_the_rest(bot: RunningBot) -> None:
    pair = make_pair(bot.engine)
    view = open_modal(bot, MENTOR)
    blocks = view["blocks"]
    divider = next(i for i, b in enumerate(blocks) if b["type"] == "divider")
    before = {b["block_id"] for b in blocks[:divider] if b["type"] == "input"}
    after = [b for b in blocks[divider:] if b["type"] == "input"]
    assert before == SCHEDULING and all(
        not blocks[i].get("optional") for i in range(divider) if blocks[i]["type"] == "input"
    )
    assert all(b["optional"] for b in after)
    assert "Optional — defaults are filled in" in json.dumps(blocks[divider:], ensure_ascii=False)
    details = {b["block_id"]: b["element"].get("initial_value") for b in after}
    assert details["location"] == "Video call" and details["contact_method"] == "Slack, in this DM"
    assert all(details[f] for f in ("mentor_role", "mentee_role", "expectations", "scope_in"))

    # Only the scheduling answers given, the details emptied: the defaults are proposed.
    scheduling_only = {field: VALID[field] for field in SCHEDULING}
    pair_channel_posts = len(bot.fake.posts(CHANNEL))
    assert submit(bot, MENTOR, view, scheduling_only) is None
    row = wait_for_version(bot, pair, 1, BoundariesStatus.PROPOSED)
    assert (row.location, row.contact_method) == ("Video call", "Slack, in this DM")
    assert row.mentor_role and row.expectations and row.scope_in and row.notes == ""
    assert len(bot.fake.posts(CHANNEL)) == pair_channel_posts + 1


def test_a_members_own_zone_outside_the_common_list_is_offered_and_chosen(bot: RunningBot) -> None:
    bot.fake.add_user("U0BOISE", name="bo", tz="America/Boise")
    make_pair(bot.engine, mentee="U0BOISE")
    fields = inputs_of(open_modal(bot, "U0BOISE"))
    assert zone_of(fields["timezone"]) == "America/Boise" == zone_of(fields["mentee_tz"])
    assert offered(fields["timezone"]).count("America/Boise") == 1


def test_member_without_a_slack_time_zone_gets_the_configured_default(bot: RunningBot) -> None:
    make_pair(bot.engine, mentee=NO_TZ_USER)
    fields = inputs_of(open_modal(bot, NO_TZ_USER))
    assert zone_of(fields["timezone"]) == "Europe/Lisbon"
    assert zone_of(fields["mentee_tz"]) == "Europe/Lisbon"
    assert zone_of(fields["mentor_tz"]) == "Europe/Berlin"


def test_proposal_change_and_agreement_end_to_end(bot: RunningBot) -> None:
    pair = make_pair(bot.engine)

    # The mentor proposes: the proposal lands in the pair DM for the mentee, with Agree / Propose changes.
    assert submit(bot, MENTOR, open_modal(bot, MENTOR), VALID) is None
    v1 = wait_for_version(bot, pair, 1, BoundariesStatus.PROPOSED)
    posted = message(bot, v1.proposal_ts or "")
    assert f"<@{MENTOR}> proposes these boundaries. <@{MENTEE}>" in json.dumps(posted["blocks"])
    assert action_ids(posted["blocks"]) == ["boundaries_agree", "boundaries_change"]
    assert "Every two weeks on Tuesday at 10:00 (Europe/Berlin), 60 minutes" in json.dumps(posted["blocks"])

    # The proposer can't agree to their own proposal.
    click(bot, MENTOR, "boundaries_agree", str(v1.id), ts=v1.proposal_ts or "")
    (reply,) = bot.fake.wait_for_responses()
    assert f"<@{MENTEE}> needs to agree" in reply["text"]
    assert versions(bot, pair)[0].status == BoundariesStatus.PROPOSED

    # The mentee proposes changes: the same modal, pre-filled from the proposal.
    before = len(bot.fake.calls("views.open"))
    click(bot, MENTEE, "boundaries_change", str(v1.id), ts=v1.proposal_ts or "")
    view = opened_and_accepted(bot, before)
    assert view["title"]["text"] == "Propose changes"
    fields = inputs_of(view)
    assert fields["start_time"]["element"]["initial_time"] == "10:00"
    assert fields["frequency"]["element"]["initial_option"]["value"] == "biweekly"
    assert fields["location"]["element"]["initial_value"] == VALID["location"]
    changed = dict(VALID, weekday="3", start_time="16:00", notes="Thursdays suit me better")
    assert submit(bot, MENTEE, view, changed) is None
    v2 = wait_for_version(bot, pair, 2, BoundariesStatus.PROPOSED)

    # The first proposal is superseded, and its message says so (no buttons left).
    assert versions(bot, pair)[0].status == BoundariesStatus.SUPERSEDED
    old = bot.fake.wait_for(lambda f: "Replaced by version 2" in json.dumps(message(bot, v1.proposal_ts or "")))
    assert old
    assert action_ids(message(bot, v1.proposal_ts or "")["blocks"]) == []

    # Agreeing to the superseded proposal is refused clearly.
    click(bot, MENTOR, "boundaries_agree", str(v1.id), ts=v1.proposal_ts or "")
    replies = bot.fake.wait_for_responses(2)
    assert "replaced by a newer one" in replies[-1]["text"]

    # The mentor agrees to the middle ground.
    click(bot, MENTOR, "boundaries_agree", str(v2.id), ts=v2.proposal_ts or "")
    bot.fake.wait_for_calls("files.completeUploadExternal")
    with session_scope(bot.engine) as session:
        agreed = agreed_boundaries(session, pair.id or 0)
    assert agreed is not None and agreed.version == 2 and agreed.agreed_by == MENTOR
    assert agreed.first_meeting_on is not None and agreed.first_meeting_on.isoformat() == "2026-11-26"

    # The proposal message is updated in place to show it was agreed.
    closed = message(bot, v2.proposal_ts or "")
    assert f"Agreed by <@{MENTOR}>" in json.dumps(closed["blocks"]) and action_ids(closed["blocks"]) == []

    # The summary shows the next three meetings in each reader's own time.
    summary = next(p for p in bot.fake.posts(CHANNEL) if p["text"].startswith("Boundaries agreed"))
    rendered = json.dumps(summary["blocks"])
    # Thursdays at 16:00 Berlin (15:00 UTC) every two weeks from 26 November 2026.
    for day in (26, 10, 24):
        month = 11 if day == 26 else 12
        stamp = int(datetime(2026, month, day, 15, 0, tzinfo=UTC).timestamp())
        assert f"<!date^{stamp}^{{date_short_pretty}} at {{time}}|" in rendered
    assert "boundaries_change" in action_ids(summary["blocks"])

    # The .ics of the series is uploaded into the pair DM.
    (url_call,) = bot.fake.calls("files.getUploadURLExternal")
    assert url_call.args["filename"] == "mentoring.ics"
    (complete,) = bot.fake.calls("files.completeUploadExternal")
    assert complete.args["channel_id"] == CHANNEL
    file_id = complete.args["files"][0]["id"]
    ics = bot.fake.state.uploads[file_id].decode()
    assert "\r\nRRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TH\r\n" in ics
    assert "\r\nDTSTART;TZID=Europe/Berlin:20261126T160000\r\n" in ics
    assert "\r\nDURATION:PT1H\r\n" in ics and "LOCATION:https://meet.example.com/abc?x=1&y=2" in ics

    # History is kept: v1 superseded, v2 agreed.
    assert [(v.version, v.status) for v in versions(bot, pair)] == [
        (1, BoundariesStatus.SUPERSEDED),
        (2, BoundariesStatus.AGREED),
    ]


def test_agreed_boundaries_can_be_revised_the_same_way_and_history_is_kept(bot: RunningBot) -> None:
    pair = make_pair(bot.engine)
    submit(bot, MENTOR, open_modal(bot, MENTOR), VALID)
    v1 = wait_for_version(bot, pair, 1)
    click(bot, MENTEE, "boundaries_agree", str(v1.id), ts=v1.proposal_ts or "")
    bot.fake.wait_for_calls("files.completeUploadExternal")

    # Later, the mentee revises from the agreed summary's button; v1 stays in force until v2 is agreed.
    before = len(bot.fake.calls("views.open"))
    click(bot, MENTEE, "boundaries_change", str(v1.id))
    view = opened_and_accepted(bot, before)
    assert "agreed and in force" in json.dumps(view["blocks"])
    submit(bot, MENTEE, view, dict(VALID, frequency="monthly", duration_minutes="90"))
    v2 = wait_for_version(bot, pair, 2)
    with session_scope(bot.engine) as session:
        assert (agreed_boundaries(session, pair.id or 0) or Boundaries()).version == 1  # type: ignore[call-arg]

    click(bot, MENTOR, "boundaries_agree", str(v2.id), ts=v2.proposal_ts or "")
    bot.fake.wait_for_calls("files.completeUploadExternal", 2)
    assert [(v.version, v.status) for v in versions(bot, pair)] == [
        (1, BoundariesStatus.SUPERSEDED),
        (2, BoundariesStatus.AGREED),
    ]
    with session_scope(bot.engine) as session:
        agreed = agreed_boundaries(session, pair.id or 0)
    assert agreed is not None and agreed.first_meeting_on is not None
    assert agreed.first_meeting_on.isoformat() == "2026-12-01"  # the next Tuesday, the 1st of the month
    complete = bot.fake.calls("files.completeUploadExternal")[-1]
    ics = bot.fake.state.uploads[complete.args["files"][0]["id"]].decode()
    assert "RRULE:FREQ=MONTHLY;BYDAY=1TU" in ics and "SEQUENCE:2" in ics


def test_welcome_button_opens_the_boundaries_modal_for_members_only(bot: RunningBot) -> None:
    pair = make_pair(bot.engine)
    click(bot, OTHER, "boundaries_open", str(pair.id))
    (reply,) = bot.fake.wait_for_responses()
    assert "not part of this pair" in reply["text"]
    assert bot.fake.calls("views.open") == []
    click(bot, MENTOR, "boundaries_open", str(pair.id))
    (call,) = bot.fake.wait_for_calls("views.open")
    assert call.args["view"]["callback_id"] == "boundaries_submit"


def test_outsider_cannot_agree_or_change_a_pairs_proposal(bot: RunningBot) -> None:
    pair = make_pair(bot.engine)
    submit(bot, MENTOR, open_modal(bot, MENTOR), VALID)
    v1 = wait_for_version(bot, pair, 1)
    click(bot, OTHER, "boundaries_agree", str(v1.id))
    click(bot, OTHER, "boundaries_change", str(v1.id))
    click(bot, MENTEE, "boundaries_agree", "not-a-number")
    replies = bot.fake.wait_for_responses(3)
    assert sum("not part of this pair" in r["text"] for r in replies) == 2
    assert any("couldn't find" in r["text"] for r in replies)
    assert versions(bot, pair)[0].status == BoundariesStatus.PROPOSED
    assert len(bot.fake.calls("views.open")) == 1


def test_crafted_submission_naming_another_pair_changes_nothing(bot: RunningBot) -> None:
    make_pair(bot.engine)
    theirs = make_pair(bot.engine, channel="GOTHERDM01", mentee=OTHER)
    view = open_modal(bot, MENTEE)
    view["private_metadata"] = json.dumps({"pair_id": theirs.id})
    body = submit(bot, MENTEE, view, VALID)
    assert body["response_action"] == "errors" and "not part of this pair" in body["errors"]["frequency"]
    assert versions(bot, theirs) == []


# ---- validation over signed HTTP: each error names the field, and nothing is proposed ------------------

CASES = [
    ("empty required fields", {}, SCHEDULING),
    (
        "text over its limit",
        {"expectations": "x" * 1501, "contact_method": "y" * 256},
        {"expectations", "contact_method"},
    ),
    (
        "contact hours ending before they start",
        {"mentee_contact_start": "12:00", "mentee_contact_end": "08:00"},
        {"mentee_contact_end"},
    ),
    ("contact hours ending when they start", {"mentor_contact_end": "09:00"}, {"mentor_contact_end"}),
    ("an invalid link", {"location": "htps://meet example"}, {"location"}),
    ("a link without https", {"location": "www.meet.example.com/abc"}, {"location"}),
    ("a non-web link", {"location": "ftp://files.example.com"}, {"location"}),
    ("an unknown time zone", {"timezone": "Mars/Olympus", "mentee_tz": "EST5EDT;drop"}, {"timezone", "mentee_tz"}),
    ("a meeting too short", {"duration_minutes": "10"}, {"duration_minutes"}),
    ("a meeting too long", {"duration_minutes": "241"}, {"duration_minutes"}),
    ("a fractional length", {"duration_minutes": "60.5"}, {"duration_minutes"}),
]


@pytest.mark.parametrize(("case", "changes", "named"), CASES, ids=[c[0] for c in CASES])
def test_invalid_proposal_is_answered_with_errors_naming_each_field(
    bot: RunningBot, case: str, changes: dict[str, str], named: set[str]
) -> None:
    pair = make_pair(bot.engine)
    view = open_modal(bot, MENTOR)
    inputs = dict(VALID, **changes) if changes else {}
    body = submit(bot, MENTOR, view, inputs)
    assert body["response_action"] == "errors", case
    assert set(body["errors"]) == named
    assert set(body["errors"]) <= set(inputs_of(view))  # only block ids that exist in the view
    assert versions(bot, pair) == [] and bot.fake.posts(CHANNEL) == []


def test_select_values_outside_the_options_are_refused(bot: RunningBot) -> None:
    pair = make_pair(bot.engine)
    view = open_modal(bot, MENTOR)
    payload = view_submission(user_id=MENTOR, view=view, inputs=VALID)
    values = payload["view"]["state"]["values"]
    values["frequency"]["frequency"]["selected_option"] = {
        "text": {"type": "plain_text", "text": "x"},
        "value": "daily",
    }
    values["weekday"]["weekday"]["selected_option"] = {"text": {"type": "plain_text", "text": "x"}, "value": "9"}
    values["start_time"]["start_time"]["selected_time"] = "25:99"
    body = bot.slack.interactive(payload).json()
    assert set(body["errors"]) == {"frequency", "weekday", "start_time"}
    assert versions(bot, pair) == []


def test_malformed_payloads_change_nothing(bot: RunningBot) -> None:
    pair = make_pair(bot.engine)
    view = open_modal(bot, MENTOR)
    payload = view_submission(user_id=MENTOR, view=view, inputs=VALID)
    payload["view"]["state"] = {"values": {"frequency": "weekly", "weekday": None, "timezone": {"x": 5}}}
    assert bot.slack.interactive(payload).json()["response_action"] == "errors"
    payload["view"]["private_metadata"] = "[1, 2"
    assert bot.slack.interactive(payload).json()["response_action"] == "errors"
    assert versions(bot, pair) == [] and bot.fake.posts(CHANNEL) == []
