"""Follow-through at the Slack edge: ``/mentor actions``, Done / Snooze a week (updated in place), adding items."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from blocks.actions import (
    ADD_ACTION,
    ADD_CALLBACK,
    ADD_KIND_BLOCK,
    ADD_TEXT_BLOCK,
    actions_list,
    add_items_modal,
    item_ids_in,
    parse_add_metadata,
    refresh_items,
)
from handlers.context import Invocation, invocation_from_action
from mentoring.deps import Deps
from mentoring.followthrough import (
    add_items,
    complete_item,
    item_for_member,
    items_by_ids,
    open_items,
    snooze_item,
)
from mentoring.meetings import next_meeting
from mentoring.pairs import pair_for_member
from mentoring.problems import NOT_IN_PAIR, Problem
from storage.db import session_scope
from storage.models import Pair

logger = logging.getLogger(__name__)


def cmd_actions(inv: Invocation, pair: Pair) -> None:
    """The caller's open items for the pair, each with Done and Snooze a week."""
    if not pair.has_member(inv.user_id):  # an admin in the pair DM is not a member
        inv.problem(NOT_IN_PAIR)
        return
    with session_scope(inv.deps.engine) as session:
        items = open_items(session, pair.id, owner_id=inv.user_id)  # type: ignore[arg-type]
    text, blocks = actions_list(pair, inv.user_id, items, inv.deps.now())
    inv.reply(text, blocks)


PAIR_COMMANDS = {"actions": cmd_actions}


def _update_in_place(
    deps: Deps, inv: Invocation, body: dict[str, Any], client: WebClient, pair: Pair, changed_id: int
) -> None:
    """Redraw the message the button was in: a shared message with chat.update, an ephemeral one via response_url."""
    now = deps.now()
    container = body.get("container") or {}
    message = body.get("message") or {}
    blocks = message.get("blocks") or []
    channel = str(container.get("channel_id") or inv.channel_id)
    if not container.get("is_ephemeral") and blocks and container.get("message_ts") and channel == pair.channel_id:
        with session_scope(deps.engine) as session:
            items = items_by_ids(session, pair.id, item_ids_in(blocks))  # type: ignore[arg-type]
        try:
            client.chat_update(
                channel=channel,
                ts=str(container["message_ts"]),
                text=str(message.get("text") or "Follow-through items"),
                blocks=refresh_items(blocks, items, now),
            )
        except SlackApiError as error:
            logger.warning("could not update the items message: %s", error.response.get("error"))
        return
    with session_scope(deps.engine) as session:
        items = open_items(session, pair.id, owner_id=inv.user_id)  # type: ignore[arg-type]
        changed = items_by_ids(session, pair.id, [changed_id]).get(changed_id)  # type: ignore[arg-type]
    if changed is not None and changed not in items and changed.owner_id == inv.user_id:
        items = sorted([*items, changed], key=lambda i: (i.created_at, i.id or 0))
    text, new_blocks = actions_list(pair, inv.user_id, items, now)
    inv.reply(text, new_blocks, replace=True)


def register(app: App, deps: Deps) -> None:
    def on_item(done: bool):  # type: ignore[no-untyped-def]
        def handle(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient) -> None:
            ack()
            inv = invocation_from_action(deps, body, respond, client)
            now = deps.now()
            with session_scope(deps.engine) as session:
                found = item_for_member(session, team_id=inv.team_id, item_id=action.get("value"), user_id=inv.user_id)
                if isinstance(found, Problem):
                    result: Problem | None = found
                else:
                    changed = (
                        complete_item(session, item=found.item, now=now)
                        if done
                        else snooze_item(session, item=found.item, now=now)
                    )
                    result = changed if isinstance(changed, Problem) else None
                    pair, item_id = found.pair, found.item.id
            if result is not None:
                inv.problem(result)
                return
            _update_in_place(deps, inv, body, client, pair, item_id)  # type: ignore[arg-type]

        return handle

    def open_add(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()
        inv = invocation_from_action(deps, body, respond, client)
        with session_scope(deps.engine) as session:
            pair = pair_for_member(session, team_id=inv.team_id, pair_id=action.get("value"), user_id=inv.user_id)
            if isinstance(pair, Problem):
                inv.problem(pair)
                return
            following = next_meeting(session, pair.id, deps.now())  # type: ignore[arg-type]
        view = add_items_modal(pair.id, next_meeting_at=following.scheduled_at if following else None)  # type: ignore[arg-type]
        client.views_open(trigger_id=inv.trigger_id, view=view)

    def save_add(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        user = str(body["user"]["id"])
        team_id = str((body.get("team") or {}).get("id") or body["user"].get("team_id", ""))
        values = view.get("state", {}).get("values", {})
        text = str(((values.get(ADD_TEXT_BLOCK) or {}).get(ADD_ACTION) or {}).get("value") or "")
        option = ((values.get(ADD_KIND_BLOCK) or {}).get(ADD_ACTION) or {}).get("selected_option") or {}
        now = deps.now()
        with session_scope(deps.engine) as session:
            pair = pair_for_member(
                session,
                team_id=team_id,
                pair_id=parse_add_metadata(str(view.get("private_metadata", ""))),
                user_id=user,
            )
            if isinstance(pair, Problem):
                ack(response_action="errors", errors={ADD_TEXT_BLOCK: pair.message})
                return
            following = next_meeting(session, pair.id, now)  # type: ignore[arg-type]
            added = add_items(
                session,
                pair=pair,
                owner_id=user,
                text=text,
                kind=str(option.get("value") or "action"),
                due_at=following.scheduled_at if following else None,
                now=now,
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
                user=user,
                text=f"Added {count} follow-through item{'s' if count != 1 else ''}. `/mentor actions` lists them.",
            )

    app.action("item_done")(on_item(True))
    app.action("item_snooze")(on_item(False))
    app.action("items_add")(open_add)
    app.view(ADD_CALLBACK)(save_add)
