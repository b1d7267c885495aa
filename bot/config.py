"""Reading the configuration: the environment (and ``.env``) once, validated into the frozen ``Settings``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from mentoring.settings import DEFAULT_DATABASE_URL, DEFAULT_PORT, DEFAULT_SLACK_API_URL, Settings
from storage.db import normalize_url

USER_ID_PATTERN = re.compile(r"^[UW][A-Z0-9]{2,}$")


class ConfigError(Exception):
    """A missing or malformed setting; ``str()`` is the one line shown to the operator."""

    def __init__(self, variable: str, problem: str, fix: str) -> None:
        self.variable = variable
        super().__init__(f"{variable} {problem}: {fix}")


def _get(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name)
    if value is None:
        return None
    value = value.strip()
    return value or None


def _require_token(env: Mapping[str, str], name: str, prefix: str, where: str) -> str:
    value = _get(env, name)
    if value is None:
        raise ConfigError(name, "is not set", f"add {name}={prefix}… to .env or the environment ({where})")
    return _check_token(name, value, prefix, where)


def _check_token(name: str, value: str, prefix: str, where: str) -> str:
    if not value.startswith(prefix):
        raise ConfigError(name, f"must start with '{prefix}'", f"copy the token from {where}")
    return value


def _api_url(env: Mapping[str, str]) -> str:
    value = _get(env, "SLACK_API_URL") or DEFAULT_SLACK_API_URL
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ConfigError("SLACK_API_URL", f"is not an http(s) URL ({value!r})", f"use e.g. {DEFAULT_SLACK_API_URL}")
    return value if value.endswith("/") else value + "/"


def _database_url(env: Mapping[str, str]) -> str:
    value = normalize_url(_get(env, "DATABASE_URL") or DEFAULT_DATABASE_URL)
    try:
        dialect = make_url(value).get_dialect()  # an unknown dialect ("nonsense://") is an ArgumentError too
    except ArgumentError:
        raise ConfigError(
            "DATABASE_URL",
            f"is not a SQLAlchemy URL ({value!r})",
            "use e.g. sqlite:///mentor.db or postgresql+psycopg://user:pass@host/db",
        ) from None
    try:
        dialect.import_dbapi()
    except ImportError as error:
        raise ConfigError(
            "DATABASE_URL",
            f"needs a database driver that is not installed ({error.name or error})",
            "use sqlite:///mentor.db or postgresql+psycopg://user:pass@host/db, or install that driver",
        ) from None
    return value


def _port(env: Mapping[str, str]) -> int:
    value = _get(env, "PORT")
    if value is None:
        return DEFAULT_PORT
    if not value.isdigit() or not 1 <= int(value) <= 65535:
        raise ConfigError("PORT", f"is not a port number ({value!r})", "use a whole number from 1 to 65535")
    return int(value)


def _admins(env: Mapping[str, str]) -> frozenset[str]:
    raw = _get(env, "MENTOR_ADMINS") or ""
    ids = [part.strip() for part in raw.split(",") if part.strip()]
    for user_id in ids:
        if not USER_ID_PATTERN.match(user_id):
            raise ConfigError(
                "MENTOR_ADMINS",
                f"has {user_id!r}, which is not a Slack user ID",
                "list member IDs like U012ABCDEF, separated by commas (profile → ⋮ → Copy member ID)",
            )
    return frozenset(ids)


def _timezone(env: Mapping[str, str]) -> str:
    value = _get(env, "MENTOR_DEFAULT_TZ") or "UTC"
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            "MENTOR_DEFAULT_TZ", f"is not an IANA time zone ({value!r})", "use e.g. UTC or Europe/Berlin"
        ) from None
    return value


def load_settings(env: Mapping[str, str], *, command: str = "serve") -> Settings:
    """Validate ``env`` for ``command`` (serve, tick or migrate); raise ConfigError on the first problem."""
    database_url = _database_url(env)
    default_tz = _timezone(env)
    admins = _admins(env)
    api_url = _api_url(env)
    port = _port(env)
    client_id = _get(env, "SLACK_CLIENT_ID")
    client_secret = _get(env, "SLACK_CLIENT_SECRET")
    if bool(client_id) != bool(client_secret):
        missing = "SLACK_CLIENT_SECRET" if client_id else "SLACK_CLIENT_ID"
        raise ConfigError(missing, "is not set", "OAuth needs both SLACK_CLIENT_ID and SLACK_CLIENT_SECRET")
    oauth = bool(client_id and client_secret)

    bot_token: str | None = None
    signing_secret: str | None = None
    app_token: str | None = None
    where_bot = "Slack app → OAuth & Permissions → Bot User OAuth Token"
    tokens_from_installs = oauth and _get(env, "SLACK_BOT_TOKEN") is None
    if command in ("serve", "tick") and not tokens_from_installs:
        bot_token = _require_token(env, "SLACK_BOT_TOKEN", "xoxb-", where_bot)
    if command == "serve":
        raw_app = _get(env, "SLACK_APP_TOKEN")
        if raw_app is not None:
            app_token = _check_token(
                "SLACK_APP_TOKEN", raw_app, "xapp-", "Slack app → Basic Information → App-Level Tokens"
            )
        signing_secret = _get(env, "SLACK_SIGNING_SECRET")
        if app_token is None and signing_secret is None:
            raise ConfigError(
                "SLACK_SIGNING_SECRET",
                "is not set",
                "add it from Slack app → Basic Information → Signing Secret (or set SLACK_APP_TOKEN for Socket Mode)",
            )
    return Settings(
        slack_bot_token=bot_token,
        slack_signing_secret=signing_secret,
        slack_app_token=app_token,
        slack_api_url=api_url,
        database_url=database_url,
        port=port,
        admins=admins,
        default_tz=default_tz,
        slack_client_id=client_id,
        slack_client_secret=client_secret,
    )
