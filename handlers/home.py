"""The App Home tab: published when a user opens it (``app_home_opened``)."""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from blocks.home import home_view
from handlers import payloads
from mentoring.deps import Deps
from mentoring.home import home_summary
from storage.db import session_scope


def publish_home(event: dict[str, Any], body: dict[str, Any], client: WebClient, *, deps: Deps) -> None:
    if event.get("tab", "home") != "home":
        return
    user_id = payloads.user_id(body)
    with session_scope(deps.engine) as session:
        summaries = home_summary(session, team_id=payloads.team_id(body), user_id=user_id, now=deps.now())
    client.views_publish(user_id=user_id, view=home_view(summaries, user_id))


def register(app: App, deps: Deps) -> None:
    app.event("app_home_opened")(partial(publish_home, deps=deps))
