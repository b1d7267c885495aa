"""Multi-workspace installs (OAuth): slack_sdk's SQLAlchemy stores on our database, tokens per team."""

from __future__ import annotations

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy.engine import Engine

from mentoring.settings import Settings
from storage.oauth_tables import BOTS_TABLE, INSTALLATIONS_TABLE, OAUTH_STATES_TABLE

#: The bot scopes of manifest.yml, asked for at install time.
BOT_SCOPES = (
    "commands",
    "chat:write",
    "mpim:write",
    "im:write",
    "mpim:history",
    "im:history",
    "users:read",
    "users:read.email",
    "files:write",
)
STATE_EXPIRATION_S = 600


def installation_store(settings: Settings, engine: Engine) -> SQLAlchemyInstallationStore | None:
    """The install store when OAuth is configured (tables come from our migrations, never create_all)."""
    if not settings.oauth_enabled or settings.slack_client_id is None:
        return None
    return SQLAlchemyInstallationStore(
        client_id=settings.slack_client_id,
        engine=engine,
        bots_table_name=BOTS_TABLE,
        installations_table_name=INSTALLATIONS_TABLE,
    )


def oauth_state_store(engine: Engine) -> SQLAlchemyOAuthStateStore:
    return SQLAlchemyOAuthStateStore(
        expiration_seconds=STATE_EXPIRATION_S, engine=engine, table_name=OAUTH_STATES_TABLE
    )
