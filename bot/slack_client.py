"""The Slack Web API client: base URL from settings, slack_sdk's retry handlers for 429, 5xx and resets."""

from __future__ import annotations

import logging
import threading
import time
import weakref
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.handler import RetryHandler

from mentoring.settings import Settings

logger = logging.getLogger(__name__)

#: Web API calls give up after this many seconds; Slack answers far faster when healthy.
WEB_API_TIMEOUT_S = 10


def retry_handlers() -> list[RetryHandler]:
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


# ---- Slack's state for /healthz and the request path: a cheap, cached, bounded auth.test ----------

#: auth.test gives up after this long and is not retried: Slack's state must be known fast.
AUTH_TEST_TIMEOUT_S = 2.0
#: How long a result is reused: a good one for a minute, a failure only briefly (to notice recovery).
AUTH_OK_TTL_S = 60.0
AUTH_FAILED_TTL_S = 5.0


@dataclass(frozen=True)
class SlackState:
    status: str  # "ok", "unknown" (not checked yet), "unreachable", or Slack's error code ("invalid_auth", …)
    auth: dict[str, Any] | None = None  # the last successful auth.test answer (bot user and bot ids)
    checked_at: float = 0.0

    @property
    def failing(self) -> bool:
        return self.status not in ("ok", "unknown")


class SlackMonitor:
    """The last result of ``auth.test`` for the bot token, refreshed in the background, never awaited for long.

    The request path and ``/healthz`` ask ``check(wait)``: a cached answer comes back at once; a
    stale one triggers one refresh (no retries, a short timeout) that is awaited at most ``wait``
    seconds. A bad token is "invalid_auth" (or Slack's other code), a network failure "unreachable".
    """

    def __init__(self, client: WebClient) -> None:
        self.client = WebClient(
            token=client.token, base_url=client.base_url, timeout=int(AUTH_TEST_TIMEOUT_S) or 1, retry_handlers=[]
        )
        self._lock = threading.Lock()
        self._state = SlackState("unknown")
        self._done: threading.Event | None = None

    @property
    def state(self) -> SlackState:
        return self._state

    def check(self, wait: float) -> SlackState:
        with self._lock:
            state = self._state
            ttl = AUTH_OK_TTL_S if state.status == "ok" else AUTH_FAILED_TTL_S
            if state.checked_at and time.monotonic() - state.checked_at < ttl:
                return state
            done = self._done
            if done is None:
                done = self._done = threading.Event()
                threading.Thread(target=self._refresh, args=(done,), daemon=True, name="slack-auth-test").start()
        if wait > 0:
            done.wait(wait)
        return self._state

    def _refresh(self, done: threading.Event) -> None:
        previous = self._state
        try:
            answer = self.client.auth_test()
            state = SlackState("ok", dict(answer.data) if isinstance(answer.data, dict) else None, time.monotonic())
        except SlackApiError as error:
            code = str(error.response.get("error") or "error") if error.response is not None else "error"
            if error.response is not None and error.response.status_code == 429:
                code = "ok"  # rate limited: Slack is there and knows the token
            elif error.response is not None and error.response.status_code >= 500:
                code = "unavailable"
            state = SlackState(code, previous.auth, time.monotonic())
        except Exception as error:  # network: refused, reset, timeout, DNS
            state = SlackState("unreachable", previous.auth, time.monotonic())
            if previous.status != "unreachable":
                logger.warning("Slack cannot be reached (%s: %s)", type(error).__name__, str(error)[:200])
        if state.status != previous.status and state.status == "unavailable":
            logger.warning("Slack answers auth.test with server errors")
        elif state.status != previous.status and state.status not in ("ok", "unreachable"):
            logger.warning("Slack refused the bot token: %s", state.status)
        elif state.status == "ok" and previous.failing:
            logger.info("Slack is reachable again and accepts the bot token")
        with self._lock:
            self._state = state
            self._done = None
        done.set()


_monitors: weakref.WeakKeyDictionary[WebClient, SlackMonitor] = weakref.WeakKeyDictionary()
_monitors_lock = threading.Lock()


def slack_monitor(client: WebClient) -> SlackMonitor | None:
    """The one monitor of ``client``'s token (None when it has no token: tokens come from installs)."""
    if not client.token:
        return None
    with _monitors_lock:
        monitor = _monitors.get(client)
        if monitor is None:
            monitor = _monitors[client] = SlackMonitor(client)
        return monitor
