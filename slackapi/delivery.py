"""Posting the outbox to Slack: claimed rows go out through ``chat.postMessage``, exactly once.

The rows, their claims and what counts as due live in ``mentoring.outbox``; this module is the
Slack side: it re-asserts each claim right before posting, looks for an earlier attempt in the
channel's history (by the delivery key in the message metadata), and decides what a failure means
(wait out a 429, pause a workspace whose token is refused, back off, or give up).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from sqlalchemy.engine import Engine

from mentoring.outbox import (
    CLAIM_BATCH,
    CLAIM_LEASE,
    GIVE_UP_AFTER,
    claim_due,
    finish_claim,
    hold_workspace,
    renew_claim,
)
from storage.models import Outbox, OutboxStatus

logger = logging.getLogger(__name__)

#: How far before the row's first possible attempt the history lookup starts (clock skew between hosts).
HISTORY_MARGIN = timedelta(minutes=5)
HISTORY_PAGES = 5
#: A 429 whose Retry-After is at most this long is waited out inline, once; longer ones go back to the outbox.
INLINE_RETRY_AFTER_MAX_S = 5
#: Back-off after a 5xx, a network error or an unknown error: 2, 4, 8 … minutes, never more than this.
MAX_BACKOFF = timedelta(minutes=30)
#: How long a workspace whose token Slack refuses waits before the next try (one call per pause).
WORKSPACE_PAUSE = timedelta(minutes=5)
METADATA_EVENT_TYPE = "mentor_bot_post"
#: Errors of one post that Slack will give again however often we try.
PERMANENT_ERRORS = frozenset(
    {
        "channel_not_found",
        "is_archived",
        "not_in_channel",
        "invalid_blocks",
        "msg_too_long",
        "no_text",
        "restricted_action",
        "user_not_found",
        "user_disabled",
        "cannot_dm_bot",
        "too_many_attachments",
        "invalid_metadata_format",
        "invalid_metadata_schema",
        "metadata_too_large",
    }
)
#: Errors about the workspace's token or installation: every post of the workspace would get them.
WORKSPACE_ERRORS = frozenset(
    {
        "invalid_auth",
        "not_authed",
        "token_revoked",
        "token_expired",
        "account_inactive",
        "missing_scope",
        "team_access_not_granted",
        "ekm_access_denied",
        "no_installation",
    }
)


class Outcome(Enum):
    SENT = "sent"
    RETRY = "retry"  # back to pending, for a later pass
    FAILED = "failed"  # given up
    LOST_CLAIM = "lost_claim"  # another process holds the row now; not posted
    PAUSE_WORKSPACE = "pause_workspace"  # the workspace's other rows wait too


@dataclass(frozen=True)
class Delivery:
    outcome: Outcome
    error: str | None = None
    resume_at: datetime | None = None


class _HistoryUnavailable(Exception):
    """Slack's history could not be read, so we cannot tell whether the row was posted already."""

    def __init__(self, cause: SlackApiError | OSError) -> None:
        super().__init__(str(cause))
        self.cause = cause


def _history_oldest(row: Outbox) -> datetime:
    """Before the row's first possible attempt: its creation, or a lease before the current claim."""
    candidates = [row.created_at]
    if row.claimed_at is not None:
        candidates.append(row.claimed_at - CLAIM_LEASE)
    return min(candidates) - HISTORY_MARGIN


def _find_already_posted(client: WebClient, row: Outbox, channel: str) -> str | None:
    """The ``ts`` of an earlier post of this row (a crash after posting), if Slack has it.

    Raises ``_HistoryUnavailable`` when the history cannot be read: "not found" must mean it.
    """
    oldest = _history_oldest(row).timestamp()
    cursor: str | None = None
    for _page in range(HISTORY_PAGES):
        try:
            history = client.conversations_history(
                channel=channel, oldest=f"{oldest:.6f}", include_all_metadata=True, limit=200, cursor=cursor
            )
        except (SlackApiError, OSError) as error:
            logger.warning("could not read history to check outbox row %s: %s", row.id, error)
            raise _HistoryUnavailable(error) from error
        messages: list[dict[str, Any]] = history.get("messages", []) or []
        for message in messages:
            metadata = message.get("metadata") or {}
            if (
                metadata.get("event_type") == METADATA_EVENT_TYPE
                and (metadata.get("event_payload") or {}).get("delivery_key") == row.delivery_key
            ):
                return str(message.get("ts"))
        cursor = (history.get("response_metadata") or {}).get("next_cursor") or None
        if not history.get("has_more") or not cursor:
            return None
    return None


class _ShortRateLimitRetry(RateLimitErrorRetryHandler):
    """Waits out a 429 inline only when Slack asks for a short wait; longer ones go back to the outbox."""

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is None or response.status_code != 429:
            return False
        return (_header_seconds(response.headers) or 0) <= INLINE_RETRY_AFTER_MAX_S


def _header_seconds(headers: dict[str, Any]) -> int | None:
    for key, value in headers.items():
        if key.lower() == "retry-after":
            raw = value[0] if isinstance(value, list | tuple) else value
            try:
                return max(int(raw), 0)
            except (TypeError, ValueError):
                return None
    return None


def posting_client(client: WebClient) -> WebClient:
    """A copy of ``client`` that retries only short 429s, once: Slack guarantees those were not processed.

    A reset connection or a 5xx may hide a post that did reach Slack; those go back to the
    outbox, whose next attempt first looks for the delivery key in the channel's history.
    """
    handlers: list[RetryHandler] = [_ShortRateLimitRetry(max_retry_count=1)]
    return WebClient(token=client.token, base_url=client.base_url, timeout=client.timeout, retry_handlers=handlers)


def _is_person(channel_id: str) -> bool:
    return channel_id[:1] in ("U", "W")


def _channel_of(client: WebClient, row: Outbox) -> str:
    """Where the row goes: its channel, or the bot's DM with the person it names."""
    if not _is_person(row.channel_id):
        return row.channel_id
    return str(client.conversations_open(users=row.channel_id)["channel"]["id"])


def _post(client: WebClient, row: Outbox, channel: str) -> str:
    kwargs: dict[str, Any] = {
        "channel": channel,
        "text": row.text,
        "metadata": {"event_type": METADATA_EVENT_TYPE, "event_payload": {"delivery_key": row.delivery_key}},
        "unfurl_links": False,
    }
    if row.blocks_json:
        kwargs["blocks"] = json.loads(row.blocks_json)
    if row.thread_ts:
        kwargs["thread_ts"] = row.thread_ts
    response = client.chat_postMessage(**kwargs)
    return str(response["ts"])


def _retry_after(error: SlackApiError) -> int | None:
    if error.response is not None and error.response.status_code == 429:
        seconds = _header_seconds(dict(error.response.headers or {}))
        return 30 if seconds is None else max(seconds, 1)
    return None


def _too_old(row: Outbox, now: datetime) -> bool:
    return now - row.created_at >= GIVE_UP_AFTER


def _error_code(error: SlackApiError | OSError) -> str:
    if isinstance(error, SlackApiError) and error.response is not None:
        code = str(error.response.get("error", "") or "")
        if error.response.status_code == 429:
            return "ratelimited"
        return code or f"http_{error.response.status_code}"
    return f"network: {type(error).__name__}"


def _failed(
    engine: Engine, row: Outbox, error: SlackApiError | OSError, now: datetime, wall: datetime
) -> Delivery:
    """Decide and record what a failed attempt means for the row."""
    code = _error_code(error)
    retry_after = _retry_after(error) if isinstance(error, SlackApiError) else None
    base: dict[str, Any] = {"last_error": code[:500], "claim_token": None}
    if code in PERMANENT_ERRORS:
        logger.warning("outbox row %s (%s) given up: %s", row.id, row.delivery_key, code)
        finish_claim(engine, row, {**base, "status": OutboxStatus.FAILED, "claimed_at": wall})
        return Delivery(Outcome.FAILED, code)
    if _too_old(row, now):
        logger.warning("outbox row %s (%s) given up after %s: %s", row.id, row.delivery_key, GIVE_UP_AFTER, code)
        finish_claim(engine, row, {**base, "status": OutboxStatus.FAILED, "claimed_at": wall})
        return Delivery(Outcome.FAILED, code)
    if retry_after is not None or code in WORKSPACE_ERRORS:
        resume_at = now + (timedelta(seconds=retry_after) if retry_after is not None else WORKSPACE_PAUSE)
        # Slack processed nothing (a 429, a refused token): no attempt spent.
        values = {**base, "status": OutboxStatus.PENDING, "not_before": resume_at, "attempts": row.attempts}
        logger.warning("outbox row %s (%s) waits until %s: %s", row.id, row.delivery_key, resume_at.isoformat(), code)
        finish_claim(engine, row, values)
        return Delivery(Outcome.PAUSE_WORKSPACE, code, resume_at)
    attempts = row.attempts + 1
    delay = min(timedelta(minutes=2 ** min(attempts, 10)), MAX_BACKOFF)
    logger.warning("outbox row %s (%s) failed, retried in %s: %s", row.id, row.delivery_key, delay, code)
    finish_claim(engine, row, {**base, "status": OutboxStatus.PENDING, "not_before": now + delay})
    return Delivery(Outcome.RETRY, code)


def deliver_one(
    engine: Engine, client: WebClient, row: Outbox, now: datetime, *, wall: datetime | None = None
) -> Delivery:
    """Post one claimed row, unless our claim on it is gone; record the outcome while the claim holds."""
    wall = now if wall is None else wall
    # Re-assert the claim and mark the attempt before posting, so a crash after the post is recognisable.
    if not renew_claim(engine, row, wall):
        logger.info("outbox row %s (%s): claim lost to another process; not posting", row.id, row.delivery_key)
        return Delivery(Outcome.LOST_CLAIM)
    try:
        channel = _channel_of(client, row)
        # Attempted before (a crash, a lost answer): Slack may have it already. Not found must mean it.
        ts = _find_already_posted(client, row, channel) if row.attempts > 0 else None
        if ts is None:
            ts = _post(client, row, channel)
    except _HistoryUnavailable as unavailable:
        return _failed(engine, row, unavailable.cause, now, wall)  # do not post blind: wait and look again
    except (SlackApiError, OSError) as error:
        return _failed(engine, row, error, now, wall)
    if not finish_claim(
        engine, row, {"status": OutboxStatus.SENT, "ts": ts, "sent_at": now, "last_error": None, "claim_token": None}
    ):
        logger.warning("outbox row %s (%s) posted after its claim ran out", row.id, row.delivery_key)
    return Delivery(Outcome.SENT)


def deliver_due(
    engine: Engine,
    client_for_team: WebClient | Callable[[str], WebClient | None],
    now: datetime,
    *,
    pair_id: int | None = None,
    clock: Callable[[], datetime] | None = None,
) -> int:
    """Claim and post everything due (only one pair's, with ``pair_id``); return how many reached Slack.

    ``client_for_team`` is one client for every workspace, or a function giving each team's client.
    ``clock`` is the wall clock that claims are timed by; without it, ``now`` (right when ``now`` is
    the current instant; ``tick --now`` passes the real clock).
    """
    if isinstance(client_for_team, WebClient):
        single = client_for_team
        client_for_team = lambda _team: single  # noqa: E731
    wall_clock: Callable[[], datetime] = clock if clock is not None else (lambda: now)
    delivered = 0
    posters: dict[str, WebClient | None] = {}
    paused: dict[str, tuple[str, datetime]] = {}
    while True:
        rows = claim_due(engine, now, wall=wall_clock(), pair_id=pair_id)
        if not rows:
            return delivered
        token = rows[0].claim_token or ""
        for row in rows:
            if row.team_id in paused:
                continue
            if row.team_id not in posters:
                team_client = client_for_team(row.team_id)
                posters[row.team_id] = posting_client(team_client) if team_client else None
            poster = posters[row.team_id]
            if poster is None:
                paused[row.team_id] = ("no_installation", now + WORKSPACE_PAUSE)
                logger.warning("workspace %s has no installation; its posts wait", row.team_id)
                continue
            result = deliver_one(engine, poster, row, now, wall=wall_clock())
            delivered += result.outcome is Outcome.SENT
            if result.outcome is Outcome.PAUSE_WORKSPACE and result.error and result.resume_at:
                paused[row.team_id] = (result.error, result.resume_at)
        for team_id, (reason, resume_at) in paused.items():
            hold_workspace(engine, token, team_id, reason, resume_at, now)
        if len(rows) < CLAIM_BATCH:
            return delivered
