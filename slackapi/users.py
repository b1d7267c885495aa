"""Slack users from ``users.info``, cached in the database (``mentoring.users`` reads the cache).

Names are cached for a day; time zones, which contact hours follow, are refreshed hourly in bulk by
``refresh_zones`` (a few per scheduler pass), never per pair per pass.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from mentoring.users import CACHE_FOR, ZONE_FRESH_FOR, cached_user, stale_users, valid_tz
from storage.models import SlackUser

logger = logging.getLogger(__name__)


def get_user(
    session: Session,
    client: WebClient,
    *,
    team_id: str,
    user_id: str,
    now: datetime,
    max_age: timedelta = CACHE_FOR,
) -> SlackUser | None:
    """The user from the cache, refreshed with ``users.info`` when older than ``max_age``; None if Slack has none.

    Two requests may fetch the same new person at once: the second insert finds the first one's row
    and refreshes it instead of failing.
    """
    user = cached_user(session, team_id=team_id, user_id=user_id)
    if user is not None and now - user.fetched_at < max_age:
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
    tz = valid_tz(info.get("tz"))
    if user.tz is not None and tz != user.tz:
        user.tz_since = now  # moved (or travelling) since we last looked
    user.tz = tz
    user.is_bot = bool(info.get("is_bot"))
    user.fetched_at = now
    return user


def user_timezone(
    session: Session, client: WebClient, *, team_id: str, user_id: str, now: datetime, default: str
) -> str:
    """The user's IANA zone from Slack, or ``default`` (MENTOR_DEFAULT_TZ) when Slack gives none."""
    user = get_user(session, client, team_id=team_id, user_id=user_id, now=now)
    return (user.tz if user and user.tz else None) or default


#: At most this many ``users.info`` calls per scheduler pass: every member is still refreshed about hourly.
REFRESH_PER_PASS = 50


def refresh_zones(
    session: Session,
    client_for_team: Callable[[str], WebClient | None],
    members: Iterable[tuple[str, str]],
    *,
    now: datetime,
    limit: int = REFRESH_PER_PASS,
) -> int:
    """Refresh the cached zones of ``members`` (team, user) older than an hour, oldest first; how many."""
    refreshed = 0
    for team_id, user_id in stale_users(session, members, now=now, limit=limit):
        client = client_for_team(team_id)
        if client is None:
            continue
        try:
            get_user(session, client, team_id=team_id, user_id=user_id, now=now, max_age=ZONE_FRESH_FOR)
        except OSError as error:  # Slack unreachable: the cached zones stand until the next pass
            logger.info("users.info unreachable while refreshing zones: %s", error)
            break
        refreshed += 1
    return refreshed
