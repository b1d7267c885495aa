"""The HTTP front as Slack and operators see it: signatures, health, the 3-second ack."""

from __future__ import annotations

import time

from sqlalchemy import func, select

from storage.models import Pair
from tests.conftest import ADMIN, MENTEE, MENTOR, RunningBot
from tests.support.slack_requests import http_request


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
