"""Replayed requests: each signed request is processed once.

Slack's signature stays valid for five minutes, so a captured request could be sent again within that
window; Slack's own retries (``X-Slack-Retry-Num``) resend the same body with a fresh signature. Both
carry a body the bot has already accepted, and every genuine Slack request has a body of its own
(a ``trigger_id``, ``action_ts`` or ``event_id``), so a hash of the raw body identifies a repeat.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from storage.db import rows_matched
from storage.models import RequestReceipt

#: Receipts are kept a while longer than Slack's five-minute signature window, then pruned.
KEEP_FOR = timedelta(minutes=10)


def request_key(raw_body: str | bytes) -> str:
    data = raw_body.encode() if isinstance(raw_body, str) else raw_body
    return hashlib.sha256(data).hexdigest()


def first_receipt(session: Session, *, key: str, team_id: str, now: datetime) -> bool:
    """Record the request; False when the same request was already accepted (a replay or a retry)."""
    try:
        with session.begin_nested():
            session.add(RequestReceipt(team_id=team_id[:32], request_key=key, received_at=now))
            session.flush()
    except IntegrityError:
        return False
    return True


def prune_receipts(session: Session, *, now: datetime) -> int:
    """Forget receipts too old to matter (their signatures have long expired); how many went."""
    result = session.execute(
        delete(RequestReceipt)
        .where(col(RequestReceipt.received_at) < now - KEEP_FOR)
        .execution_options(synchronize_session=False)
    )
    return rows_matched(result)
