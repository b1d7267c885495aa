"""The app factory: builds the Bolt ``App`` from injected settings, Slack client, engine and clock."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Executor
from datetime import datetime

from slack_bolt import App
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from sqlalchemy.engine import Engine

from bot.installations import BOT_SCOPES, installation_store, oauth_state_store
from bot.slack_client import make_client, slack_monitor
from handlers import register_handlers
from mentoring.deps import Deps, system_clock
from mentoring.settings import Settings
from storage.db import make_engine

logger = logging.getLogger(__name__)

#: The first request may wait this long for the bot's own ids from auth.test; later ones never wait.
FIRST_AUTH_WAIT_S = 1.0


class _DropTokenIgnoredWarning(logging.Filter):
    """Bolt warns that the client's token "will be ignored" when ``authorize`` is given; ours uses that token."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "will be ignored" not in record.getMessage()


_BOLT_LOGGER = logging.getLogger("mentor_bot.bolt")
_BOLT_LOGGER.addFilter(_DropTokenIgnoredWarning())


def single_workspace_authorize(client: WebClient) -> Callable[..., AuthorizeResult]:
    """Bolt's ``authorize`` for one workspace, from a cached auth.test that never holds up a request for long.

    Bolt's default calls auth.test on the first request, with the client's retries (seconds when
    Slack is unreachable, before the ack). Here the answer comes from ``SlackMonitor``: the bot
    token is always used; the bot's user and bot ids are filled in once auth.test has answered.
    """
    monitor = slack_monitor(client)
    token = client.token

    def authorize(enterprise_id: str | None = None, team_id: str | None = None, **_: object) -> AuthorizeResult:
        auth: dict[str, object] = {}
        if monitor is not None:
            state = monitor.check(wait=FIRST_AUTH_WAIT_S if monitor.state.auth is None else 0)
            auth = state.auth or {}
        return AuthorizeResult(
            enterprise_id=enterprise_id,
            team_id=team_id or (str(auth["team_id"]) if auth.get("team_id") else None),
            bot_token=token,
            bot_user_id=str(auth["user_id"]) if auth.get("user_id") else None,
            bot_id=str(auth["bot_id"]) if auth.get("bot_id") else None,
        )

    return authorize


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
    authorize = None
    if oauth_settings is None and deps.client.token:
        authorize = single_workspace_authorize(deps.client)
    app = App(
        client=deps.client,
        authorize=authorize,
        signing_secret=settings.slack_signing_secret or "",
        request_verification_enabled=not settings.socket_mode,
        token_verification_enabled=False,
        oauth_settings=oauth_settings,
        logger=_BOLT_LOGGER,
        listener_executor=listener_executor,
    )
    register_handlers(app, deps)
    return app
