"""Before each pass plans anything: the members of live pairs get their cached Slack time zone refreshed.

Contact hours follow the person (``mentoring.contact_hours``), so the producers read each member's
current zone from the users cache. Keeping that cache fresh is done here, in bulk and bounded
(``slackapi.users.REFRESH_PER_PASS`` stale members per pass, oldest first), never per pair per pass.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlmodel import col, select

from mentoring.deps import Deps
from slackapi.users import refresh_zones
from storage.db import session_scope
from storage.models import Pair, PairStatus

logger = logging.getLogger(__name__)


def refresh_member_zones(deps: Deps, now: datetime) -> int:
    """Refresh the stale zones of live pairs' members; how many were asked of Slack."""
    with session_scope(deps.engine) as session:
        rows = session.exec(select(Pair).where(col(Pair.status).in_(PairStatus.LIVE))).all()
        members = {(pair.team_id, user) for pair in rows for user in pair.members()}
        return refresh_zones(session, deps.client_for_team, members, now=now)
