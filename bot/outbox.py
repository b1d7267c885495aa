"""The outbox: every scheduled post is a row with a unique delivery key, claimed and posted exactly once.

Exactly once, across processes and crashes:
- ``enqueue`` inserts with ON CONFLICT DO NOTHING on ``delivery_key``: producing twice is harmless.
- ``claim_due`` moves due rows to ``sending`` with a fresh claim token in one UPDATE whose row
  selection uses ``FOR UPDATE SKIP LOCKED`` on PostgreSQL (SQLite serialises writers): no two
  processes ever hold the same row. ``claimed_at`` is the *wall clock* when the claim was taken or
  last renewed, never the pass's ``now`` (``tick --now`` may name any instant): a claim expires
  ``CLAIM_LEASE`` after the holder last renewed it.
- Right before each post the holder renews its claim and counts the attempt in one UPDATE guarded
  by its claim token; when that updates nothing the claim was lost (the lease ran out and another
  process took the row) and the row is skipped. A row whose claim we no longer hold is never posted,
  and an outcome is only recorded while the claim still holds.
- Every post carries Slack message metadata with its delivery key. Before posting a row that was
  attempted before (a crash, a lost answer), we look for the key in the channel's history from
  before the row's first possible attempt (its creation, or a lease before the current claim,
  whichever is earlier). When that lookup fails we do not post: the row goes back to wait.

Nothing is lost for a passing problem:
- A 429 puts the row back until ``Retry-After`` (short waits are retried inline once) and the rest
  of that workspace's rows wait with it; it costs no attempt.
- A refused token (``invalid_auth``, ``token_revoked``, ``account_inactive`` …) or a workspace
  with no installation pauses all that workspace's due rows for ``WORKSPACE_PAUSE``; they are
  posted once the token works again.
- A 5xx, a network error or an unknown error puts the row back with a capped exponential back-off.
- Only a per-post error Slack will repeat (``channel_not_found``, ``invalid_blocks`` …) gives up at
  once; anything else gives up when the post is still not delivered ``GIVE_UP_AFTER`` after it was
  planned. ``undelivered`` lists what was given up or is stuck, for the admins' alert and report.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Iterable
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
from sqlalchemy import or_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from storage.db import session_scope
from storage.models import Outbox, OutboxStatus, Pair

logger = logging.getLogger(__name__)

CLAIM_LEASE = timedelta(minutes=5)
CLAIM_BATCH = 200
#: How far before the row's first possible attempt the history lookup starts (clock skew between hosts).
HISTORY_MARGIN = timedelta(minutes=5)
HISTORY_PAGES = 5
#: A 429 whose Retry-After is at most this long is waited out inline, once; longer ones go back to the outbox.
INLINE_RETRY_AFTER_MAX_S = 5
#: Back-off after a 5xx, a network error or an unknown error: 2, 4, 8 … minutes, never more than this.
MAX_BACKOFF = timedelta(minutes=30)
#: How long a workspace whose token Slack refuses waits before the next try (one call per pause).
WORKSPACE_PAUSE = timedelta(minutes=5)
#: A post still not delivered this long after it was planned is given up (and reported).
GIVE_UP_AFTER = timedelta(days=1)
#: A post held back this long (and not yet given up) is reported as stuck.
STUCK_AFTER = timedelta(hours=1)
METADATA_EVENT_TYPE = "mentor_bot_post"
#: The kind of the admins' "could not be delivered" DMs (never reported about themselves).
DELIVERY_ALERT_KIND = "delivery_alert"
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


@dataclass(frozen=True)
class PlannedPost:
    """A post a producer wants made; ``delivery_key`` names it uniquely forever."""

    delivery_key: str
    team_id: str
    channel_id: str
    kind: str
    text: str
    not_before: datetime
    blocks: list[dict[str, Any]] | None = None
    pair_id: int | None = None
    thread_ts: str | None = None

    @classmethod
    def to_pair_dm(
        cls,
        pair: Pair,
        *,
        key: str,
        kind: str,
        text: str,
        not_before: datetime,
        blocks: list[dict[str, Any]] | None = None,
        thread_ts: str | None = None,
    ) -> PlannedPost:
        """A post into the pair's group DM."""
        if not pair.channel_id:
            raise ValueError(f"pair {pair.id} has no group DM")
        return cls(
            delivery_key=key,
            team_id=pair.team_id,
            channel_id=pair.channel_id,
            kind=kind,
            text=text,
            not_before=not_before,
            blocks=blocks,
            pair_id=pair.id,
            thread_ts=thread_ts,
        )

    @classmethod
    def to_person(
        cls, user_id: str, *, team_id: str, key: str, kind: str, text: str, not_before: datetime
    ) -> PlannedPost:
        """A post into the bot's DM with one person (opened with ``conversations.open`` when delivered)."""
        return cls(delivery_key=key, team_id=team_id, channel_id=user_id, kind=kind, text=text, not_before=not_before)


def enqueue(session: Session, posts: Iterable[PlannedPost], *, now: datetime) -> int:
    """Insert the posts not already in the outbox; return how many were new."""
    rows = [
        {
            "team_id": p.team_id,
            "delivery_key": p.delivery_key,
            "kind": p.kind,
            "pair_id": p.pair_id,
            "channel_id": p.channel_id,
            "text": p.text,
            "blocks_json": json.dumps(p.blocks) if p.blocks is not None else None,
            "thread_ts": p.thread_ts,
            "not_before": p.not_before,
            "status": OutboxStatus.PENDING,
            "attempts": 0,
            "created_at": now,
        }
        for p in posts
    ]
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    # Bind through the table so UTCDateTime conversion applies.
    stmt = (
        insert(Outbox.__table__)  # type: ignore[arg-type]
        .on_conflict_do_nothing(index_elements=["delivery_key"])
        .returning(Outbox.__table__.c.id)  # type: ignore[attr-defined]
    )
    inserted = 0
    for row in rows:
        inserted += len(session.execute(stmt.values(**row)).all())
    return inserted


def claim_in(
    session: Session,
    now: datetime,
    *,
    wall: datetime | None = None,
    token: str | None = None,
    limit: int = CLAIM_BATCH,
    pair_id: int | None = None,
) -> str:
    """Claim due rows inside ``session``'s transaction; return the claim token.

    Due: pending with ``not_before <= now``, or ``sending`` whose holder has not renewed its claim
    for ``CLAIM_LEASE`` by the wall clock ``wall`` (``now`` when not given).
    """
    wall = now if wall is None else wall
    token = token or uuid.uuid4().hex
    due = (
        select(Outbox.id)
        .where(
            col(Outbox.not_before) <= now,
            or_(
                col(Outbox.status) == OutboxStatus.PENDING,
                (col(Outbox.status) == OutboxStatus.SENDING) & (col(Outbox.claimed_at) < wall - CLAIM_LEASE),
            ),
        )
        .order_by(col(Outbox.not_before), col(Outbox.id))
        .limit(limit)
    )
    if pair_id is not None:
        due = due.where(col(Outbox.pair_id) == pair_id)
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    session.execute(
        update(Outbox)
        .where(col(Outbox.id).in_(due.scalar_subquery()))
        .values(status=OutboxStatus.SENDING, claim_token=token, claimed_at=wall)
        .execution_options(synchronize_session=False)
    )
    return token


def claimed_rows(engine: Engine, token: str) -> list[Outbox]:
    with session_scope(engine) as session:
        return list(session.exec(select(Outbox).where(Outbox.claim_token == token).order_by(col(Outbox.id))))


def claim_due(
    engine: Engine,
    now: datetime,
    *,
    wall: datetime | None = None,
    limit: int = CLAIM_BATCH,
    pair_id: int | None = None,
) -> list[Outbox]:
    """Claim due rows for this process (pending ones, and ``sending`` ones whose claim expired)."""
    with session_scope(engine) as session:
        token = claim_in(session, now, wall=wall, limit=limit, pair_id=pair_id)
    return claimed_rows(engine, token)


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
        for message in history.get("messages", []) or []:
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


def _renew(engine: Engine, row: Outbox, wall: datetime) -> bool:
    """Re-assert our claim right before posting: renew the lease of our batch, count this attempt.

    False when the row is no longer ours (the lease ran out and another process took it).
    """
    with session_scope(engine) as session:
        session.execute(
            update(Outbox)
            .where(col(Outbox.claim_token) == row.claim_token, col(Outbox.status) == OutboxStatus.SENDING)
            .values(claimed_at=wall)
            .execution_options(synchronize_session=False)
        )
        result = session.execute(
            update(Outbox)
            .where(
                col(Outbox.id) == row.id,
                col(Outbox.claim_token) == row.claim_token,
                col(Outbox.status) == OutboxStatus.SENDING,
            )
            .values(attempts=col(Outbox.attempts) + 1)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)


def _finish(engine: Engine, row: Outbox, values: dict[str, Any]) -> bool:
    """Record the outcome, but only while our claim still holds."""
    with session_scope(engine) as session:
        result = session.execute(
            update(Outbox)
            .where(
                col(Outbox.id) == row.id,
                col(Outbox.claim_token) == row.claim_token,
                col(Outbox.status) == OutboxStatus.SENDING,
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)


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
        _finish(engine, row, {**base, "status": OutboxStatus.FAILED, "claimed_at": wall})
        return Delivery(Outcome.FAILED, code)
    if _too_old(row, now):
        logger.warning("outbox row %s (%s) given up after %s: %s", row.id, row.delivery_key, GIVE_UP_AFTER, code)
        _finish(engine, row, {**base, "status": OutboxStatus.FAILED, "claimed_at": wall})
        return Delivery(Outcome.FAILED, code)
    if retry_after is not None or code in WORKSPACE_ERRORS:
        resume_at = now + (timedelta(seconds=retry_after) if retry_after is not None else WORKSPACE_PAUSE)
        # Slack processed nothing (a 429, a refused token): no attempt spent.
        values = {**base, "status": OutboxStatus.PENDING, "not_before": resume_at, "attempts": row.attempts}
        logger.warning("outbox row %s (%s) waits until %s: %s", row.id, row.delivery_key, resume_at.isoformat(), code)
        _finish(engine, row, values)
        return Delivery(Outcome.PAUSE_WORKSPACE, code, resume_at)
    attempts = row.attempts + 1
    delay = min(timedelta(minutes=2 ** min(attempts, 10)), MAX_BACKOFF)
    logger.warning("outbox row %s (%s) failed, retried in %s: %s", row.id, row.delivery_key, delay, code)
    _finish(engine, row, {**base, "status": OutboxStatus.PENDING, "not_before": now + delay})
    return Delivery(Outcome.RETRY, code)


def deliver_one(
    engine: Engine, client: WebClient, row: Outbox, now: datetime, *, wall: datetime | None = None
) -> Delivery:
    """Post one claimed row, unless our claim on it is gone; record the outcome while the claim holds."""
    wall = now if wall is None else wall
    # Re-assert the claim and mark the attempt before posting, so a crash after the post is recognisable.
    if not _renew(engine, row, wall):
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
    if not _finish(
        engine, row, {"status": OutboxStatus.SENT, "ts": ts, "sent_at": now, "last_error": None, "claim_token": None}
    ):
        logger.warning("outbox row %s (%s) posted after its claim ran out", row.id, row.delivery_key)
    return Delivery(Outcome.SENT)


def _hold_workspace(engine: Engine, token: str, team_id: str, reason: str, resume_at: datetime, now: datetime) -> None:
    """Put the workspace's other claimed rows back until ``resume_at`` (no attempt spent); too old ones give up."""
    held = (
        col(Outbox.claim_token) == token,
        col(Outbox.team_id) == team_id,
        col(Outbox.status) == OutboxStatus.SENDING,
    )
    with session_scope(engine) as session:
        session.execute(
            update(Outbox)
            .where(*held, col(Outbox.created_at) <= now - GIVE_UP_AFTER)
            .values(status=OutboxStatus.FAILED, last_error=reason, claim_token=None)
            .execution_options(synchronize_session=False)
        )
        session.execute(
            update(Outbox)
            .where(*held)
            .values(status=OutboxStatus.PENDING, last_error=reason, claim_token=None, not_before=resume_at)
            .execution_options(synchronize_session=False)
        )


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
            _hold_workspace(engine, token, team_id, reason, resume_at, now)
        if len(rows) < CLAIM_BATCH:
            return delivered


@dataclass(frozen=True)
class Undelivered:
    """A post that was given up, or has been held back for a while."""

    row: Outbox
    given_up: bool

    @property
    def reason(self) -> str:
        return self.row.last_error or "unknown"


def undelivered(
    session: Session,
    *,
    team_id: str,
    now: datetime,
    given_up_since: datetime,
    exclude_kinds: Iterable[str] = (),
) -> list[Undelivered]:
    """Posts given up since ``given_up_since`` (the wall clock), and posts held back ``STUCK_AFTER`` or longer."""
    excluded = list(exclude_kinds)
    given_up = select(Outbox).where(
        Outbox.team_id == team_id,
        col(Outbox.status) == OutboxStatus.FAILED,
        col(Outbox.claimed_at) >= given_up_since,  # given up: the wall clock of the last attempt
    )
    stuck = select(Outbox).where(
        Outbox.team_id == team_id,
        col(Outbox.status).in_([OutboxStatus.PENDING, OutboxStatus.SENDING]),
        col(Outbox.last_error).is_not(None),
        col(Outbox.created_at) <= now - STUCK_AFTER,
    )
    if excluded:
        given_up = given_up.where(col(Outbox.kind).not_in(excluded))
        stuck = stuck.where(col(Outbox.kind).not_in(excluded))
    found = [Undelivered(row, True) for row in session.exec(given_up.order_by(col(Outbox.id)))]
    found += [Undelivered(row, False) for row in session.exec(stuck.order_by(col(Outbox.id)))]
    return found


_REASONS = {
    "channel_not_found": "the conversation no longer exists or the bot cannot see it",
    "is_archived": "the conversation is archived",
    "not_in_channel": "the bot is not in the conversation",
    "invalid_blocks": "Slack rejected the message's layout",
    "msg_too_long": "the message was too long for Slack",
    "no_text": "the message was empty",
    "restricted_action": "the workspace does not let the bot post there",
    "user_not_found": "the person is no longer in the workspace",
    "user_disabled": "the person's account is deactivated",
    "invalid_auth": "Slack refused the bot's token",
    "not_authed": "the bot had no token",
    "token_revoked": "the bot's token was revoked",
    "token_expired": "the bot's token expired",
    "account_inactive": "the bot's Slack account is inactive",
    "missing_scope": "the app lacks a permission it needs",
    "team_access_not_granted": "the app has no access to this workspace",
    "ekm_access_denied": "the workspace's key management denied access",
    "no_installation": "the app is not installed in this workspace",
    "ratelimited": "Slack kept asking the bot to slow down",
}


def reason_in_words(code: str) -> str:
    """A plain-words reason for an outbox error code, for admins."""
    if code in _REASONS:
        return f"{_REASONS[code]} ({code})"
    if code.startswith("network"):
        return "Slack could not be reached"
    return f"Slack kept failing ({code})"
