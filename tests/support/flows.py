"""Multi-step user flows reused by tests: an admin pairs two people, both accept."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlmodel import select

from storage.db import session_scope
from storage.models import Pair, PairStatus
from tests.support.payloads import block_action

if TYPE_CHECKING:
    from tests.conftest import RunningBot

ADMIN = "U0ADMIN"


def all_pairs(bot: RunningBot) -> list[Pair]:
    with session_scope(bot.engine) as session:
        return list(session.exec(select(Pair).order_by(Pair.id)))


def pair_via_command(bot: RunningBot, mentor: str, mentee: str) -> Pair:
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
