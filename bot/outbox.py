"""The outbox: every scheduled post is a row with a unique delivery key, claimed and posted exactly once.

Exactly once, across processes and crashes:
- ``enqueue`` inserts with ON CONFLICT DO NOTHING on ``delivery_key``: producing twice is harmless.
- ``claim_due`` moves due rows to ``sending`` with a fresh claim token in one UPDATE whose row
  selection uses ``FOR UPDATE SKIP LOCKED`` on PostgreSQL (SQLite serialises writers): no two
  processes ever hold the same row.
- Every post carries Slack message metadata with its delivery key. A claim whose process died
  expires after ``CLAIM_LEASE``; before posting such a row again we look for the key in the
  channel's recent history, so a post that reached Slack before the crash is not repeated.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
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
MAX_ATTEMPTS = 6
METADATA_EVENT_TYPE = "mentor_bot_post"
#: Errors after which posting again cannot help.
PERMANENT_ERRORS = frozenset(
    {
        "channel_not_found",
        "is_archived",
        "not_in_channel",
        "invalid_blocks",
        "msg_too_long",
        "no_text",
        "invalid_auth",
        "account_inactive",
        "token_revoked",
        "missing_scope",
        "restricted_action",
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


def claim_due(engine: Engine, now: datetime, *, limit: int = CLAIM_BATCH, pair_id: int | None = None) -> list[Outbox]:
    """Claim due rows for this process (pending ones, and ``sending`` ones whose claim expired)."""
    token = uuid.uuid4().hex
    due = (
        select(Outbox.id)
        .where(
            col(Outbox.not_before) <= now,
            or_(
                col(Outbox.status) == OutboxStatus.PENDING,
                (col(Outbox.status) == OutboxStatus.SENDING) & (col(Outbox.claimed_at) < now - CLAIM_LEASE),
            ),
        )
        .order_by(col(Outbox.not_before), col(Outbox.id))
        .limit(limit)
    )
    if pair_id is not None:
        due = due.where(col(Outbox.pair_id) == pair_id)
    if engine.dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    with session_scope(engine) as session:
        session.execute(
            update(Outbox)
            .where(col(Outbox.id).in_(due.scalar_subquery()))
            .values(status=OutboxStatus.SENDING, claim_token=token, claimed_at=now)
            .execution_options(synchronize_session=False)
        )
    with session_scope(engine) as session:
        return list(session.exec(select(Outbox).where(Outbox.claim_token == token).order_by(col(Outbox.id))))


def _find_already_posted(client: WebClient, row: Outbox) -> str | None:
    """The ``ts`` of an earlier post of this row (a crash after posting), if Slack has it."""
    if row.claimed_at is None or row.attempts == 0:
        return None
    oldest = (row.claimed_at - CLAIM_LEASE).timestamp()
    try:
        history = client.conversations_history(
            channel=row.channel_id, oldest=f"{oldest:.6f}", include_all_metadata=True, limit=200
        )
    except SlackApiError:
        logger.warning("could not read history to check outbox row %s", row.id, exc_info=True)
        return None
    for message in history.get("messages", []) or []:
        metadata = message.get("metadata") or {}
        if (
            metadata.get("event_type") == METADATA_EVENT_TYPE
            and (metadata.get("event_payload") or {}).get("delivery_key") == row.delivery_key
        ):
            return str(message.get("ts"))
    return None


def posting_client(client: WebClient) -> WebClient:
    """A copy of ``client`` that retries only 429s, which Slack guarantees were not processed.

    A reset connection or a 5xx may hide a post that did reach Slack; those go back to the
    outbox, whose next attempt first looks for the delivery key in the channel's history.
    """
    return WebClient(
        token=client.token,
        base_url=client.base_url,
        timeout=client.timeout,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=2)],
    )


def _post(client: WebClient, row: Outbox) -> str:
    kwargs: dict[str, Any] = {
        "channel": row.channel_id,
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
        try:
            return int(error.response.headers.get("Retry-After", "30"))
        except (TypeError, ValueError):
            return 30
    return None


def _finish(engine: Engine, row: Outbox, values: dict[str, Any]) -> bool:
    """Record the outcome, but only while our claim still holds."""
    with session_scope(engine) as session:
        result = session.execute(
            update(Outbox)
            .where(col(Outbox.id) == row.id, col(Outbox.claim_token) == row.claim_token)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)


def deliver_one(engine: Engine, client: WebClient, row: Outbox, now: datetime) -> bool:
    """Post one claimed row; True when it is (now or already) in Slack."""
    # Mark the attempt before posting, so a crash after the post is recognisable later.
    _finish(engine, row, {"attempts": row.attempts + 1})
    try:
        ts = _find_already_posted(client, row) or _post(client, row)
    except (SlackApiError, OSError) as error:
        code = ""
        retry_after = None
        if isinstance(error, SlackApiError) and error.response is not None:
            code = str(error.response.get("error", ""))
            retry_after = _retry_after(error)
        attempts = row.attempts + 1
        gave_up = code in PERMANENT_ERRORS or attempts >= MAX_ATTEMPTS
        delay = timedelta(seconds=retry_after) if retry_after else timedelta(minutes=2 ** min(attempts, 6))
        logger.warning("outbox row %s (%s) failed: %s", row.id, row.delivery_key, code or error)
        _finish(
            engine,
            row,
            {
                "status": OutboxStatus.FAILED if gave_up else OutboxStatus.PENDING,
                "last_error": code or str(error)[:500],
                "not_before": now + delay,
                "claim_token": None,
            },
        )
        return False
    _finish(
        engine,
        row,
        {"status": OutboxStatus.SENT, "ts": ts, "sent_at": now, "last_error": None, "claim_token": None},
    )
    return True


def deliver_due(
    engine: Engine,
    client_for_team: WebClient | Callable[[str], WebClient | None],
    now: datetime,
    *,
    pair_id: int | None = None,
) -> int:
    """Claim and post everything due (only one pair's, with ``pair_id``); return how many reached Slack.

    ``client_for_team`` is one client for every workspace, or a function giving each team's client.
    """
    if isinstance(client_for_team, WebClient):
        single = client_for_team
        client_for_team = lambda _team: single  # noqa: E731
    delivered = 0
    posters: dict[str, WebClient | None] = {}
    while True:
        rows = claim_due(engine, now, pair_id=pair_id)
        if not rows:
            return delivered
        for row in rows:
            if row.team_id not in posters:
                team_client = client_for_team(row.team_id)
                posters[row.team_id] = posting_client(team_client) if team_client else None
            poster = posters[row.team_id]
            if poster is None:
                _finish(
                    engine, row, {"status": OutboxStatus.FAILED, "last_error": "no_installation", "claim_token": None}
                )
                continue
            delivered += deliver_one(engine, poster, row, now)
        if len(rows) < CLAIM_BATCH:
            return delivered

