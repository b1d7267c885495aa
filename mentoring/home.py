"""What the App Home shows a user: their pairs, each with the next meeting, goals and open items."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from mentoring.goals import active_goals
from mentoring.meetings import meeting_dates
from mentoring.pairs import pairs_of
from storage.models import ActionItem, ActionStatus, Pair, PairStatus

UPCOMING_LOOKAHEAD = 60  # meetings of the series looked at to find the next one


@dataclass(frozen=True)
class PairSummary:
    pair: Pair
    role: str
    next_meeting: datetime | None
    active_goals: int
    my_open_items: int


def home_summary(session: Session, *, team_id: str, user_id: str, now: datetime) -> list[PairSummary]:
    summaries = []
    for pair in pairs_of(session, team_id=team_id, user_id=user_id, statuses=PairStatus.LIVE):
        pid = pair.id or 0
        upcoming = [when for when in meeting_dates(session, pid, UPCOMING_LOOKAHEAD).values() if when > now]
        open_items = session.exec(
            select(func.count())
            .select_from(ActionItem)
            .where(ActionItem.pair_id == pid, ActionItem.owner_id == user_id, ActionItem.status == ActionStatus.OPEN)
        ).one()
        summaries.append(
            PairSummary(
                pair=pair,
                role=pair.role_of(user_id) or "",
                next_meeting=min(upcoming) if upcoming else None,
                active_goals=len(active_goals(session, pid)),
                my_open_items=int(open_items),
            )
        )
    return summaries
