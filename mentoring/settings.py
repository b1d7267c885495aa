"""The settings every layer is given: defined here, read from the environment by ``bot.config``."""

from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_DATABASE_URL = "sqlite:///mentor.db"
DEFAULT_PORT = 3000


@dataclass(frozen=True)
class Settings:
    slack_bot_token: str | None
    slack_signing_secret: str | None
    slack_app_token: str | None = None
    slack_api_url: str = DEFAULT_SLACK_API_URL
    database_url: str = DEFAULT_DATABASE_URL
    port: int = DEFAULT_PORT
    admins: frozenset[str] = field(default_factory=frozenset)
    default_tz: str = "UTC"
    slack_client_id: str | None = None
    slack_client_secret: str | None = None

    @property
    def socket_mode(self) -> bool:
        return bool(self.slack_app_token)

    @property
    def oauth_enabled(self) -> bool:
        return bool(self.slack_client_id and self.slack_client_secret)

    def is_admin(self, user_id: str) -> bool:
        return user_id in self.admins
