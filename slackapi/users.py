"""Slack users from ``users.info``, cached in the database for a day (``mentoring.users`` reads the cache)."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from mentoring.users import CACHE_FOR, cached_user, valid_tz
from storage.models import SlackUser

logger = logging.getLogger(__name__)


def get_user(session: Session, client: WebClient, *, team_id: str, user_id: str, now: datetime) -> SlackUser | None:
    """The user from the cache, refreshed with ``users.info`` when older than a day; None if Slack has none.

    Two requests may fetch the same new person at once: the second insert finds the first one's row
    and refreshes it instead of failing.
    """
    user = cached_user(session, team_id=team_id, user_id=user_id)
    if user is not None and now - user.fetched_at < CACHE_FOR:
        return user
    try:
        info = client.users_info(user=user_id)["user"]
    except SlackApiError as error:
        logger.info("users.info %s failed: %s", user_id, error.response.get("error") if error.response else error)
        return user
    if user is None:
        try:
            with session.begin_nested():
                user = _filled(SlackUser(team_id=team_id, user_id=user_id, fetched_at=now), info, now)
                session.add(user)
                session.flush()
            return user
        except IntegrityError:  # a concurrent request cached them first
            user = cached_user(session, team_id=team_id, user_id=user_id)
            if user is None:
                raise
    session.add(_filled(user, info, now))
    session.flush()
    return user


def _filled(user: SlackUser, info: dict[str, Any], now: datetime) -> SlackUser:
    profile = info.get("profile") or {}
    user.display_name = str(profile.get("display_name") or info.get("name") or "")[:255]
    user.real_name = str(profile.get("real_name") or info.get("real_name") or "")[:255]
    user.email = (profile.get("email") or None) and str(profile["email"])[:320]
    user.tz = valid_tz(info.get("tz"))
    user.is_bot = bool(info.get("is_bot"))
    user.fetched_at = now
    return user


def user_timezone(
    session: Session, client: WebClient, *, team_id: str, user_id: str, now: datetime, default: str
) -> str:
    """The user's IANA zone from Slack, or ``default`` (MENTOR_DEFAULT_TZ) when Slack gives none."""
    user = get_user(session, client, team_id=team_id, user_id=user_id, now=now)
    return (user.tz if user and user.tz else None) or default
