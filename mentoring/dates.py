"""How far ahead a member may put a date they pick (a goal's due date, a moved meeting)."""

from __future__ import annotations

from datetime import date

MAX_YEARS_AHEAD = 2


def latest_allowed(today: date) -> date:
    """``MAX_YEARS_AHEAD`` years after ``today`` (29 February becomes the 28th)."""
    year = today.year + MAX_YEARS_AHEAD
    try:
        return today.replace(year=year)
    except ValueError:
        return today.replace(year=year, day=28)


def too_far_ahead(day: date, today: date) -> str | None:
    """A field error when ``day`` is more than two years after ``today``, else None."""
    latest = latest_allowed(today)
    if day <= latest:
        return None
    return f"Pick a date within the next {MAX_YEARS_AHEAD} years (by {latest:%a %d %b %Y} at the latest)."
