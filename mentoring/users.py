"""The cache of Slack users (as ``users.info`` describes them): reading it, checking a time zone name,
and each pair member's current zone for their contact hours (``current_zones``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session, col, select

from storage.models import Pair, SlackUser

CACHE_FOR = timedelta(days=1)
#: Contact hours follow where a member is now: their zone is refreshed this often (in bulk, by the tick).
ZONE_FRESH_FOR = timedelta(hours=1)


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


def current_zones(session: Session, pair: Pair, *, agreed_at: datetime | None) -> dict[str, str]:
    """The zone each member is in now, by role, from the cache (no Slack call), for reading their contact hours.

    Their current Slack time zone counts whenever Slack gives one (CONTRACT: hours are read "in the
    time zone the member is in now"); a member Slack gives no zone is left out, so the zone agreed
    in the boundaries stands for them. ``agreed_at`` is kept for callers; it no longer changes the answer.
    """
    rows = session.exec(
        select(SlackUser).where(SlackUser.team_id == pair.team_id, col(SlackUser.user_id).in_(pair.members()))
    ).all()
    zones: dict[str, str] = {}
    for row in rows:
        tz, role = valid_tz(row.tz), pair.role_of(row.user_id)
        if tz and role:
            zones[role] = tz
    return zones


def current_zone(session: Session, *, team_id: str, user_id: str) -> str | None:
    """One person's current Slack time zone from the cache, or None."""
    user = cached_user(session, team_id=team_id, user_id=user_id)
    return valid_tz(user.tz) if user else None


def stale_users(
    session: Session, members: Iterable[tuple[str, str]], *, now: datetime, limit: int
) -> list[tuple[str, str]]:
    """Of ``members`` (team, user), those whose cached zone is older than ``ZONE_FRESH_FOR`` (oldest first),
    then those never cached; at most ``limit``. Stale ones go first: someone Slack does not know (and
    so is never cached) must not keep everybody else's zone from being refreshed."""
    wanted = set(members)
    if not wanted:
        return []
    teams = {team for team, _ in wanted}
    rows = session.exec(
        select(SlackUser).where(col(SlackUser.team_id).in_(teams)).order_by(col(SlackUser.fetched_at))
    ).all()
    cached = {(row.team_id, row.user_id) for row in rows}
    never = sorted(wanted - cached)
    stale = [(row.team_id, row.user_id) for row in rows if row.fetched_at < now - ZONE_FRESH_FOR]
    return [*[key for key in stale if key in wanted], *never][:limit]
