"""The HTTP front as Slack and operators see it: signatures, health, the 3-second ack."""

from __future__ import annotations

import json
import time
from urllib.parse import quote

from sqlalchemy import func, select

from storage.models import Pair
from tests.conftest import ADMIN, MENTEE, MENTOR, OTHER, RunningBot
from tests.support.fake_slack import TEAM_ID
from tests.support.payloads import block_action
from tests.support.slack_requests import SlackSender, http_request
from tests.support.slack_user import all_pairs, enterprise_command_body


def _pair_count(bot: RunningBot) -> int:
    with bot.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(Pair)).scalar_one()


def test_healthz_answers_200_with_json_once_the_database_is_reachable(bot: RunningBot) -> None:
    response = http_request(bot.url + "/healthz")
    assert response.status == 200
    assert response.json() == {"status": "ok", "database": True, "slack": "ok"}


def test_unknown_path_is_404(bot: RunningBot) -> None:
    assert http_request(bot.url + "/nope").status == 404


def test_unsigned_request_gets_401_and_changes_nothing(bot: RunningBot) -> None:
    body = bot.slack.command_body(f"pair <@{MENTOR}> <@{MENTEE}>", user_id=ADMIN)
    response = http_request(
        bot.slack.events_url,
        method="POST",
        body=body.encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status == 401
    assert _pair_count(bot) == 0
    assert bot.fake.calls("chat.postMessage") == []


def test_tampered_body_gets_401(bot: RunningBot) -> None:
    body = bot.slack.command_body("help")
    headers = bot.slack.signed_headers(body, "application/x-www-form-urlencoded")
    tampered = body.replace("help", "pair")
    response = http_request(bot.slack.events_url, method="POST", body=tampered.encode(), headers=headers)
    assert response.status == 401


def test_stale_timestamp_gets_401_even_when_correctly_signed(bot: RunningBot) -> None:
    body = bot.slack.command_body("help")
    headers = bot.slack.signed_headers(body, "application/x-www-form-urlencoded", int(time.time()) - 6 * 60)
    response = http_request(bot.slack.events_url, method="POST", body=body.encode(), headers=headers)
    assert response.status == 401


def test_signed_interactivity_and_events_with_forged_signature_get_401(bot: RunningBot) -> None:
    for body, content_type in (
        ('payload={"type":"block_actions"}', "application/x-www-form-urlencoded"),
        ('{"type":"event_callback","event":{"type":"app_home_opened"}}', "application/json"),
    ):
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": str(int(time.time())),
            "X-Slack-Signature": "v0=" + "0" * 64,
        }
        response = http_request(bot.slack.events_url, method="POST", body=body.encode(), headers=headers)
        assert response.status == 401


def test_url_verification_challenge_is_echoed(bot: RunningBot) -> None:
    response = bot.slack.post(
        '{"token":"x","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}',
        "application/json",
    )
    assert response.status == 200
    assert "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" in response.text


def test_healthz_answers_503_when_the_database_is_unreachable(deps, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from bot.app import create_app
    from bot.server import serving_in_thread
    from storage.db import make_engine

    missing = make_engine(f"sqlite:///{tmp_path}/no/such/dir/mentor.db")
    app = create_app(deps.settings, client=deps.client, engine=missing)
    with serving_in_thread(app, missing, signing_secret=deps.settings.slack_signing_secret) as url:
        response = http_request(url + "/healthz")
    assert response.status == 503
    assert response.json()["database"] is False


def test_healthz_answers_503_when_the_database_can_be_read_but_not_written(deps, fake_slack) -> None:  # type: ignore[no-untyped-def]
    """Issue 9, item 10: ``SELECT 1`` works on a read-only database, every write fails; health must say so."""
    from sqlalchemy import event

    from bot.app import create_app
    from bot.server import serving_in_thread
    from storage.db import make_engine

    read_only = make_engine(deps.settings.database_url)

    @event.listens_for(read_only, "connect")
    def _read_only(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        cursor = dbapi_connection.cursor()
        if read_only.dialect.name == "sqlite":
            cursor.execute("PRAGMA query_only=ON")
        else:
            cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
        cursor.close()
        dbapi_connection.commit()  # keep the setting (a rolled-back SET would be undone)

    try:
        app = create_app(deps.settings, client=deps.client, engine=read_only)
        with serving_in_thread(app, read_only, signing_secret=deps.settings.slack_signing_secret) as url:
            response = http_request(url + "/healthz")
    finally:
        read_only.dispose()
    assert response.status == 503
    assert response.json()["database"] is False


def _unsigned(bot: RunningBot, body: str, content_type: str, headers: dict[str, str]) -> int:
    all_headers = {"Content-Type": content_type, **headers}
    return http_request(bot.slack.events_url, method="POST", body=body.encode(), headers=all_headers).status


def _bodies(bot: RunningBot) -> list[tuple[str, str]]:
    cmd = enterprise_command_body(bot.slack, f"pair <@{MENTOR}|maria> <@{MENTEE}|tom>", user_id=ADMIN)
    click = block_action(user_id=MENTOR, action_id="pair_accept", value="1")
    event = {
        "token": "x",
        "team_id": TEAM_ID,
        "api_app_id": "A0001",
        "type": "event_callback",
        "event_id": "Ev1",
        "event_time": int(time.time()),
        "event": {"type": "app_home_opened", "user": MENTOR, "channel": "D0001", "tab": "home"},
    }
    return [
        (cmd, "application/x-www-form-urlencoded"),
        ("payload=" + quote(json.dumps(click)), "application/x-www-form-urlencoded"),
        (json.dumps(event), "application/json"),
    ]


def test_unsigned_forged_or_stale_requests_get_401_and_change_nothing(bot: RunningBot) -> None:
    forger = SlackSender(bot.url, response_url=bot.fake.response_url(), signing_secret="not-the-secret")
    for body, content_type in _bodies(bot):
        assert _unsigned(bot, body, content_type, {}) == 401
        ts = str(int(time.time()))
        assert _unsigned(bot, body, content_type, {"X-Slack-Request-Timestamp": ts}) == 401
        assert forger.post(body, content_type).status == 401
        stale = int(time.time()) - 6 * 60
        headers = bot.slack.signed_headers(body, content_type, timestamp=stale)
        assert http_request(bot.slack.events_url, method="POST", body=body.encode(), headers=headers).status == 401
        future = int(time.time()) + 6 * 60
        headers = bot.slack.signed_headers(body, content_type, timestamp=future)
        assert http_request(bot.slack.events_url, method="POST", body=body.encode(), headers=headers).status == 401
        for odd in ("yesterday", "", "1e10", "-1"):
            headers = bot.slack.signed_headers(body, content_type)
            headers["X-Slack-Request-Timestamp"] = odd
            assert http_request(bot.slack.events_url, method="POST", body=body.encode(), headers=headers).status == 401
        headers = bot.slack.signed_headers(body, content_type)
        headers["X-Slack-Signature"] = "v0=" + "0" * 64
        assert http_request(bot.slack.events_url, method="POST", body=body.encode(), headers=headers).status == 401
        # Signed for another body: the signature does not match what arrives.
        headers = bot.slack.signed_headers(body + "x", content_type)
        assert http_request(bot.slack.events_url, method="POST", body=body.encode(), headers=headers).status == 401
    bot.settle()  # anything accepted by mistake has reached the fake Slack by now
    assert all_pairs(bot) == [] and bot.fake.calls() == [] and bot.fake.responses() == []


def test_request_signed_4_minutes_ago_is_still_accepted(bot: RunningBot) -> None:
    body = enterprise_command_body(bot.slack, "help", user_id=OTHER)
    headers = bot.slack.signed_headers(body, "application/x-www-form-urlencoded", timestamp=int(time.time()) - 240)
    response = http_request(bot.slack.events_url, method="POST", body=body.encode(), headers=headers)
    assert response.status == 200 and "/mentor help" in response.json()["text"]


def test_healthz_answers_200_with_small_json(bot: RunningBot) -> None:
    response = http_request(bot.url + "/healthz")
    assert response.status == 200
    assert isinstance(response.json(), dict) and len(response.body) < 1000


def test_url_verification_echoes_the_challenge(bot: RunningBot) -> None:
    body = json.dumps({"token": "FAKEverificationTOKEN0001", "challenge": "3eZbrw1aBm2r", "type": "url_verification"})
    response = bot.slack.post(body, "application/json")
    assert response.status == 200 and "3eZbrw1aBm2r" in response.text


def test_slow_slack_still_gets_every_request_acked_within_3_seconds(bot: RunningBot) -> None:
    bot.fake.inject("conversations.open", delay=3.5)
    started = time.monotonic()
    response = bot.slack.post(
        enterprise_command_body(bot.slack, f"pair <@{MENTOR}|maria> <@{MENTEE}|tom>", user_id=ADMIN),
        "application/x-www-form-urlencoded",
    )
    assert time.monotonic() - started < 3 and response.status == 200
    bot.fake.wait_for(lambda f: any(p.welcome_ts for p in all_pairs(bot)), timeout=10)
    pair = all_pairs(bot)[0]
    bot.fake.inject("views.open", delay=3.5)
    started = time.monotonic()
    response = bot.slack.post(
        enterprise_command_body(bot.slack, "boundaries", user_id=MENTOR, channel_id=pair.channel_id or ""),
        "application/x-www-form-urlencoded",
    )
    assert time.monotonic() - started < 3 and response.status == 200
