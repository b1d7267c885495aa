"""The App Home tab: published when a user opens it (``app_home_opened``)."""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from blocks.home import home_view
from mentoring.deps import Deps
from mentoring.home import home_summary
from storage.db import session_scope


def register(app: App, deps: Deps) -> None:
    def on_home_opened(event: dict[str, Any], body: dict[str, Any], client: WebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        user_id = str(event.get("user", ""))
        team_id = str(body.get("team_id", ""))
        with session_scope(deps.engine) as session:
            summaries = home_summary(session, team_id=team_id, user_id=user_id, now=deps.now())
        client.views_publish(user_id=user_id, view=home_view(summaries, user_id))

    app.event("app_home_opened")(on_home_opened)
