"""One scheduler pass: producers → outbox → delivery → admins told of what could not be delivered.

Safe to rerun and to run in parallel.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from mentoring.deps import Deps
from mentoring.outbox import enqueue
from scheduler import alerts
from scheduler.producers import Producer, default_producers
from scheduler.zones import refresh_member_zones
from slackapi.delivery import deliver_due
from storage.db import session_scope

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TickResult:
    planned: int
    delivered: int


def tick(now: datetime, deps: Deps, producers: Sequence[Producer] | None = None) -> TickResult:
    """Plan everything due at ``now`` and post what is due, each post exactly once.

    Claims are timed by ``deps.clock`` (the wall clock), not by ``now``, which may be any instant.
    """
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    planned = 0
    refresh_member_zones(deps, now)  # contact hours follow where members are now
    for producer in default_producers() if producers is None else producers:
        with session_scope(deps.engine) as session:
            planned += enqueue(session, producer(session, now, deps.settings), now=now)
    delivered = deliver_due(deps.engine, deps.client_for_team, now, clock=deps.clock)
    # What could not be delivered is told to the admins, through the outbox like any post.
    with session_scope(deps.engine) as session:
        alerted = enqueue(session, alerts.plan(session, now, deps.now(), deps.settings.admins), now=now)
    if alerted:
        delivered += deliver_due(deps.engine, deps.client_for_team, now, clock=deps.clock)
    logger.info("tick at %s: %d new posts planned, %d delivered", now.isoformat(), planned, delivered)
    return TickResult(planned=planned, delivered=delivered)
