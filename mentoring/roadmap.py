"""The roadmap: a theme for each meeting of a pair, by meeting number, and the dates of the upcoming ones."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from mentoring.goals import Invalid, invalid
from mentoring.meetings import meeting_dates
from storage.models import Pair, RoadmapItem

#: Suggested themes (editable); meeting 1 is for getting to know each other and the pre-work.
DEFAULT_THEMES = (
    "Getting to know each other: pre-work and goals",
    "Industry trends",
    "Time management",
    "Lessons learned",
    "Technical issues",
)

ROADMAP_ROWS = 6  # meetings shown in the roadmap form
THEME_MAX = 150  # the column's limit
MAX_MEETING_NUMBER = 1000  # a sanity bound for numbers arriving from a form
LOOKAHEAD = 150  # meetings of the series looked at to find the next upcoming one


def theme_for(session: Session, pair_id: int, meeting_number: int) -> str | None:
    """The theme the pair set for meeting ``meeting_number`` (1-based), if any."""
    item = session.exec(
        select(RoadmapItem).where(RoadmapItem.pair_id == pair_id, RoadmapItem.meeting_number == meeting_number)
    ).first()
    return item.theme if item else None


def suggested_theme(meeting_number: int) -> str:
    """The example theme for meeting ``meeting_number``, or "" past the examples."""
    return DEFAULT_THEMES[meeting_number - 1] if 1 <= meeting_number <= len(DEFAULT_THEMES) else ""


def saved_themes(session: Session, pair_id: int) -> dict[int, str]:
    """Every theme the pair set, by meeting number."""
    items = session.exec(
        select(RoadmapItem).where(RoadmapItem.pair_id == pair_id).order_by(col(RoadmapItem.meeting_number))
    )
    return {item.meeting_number: item.theme for item in items}


def first_upcoming(session: Session, pair_id: int, *, now: datetime) -> int:
    """The number of the pair's next meeting (1 while no boundaries are agreed)."""
    dates = meeting_dates(session, pair_id, LOOKAHEAD)
    upcoming = [number for number, starts in sorted(dates.items()) if starts > now]
    if upcoming:
        return upcoming[0]
    return max(dates) + 1 if dates else 1


@dataclass(frozen=True)
class RoadmapRow:
    number: int
    theme: str  # the saved theme, else the suggestion while nothing is saved, else ""
    saved: bool
    starts_at: datetime | None  # UTC, when the boundaries are agreed


def roadmap_rows(
    session: Session, pair_id: int, *, now: datetime, first: int | None = None, rows: int = ROADMAP_ROWS
) -> list[RoadmapRow]:
    """The upcoming meetings (from ``first``, by default the next one) with their themes or suggestions."""
    first = first if first is not None else first_upcoming(session, pair_id, now=now)
    numbers = range(first, first + rows)
    dates = meeting_dates(session, pair_id, numbers[-1])
    saved = saved_themes(session, pair_id)
    # Suggestions fill the form until the pair first saves it; after that an empty meeting stays empty.
    return [RoadmapRow(n, saved.get(n, "" if saved else suggested_theme(n)), n in saved, dates.get(n)) for n in numbers]


def validate_themes(themes: Mapping[int, str]) -> dict[str, str]:
    """Field errors by meeting number (as text): numbers in range, themes not too long."""
    errors: dict[str, str] = {}
    for number, theme in themes.items():
        if not 1 <= number <= MAX_MEETING_NUMBER:
            errors[str(number)] = "That meeting number is out of range."
        elif len((theme or "").strip()) > THEME_MAX:
            errors[str(number)] = f"Please keep a theme under {THEME_MAX} characters (it has {len(theme.strip())})."
    return errors


def set_themes(
    *, session: Session, pair: Pair, themes: Mapping[int, str], by: str, now: datetime
) -> dict[int, str] | Invalid:
    """Save the themes of the given meetings (an empty one clears that meeting's theme); all or nothing."""
    errors = validate_themes(themes)
    if errors:
        return invalid(errors)
    result: dict[int, str] = {}
    for number, raw in sorted(themes.items()):
        theme = (raw or "").strip()
        item = _item(session, pair.id or 0, number)
        if not theme:
            if item is not None:
                session.delete(item)
            continue
        result[number] = theme
        if item is None:
            item = RoadmapItem(
                team_id=pair.team_id,
                pair_id=pair.id or 0,
                meeting_number=number,
                theme=theme,
                updated_by=by,
                updated_at=now,
            )
            try:
                with session.begin_nested():
                    session.add(item)
                    session.flush()
                continue
            except IntegrityError:  # the other member saved the same meeting a moment ago: ours wins
                item = _item(session, pair.id or 0, number)
                assert item is not None
        item.theme, item.updated_by, item.updated_at = theme, by, now
        session.add(item)
    session.flush()
    return result


def _item(session: Session, pair_id: int, number: int) -> RoadmapItem | None:
    return session.exec(
        select(RoadmapItem).where(RoadmapItem.pair_id == pair_id, RoadmapItem.meeting_number == number)
    ).first()
