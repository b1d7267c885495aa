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

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from mentoring.meetings import scheduled_pairs
from mentoring.outbox import PlannedPost
from mentoring.settings import Settings
from storage.models import Boundaries, Pair

logger = logging.getLogger(__name__)

Producer = Callable[[Session, datetime, Settings], Iterable[PlannedPost]]
PairPlanner = Callable[[Session, Pair, Boundaries, datetime], Iterable[PlannedPost]]


def for_each_pair(session: Session, now: datetime, plan: PairPlanner) -> Iterator[PlannedPost]:
    """Run ``plan`` for every scheduled pair; one pair that cannot be planned is logged and skipped.

    A pair with data we cannot read (say, an unreadable time) must not keep every other pair from
    its reminders. On PostgreSQL each pair runs in a savepoint, so even a database error is contained.
    SQLite gets no savepoint: pysqlite's SAVEPOINT would open a read snapshot that SQLite cannot
    upgrade to a write once another process has written ("database is locked"); there, database
    errors end the pass as before (the next tick retries), other errors skip just that pair.
    """
    nested = session.get_bind().dialect.name == "postgresql"
    for pair, boundaries in scheduled_pairs(session):
        try:
            if nested:
                with session.begin_nested():
                    posts = list(plan(session, pair, boundaries, now))
            else:
                posts = list(plan(session, pair, boundaries, now))
        except SQLAlchemyError:
            if not nested:
                raise
            logger.exception("could not plan posts for pair %s; the other pairs go on", pair.id)
            continue
        except Exception:
            logger.exception("could not plan posts for pair %s; the other pairs go on", pair.id)
            continue
        yield from posts


def default_producers() -> list[Producer]:
    """The producers that run on every tick, in order."""
    from scheduler.producers import checkins, inactivity, nudges, reminders

    return [reminders.produce, checkins.produce, nudges.produce, inactivity.produce]
