"""Boundaries: proposals, agreement and history (how often, when, where, how to reach each other)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from storage.models import Boundaries, BoundariesStatus


def agreed_boundaries(session: Session, pair_id: int) -> Boundaries | None:
    """The boundaries in force for the pair: the newest version both agreed to."""
    return session.exec(
        select(Boundaries)
        .where(Boundaries.pair_id == pair_id, Boundaries.status == BoundariesStatus.AGREED)
        .order_by(col(Boundaries.version).desc())
    ).first()
