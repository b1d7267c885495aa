"""The outbox: every scheduled post is a row with a unique delivery key, claimed and posted exactly once.

This module keeps the rows and their claims; ``slackapi.delivery`` posts them.

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
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from storage.db import rows_matched, session_scope
from storage.models import Outbox, OutboxStatus, Pair, table_of

logger = logging.getLogger(__name__)

CLAIM_LEASE = timedelta(minutes=5)
CLAIM_BATCH = 200
#: A post still not delivered this long after it was planned is given up (and reported).
GIVE_UP_AFTER = timedelta(days=1)
#: A post held back this long (and not yet given up) is reported as stuck.
STUCK_AFTER = timedelta(hours=1)
#: The kind of the admins' "could not be delivered" DMs (never reported about themselves).
DELIVERY_ALERT_KIND = "delivery_alert"


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
        insert(table_of(Outbox))
        .on_conflict_do_nothing(index_elements=["delivery_key"])
        .returning(table_of(Outbox).c.id)
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


def renew_claim(engine: Engine, row: Outbox, wall: datetime) -> bool:
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
        return bool(rows_matched(result))


def finish_claim(engine: Engine, row: Outbox, values: dict[str, Any]) -> bool:
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
        return bool(rows_matched(result))


def hold_workspace(engine: Engine, token: str, team_id: str, reason: str, resume_at: datetime, now: datetime) -> None:
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
