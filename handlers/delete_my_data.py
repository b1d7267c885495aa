"""``/mentor delete-my-data [@someone]``: after a confirmation, remove what a person typed and their identity.

Anyone may delete their own data; admins may delete the data of someone who left (``@someone``).
The confirmation's button carries the person's id; the press is checked again (the presser is that
person or an admin), so a forged press deletes nothing.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from blocks.deletion import (
    CANCELLED_TEXT,
    DELETE_CANCEL_ACTION,
    DELETE_CONFIRM_ACTION,
    PAIR_ENDED_TEXT,
    confirm_blocks,
    confirm_text,
    done_text,
    nothing_text,
)
from handlers import payloads
from handlers.context import Invocation, invocation
from mentoring.deletion import delete_user_data, is_placeholder, preview
from mentoring.deps import Deps
from mentoring.problems import ADMINS_ONLY, Problem
from storage.db import session_scope

NAME_ONE = Problem("Name one person: `/mentor delete-my-data @someone` (admins), or nothing for your own data.")


def _target(inv: Invocation) -> str | Problem:
    """Whose data the caller means: their own, or (admins) the one person they mention."""
    if not inv.args.strip():
        return inv.user_id
    mentioned = payloads.parse_mentions(inv.args)
    if len(mentioned) != 1 or is_placeholder(mentioned[0]):
        return NAME_ONE
    if mentioned[0] != inv.user_id and not inv.is_admin:
        return ADMINS_ONLY
    return mentioned[0]


def delete_my_data(inv: Invocation) -> None:
    target = _target(inv)
    if isinstance(target, Problem):
        inv.problem(target)
        return
    own = target == inv.user_id
    with session_scope(inv.deps.engine) as session:
        found = preview(session, team_id=inv.team_id, user_id=target)
    if not found.anything:
        inv.reply(nothing_text(target, own=own))
        return
    inv.reply(confirm_text(target, own=own), confirm_blocks(target, found, own=own))


def confirm_delete(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, *, deps: Deps) -> None:
    ack()
    inv = invocation(deps, body, client, respond=respond)
    target = payloads.action_value(body) or ""
    if not target or (target != inv.user_id and not inv.is_admin):
        inv.problem(ADMINS_ONLY)
        return
    with session_scope(deps.engine) as session:
        pairs = preview(session, team_id=inv.team_id, user_id=target).pairs
        deleted = delete_user_data(session, team_id=inv.team_id, user_id=target, now=deps.now())
    inv.reply(done_text(target, own=target == inv.user_id, pairs=pairs, ended=len(deleted.ended)), replace=True)
    for pair in deleted.ended:
        if pair.channel_id:
            client.chat_postMessage(channel=pair.channel_id, text=PAIR_ENDED_TEXT)


def cancel_delete(ack: Ack, respond: Respond) -> None:
    ack()
    respond(text=CANCELLED_TEXT, response_type="ephemeral", replace_original=True)


def register(app: App, deps: Deps) -> None:
    app.action(DELETE_CONFIRM_ACTION)(partial(confirm_delete, deps=deps))
    app.action(DELETE_CANCEL_ACTION)(cancel_delete)
