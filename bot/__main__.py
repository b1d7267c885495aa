"""Command line: `python -m bot [serve]`, `tick [--now ISO-8601]` and `migrate`."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from types import FrameType

from dotenv import dotenv_values
from sqlalchemy.engine import Engine

from bot.config import ConfigError, load_settings
from mentoring.settings import Settings

logger = logging.getLogger("mentor_bot")


def read_environment(env_file: str = ".env") -> dict[str, str]:
    """The ``.env`` file in the working directory, overridden by the real environment."""
    merged = {k: v for k, v in dotenv_values(env_file).items() if v is not None}
    merged.update(os.environ)
    return merged


def parse_instant(value: str) -> datetime:
    """ISO-8601 instant; UTC when it has no offset."""
    try:
        instant = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not an ISO-8601 instant (e.g. 2026-11-26T09:00:00Z)") from None
    return instant if instant.tzinfo else instant.replace(tzinfo=UTC)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="mentor-bot: runs mentoring programs inside Slack. Reads the environment and .env.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("serve", help="run the bot (default): HTTP on $PORT, or Socket Mode with SLACK_APP_TOKEN")
    tick = sub.add_parser("tick", help="run one scheduler pass and exit")
    tick.add_argument("--now", type=parse_instant, help="the instant to run at (ISO-8601; UTC if no offset)")
    sub.add_parser("migrate", help="apply database migrations and exit")
    return parser


def _configure_logging() -> None:
    logging.basicConfig(
        level=os.environ.get("LOG_LEVEL", "INFO").upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)  # its per-step INFO lines are noise here


class DatabaseUnreachable(Exception):
    """The database in DATABASE_URL cannot be reached; ``str()`` is the one line for the operator."""


def prepare_database(engine: Engine) -> None:
    """Apply the migrations; an unreachable database becomes one clear line, not a traceback."""
    from sqlalchemy.exc import OperationalError

    from storage.migrate import upgrade

    try:
        upgrade(engine)
    except OperationalError as error:
        where = engine.url.render_as_string(hide_password=True)
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        raise DatabaseUnreachable(
            f"DATABASE_URL cannot be reached ({where}: {reason}): start the database or fix DATABASE_URL"
        ) from None


def run_migrate(settings: Settings) -> int:
    from storage.db import make_engine

    prepare_database(make_engine(settings.database_url))
    logger.info("database is at the newest schema")
    return 0


def run_tick(settings: Settings, now: datetime | None) -> int:
    from bot.app import build_deps
    from scheduler.tick import tick

    deps = build_deps(settings)
    prepare_database(deps.engine)
    result = tick(now or deps.now(), deps)
    print(f"tick: {result.planned} planned, {result.delivered} delivered")
    return 0


def _stop_on_sigterm() -> None:
    def _raise(_signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _raise)


def run_serve(settings: Settings) -> int:
    from slack_sdk.errors import SlackApiError

    from bot.app import build_deps, create_app
    from bot.server import make_server
    from scheduler import build_scheduler

    deps = build_deps(settings)
    prepare_database(deps.engine)
    app = create_app(settings, client=deps.client, engine=deps.engine, clock=deps.clock)
    scheduler = build_scheduler(deps)
    scheduler.start()
    _stop_on_sigterm()
    try:
        if settings.socket_mode:
            from slack_bolt.adapter.socket_mode import SocketModeHandler

            logger.info("starting in Socket Mode")
            try:
                SocketModeHandler(app, settings.slack_app_token).start()
            except SlackApiError as error:
                code = error.response.get("error") if error.response is not None else error
                print(
                    f"mentor-bot: configuration error: SLACK_APP_TOKEN was refused by Slack ({code}): "
                    "create an app-level token with connections:write and enable Socket Mode",
                    file=sys.stderr,
                )
                return 2
        else:
            server = make_server(app, deps.engine, signing_secret=settings.slack_signing_secret, port=settings.port)
            logger.info("listening on http://0.0.0.0:%s (POST /slack/events, GET /healthz)", settings.port)
            server.run()
    except KeyboardInterrupt:
        logger.info("shutting down")
    finally:
        scheduler.shutdown(wait=False)
    return 0


def main(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    command = args.command or "serve"
    try:
        settings = load_settings(read_environment() if env is None else env, command=command)
    except ConfigError as error:
        print(f"mentor-bot: configuration error: {error}", file=sys.stderr)
        return 2
    _configure_logging()
    try:
        if command == "migrate":
            return run_migrate(settings)
        if command == "tick":
            return run_tick(settings, args.now)
        return run_serve(settings)
    except DatabaseUnreachable as error:
        print(f"mentor-bot: configuration error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
