"""Producers of due posts: each looks at the database at ``now`` and plans what should be posted.

A producer is a plain function ``(session, now, settings) -> Iterable[PlannedPost]``. It must be
pure with respect to Slack (no API calls) and give every post a stable delivery key, so that
asking it twice for the same instant plans the same posts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from sqlmodel import Session

from bot.config import Settings
from bot.outbox import PlannedPost

Producer = Callable[[Session, datetime, Settings], Iterable[PlannedPost]]


def default_producers() -> list[Producer]:
    """The producers that run on every tick, in order."""
    return []
