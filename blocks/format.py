"""Text formatting shared by every screen: Slack dates in each reader's local time, safe user text."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from mentoring.text import escape_mrkdwn

__all__ = ["escape_mrkdwn", "slack_date"]


def slack_date(when: datetime, fmt: str = "{date_short_pretty} at {time}", *, tz: str | None = None) -> str:
    """``<!date^…>``: Slack renders it in each reader's own time zone.

    The fallback (for clients that cannot render it) is in ``tz`` when given, else UTC.
    """
    if tz:
        fallback = when.astimezone(ZoneInfo(tz)).strftime("%a %d %b %Y %H:%M ") + tz
    else:
        fallback = when.astimezone(UTC).strftime("%a %d %b %Y %H:%M UTC")
    return f"<!date^{int(when.timestamp())}^{fmt}|{fallback}>"
