"""Multi-workspace install: /slack/install, /slack/oauth_redirect, and tokens per workspace afterwards."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from html import unescape
from urllib.parse import parse_qs, urlparse

import pytest

from bot.app import build_deps, create_app
from bot.server import serving_in_thread
from mentoring.deps import Deps
from mentoring.outbox import PlannedPost, enqueue
from mentoring.settings import Settings
from scheduler.tick import tick
from storage.db import session_scope
from tests.conftest import make_settings
from tests.support.fake_slack import FakeSlack
from tests.support.slack_requests import http_request


@pytest.fixture
def oauth_bot(fake_slack: FakeSlack, database_url: str, engine) -> Iterator[tuple[str, Deps]]:  # type: ignore[no-untyped-def]
    settings: Settings = make_settings(
        fake_slack, database_url, slack_bot_token=None, slack_client_id="111.222", slack_client_secret="shh"
    )
    deps = build_deps(settings, engine=engine)
    with serving_in_thread(
        create_app(settings, client=deps.client, engine=engine), engine, signing_secret=settings.slack_signing_secret
    ) as url:
        yield url, deps


def test_install_then_redirect_stores_the_workspace_token_used_for_its_posts(
    oauth_bot: tuple[str, Deps], fake_slack: FakeSlack
) -> None:
    url, deps = oauth_bot
    page = http_request(url + "/slack/install")
    assert page.status == 200
    link = unescape(re.search(r'href="(https://slack.com/oauth/v2/authorize[^"]+)"', page.text).group(1))  # type: ignore[union-attr]
    query = parse_qs(urlparse(link).query)
    assert query["client_id"] == ["111.222"]
    assert "chat:write" in query["scope"][0]
    cookie = page.headers["set-cookie"].split(";")[0]

    fake_slack.add_installation("T0TWO", "xoxb-second-workspace")
    done = http_request(f"{url}/slack/oauth_redirect?code=abc&state={query['state'][0]}", headers={"Cookie": cookie})
    assert done.status == 200, done.text
    assert fake_slack.calls("oauth.v2.access")

    now = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    with session_scope(deps.engine) as session:
        enqueue(session, [PlannedPost("oauth:1", "T0TWO", "G0TWO", "test", "hello second workspace", now)], now=now)
        enqueue(session, [PlannedPost("oauth:2", "T0NONE", "G0NONE", "test", "nobody installed", now)], now=now)
    assert tick(now, deps, []).delivered == 1
    (post,) = fake_slack.calls("chat.postMessage")
    assert post.headers["authorization"] == "Bearer xoxb-second-workspace"


def test_redirect_with_a_forged_state_installs_nothing(oauth_bot: tuple[str, Deps], fake_slack: FakeSlack) -> None:
    url, deps = oauth_bot
    response = http_request(f"{url}/slack/oauth_redirect?code=abc&state=forged")
    assert response.status >= 400
    assert fake_slack.calls("oauth.v2.access") == []
    assert deps.client_for_team("T0001") is None
