"""Malformed but correctly signed requests: a clear refusal, no crash, nothing changed."""

from __future__ import annotations

import json
from urllib.parse import quote

from tests.conftest import MENTEE, MENTOR, RunningBot
from tests.support.payloads import block_action, view_submission
from tests.support.slack_user import all_pairs, db_snapshot, opened_view, pair_via_command, run_command, started


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


# ---- issue 9, items 11 and 12: the signature is checked before anything is parsed or logged ----


def _post_raw(bot: RunningBot, body: bytes, headers: dict[str, str]):  # type: ignore[no-untyped-def]
    from tests.support.slack_requests import http_request

    return http_request(bot.slack.events_url, method="POST", body=body, headers=headers)


def _signed_raw_headers(body: bytes, content_type: str) -> dict[str, str]:
    import hashlib
    import hmac
    import time

    from tests.support.slack_requests import SIGNING_SECRET

    ts = str(int(time.time()))
    digest = hmac.new(SIGNING_SECRET.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256).hexdigest()
    return {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": "v0=" + digest}


def test_badly_signed_megabyte_body_is_401_and_logs_almost_nothing(bot: RunningBot, caplog) -> None:  # type: ignore[no-untyped-def]
    import logging
    import time

    body = ("text=" + "x" * (1024 * 1024 - 100)).encode()
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": str(int(time.time())),
        "X-Slack-Signature": "v0=" + "0" * 64,
    }
    with caplog.at_level(logging.DEBUG):
        response = _post_raw(bot, body, headers)
    assert response.status == 401
    logged = sum(len(record.getMessage()) for record in caplog.records)
    assert logged < 300, f"{logged} bytes of log for one badly signed request"


def test_non_utf8_body_is_401_unsigned_and_400_signed_never_500(bot: RunningBot) -> None:
    body = b"payload=\xff\xfe\xfa"
    unsigned = {"Content-Type": "application/x-www-form-urlencoded", "X-Slack-Signature": "v0=" + "0" * 64}
    unsigned["X-Slack-Request-Timestamp"] = _signed_raw_headers(body, "x")["X-Slack-Request-Timestamp"]
    assert _post_raw(bot, body, unsigned).status == 401
    assert _post_raw(bot, body, _signed_raw_headers(body, "application/x-www-form-urlencoded")).status == 400


def test_deeply_nested_json_is_401_unsigned_and_400_signed_never_500(bot: RunningBot) -> None:
    body = ("[" * 200_000 + "]" * 200_000).encode()
    unsigned = _signed_raw_headers(body, "application/json")
    unsigned["X-Slack-Signature"] = "v0=" + "0" * 64
    assert _post_raw(bot, body, unsigned).status == 401
    assert _post_raw(bot, body, _signed_raw_headers(body, "application/json")).status == 400
    payload = b"payload=" + quote('{"a":' * 50_000 + "1" + "}" * 50_000).encode()
    signed = _signed_raw_headers(payload, "application/x-www-form-urlencoded")
    assert _post_raw(bot, payload, signed).status == 400


def test_signed_view_submission_without_user_is_400_not_500(bot: RunningBot) -> None:
    payload = {
        "type": "view_submission",
        "team": {"id": "T0001"},
        "api_app_id": "A0001",
        "view": {"id": "V1", "callback_id": "prework_submit", "state": {"values": {}}, "blocks": []},
    }
    response = bot.slack.interactive(payload)
    assert response.status == 400
    assert bot.fake.calls("chat.postMessage") == []


def test_malformed_payloads_are_not_server_errors_and_change_nothing(bot: RunningBot) -> None:
    started(bot, pair_via_command(bot, MENTOR, MENTEE))
    before = db_snapshot(bot)
    bad = [
        ("payload=not-json", "application/x-www-form-urlencoded"),
        ("payload=" + quote(json.dumps({"type": "block_actions"})), "application/x-www-form-urlencoded"),
        ("payload=" + quote(json.dumps([1, 2])), "application/x-www-form-urlencoded"),
        ("{not json", "application/json"),
        (json.dumps({"type": "event_callback"}), "application/json"),
        ("", "application/x-www-form-urlencoded"),
    ]
    for body, content_type in bad:
        status = bot.slack.post(body, content_type).status
        assert status < 500, (body, status)
    assert db_snapshot(bot) == before


def test_submissions_with_missing_or_broken_state_change_nothing(bot: RunningBot) -> None:
    pair = started(bot, pair_via_command(bot, MENTOR, MENTEE))
    before = db_snapshot(bot)
    # (Not the roadmap: a theme missing from the state falls back, by design, to the suggestion it was shown with.)
    for sub in ("boundaries", "prework", "goals"):
        views = len(bot.fake.calls("views.open"))
        run_command(bot, sub, user_id=MENTEE, channel_id=pair.channel_id or "")
        view = opened_view(bot, views)
        for state in (None, {}, {"values": None}, {"values": {"x": {"y": {"type": "plain_text_input"}}}}):
            payload = view_submission(user_id=MENTEE, view=view, inputs={})
            if state is None:
                payload["view"].pop("state")
            else:
                payload["view"]["state"] = state
            assert bot.slack.interactive(payload).status < 500, (sub, state)
        payload = view_submission(user_id=MENTEE, view=view, inputs={})
        payload["view"]["private_metadata"] = "{not json"
        assert bot.slack.interactive(payload).status < 500, sub
    bot.settle()
    assert db_snapshot(bot) == before
