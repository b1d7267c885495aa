"""The Slack edge: listeners that read the payload, call ``mentoring`` and render with ``blocks``.

``/mentor`` subcommands are routed by the one table in ``handlers.commands``; every other listener
(buttons, modals, events) is registered by its feature module's ``register(app, deps)``.
"""

from __future__ import annotations

from slack_bolt import App

from handlers import (
    actions,
    boundaries,
    commands,
    delete_my_data,
    end,
    errors,
    events,
    goals,
    home,
    importing,
    meetings,
    pair,
    payloads,
    prework,
    program,
    replays,
    roadmap,
    wrapup,
)
from mentoring.deps import Deps

#: Modules with buttons, modals or events of their own (``export`` and ``report`` are commands only).
FEATURES = (
    pair,
    importing,
    end,
    prework,
    boundaries,
    goals,
    roadmap,
    meetings,
    wrapup,
    actions,
    program,
    delete_my_data,
    events,
    home,
)


def register_handlers(app: App, deps: Deps) -> None:
    errors.register(app, deps)
    replays.register(app, deps)  # before any listener: a replayed request changes nothing
    payloads.register(app)  # then every submitted text is cleaned once, before any listener reads it
    for feature in FEATURES:
        feature.register(app, deps)
    commands.register(app, deps)
