"""The Slack Web API client: base URL from settings, slack_sdk's retry handlers for 429, 5xx and resets."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.config import Settings

#: Web API calls give up after this many seconds; Slack answers far faster when healthy.
WEB_API_TIMEOUT_S = 10


def retry_handlers() -> list:  # type: ignore[type-arg]
    return [
        ConnectionErrorRetryHandler(max_retry_count=2),
        RateLimitErrorRetryHandler(max_retry_count=2),
        ServerErrorRetryHandler(max_retry_count=2),
    ]


def make_client(settings: Settings, token: str | None = None) -> WebClient:
    """A WebClient for ``settings.slack_api_url`` that retries rate limits, server errors and resets."""
    return WebClient(
        token=token or settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=WEB_API_TIMEOUT_S,
        retry_handlers=retry_handlers(),
    )
