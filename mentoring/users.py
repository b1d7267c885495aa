"""The cache of Slack users (as ``users.info`` describes them): reading it, and checking a time zone name."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session, select

from storage.models import SlackUser

CACHE_FOR = timedelta(days=1)


def valid_tz(name: str | None) -> str | None:
    if not name:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name


def cached_user(session: Session, *, team_id: str, user_id: str) -> SlackUser | None:
    return session.exec(select(SlackUser).where(SlackUser.team_id == team_id, SlackUser.user_id == user_id)).first()
