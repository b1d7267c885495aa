"""Whether someone is an admin or owner of their workspace, from ``users.info``, cached a day in ``workspace_role``."""

from __future__ import annotations

import logging
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from mentoring.leads import ROLE_FRESH_FOR, cached_role
from storage.models import WorkspaceRole

logger = logging.getLogger(__name__)


def is_workspace_admin(session: Session, client: WebClient, *, team_id: str, user_id: str, now: datetime) -> bool:
    """True for a workspace admin or owner; asked of Slack at most once a day per person (else the cached answer)."""
    role = cached_role(session, team_id=team_id, user_id=user_id)
    if role is not None and now - role.fetched_at < ROLE_FRESH_FOR:
        return role.is_admin
    try:
        info = client.users_info(user=user_id)["user"]
    except SlackApiError as error:
        logger.info("users.info %s failed: %s", user_id, error.response.get("error") if error.response else error)
        return role.is_admin if role is not None else False
    is_admin = bool(info.get("is_admin") or info.get("is_owner"))
    if role is None:
        try:
            with session.begin_nested():
                session.add(WorkspaceRole(team_id=team_id, user_id=user_id, is_admin=is_admin, fetched_at=now))
                session.flush()
            return is_admin
        except IntegrityError:  # a concurrent request cached them first
            role = cached_role(session, team_id=team_id, user_id=user_id)
            if role is None:
                raise
    role.is_admin, role.fetched_at = is_admin, now
    session.add(role)
    session.flush()
    return is_admin
