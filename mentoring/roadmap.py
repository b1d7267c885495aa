"""The roadmap: a theme for each meeting of a pair, by meeting number, and the dates of the upcoming ones.

Suggestions start from the mentee's goals: the form offers the active SMART goals' titles first, then the
generic themes, until the pair first saves it. The answer to the check-in's last question ("what areas do
we want to focus on?") becomes the suggested theme of the next meeting without one (``suggest_from_focus``),
stored with whose answer it came from (``RoadmapItem.suggested_by``) until the pair changes it; a theme the
pair set is never overwritten.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from mentoring.goals import Invalid, active_goals, invalid
from mentoring.meetings import meeting_dates, pair_slots
from storage.models import CheckIn, CheckInAnswer, Meeting, Pair, RoadmapItem, table_of

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
    """The theme of meeting ``meeting_number`` (1-based): set by the pair or suggested from a check-in answer."""
    suggest_from_focus(session, pair_id)
    item = _item(session, pair_id, meeting_number)
    return item.theme if item and item.theme else None


def _theme_text(answer: str) -> str:
    """A focus answer as a one-line theme, within the column's limit."""
    text = "; ".join(line.strip(" -•*") for line in answer.splitlines() if line.strip(" -•*"))
    return text if len(text) <= THEME_MAX else text[: THEME_MAX - 1].rstrip() + "…"


def _checkin_number(session: Session, checkin: CheckIn) -> int:
    """The number of the meeting a check-in closed (for an off-schedule one: of the last meeting started before)."""
    meeting = session.get(Meeting, checkin.meeting_id) if checkin.meeting_id is not None else None
    if meeting is not None and meeting.number:
        return meeting.number
    started = [
        s.number for s in pair_slots(session, checkin.pair_id) if s.number and s.scheduled_at <= checkin.created_at
    ]
    return max(started, default=0)


def suggest_from_focus(session: Session, pair_id: int) -> RoadmapItem | None:
    """The pair's latest "what areas do we want to focus on?" answer as the next theme-less meeting's theme.

    The mentee's answer is preferred to the mentor's. Kept up to date while it is still a suggestion (the
    member edits their answer); once the pair changes or clears it, it is theirs and left alone.
    """
    pair = session.get(Pair, pair_id)
    if pair is None:
        return None
    latest = session.exec(
        select(CheckIn, CheckInAnswer)
        .join(CheckInAnswer, col(CheckInAnswer.checkin_id) == col(CheckIn.id))
        .where(CheckIn.pair_id == pair_id, col(CheckInAnswer.focus) != "")
        .order_by(col(CheckIn.created_at).desc(), col(CheckIn.id).desc())
    ).all()
    if not latest:
        return None
    checkin = latest[0][0]
    answers = {answer.user_id: answer for found, answer in latest if found.id == checkin.id and answer.focus.strip()}
    if not answers:
        return None
    author = pair.mentee_id if pair.mentee_id in answers else next(iter(answers))
    theme = _theme_text(answers[author].focus)
    existing = session.exec(
        select(RoadmapItem).where(RoadmapItem.pair_id == pair_id, RoadmapItem.source_checkin_id == checkin.id)
    ).first()
    if existing is not None:
        if existing.suggested_by is not None and (existing.theme, existing.suggested_by) != (theme, author):
            existing.theme, existing.suggested_by, existing.updated_by = theme, author, author
            existing.updated_at = answers[author].updated_at
            session.add(existing)
        return existing
    taken = {item.meeting_number for item in session.exec(select(RoadmapItem).where(RoadmapItem.pair_id == pair_id))}
    number = _checkin_number(session, checkin) + 1
    while number in taken:
        number += 1
    if number > MAX_MEETING_NUMBER:
        return None
    # Two processes may suggest at once: the second insert does nothing (no savepoint, safe on SQLite too).
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(
        insert(table_of(RoadmapItem))
        .values(
            team_id=pair.team_id,
            pair_id=pair_id,
            meeting_number=number,
            theme=theme,
            updated_by=author,
            updated_at=answers[author].updated_at,
            suggested_by=author,
            source_checkin_id=checkin.id,
        )
        .on_conflict_do_nothing(index_elements=["pair_id", "meeting_number"])
    )
    return _item(session, pair_id, number)


def suggested_theme(meeting_number: int) -> str:
    """The example theme for meeting ``meeting_number``, or "" past the examples."""
    return DEFAULT_THEMES[meeting_number - 1] if 1 <= meeting_number <= len(DEFAULT_THEMES) else ""


def _items(session: Session, pair_id: int) -> list[RoadmapItem]:
    return list(
        session.exec(
            select(RoadmapItem).where(RoadmapItem.pair_id == pair_id).order_by(col(RoadmapItem.meeting_number))
        )
    )


def saved_themes(session: Session, pair_id: int) -> dict[int, str]:
    """Every theme set (by the pair, or suggested from a check-in answer), by meeting number."""
    suggest_from_focus(session, pair_id)
    return {item.meeting_number: item.theme for item in _items(session, pair_id) if item.theme}


def first_upcoming(session: Session, pair_id: int, *, now: datetime) -> int:
    """The number of the pair's next meeting (1 while no boundaries are agreed)."""
    dates = meeting_dates(session, pair_id, LOOKAHEAD)
    upcoming = [number for number, starts in sorted(dates.items()) if starts > now]
    if upcoming:
        return upcoming[0]
    return max(dates) + 1 if dates else 1


class Suggested:
    """Where a row's theme came from when the pair did not set it."""

    EXAMPLE = "example"  # one of ``DEFAULT_THEMES``
    GOAL = "goal"  # an active goal's title
    CHECKIN = "checkin"  # a member's answer to "what areas do we want to focus on?"


@dataclass(frozen=True)
class RoadmapRow:
    number: int
    theme: str  # the saved theme, else the suggestion while nothing is saved, else ""
    saved: bool
    starts_at: datetime | None  # UTC, when the boundaries are agreed
    suggested: str | None = None  # a ``Suggested`` value while the theme is a suggestion
    suggested_by: str | None = None  # whose check-in answer it came from


def _suggestions(session: Session, pair_id: int, numbers: range, taken: set[str]) -> dict[int, tuple[str, str]]:
    """Suggested themes for ``numbers``: meeting 1 gets to know each other; then the goals, then the examples."""
    goals = [g.title for g in active_goals(session, pair_id) if g.title.strip().lower() not in taken]
    first_example = max(numbers.start, 2) - 1
    queue = [(title, Suggested.GOAL) for title in goals]
    queue += [(theme, Suggested.EXAMPLE) for theme in DEFAULT_THEMES[first_example:] if theme.lower() not in taken]
    found: dict[int, tuple[str, str]] = {}
    for number in numbers:
        if number == 1:
            found[1] = (DEFAULT_THEMES[0], Suggested.EXAMPLE)
        elif queue:
            found[number] = queue.pop(0)
    return found


def roadmap_rows(
    session: Session, pair_id: int, *, now: datetime, first: int | None = None, rows: int = ROADMAP_ROWS
) -> list[RoadmapRow]:
    """The upcoming meetings (from ``first``, by default the next one) with their themes or suggestions."""
    suggest_from_focus(session, pair_id)
    first = first if first is not None else first_upcoming(session, pair_id, now=now)
    numbers = range(first, first + rows)
    dates = meeting_dates(session, pair_id, numbers[-1])
    items = {item.meeting_number: item for item in _items(session, pair_id)}
    # Suggestions fill the form until the pair first saves it; after that an empty meeting stays empty.
    pair_saved = any(item.suggested_by is None for item in items.values())
    taken = {item.theme.strip().lower() for item in items.values() if item.theme}
    suggestions = {} if pair_saved else _suggestions(session, pair_id, numbers, taken)
    found = []
    for n in numbers:
        item = items.get(n)
        if item is not None:
            from_checkin = Suggested.CHECKIN if item.suggested_by and item.theme else None
            found.append(RoadmapRow(n, item.theme, bool(item.theme), dates.get(n), from_checkin, item.suggested_by))
        elif n in suggestions:
            theme, kind = suggestions[n]
            found.append(RoadmapRow(n, theme, False, dates.get(n), kind))
        else:
            found.append(RoadmapRow(n, "", False, dates.get(n)))
    return found


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
        if item is not None and item.theme == theme:
            if theme:
                result[number] = theme  # unchanged: a suggestion from a check-in answer stays one
            continue
        if not theme:
            if item is not None and item.source_checkin_id is not None:
                # A suggestion the pair cleared stays cleared (an empty theme), so it does not come back.
                item.theme, item.suggested_by, item.updated_by, item.updated_at = "", None, by, now
                session.add(item)
            elif item is not None:
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
        item.theme, item.updated_by, item.updated_at, item.suggested_by = theme, by, now, None
        session.add(item)
    session.flush()
    return result


def _item(session: Session, pair_id: int, number: int) -> RoadmapItem | None:
    return session.exec(
        select(RoadmapItem).where(RoadmapItem.pair_id == pair_id, RoadmapItem.meeting_number == number)
    ).first()
