"""Private check-in ratings: "How useful was this conversation?" (1–5).

A member's rating is theirs alone: the program lead sees only averages over many ratings (per
program or per report), never who gave which score.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from mentoring.problems import Problem
from storage.models import CheckIn, CheckInRating

LOWEST, HIGHEST = 1, 5
RATING_QUESTION = "How useful was this conversation?"
BAD_RATING = Problem(f"A rating is a whole number from {LOWEST} to {HIGHEST}.")


def parse_rating(value: object) -> int | Problem | None:
    """A submitted rating: None when left empty, the score when 1–5, else a problem."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        score = int(str(value).strip())
    except ValueError:
        return BAD_RATING
    return score if LOWEST <= score <= HIGHEST else BAD_RATING


def rating_of(session: Session, *, checkin_id: int | None, user_id: str) -> int | None:
    """``user_id``'s own rating of a check-in (to pre-fill their modal), if they gave one."""
    if checkin_id is None:
        return None
    return session.exec(
        select(CheckInRating.score).where(CheckInRating.checkin_id == checkin_id, CheckInRating.user_id == user_id)
    ).first()


def record_rating(
    session: Session, *, checkin: CheckIn, user_id: str, score: int | None, now: datetime
) -> CheckInRating | None:
    """Store (or change) ``user_id``'s rating of ``checkin``; ``None`` removes it. Scores outside 1–5 are refused."""
    if score is not None and not LOWEST <= score <= HIGHEST:
        raise ValueError(BAD_RATING.message)
    existing = session.exec(
        select(CheckInRating).where(CheckInRating.checkin_id == checkin.id, CheckInRating.user_id == user_id)
    ).first()
    if score is None:
        if existing is not None:
            session.delete(existing)
        return None
    if existing is None:
        existing = CheckInRating(
            team_id=checkin.team_id,
            pair_id=checkin.pair_id,
            checkin_id=checkin.id or 0,
            user_id=user_id,
            score=score,
            created_at=now,
            updated_at=now,
        )
    else:
        existing.score = score
        existing.updated_at = now
    session.add(existing)
    session.flush()
    return existing


def average_rating(session: Session, pair_ids: Iterable[int]) -> tuple[float | None, int]:
    """The average score over all ratings of these pairs and how many there were (None when none)."""
    ids = list(pair_ids)
    if not ids:
        return None, 0
    avg, count = session.exec(
        select(func.avg(CheckInRating.score), func.count()).where(col(CheckInRating.pair_id).in_(ids))
    ).one()
    return (float(avg) if avg is not None else None), int(count)


def rating_summary(
    session: Session, pair_ids: Iterable[int], *, since: datetime | None = None, until: datetime | None = None
) -> tuple[float | None, int]:
    """The average score of these pairs' ratings given in ``[since, until)`` and how many people gave them."""
    ids = list(pair_ids)
    if not ids:
        return None, 0
    query = select(CheckInRating.score, CheckInRating.user_id, CheckInRating.updated_at).where(
        col(CheckInRating.pair_id).in_(ids)
    )
    rows = [
        (score, user)
        for score, user, at in session.exec(query)
        if (since is None or at >= since) and (until is None or at < until)
    ]
    if not rows:
        return None, 0
    return sum(score for score, _ in rows) / len(rows), len({user for _, user in rows})
