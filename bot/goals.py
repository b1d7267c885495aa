"""SMART goals of a pair and their progress."""

from __future__ import annotations

from sqlmodel import Session, col, select

from storage.models import Goal, GoalStatus


def active_goals(session: Session, pair_id: int) -> list[Goal]:
    """The pair's goals not yet done, soonest due first."""
    return list(
        session.exec(
            select(Goal)
            .where(Goal.pair_id == pair_id, Goal.status == GoalStatus.ACTIVE)
            .order_by(col(Goal.due_on), col(Goal.id))
        )
    )
