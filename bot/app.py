"""The app factory: builds the Bolt ``App`` from injected settings, Slack client, engine and clock."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Executor
from datetime import datetime

from slack_bolt import App
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from sqlalchemy.engine import Engine

from bot.config import Settings
from bot.deps import Deps, system_clock
from bot.installations import BOT_SCOPES, installation_store, oauth_state_store
from bot.slack_client import make_client
from storage.db import make_engine

logger = logging.getLogger(__name__)


def build_deps(
    settings: Settings,
    *,
    client: WebClient | None = None,
    engine: Engine | None = None,
    clock: Callable[[], datetime] | None = None,
) -> Deps:
    engine = engine if engine is not None else make_engine(settings.database_url)
    return Deps(
        settings=settings,
        engine=engine,
        client=client if client is not None else make_client(settings),
        clock=clock or system_clock,
        installations=installation_store(settings, engine),
    )


def create_app(
    settings: Settings,
    *,
    client: WebClient | None = None,
    engine: Engine | None = None,
    clock: Callable[[], datetime] | None = None,
    listener_executor: Executor | None = None,
) -> App:
    """Build the Bolt app with every listener registered. Nothing global is touched.

    ``listener_executor`` runs the work Bolt does after the ack (Bolt's own pool when omitted);
    tests pass one they can wait on.
    """
    from handlers import register_handlers  # the Slack edge depends on bot/, never the reverse

    deps = build_deps(settings, client=client, engine=engine, clock=clock)
    oauth_settings = None
    if deps.installations is not None:
        oauth_settings = OAuthSettings(
            client_id=settings.slack_client_id,
            client_secret=settings.slack_client_secret,
            scopes=list(BOT_SCOPES),
            installation_store=deps.installations,
            installation_store_bot_only=True,
            state_store=oauth_state_store(deps.engine),
            install_path="/slack/install",
            redirect_uri_path="/slack/oauth_redirect",
        )
    app = App(
        client=deps.client,
        signing_secret=settings.slack_signing_secret or "",
        request_verification_enabled=not settings.socket_mode,
        token_verification_enabled=False,
        oauth_settings=oauth_settings,
        logger=logging.getLogger("mentor_bot.bolt"),
        listener_executor=listener_executor,
    )
    register_handlers(app, deps)
    return app
