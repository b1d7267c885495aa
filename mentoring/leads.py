"""Who leads the program: the ``MENTOR_ADMINS``, and in OAuth mode also the workspace's admins and owners.

Workspace roles come from ``users.info`` and are cached a day (``slackapi.roles`` fetches them); here they are
only read, so the scheduler's producers can use them without calling Slack.
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, col, select

from mentoring.settings import Settings
from storage.models import WorkspaceRole

#: A cached workspace role is asked of Slack again after this long.
ROLE_FRESH_FOR = timedelta(days=1)


def cached_role(session: Session, *, team_id: str, user_id: str) -> WorkspaceRole | None:
    return session.exec(
        select(WorkspaceRole).where(WorkspaceRole.team_id == team_id, WorkspaceRole.user_id == user_id)
    ).first()


def program_leads(session: Session, settings: Settings, *, team_id: str) -> list[str]:
    """The leads of a workspace's program: ``MENTOR_ADMINS``, plus (OAuth) the workspace admins seen so far."""
    leads = set(settings.admins)
    if settings.oauth_enabled:
        leads |= set(
            session.exec(
                select(WorkspaceRole.user_id).where(
                    WorkspaceRole.team_id == team_id, col(WorkspaceRole.is_admin).is_(True)
                )
            )
        )
    return sorted(leads)
