"""Configuration: missing or malformed values stop the bot with exit 2 and one clear line."""

from __future__ import annotations

import pytest

from bot.__main__ import main
from bot.config import ConfigError, load_settings

GOOD = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s3cret"}


def test_defaults_follow_the_contract() -> None:
    settings = load_settings(GOOD)
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.database_url == "sqlite:///mentor.db"
    assert settings.port == 3000
    assert settings.admins == frozenset()
    assert settings.default_tz == "UTC"
    assert not settings.socket_mode
    assert not settings.oauth_enabled


def test_api_url_gets_its_trailing_slash() -> None:
    assert load_settings(GOOD | {"SLACK_API_URL": "http://127.0.0.1:9/api"}).slack_api_url == (
        "http://127.0.0.1:9/api/"
    )


def test_admins_are_split_on_commas() -> None:
    settings = load_settings(GOOD | {"MENTOR_ADMINS": "U01ABC, W02DEF ,"})
    assert settings.admins == {"U01ABC", "W02DEF"}
    assert settings.is_admin("W02DEF")


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"SLACK_SIGNING_SECRET": "s"}, "SLACK_BOT_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xoxp-user-token", "SLACK_SIGNING_SECRET": "s"}, "SLACK_BOT_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET"),
        (GOOD | {"SLACK_APP_TOKEN": "xoxb-wrong"}, "SLACK_APP_TOKEN"),
        (GOOD | {"PORT": "eighty"}, "PORT"),
        (GOOD | {"PORT": "70000"}, "PORT"),
        (GOOD | {"DATABASE_URL": "not a url"}, "DATABASE_URL"),
        (GOOD | {"MENTOR_ADMINS": "alice"}, "MENTOR_ADMINS"),
        (GOOD | {"MENTOR_DEFAULT_TZ": "Mars/Olympus"}, "MENTOR_DEFAULT_TZ"),
        (GOOD | {"SLACK_API_URL": "ftp://x"}, "SLACK_API_URL"),
        (GOOD | {"SLACK_CLIENT_ID": "123.456"}, "SLACK_CLIENT_SECRET"),
    ],
)
def test_bad_configuration_names_the_variable(env: dict[str, str], variable: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(env)
    assert caught.value.variable == variable
    assert variable in str(caught.value)


def test_socket_mode_needs_no_signing_secret() -> None:
    settings = load_settings({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"})
    assert settings.socket_mode


def test_migrate_needs_no_slack_tokens() -> None:
    assert load_settings({}, command="migrate").database_url == "sqlite:///mentor.db"


def test_main_exits_2_with_one_line_and_no_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([], env={"SLACK_SIGNING_SECRET": "s"}) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "SLACK_BOT_TOKEN" in err
    assert "Traceback" not in err


def test_plain_postgres_urls_use_the_shipped_psycopg_driver() -> None:
    for url in ("postgres://u:p@db/mentor", "postgresql://u:p@db/mentor"):
        assert load_settings(GOOD | {"DATABASE_URL": url}).database_url == "postgresql+psycopg://u:p@db/mentor"
    assert load_settings(GOOD | {"DATABASE_URL": "sqlite:///x.db"}).database_url == "sqlite:///x.db"
