"""What every handler and scheduler job is given: settings, the database engine, Slack and the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import InstallationStore
from sqlalchemy.engine import Engine

from mentoring.settings import Settings


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Deps:
    settings: Settings
    engine: Engine
    client: WebClient
    clock: Callable[[], datetime] = field(default=system_clock)
    installations: InstallationStore | None = None  # set in multi-workspace (OAuth) mode

    def now(self) -> datetime:
        return self.clock()

    def client_for_team(self, team_id: str) -> WebClient | None:
        """The Web API client with the bot token of ``team_id`` (None if that workspace has no install)."""
        if self.installations is None:
            return self.client
        bot = self.installations.find_bot(enterprise_id=None, team_id=team_id)
        if bot is None or not bot.bot_token:
            return None
        client = self.client
        return WebClient(
            token=bot.bot_token, base_url=client.base_url, timeout=client.timeout, retry_handlers=client.retry_handlers
        )
