"""The Slack edge: listeners that parse payloads, call ``bot`` services and render Block Kit."""

from __future__ import annotations

from slack_bolt import App

from handlers import (
    boundaries,
    checkins,
    commands,
    errors,
    events,
    followthrough,
    goals,
    home,
    meetings,
    pairing,
    prework,
    replays,
    reports,
    roadmap,
    views,
)
from mentoring.deps import Deps

#: Feature modules: each has ``register(app, deps)`` and may offer ``COMMANDS`` / ``PAIR_COMMANDS``.
FEATURES = (pairing, prework, boundaries, goals, roadmap, meetings, checkins, followthrough, events, reports, home)


def register_handlers(app: App, deps: Deps) -> None:
    errors.register(app, deps)
    replays.register(app, deps)  # before any listener: a replayed request changes nothing
    views.register(app)  # then every submitted text is cleaned once, before any listener reads it
    for feature in FEATURES:
        feature.register(app, deps)
    commands.register(app, deps, FEATURES)
