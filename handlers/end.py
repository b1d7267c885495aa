"""``/mentor end``: ends a pairing after a confirmation (members, or admins naming both people)."""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from blocks.pairing import END_CANCEL_ACTION, END_CONFIRM_ACTION, end_confirm_blocks
from handlers import payloads
from handlers.context import Invocation, invocation, run_for_pair
from mentoring.deps import Deps
from mentoring.pairs import end_pair, live_pair_between
from mentoring.problems import Problem
from storage.db import session_scope
from storage.models import Pair


def confirm_for_pair(inv: Invocation, pair: Pair) -> None:
    inv.reply("Please confirm.", end_confirm_blocks(pair))


def end(inv: Invocation) -> None:
    """Members end their pair; admins may name both people (``/mentor end @mentor @mentee``)."""
    ids = payloads.parse_mentions(inv.args)
    if len(ids) == 2 and inv.is_admin:
        with session_scope(inv.deps.engine) as session:
            pair = live_pair_between(session, team_id=inv.team_id, mentor_id=ids[0], mentee_id=ids[1])
            pair = pair or live_pair_between(session, team_id=inv.team_id, mentor_id=ids[1], mentee_id=ids[0])
        if pair is None:
            inv.reply(f"<@{ids[0]}> and <@{ids[1]}> are not paired right now.")
        else:
            confirm_for_pair(inv, pair)
        return
    run_for_pair(inv, "end", confirm_for_pair)


def confirm_end(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, *, deps: Deps) -> None:
    ack()
    inv = invocation(deps, body, client, respond=respond)
    with session_scope(deps.engine) as session:
        pair = inv.pair(session, payloads.action_value(body), require_active=False, admins_too=True)
        result = pair if isinstance(pair, Problem) else end_pair(session, pair=pair, by=inv.user_id, now=deps.now())
    if isinstance(result, Problem):
        inv.problem(result)
        return
    inv.reply(f"The pairing of <@{result.mentor_id}> and <@{result.mentee_id}> has ended.", replace=True)
    announce_end(client, result, by=inv.user_id)


def announce_end(client: WebClient, pair: Pair, *, by: str) -> None:
    """Tell the pair, in their DM, that ``by`` ended the pairing (also used by the lead's Home)."""
    if pair.channel_id:
        client.chat_postMessage(
            channel=pair.channel_id,
            text=(
                f"<@{by}> ended this mentoring pairing. Thank you both for the time you put in! "
                "I won't post here any more; `/mentor export` still gives you your data."
            ),
        )


def cancel_end(ack: Ack, respond: Respond) -> None:
    ack()
    respond(text="OK, the pairing continues.", response_type="ephemeral", replace_original=True)


def register(app: App, deps: Deps) -> None:
    app.action(END_CONFIRM_ACTION)(partial(confirm_end, deps=deps))
    app.action(END_CANCEL_ACTION)(cancel_end)
