"""Running a per-pair planner over every scheduled pair, one pair's failure contained."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from mentoring.meetings import scheduled_pairs
from mentoring.outbox import PlannedPost
from storage.models import Boundaries, Pair

logger = logging.getLogger(__name__)

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
