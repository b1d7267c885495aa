"""What a meeting's reminder shows: the roadmap theme of its number, the active goals, the open follow-through."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from mentoring.followthrough import open_items_by_owner
from mentoring.goals import active_goals
from mentoring.meetings import Slot
from mentoring.roadmap import theme_for
from storage.models import ActionItem, Boundaries, Goal, Pair


@dataclass(frozen=True)
class MeetingBrief:
    """What the reminder of a meeting shows: its theme, the active goals and the open follow-through."""

    slot: Slot
    theme: str | None
    goals: list[Goal]
    items: dict[str, list[ActionItem]]
    location: str


def meeting_brief(
    session: Session, *, pair: Pair, boundaries: Boundaries | None, slot: Slot, now: datetime
) -> MeetingBrief:
    assert pair.id is not None
    return MeetingBrief(
        slot=slot,
        theme=theme_for(session, pair.id, slot.number) if slot.number else None,
        goals=active_goals(session, pair.id),
        items=open_items_by_owner(session, pair, now=now),
        location=boundaries.location if boundaries is not None else "",
    )
