"""A Bolt global middleware that acknowledges a replayed or retried request and changes nothing."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

from slack_bolt import App, BoltRequest, BoltResponse

from handlers.errors import needs_database
from mentoring.deps import Deps
from mentoring.replays import first_receipt, prune_receipts, request_key
from storage.db import session_scope

logger = logging.getLogger(__name__)

PRUNE_EVERY_SECONDS = 60.0


def register(app: App, deps: Deps) -> None:
    last_prune = [0.0]
    prune_lock = threading.Lock()

    def maybe_prune(now: datetime) -> None:
        """At most once a minute per process, in its own short transaction."""
        with prune_lock:
            if time.monotonic() - last_prune[0] < PRUNE_EVERY_SECONDS:
                return
            last_prune[0] = time.monotonic()
        try:
            with session_scope(deps.engine) as session:
                prune_receipts(session, now=now)
        except Exception:  # pruning is housekeeping; the next request tries again later
            logger.exception("could not prune request receipts")

    def drop_replays(req: BoltRequest, resp: BoltResponse, next: Callable[[], None]) -> BoltResponse | None:
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
        maybe_prune(now)
        next()
        return resp

    app.use(drop_replays)
