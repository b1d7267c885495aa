"""The users.info cache: Slack's answer kept for a day, safe when two requests fetch the same person at once."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from slack_sdk import WebClient
from sqlalchemy.engine import Engine
from sqlmodel import select

from slackapi.users import get_user
from storage.db import session_scope
from storage.models import SlackUser
from tests.conftest import MENTOR
from tests.support.fake_slack import TEAM_ID, VALID_TOKEN, FakeSlack

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_two_requests_fetching_the_same_new_user_at_once_both_get_them(engine: Engine, fake_slack: FakeSlack) -> None:
    # users.info answers slowly, so both requests find no cached row before either writes one.
    fake_slack.inject("users.info", delay=0.3, times=2)
    client = WebClient(token=VALID_TOKEN, base_url=fake_slack.api_url)
    barrier = threading.Barrier(2)
    found: list[str | None] = []
    errors: list[BaseException] = []

    def fetch() -> None:
        try:
            barrier.wait(timeout=5)
            with session_scope(engine) as session:
                user = get_user(session, client, team_id=TEAM_ID, user_id=MENTOR, now=NOW)
                found.append(user.tz if user else None)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=fetch) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert errors == []
    assert found == ["Europe/Berlin", "Europe/Berlin"]
    with session_scope(engine) as session:
        assert len(list(session.exec(select(SlackUser)))) == 1
