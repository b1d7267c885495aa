"""Producers of due posts: each looks at the database at ``now`` and plans what should be posted.

A producer is a plain function ``(session, now, settings) -> Iterable[PlannedPost]``. It must be
pure with respect to Slack (no API calls) and give every post a stable delivery key, so that
asking it twice for the same instant plans the same posts.

Ours plan a post only once it is due (its time has come and the addressed member's contact hours
are open), so a restart after downtime plans just what is still worth posting: reminders only for
meetings not yet started, the end-of-session questions only for each pair's latest ended meeting,
this week's nudge only, one inactivity nudge per inactive stretch.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime

from sqlmodel import Session

from bot.config import Settings
from bot.meetings import scheduled_pairs
from bot.outbox import PlannedPost
from storage.models import Boundaries, Pair

logger = logging.getLogger(__name__)

Producer = Callable[[Session, datetime, Settings], Iterable[PlannedPost]]
PairPlanner = Callable[[Session, Pair, Boundaries, datetime], Iterable[PlannedPost]]


def for_each_pair(session: Session, now: datetime, plan: PairPlanner) -> Iterator[PlannedPost]:
    """Run ``plan`` for every scheduled pair, each in its own savepoint.

    One pair whose data cannot be planned (say, an unreadable time) is logged and skipped; it must
    not keep every other pair from getting its reminders.
    """
    for pair, boundaries in scheduled_pairs(session):
        try:
            with session.begin_nested():
                posts = list(plan(session, pair, boundaries, now))
        except Exception:
            logger.exception("could not plan posts for pair %s; the other pairs go on", pair.id)
            continue
        yield from posts


def default_producers() -> list[Producer]:
    """The producers that run on every tick, in order."""
    from scheduler.producers import checkins, inactivity, nudges, reminders

    return [reminders.produce, checkins.produce, nudges.produce, inactivity.produce]
