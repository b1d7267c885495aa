"""``/mentor actions``: the caller's open follow-through items with Done / Snooze a week; adding items."""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from blocks.actions import (
    ADD_CALLBACK,
    ADD_KIND_BLOCK,
    ADD_TEXT_BLOCK,
    DONE_ACTION,
    OPEN_ADD_ACTION,
    SNOOZE_ACTION,
    actions_list,
    add_items_modal,
    item_ids_in,
    refresh_items,
)
from handlers import payloads
from handlers.context import Invocation, invocation
from mentoring.deps import Deps
from mentoring.followthrough import (
    add_items,
    complete_item,
    item_for_member,
    items_by_ids,
    only_owner,
    open_items,
    snooze_item,
)
from mentoring.meetings import next_meeting
from mentoring.problems import NOT_IN_PAIR, Problem
from storage.db import session_scope
from storage.models import ActionItem, Pair

logger = logging.getLogger(__name__)


def list_actions(inv: Invocation, pair: Pair) -> None:
    """``/mentor actions``: the caller's open items for the pair, each with Done and Snooze a week."""
    if not pair.has_member(inv.user_id):  # an admin in the pair DM is not a member
        inv.problem(NOT_IN_PAIR)
        return
    with session_scope(inv.deps.engine) as session:
        items = open_items(session, pair.id or 0, owner_id=inv.user_id, now=inv.deps.now())
    text, blocks = actions_list(pair, inv.user_id, items, inv.deps.now())
    inv.reply(text, blocks)


def _update_in_place(inv: Invocation, body: dict[str, Any], pair: Pair, changed_id: int) -> None:
    """Redraw the message the button was in: a shared message with chat.update, an ephemeral one via response_url."""
    deps, now = inv.deps, inv.deps.now()
    message, ephemeral = payloads.clicked_message(body)
    shown = message.get("blocks") or []
    channel, ts = payloads.message_ref(body)
    channel = channel or inv.channel_id
    # The pair DM, or the member's own DM with the bot (where the weekly nudge goes).
    if not ephemeral and shown and ts and (channel == pair.channel_id or channel.startswith("D")):
        with session_scope(deps.engine) as session:
            by_id = items_by_ids(session, pair.id or 0, item_ids_in(shown))
        try:
            inv.client.chat_update(
                channel=channel,
                ts=ts,
                text=str(message.get("text") or "Follow-through items"),
                blocks=refresh_items(shown, by_id, now),
            )
        except SlackApiError as error:
            logger.warning("could not update the items message: %s", error.response.get("error"))
        return
    with session_scope(deps.engine) as session:
        items = open_items(session, pair.id or 0, owner_id=inv.user_id, now=now)
        changed = items_by_ids(session, pair.id or 0, [changed_id]).get(changed_id)
    if changed is not None and changed not in items and changed.owner_id == inv.user_id:
        items = sorted([*items, changed], key=lambda i: (i.created_at, i.id or 0))
    text, blocks = actions_list(pair, inv.user_id, items, now)
    inv.reply(text, blocks, replace=True)


def change_item(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, *, deps: Deps, done: bool) -> None:
    """*Done* or *Snooze a week* on an item (its owner's only), then redraw the list it was in."""
    ack()
    inv = invocation(deps, body, client, respond=respond)
    now = deps.now()
    with session_scope(deps.engine) as session:
        found = item_for_member(session, team_id=inv.team_id, item_id=payloads.action_value(body), user_id=inv.user_id)
        if isinstance(found, Problem):
            result: ActionItem | Problem = found
        elif (not_theirs := only_owner(found.item, inv.user_id)) is not None:
            result = not_theirs
        else:
            result = (complete_item if done else snooze_item)(session, item=found.item, now=now)
            pair = found.pair
    if isinstance(result, Problem):
        inv.problem(result)
        return
    _update_in_place(inv, body, pair, result.id or 0)


def open_add(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, *, deps: Deps) -> None:
    """*Add items*: the modal, with the next meeting as the due date."""
    ack()
    inv = invocation(deps, body, client, respond=respond)
    with session_scope(deps.engine) as session:
        pair = inv.pair(session, payloads.action_value(body))
        if isinstance(pair, Problem):
            inv.problem(pair)
            return
        following = next_meeting(session, pair.id or 0, deps.now())
    view = add_items_modal(pair.id or 0, next_meeting_at=following.scheduled_at if following else None)
    client.views_open(trigger_id=inv.trigger_id, view=view)


def save_add(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, *, deps: Deps) -> None:
    """The items typed, one per line, owned by the submitter and due at the next meeting."""
    inv = invocation(deps, body, client)
    typed = payloads.inputs(view, [ADD_TEXT_BLOCK, ADD_KIND_BLOCK])
    now = deps.now()
    with session_scope(deps.engine) as session:
        pair = inv.pair(session, payloads.metadata(view).get("p"))
        if isinstance(pair, Problem):
            ack(response_action="errors", errors={ADD_TEXT_BLOCK: pair.message})
            return
        following = next_meeting(session, pair.id or 0, now)
        added = add_items(
            session,
            pair=pair,
            owner_id=inv.user_id,
            text=typed[ADD_TEXT_BLOCK] or "",
            kind=typed[ADD_KIND_BLOCK] or "action",
            due_at=following.scheduled_at if following else None,
            now=now,
            follows_meeting=True,
        )
        if isinstance(added, Problem):
            session.rollback()
            block = ADD_KIND_BLOCK if "kind" in added.message else ADD_TEXT_BLOCK
            ack(response_action="errors", errors={block: added.message})
            return
    ack()
    if pair.channel_id:
        count = len(added)
        client.chat_postEphemeral(
            channel=pair.channel_id,
            user=inv.user_id,
            text=f"Added {count} follow-through item{'s' if count != 1 else ''}. `/mentor actions` lists them.",
        )


def register(app: App, deps: Deps) -> None:
    app.action(DONE_ACTION)(partial(change_item, deps=deps, done=True))
    app.action(SNOOZE_ACTION)(partial(change_item, deps=deps, done=False))
    app.action(OPEN_ADD_ACTION)(partial(open_add, deps=deps))
    app.view(ADD_CALLBACK)(partial(save_add, deps=deps))
