"""What every handler and scheduler job is given: settings, the database engine, Slack and the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from slack_sdk import WebClient
from sqlalchemy.engine import Engine

from bot.config import Settings


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Deps:
    settings: Settings
    engine: Engine
    client: WebClient
    clock: Callable[[], datetime] = field(default=system_clock)

    def now(self) -> datetime:
        return self.clock()
