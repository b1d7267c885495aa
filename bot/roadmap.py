"""The roadmap: a theme for each meeting of a pair, by meeting number."""

from __future__ import annotations

from sqlmodel import Session, select

from storage.models import RoadmapItem

#: Suggested themes (editable); meeting 1 is for getting to know each other and the pre-work.
DEFAULT_THEMES = (
    "Getting to know each other: pre-work and goals",
    "Industry trends",
    "Time management",
    "Lessons learned",
    "Technical issues",
)


def theme_for(session: Session, pair_id: int, meeting_number: int) -> str | None:
    """The theme the pair set for meeting ``meeting_number`` (1-based), if any."""
    item = session.exec(
        select(RoadmapItem).where(RoadmapItem.pair_id == pair_id, RoadmapItem.meeting_number == meeting_number)
    ).first()
    return item.theme if item else None
