"""A Bolt global middleware that acknowledges a replayed or retried request and changes nothing."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial

from slack_bolt import App, BoltRequest, BoltResponse

from handlers.errors import needs_database
from mentoring.deps import Deps
from mentoring.replays import first_receipt, prune_receipts, request_key
from storage.db import session_scope

logger = logging.getLogger(__name__)

PRUNE_EVERY_SECONDS = 60.0


@dataclass
class Pruning:
    """When this process last pruned the receipts (at most once a minute, whatever the traffic)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    last: float = 0.0

    def due(self) -> bool:
        with self.lock:
            if time.monotonic() - self.last < PRUNE_EVERY_SECONDS:
                return False
            self.last = time.monotonic()
            return True


def maybe_prune(deps: Deps, pruning: Pruning, now: datetime) -> None:
    """At most once a minute per process, in its own short transaction."""
    if not pruning.due():
        return
    try:
        with session_scope(deps.engine) as session:
            prune_receipts(session, now=now)
    except Exception:  # pruning is housekeeping; the next request tries again later
        logger.exception("could not prune request receipts")


def drop_replays(
    req: BoltRequest, resp: BoltResponse, next: Callable[[], None], *, deps: Deps, pruning: Pruning
) -> BoltResponse | None:
    """A request already received (a replay, or Slack's retry) is acknowledged and changes nothing."""
    raw = req.raw_body
    if not raw or not needs_database(req.body):  # Socket Mode payloads have no signed raw body; Slack
        # redelivers those by envelope. `/mentor help` changes nothing, so it needs no receipt (nor the database).
        next()
        return resp
    now = datetime.now(UTC)  # the signature window is wall-clock time, not the scheduler's clock
    with session_scope(deps.engine) as session:
        first = first_receipt(session, key=request_key(raw), team_id=str(req.context.team_id or ""), now=now)
    if not first:
        retry = req.headers.get("x-slack-retry-num", [None])
        logger.info("dropped a repeated request (retry %s)", retry[0] if retry else None)
        return BoltResponse(status=200, body="")
    maybe_prune(deps, pruning, now)
    next()
    return resp


def register(app: App, deps: Deps) -> None:
    app.use(partial(drop_replays, deps=deps, pruning=Pruning()))
