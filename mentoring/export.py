"""``/mentor export``: everything the bot keeps about the caller, as one JSON document.

Own data only: the caller's pairs and what the pair shares (boundaries, goals, roadmap, meetings),
their own pre-work, check-in answers and follow-through items — never the partner's private writing.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, SQLModel, col, select

from mentoring.pairs import pairs_of
from mentoring.users import cached_user
from storage.models import (
    ActionItem,
    Boundaries,
    CheckIn,
    CheckInAnswer,
    Goal,
    GoalUpdate,
    Meeting,
    PairStatus,
    Prework,
    RoadmapItem,
)

ALL_STATUSES = (PairStatus.PENDING, PairStatus.ACTIVE, PairStatus.DECLINED, PairStatus.ENDED)


def _row(model: SQLModel, *, drop: tuple[str, ...] = ("team_id",)) -> dict[str, Any]:
    return {k: v for k, v in model.model_dump().items() if k not in drop}


def _json_default(value: Any) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def export_user_data(session: Session, *, team_id: str, user_id: str, now: datetime) -> dict[str, Any]:
    user = cached_user(session, team_id=team_id, user_id=user_id)
    pairs_out = []
    for pair in pairs_of(session, team_id=team_id, user_id=user_id, statuses=ALL_STATUSES):
        pid = pair.id
        goals = session.exec(select(Goal).where(Goal.pair_id == pid).order_by(col(Goal.id))).all()
        checkins = session.exec(select(CheckIn).where(CheckIn.pair_id == pid).order_by(col(CheckIn.id))).all()
        checkin_ids = [c.id for c in checkins]
        pairs_out.append(
            {
                "pair": _row(pair, drop=("team_id", "welcome_ts")),
                "my_role": pair.role_of(user_id),
                "my_prework": [
                    _row(p)
                    for p in session.exec(select(Prework).where(Prework.pair_id == pid, Prework.user_id == user_id))
                ],
                "boundaries": [
                    _row(b)
                    for b in session.exec(
                        select(Boundaries).where(Boundaries.pair_id == pid).order_by(col(Boundaries.version))
                    )
                ],
                "goals": [
                    {
                        **_row(goal),
                        "updates": [
                            _row(u)
                            for u in session.exec(
                                select(GoalUpdate).where(GoalUpdate.goal_id == goal.id).order_by(col(GoalUpdate.id))
                            )
                        ],
                    }
                    for goal in goals
                ],
                "roadmap": [
                    _row(r)
                    for r in session.exec(
                        select(RoadmapItem).where(RoadmapItem.pair_id == pid).order_by(col(RoadmapItem.meeting_number))
                    )
                ],
                "meetings": [
                    _row(m)
                    for m in session.exec(
                        select(Meeting).where(Meeting.pair_id == pid).order_by(col(Meeting.series_at))
                    )
                ],
                "my_checkin_answers": [
                    _row(a)
                    for a in session.exec(
                        select(CheckInAnswer).where(
                            col(CheckInAnswer.checkin_id).in_(checkin_ids), CheckInAnswer.user_id == user_id
                        )
                    )
                ]
                if checkin_ids
                else [],
                "my_follow_through_items": [
                    _row(i)
                    for i in session.exec(
                        select(ActionItem)
                        .where(ActionItem.pair_id == pid, ActionItem.owner_id == user_id)
                        .order_by(col(ActionItem.id))
                    )
                ],
            }
        )
    return {
        "exported_at": now.isoformat(),
        "team_id": team_id,
        "user": {"id": user_id, **(_row(user, drop=("id", "team_id")) if user else {})},
        "pairs": pairs_out,
    }


def export_json(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, default=_json_default)
