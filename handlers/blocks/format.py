"""Text formatting shared by screens: Slack dates in each reader's local time, progress bars."""

from __future__ import annotations

from datetime import UTC, datetime


def slack_date(when: datetime, fmt: str = "{date_short_pretty} at {time}") -> str:
    """``<!date^…>``: Slack renders it in each reader's own time zone; the fallback is UTC."""
    fallback = when.astimezone(UTC).strftime("%a %d %b %Y %H:%M UTC")
    return f"<!date^{int(when.timestamp())}^{fmt}|{fallback}>"
