"""``/mentor pair @mentor @mentee``: the pair, its group DM with the welcome, and the Accept / Decline buttons."""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from blocks.pairing import ACCEPT_ACTION, DECLINE_ACTION, started_blocks, welcome_blocks, welcome_text
from handlers import payloads
from handlers.context import Invocation, invocation
from mentoring.deps import Deps
from mentoring.pairs import answer_invite, create_pair
from mentoring.problems import ADMINS_ONLY, Problem
from mentoring.programs import program_for_new_pair, today_in
from mentoring.text import escape_mrkdwn
from slackapi.conversations import direct_message, open_group_dm
from storage.db import session_scope
from storage.models import Pair, Program

logger = logging.getLogger(__name__)

PAIR_USAGE = (
    "Usage: `/mentor pair @mentor @mentee [program]` — mention the mentor first, then the mentee; "
    "the program is the one running today unless you name another."
)


def start_pair_dm(deps: Deps, client: WebClient, pair: Pair) -> Problem | None:
    """Open the pair's group DM and post the welcome; on failure the pair is removed again."""
    try:
        channel = open_group_dm(client, pair.members())
    except SlackApiError as error:
        code = error.response.get("error", "error") if error.response is not None else "error"
        with session_scope(deps.engine) as session:
            stale = session.get(Pair, pair.id)
            if stale is not None:
                session.delete(stale)
        return Problem(
            f"I couldn't open a DM with <@{pair.mentor_id}> and <@{pair.mentee_id}> (`{code}`); nothing was created."
        )
    pair.channel_id = channel
    with session_scope(deps.engine) as session:
        session.add(pair)
    ts = client.chat_postMessage(channel=channel, text=welcome_text(pair), blocks=welcome_blocks(pair))["ts"]
    with session_scope(deps.engine) as session:
        pair.welcome_ts = str(ts)
        session.add(pair)
    return None


def pair(inv: Invocation) -> None:
    """``/mentor pair @mentor @mentee`` (admins)."""
    if not inv.is_admin:
        inv.problem(ADMINS_ONLY)
        return
    ids = payloads.parse_mentions(inv.args)
    if len(ids) != 2:
        inv.reply(PAIR_USAGE)
        return
    mentor_id, mentee_id = ids
    program_name = payloads.MENTION.sub(" ", inv.args)  # what is left after the mentions names the program
    today = today_in(inv.deps.now(), inv.deps.settings.default_tz)
    with session_scope(inv.deps.engine) as session:
        program = program_for_new_pair(session, team_id=inv.team_id, name=program_name, today=today)
        created = (
            program
            if isinstance(program, Problem)
            else create_pair(
                session,
                team_id=inv.team_id,
                mentor_id=mentor_id,
                mentee_id=mentee_id,
                created_by=inv.user_id,
                now=inv.deps.now(),
                program_id=program.id if program is not None else None,
            )
        )
    if isinstance(created, Problem):
        inv.problem(created)
        return
    in_program = f" in *{escape_mrkdwn(program.name)}*" if isinstance(program, Program) else ""
    inv.reply(
        f":handshake: Pairing <@{mentor_id}> (mentor) with <@{mentee_id}> (mentee){in_program}. I'm opening their "
        "group DM and asking both to accept."
    )
    problem = start_pair_dm(inv.deps, inv.client, created)
    if problem:
        inv.problem(problem)


def answer_invite_button(
    ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, *, deps: Deps, accept: bool
) -> None:
    """Accept or Decline in the welcome: the welcome shows who accepted; both in starts the pair."""
    ack()
    inv = invocation(deps, body, client, respond=respond)
    with session_scope(deps.engine) as session:
        found = inv.pair(session, payloads.action_value(body), require_active=False)
        if isinstance(found, Problem):
            inv.problem(found)
            return
        outcome = answer_invite(session, pair=found, user_id=inv.user_id, accept=accept, now=deps.now())
    if isinstance(outcome, Problem):
        inv.problem(outcome)
        return
    if not outcome.changed:
        inv.reply("You've already accepted; waiting for the other person.")
        return
    answered = outcome.pair
    channel, welcome_ts = answered.channel_id, answered.welcome_ts
    if channel and welcome_ts:
        with session_scope(deps.engine) as session:  # the other member may have answered meanwhile
            answered = session.get(Pair, answered.id) or answered
        client.chat_update(channel=channel, ts=welcome_ts, text=welcome_text(answered), blocks=welcome_blocks(answered))
    if outcome.now_active and answered.channel_id:
        client.chat_postMessage(
            channel=answered.channel_id,
            text="You're both in! Start with pre-work and boundaries.",
            blocks=started_blocks(answered),
        )
    if outcome.declined:
        direct_message(
            client,
            answered.created_by,
            f"<@{inv.user_id}> declined the mentoring pairing of <@{answered.mentor_id}> (mentor) and "
            f"<@{answered.mentee_id}> (mentee). The pairing is closed; you can pair them differently.",
        )


def register(app: App, deps: Deps) -> None:
    app.action(ACCEPT_ACTION)(partial(answer_invite_button, deps=deps, accept=True))
    app.action(DECLINE_ACTION)(partial(answer_invite_button, deps=deps, accept=False))
