"""The Slack edge: listeners that parse payloads, call ``bot`` services and render Block Kit."""

from __future__ import annotations

from slack_bolt import App

from bot.deps import Deps
from handlers import commands, errors


def register_handlers(app: App, deps: Deps) -> None:
    errors.register(app, deps)
    commands.register(app, deps)
