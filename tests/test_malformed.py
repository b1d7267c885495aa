"""Malformed but correctly signed requests: a clear refusal, no crash, nothing changed."""

from __future__ import annotations

import json
from urllib.parse import quote

from tests.conftest import MENTOR, RunningBot
from tests.support.flows import all_pairs
from tests.support.payloads import block_action


def test_garbled_interactivity_payload_is_refused_without_a_server_error(bot: RunningBot) -> None:
    response = bot.slack.post("payload=" + quote("{not json"), "application/x-www-form-urlencoded")
    assert response.status == 400
    assert bot.fake.calls("chat.postMessage") == []


def test_garbled_and_unsigned_is_still_401(bot: RunningBot) -> None:
    from tests.support.slack_requests import http_request

    response = http_request(
        bot.slack.events_url,
        method="POST",
        body=b"payload=%7Bnot+json",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status == 401


def test_button_with_a_non_numeric_pair_id_gets_a_clear_message(bot: RunningBot) -> None:
    payload = block_action(
        user_id=MENTOR, action_id="pair_accept", value="'; DROP TABLE pair;--", response_url=bot.fake.response_url("x")
    )
    assert bot.slack.interactive(payload).status == 200
    (reply,) = bot.fake.wait_for_responses()
    assert "couldn't find that pair" in reply["text"]
    assert all_pairs(bot) == []


def test_unknown_action_and_unknown_event_are_acknowledged_quietly(bot: RunningBot) -> None:
    payload = block_action(user_id=MENTOR, action_id="no_such_action", value="1")
    assert bot.slack.interactive(payload).status in (200, 404)
    event = {"type": "reaction_added", "user": MENTOR, "reaction": "tada", "item": {}, "event_ts": "1.0"}
    assert bot.slack.event(event).status in (200, 404)
    assert bot.fake.calls("chat.postMessage") == []


def test_json_event_body_that_is_not_an_object_is_refused(bot: RunningBot) -> None:
    response = bot.slack.post(json.dumps(["not", "an", "object"]), "application/json")
    assert response.status == 400
