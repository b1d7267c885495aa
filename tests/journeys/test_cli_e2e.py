"""End to end: ``python -m bot`` as an operator runs it, as a separate process."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import col, select

from mentoring.outbox import enqueue
from storage.db import make_engine, session_scope
from storage.migrate import upgrade
from storage.models import Outbox
from tests.conftest import MENTEE, MENTOR, RunningBot
from tests.support.fake_slack import VALID_TOKEN, FakeSlack
from tests.support.outbox import planned_posts
from tests.support.slack_requests import SIGNING_SECRET, SlackSender, http_request
from tests.support.slack_user import REPO, agree_through_the_ui, cli_env, dm_texts, pair_via_command, run_cli, started

pytestmark = pytest.mark.e2e


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served(tmp_path: Path, fake_slack: FakeSlack, database_url: str) -> Iterator[tuple[str, FakeSlack]]:
    """``python -m bot`` started with its tokens in ``.env``, as the README says."""
    port = free_port()
    (tmp_path / ".env").write_text(
        f"SLACK_BOT_TOKEN={VALID_TOKEN}\nSLACK_SIGNING_SECRET={SIGNING_SECRET}\n"
        f"SLACK_API_URL={fake_slack.api_url}\nDATABASE_URL={database_url}\nPORT={port}\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,
        env=cli_env(PYTHONPATH=str(REPO)),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if http_request(url + "/healthz", timeout=1).status == 200:
                break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            output = process.stdout.read() if process.stdout else ""
            process.kill()
            pytest.fail(f"bot did not become healthy:\n{output}")
        time.sleep(0.1)
    try:
        yield url, fake_slack
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def test_served_bot_answers_healthz_and_a_signed_help_within_3_seconds(served: tuple[str, FakeSlack]) -> None:
    url, fake = served
    assert http_request(url + "/healthz").json()["database"] is True
    sender = SlackSender(url, response_url=fake.response_url())
    started = time.monotonic()
    response = sender.command("help")
    assert time.monotonic() - started < 3
    assert response.status == 200
    assert "/mentor help" in response.json()["text"]
    assert sender.command("help", user_id="U0001").status == 200
    forged = SlackSender(url, response_url=fake.response_url(), signing_secret="wrong").command("help")
    assert forged.status == 401


def test_missing_bot_token_exits_2_naming_it(tmp_path: Path) -> None:
    result = run_cli([], tmp_path, cli_env(SLACK_SIGNING_SECRET="x"))
    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_help_lists_the_commands(tmp_path: Path) -> None:
    result = run_cli(["--help"], tmp_path, cli_env())
    assert result.returncode == 0
    for command in ("serve", "tick", "migrate"):
        assert command in result.stdout


def test_malformed_now_exits_2(tmp_path: Path) -> None:
    result = run_cli(["tick", "--now", "yesterday"], tmp_path, cli_env(SLACK_BOT_TOKEN=VALID_TOKEN))
    assert result.returncode == 2
    assert "ISO-8601" in result.stderr


def _plan(database_url: str, count: int, when: datetime) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    with session_scope(engine) as session:
        enqueue(
            session,
            planned_posts(count, key="e2e", channel="G0E2E", not_before=when, text="e2e post {n}"),
            now=when,
        )
    engine.dispose()


def test_tick_twice_for_the_same_instant_posts_nothing_twice(
    tmp_path: Path, fake_slack: FakeSlack, database_url: str
) -> None:
    now = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
    _plan(database_url, 3, now)
    env = cli_env(SLACK_BOT_TOKEN=VALID_TOKEN, SLACK_API_URL=fake_slack.api_url, DATABASE_URL=database_url)
    for _ in range(2):
        result = run_cli(["tick", "--now", "2026-11-26T10:00:00"], tmp_path, env)
        assert result.returncode == 0, result.stderr
    assert len(fake_slack.posts("G0E2E")) == 3


def _as_if_ago(database_url: str, elapsed: timedelta) -> None:
    """Time passes for the outbox: every claim was taken ``elapsed`` earlier by the wall clock."""
    engine = make_engine(database_url)
    with session_scope(engine) as session:
        for row in session.exec(select(Outbox).where(col(Outbox.claimed_at).is_not(None))):
            row.claimed_at = row.claimed_at - elapsed  # type: ignore[operator]
            session.add(row)
    engine.dispose()


def test_tick_killed_after_slack_took_the_post_does_not_post_it_again(
    tmp_path: Path, fake_slack: FakeSlack, database_url: str
) -> None:
    now = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
    _plan(database_url, 1, now)
    env = cli_env(SLACK_BOT_TOKEN=VALID_TOKEN, SLACK_API_URL=fake_slack.api_url, DATABASE_URL=database_url)
    fake_slack.inject("chat.postMessage", delay_after=30)  # Slack keeps the post; the answer never comes
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "tick", "--now", now.isoformat()],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    fake_slack.wait_for(lambda f: f.posts("G0E2E"), timeout=30)
    process.kill()  # the crash: after Slack has the post, before the bot recorded it
    process.wait()
    _as_if_ago(database_url, timedelta(minutes=10))
    later = (now + timedelta(minutes=10)).isoformat()
    result = run_cli(["tick", "--now", later], tmp_path, env)
    assert result.returncode == 0, result.stderr
    assert len(fake_slack.posts("G0E2E")) == 1
    assert "1 delivered" in result.stdout


def test_rerun_five_and_a_half_minutes_after_a_crash_mid_post_posts_nothing_twice(
    tmp_path: Path, fake_slack: FakeSlack, database_url: str
) -> None:
    """Ten posts, the process killed (SIGKILL) while Slack takes one; rerun 5½ minutes later, real timestamps."""
    crash_at = datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=330)
    fake_slack.clock_base = int(crash_at.timestamp())  # Slack's ts are the wall clock of the crashed run
    _plan(database_url, 10, crash_at)
    env = cli_env(SLACK_BOT_TOKEN=VALID_TOKEN, SLACK_API_URL=fake_slack.api_url, DATABASE_URL=database_url)
    fake_slack.inject("chat.postMessage", times=3)
    fake_slack.inject("chat.postMessage", delay_after=30)  # the fourth post: Slack keeps it, the answer never comes
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "tick", "--now", crash_at.isoformat()],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    fake_slack.wait_for(lambda f: len(f.posts("G0E2E")) == 4, timeout=30)
    process.send_signal(signal.SIGKILL)
    process.wait()
    _as_if_ago(database_url, timedelta(seconds=330))  # the crash was 5½ minutes ago
    later = crash_at + timedelta(seconds=330)
    result = run_cli(["tick", "--now", later.isoformat()], tmp_path, env)
    assert result.returncode == 0, result.stderr
    texts = [p["text"] for p in fake_slack.posts("G0E2E")]
    assert sorted(texts) == sorted(f"e2e post {n}" for n in range(10))
    assert "7 delivered" in result.stdout  # the one Slack took before the crash, found in history, and six more


def test_unreachable_database_exits_2_with_one_line_naming_database_url(tmp_path: Path) -> None:
    env = cli_env(SLACK_BOT_TOKEN=VALID_TOKEN, DATABASE_URL=f"sqlite:///{tmp_path}/missing/dir/mentor.db")
    result = run_cli(["migrate"], tmp_path, env)
    assert result.returncode == 2
    assert "DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_socket_mode_with_a_refused_app_token_exits_2_naming_it(
    tmp_path: Path, fake_slack: FakeSlack, database_url: str
) -> None:
    env = cli_env(
        SLACK_BOT_TOKEN=VALID_TOKEN,
        SLACK_APP_TOKEN="xapp-not-valid",
        SLACK_API_URL=fake_slack.api_url,
        DATABASE_URL=database_url,
    )
    result = run_cli([], tmp_path, env)
    assert result.returncode == 2, result.stderr
    assert "configuration error: SLACK_APP_TOKEN was refused" in result.stderr
    assert "Traceback" not in result.stderr
    assert fake_slack.calls("apps.connections.open")


@pytest.mark.e2e
def test_cli_help_lists_commands(tmp_path: Path) -> None:
    result = run_cli(["--help"], tmp_path, cli_env(PYTHONPATH=str(REPO)))
    assert result.returncode == 0 and "tick" in result.stdout


@pytest.mark.e2e
def test_cli_tick_twice_for_the_same_instant_posts_nothing_twice(bot: RunningBot, tmp_path: Path) -> None:
    pair = started(bot, pair_via_command(bot, MENTOR, MENTEE))
    agree_through_the_ui(bot, pair)
    channel = pair.channel_id or ""
    env = {"SLACK_BOT_TOKEN": VALID_TOKEN, "SLACK_API_URL": bot.fake.api_url, "DATABASE_URL": str(bot.engine.url)}
    env["DATABASE_URL"] = bot.engine.url.render_as_string(hide_password=False)
    seen = len(bot.fake.posts(channel))
    for _ in range(2):
        result = run_cli(["tick", "--now", "2026-12-03T19:25:00+01:00"], tmp_path, cli_env(**env, PYTHONPATH=str(REPO)))
        assert result.returncode == 0, result.stderr
    assert len([t for t in dm_texts(bot, channel, seen) if "What was useful about our conversation today?" in t]) == 1


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({}, "SLACK_BOT_TOKEN"),
        ({"SLACK_BOT_TOKEN": VALID_TOKEN, "MENTOR_DEFAULT_TZ": "Mars/Olympus"}, "MENTOR_DEFAULT_TZ"),
        ({"SLACK_BOT_TOKEN": VALID_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET, "PORT": "eighty"}, "PORT"),
        ({"SLACK_BOT_TOKEN": VALID_TOKEN, "DATABASE_URL": "nonsense://"}, "DATABASE_URL"),
        ({"SLACK_BOT_TOKEN": VALID_TOKEN, "DATABASE_URL": "mysql://u@127.0.0.1/d"}, "DATABASE_URL"),
    ],
)
def test_cli_configuration_errors_exit_2_with_one_line_naming_the_variable(
    tmp_path: Path, env: dict[str, str], variable: str
) -> None:
    args = [] if variable == "PORT" else ["tick", "--now", "2026-12-03T10:00:00"]
    result = run_cli(args, tmp_path, cli_env(**env, PYTHONPATH=str(REPO)))
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert variable in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


@pytest.mark.e2e
def test_cli_tick_without_now_uses_the_current_time_and_real_env_beats_dotenv(bot: RunningBot, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("SLACK_BOT_TOKEN=not-a-token\nDATABASE_URL=nonsense://\n")
    env = {
        "SLACK_BOT_TOKEN": VALID_TOKEN,
        "SLACK_API_URL": bot.fake.api_url,
        "DATABASE_URL": bot.engine.url.render_as_string(hide_password=False),
    }
    result = run_cli(["tick"], tmp_path, cli_env(**env, PYTHONPATH=str(REPO)))
    assert result.returncode == 0, result.stderr
    result = run_cli(["tick", "--now", "2026-12-03T19:25:00Z"], tmp_path, cli_env(**env, PYTHONPATH=str(REPO)))
    assert result.returncode == 0, result.stderr
