"""One Slack user's hands, used by every test: pair, accept, submit a modal, press a button, tick, run the CLI.

Rows a test needs as a starting point (an active pair) are written directly; everything a member does
goes through correctly signed requests to the running bot (``bot.slack``), shaped like Slack's own.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from storage.db import session_scope
from storage.models import Pair, PairStatus
from tests.support.fake_slack import TEAM_ID
from tests.support.payloads import block_action, view_action, view_submission

if TYPE_CHECKING:
    from tests.conftest import RunningBot
    from tests.support.slack_requests import HttpResponse

ADMIN = "U0ADMIN"
MENTOR = "U0MENTOR"
MENTEE = "U0MENTEE"
PAIR_DM = "G0PAIRDM01"
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)  # a Thursday; the injected clock starts here
REPO = Path(__file__).resolve().parents[2]


# ---- a pair to start from ------------------------------------------------------------------------


def add_pair(
    session: Session,
    *,
    mentor: str = MENTOR,
    mentee: str = MENTEE,
    channel: str = PAIR_DM,
    status: str = PairStatus.ACTIVE,
    team_id: str = TEAM_ID,
    accepted: bool = True,
    created_at: datetime = NOW,
) -> Pair:
    """A pair row in ``session`` (flushed, so it has its id); active and accepted by both unless told."""
    pair = Pair(
        team_id=team_id,
        mentor_id=mentor,
        mentee_id=mentee,
        channel_id=channel,
        status=status,
        mentor_accepted=accepted,
        mentee_accepted=accepted,
        created_by=ADMIN,
        created_at=created_at,
    )
    session.add(pair)
    session.flush()
    return pair


def make_pair(engine: Engine, **fields: Any) -> Pair:
    """``add_pair`` in a unit of work of its own."""
    with session_scope(engine) as session:
        return add_pair(session, **fields)


# ---- pairing and accepting the way users do --------------------------------------------------------


def all_pairs(bot: RunningBot) -> list[Pair]:
    with session_scope(bot.engine) as session:
        return list(session.exec(select(Pair).order_by(Pair.id)))


def pair_via_command(bot: RunningBot, mentor: str = MENTOR, mentee: str = MENTEE) -> Pair:
    """``/mentor pair`` by the admin; waits until the welcome is in the new group DM."""
    response = bot.slack.command(f"pair <@{mentor}|m> <@{mentee}>", user_id=ADMIN)
    assert response.status == 200
    assert "Pairing" in response.json()["text"], response.json()

    def made() -> Pair | None:
        return next(
            (p for p in all_pairs(bot) if (p.mentor_id, p.mentee_id) == (mentor, mentee) and p.welcome_ts), None
        )

    bot.fake.wait_for(lambda f: made())
    pair = made()
    assert pair is not None
    return pair


def click_welcome(bot: RunningBot, pair: Pair, user: str, action_id: str, value: str | None = None) -> None:
    message = next(m for m in bot.fake.messages(pair.channel_id or "") if m["ts"] == pair.welcome_ts)
    payload = block_action(
        user_id=user,
        action_id=action_id,
        value=value if value is not None else str(pair.id),
        channel_id=pair.channel_id or "",
        message={"type": "message", "ts": message["ts"], "text": message["text"], "blocks": message["blocks"]},
        response_url=bot.fake.response_url("action"),
    )
    assert bot.slack.interactive(payload).status == 200


def activate(bot: RunningBot, pair: Pair) -> Pair:
    """Both members press Accept; returns the now active pair."""
    click_welcome(bot, pair, pair.mentor_id, "pair_accept")
    click_welcome(bot, pair, pair.mentee_id, "pair_accept")
    bot.fake.wait_for(lambda f: any(p.id == pair.id and p.status == PairStatus.ACTIVE for p in all_pairs(bot)))
    return next(p for p in all_pairs(bot) if p.id == pair.id)


def active_pair(bot: RunningBot, mentor: str, mentee: str) -> Pair:
    """An active pair with its group DM, made the way users make one."""
    return activate(bot, pair_via_command(bot, mentor, mentee))


# ---- buttons and modals -------------------------------------------------------------------------------


def press(
    bot: RunningBot,
    user: str,
    action_id: str,
    value: str,
    message: dict[str, Any] | None = None,
    channel: str = PAIR_DM,
) -> None:
    """Press a button in a message (the fake's ``_args`` bookkeeping left out, as Slack would)."""
    payload = block_action(
        user_id=user,
        action_id=action_id,
        value=value,
        channel_id=channel,
        message={k: v for k, v in message.items() if k != "_args"} if message else None,
        response_url=bot.fake.response_url("action"),
    )
    assert bot.slack.interactive(payload).status == 200


def press_in_view(bot: RunningBot, user: str, view: dict[str, Any], action_id: str, value: str = "") -> HttpResponse:
    """Press a button inside a modal."""
    response = bot.slack.interactive(view_action(user_id=user, view=view, action_id=action_id, value=value))
    assert response.status == 200
    return response


def send_submission(bot: RunningBot, user: str, view: dict[str, Any], inputs: dict[str, Any]) -> HttpResponse:
    """Submit a modal with these inputs; the raw answer."""
    return bot.slack.interactive(view_submission(user_id=user, view=view, inputs=inputs))


def submit(bot: RunningBot, user: str, view: dict[str, Any], inputs: dict[str, Any]) -> Any:
    """Submit a modal; the answer's JSON (``response_action`` …), or None for a plain ack that closes it."""
    response = send_submission(bot, user, view, inputs)
    assert response.status == 200, response.text
    return response.json() if response.body else None


# ---- the clock and the command line -----------------------------------------------------------------


def tick_at(bot: RunningBot, instant: datetime) -> None:
    """Move the injected clock to ``instant`` and run one scheduler pass there."""
    from scheduler.tick import tick

    bot.deps.clock.set(instant)  # type: ignore[attr-defined]
    tick(bot.deps.now(), bot.deps)


def cli_env(**extra: str) -> dict[str, str]:
    """This process's environment without the bot's own settings, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "MENTOR_", "DATABASE_URL", "PORT"))}
    env.update(extra)
    return env


def run_cli(args: list[str], cwd: Path, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """``python -m bot <args>`` as an operator runs it, in a process of its own."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
