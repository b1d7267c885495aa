"""A captured signed request sent again (within Slack's five-minute window) is acknowledged and changes nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
from sqlmodel import select

from blocks import goals as ui
from mentoring.replays import first_receipt, prune_receipts, request_key
from storage.db import session_scope
from storage.models import RequestReceipt
from tests.conftest import MENTEE, MENTOR, RunningBot
from tests.support import slack_user
from tests.support.bots import BOTH_DATABASES, bot_on
from tests.support.fake_slack import TEAM_ID
from tests.support.payloads import view_submission
from tests.support.slack_requests import http_request
from tests.support.slack_user import GOAL_INPUTS as VALID
from tests.support.slack_user import GOALS_DM as CHANNEL
from tests.support.slack_user import click_push, open_goals, stored_goals

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


@pytest.fixture(params=BOTH_DATABASES)
def any_bot(request: pytest.FixtureRequest) -> Iterator[RunningBot]:
    yield from bot_on(request, request.param)  # type: ignore[misc]


def test_a_replayed_goal_submission_creates_one_goal_and_one_post(any_bot: RunningBot) -> None:
    bot = any_bot
    slack_user.make_pair(bot.engine, channel=CHANNEL)
    form = click_push(bot, MENTEE, open_goals(bot), ui.ADD_ACTION, "add")
    body = "payload=" + quote(json.dumps(view_submission(user_id=MENTEE, view=form, inputs=VALID)))
    headers = bot.slack.signed_headers(body, FORM)  # captured once: the same signature both times

    first = http_request(bot.slack.events_url, method="POST", body=body.encode(), headers=headers)
    assert first.status == 200 and not first.body, first.text
    bot.fake.wait_for(lambda f: len(f.posts(CHANNEL)) == 1)
    updates = len(bot.fake.calls("views.update"))

    replay = http_request(bot.slack.events_url, method="POST", body=body.encode(), headers=headers)
    assert (replay.status, replay.body) == (200, b"")
    # Slack's own retry resends the same body, freshly signed, with X-Slack-Retry-Num.
    retry_headers = {**bot.slack.signed_headers(body, FORM), "X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "x"}
    retry = http_request(bot.slack.events_url, method="POST", body=body.encode(), headers=retry_headers)
    assert (retry.status, retry.body) == (200, b"")

    # A later, different request is still processed, and only after both repeats were answered.
    bot.slack.command("help", user_id=MENTEE, channel_id=CHANNEL)
    assert [g.title for g in stored_goals(bot.engine)] == [VALID["specific_title"]]
    assert len(bot.fake.posts(CHANNEL)) == 1
    assert len(bot.fake.calls("views.update")) == updates


def test_a_request_is_recorded_once_and_old_receipts_are_pruned(engine) -> None:  # type: ignore[no-untyped-def]
    now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    key = request_key("payload=%7B%7D")
    with session_scope(engine) as session:
        assert first_receipt(session, key=key, team_id="T0001", now=now - timedelta(minutes=11))
        assert not first_receipt(session, key=key, team_id="T0001", now=now)
        assert first_receipt(session, key=request_key("other"), team_id="T0001", now=now - timedelta(minutes=4))
    with session_scope(engine) as session:
        assert prune_receipts(session, now=now) == 1
        assert [r.request_key for r in session.exec(select(RequestReceipt))] == [request_key("other")]
    with session_scope(engine) as session:
        assert first_receipt(session, key=key, team_id="T0001", now=now)  # long expired: a new request


def home_opened(user: str, event_id: str) -> str:
    return json.dumps(
        {
            "token": "FAKEverificationTOKEN0001",
            "team_id": TEAM_ID,
            "api_app_id": "A0001",
            "event": {"type": "app_home_opened", "user": user, "channel": "D0001", "tab": "home"},
            "type": "event_callback",
            "event_id": event_id,
            "event_time": 1800000000,
            "authorizations": [{"team_id": TEAM_ID, "user_id": "UBOT0001", "is_bot": True}],
        }
    )


def test_slacks_retry_of_an_event_is_acknowledged_and_not_handled_again(any_bot: RunningBot) -> None:
    bot = any_bot
    body = home_opened(MENTEE, "Ev0RETRY01")
    first = http_request(
        bot.slack.events_url, method="POST", body=body.encode(), headers=bot.slack.signed_headers(body, JSON)
    )
    assert first.status == 200
    bot.fake.wait_for_calls("views.publish", 1)
    retry_headers = {
        **bot.slack.signed_headers(body, JSON),
        "X-Slack-Retry-Num": "1",
        "X-Slack-Retry-Reason": "http_timeout",
    }
    retry = http_request(bot.slack.events_url, method="POST", body=body.encode(), headers=retry_headers)
    assert (retry.status, retry.body) == (200, b"")
    # A different event sent after the retry is handled; the retry never is.
    later = home_opened(MENTOR, "Ev0LATER01")
    http_request(
        bot.slack.events_url, method="POST", body=later.encode(), headers=bot.slack.signed_headers(later, JSON)
    )
    calls = bot.fake.wait_for_calls("views.publish", 2)
    assert sorted(c.args["user_id"] for c in calls) == sorted([MENTEE, MENTOR])
