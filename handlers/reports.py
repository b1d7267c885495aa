"""Slack edge for reports (not built yet)."""

from __future__ import annotations

from slack_bolt import App

from bot.deps import Deps


def register(app: App, deps: Deps) -> None:
    """Register this feature's listeners (none yet)."""
