"""Block Kit for follow-through items: the list with Done / Snooze, the weekly nudge, the add-items modal,
and the next steps offered to the author of a thread reply (tick, then *Make these my next steps*)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from blocks.common import (
    Block,
    actions,
    button,
    context,
    input_block,
    modal,
    plain,
    section,
    select_element,
    text_element,
)
from blocks.format import escape_mrkdwn, slack_date
from blocks.limits import MESSAGE_BLOCKS_MAX, OPTION_TEXT_MAX, clip
from blocks.metadata import encode
from mentoring.followthrough import ADD_TEXT_MAX, KINDS, is_overdue, is_snoozed
from storage.models import ActionItem, ActionStatus, Pair

ITEM_BLOCK = re.compile(r"^item_(\d+)$")
ADD_CALLBACK = "items_add_submit"
DONE_ACTION = "item_done"
SNOOZE_ACTION = "item_snooze"
OPEN_ADD_ACTION = "items_add"
ADD_TEXT_BLOCK = "items_text"
ADD_KIND_BLOCK = "items_kind"
ADD_ACTION = "value"
#: Items shown with buttons in one message (two blocks each, within Slack's 50).
ITEMS_SHOWN = 20
KIND_ICONS = {
    "action": ":white_small_square:",
    "resource": ":books:",
    "contact": ":busts_in_silhouette:",
    "information": ":memo:",
}


def carried_text(item: ActionItem) -> str:
    """``carried over`` after one meeting passed with the item open, ``carried over ×2`` after two; else ""."""
    if item.carried_over <= 0:
        return ""
    return "carried over" if item.carried_over == 1 else f"carried over ×{item.carried_over}"


def item_line(item: ActionItem, now: datetime) -> str:
    """One item as a line: kind, text, due date, carried over, and an overdue (own date only) / snoozed / done mark."""
    icon = KIND_ICONS.get(item.kind, ":white_small_square:")
    text = escape_mrkdwn(clip(item.text, 300))
    if item.status == ActionStatus.DONE:
        return f":white_check_mark: ~{text}~ — done"
    line = f"{icon} {text}"
    if item.kind != "action":
        line += f" _({KINDS.get(item.kind, item.kind).lower()})_"
    carried = carried_text(item)
    if item.due_at is not None and is_overdue(item, now):
        line += f" — :warning: *overdue* (was due {slack_date(item.due_at, '{date_short_pretty}')})"
    elif item.due_at is not None:
        line += f" — {carried + ', ' if carried else ''}due {slack_date(item.due_at, '{date_short_pretty}')}"
    elif carried:
        line += f" — {carried}, due at your next meeting"
    if item.snoozed_until is not None and is_snoozed(item, now):
        line += f" — :zzz: snoozed until {slack_date(item.snoozed_until, '{date_short_pretty}')}"
    return line


def items_overview(items: Mapping[str, Sequence[ActionItem]], now: datetime, *, limit: int = 8) -> str:
    """Each member's open items as text (for reminders and check-ins)."""
    parts = []
    for owner, owned in items.items():
        if not owned:
            continue
        lines = [item_line(i, now) for i in owned[:limit]]
        if len(owned) > limit:
            lines.append(f"…and {len(owned) - limit} more (`/mentor actions`)")
        parts.append(f"<@{owner}>:\n" + "\n".join(lines))
    return clip("\n".join(parts), 2900) if parts else "_Nothing open — a clean slate._"


def item_blocks(item: ActionItem, now: datetime) -> list[Block]:
    """A section for the item and, while it is open, its Done / Snooze a week buttons."""
    blocks: list[Block] = [section(item_line(item, now), block_id=f"item_{item.id}")]
    if item.status == ActionStatus.OPEN:
        value = str(item.id)
        blocks.append(
            actions(
                button("Done", DONE_ACTION, value, style="primary"),
                button("Snooze a week", SNOOZE_ACTION, value),
                block_id=f"item_{item.id}_actions",
            )
        )
    return blocks


def _item_list(items: Sequence[ActionItem], now: datetime, room: int) -> list[Block]:
    shown = items[: min(ITEMS_SHOWN, max(room // 2, 0))]
    blocks: list[Block] = []
    for item in shown:
        blocks.extend(item_blocks(item, now))
    if len(items) > len(shown):
        blocks.append(context(f"…and {len(items) - len(shown)} more. Mark some done and run `/mentor actions` again."))
    return blocks


def actions_list(pair: Pair, viewer: str, items: Sequence[ActionItem], now: datetime) -> tuple[str, list[Block]]:
    """``/mentor actions``: the caller's open items for the pair, each with Done and Snooze, and an Add button."""
    other = pair.other_member(viewer)
    still_open = [i for i in items if i.status == ActionStatus.OPEN]
    if still_open:
        head = f"*Your open follow-through items* (with <@{other}>):"
        text = f"You have {len(still_open)} open follow-through item{'s' if len(still_open) != 1 else ''}."
    else:
        head = f"You have no open follow-through items with <@{other}>. :tada:"
        text = "You have no open follow-through items."
    blocks: list[Block] = [section(head, block_id="items_head")]
    blocks.extend(_item_list(items, now, MESSAGE_BLOCKS_MAX - 3))
    blocks.append(actions(button("Add an item", OPEN_ADD_ACTION, str(pair.id)), block_id="items_add"))
    return text, blocks


def nudge_message(pair: Pair, owner: str, items: Sequence[ActionItem], now: datetime) -> tuple[str, list[Block]]:
    """The weekly nudge to one member: their open items, overdue ones marked, with Done / Snooze."""
    overdue = sum(is_overdue(i, now) for i in items)
    carried = sum(i.carried_over > 0 for i in items)
    notes = [f"{overdue} overdue"] if overdue else []
    notes += [f"{carried} carried over"] if carried else []
    extra = f" ({', '.join(notes)})" if notes else ""
    head = (
        f":seedling: <@{owner}>, your weekly follow-through check: {len(items)} open item"
        f"{'s' if len(items) != 1 else ''}{extra}. Press *Done* for what you've finished."
    )
    text = f"Weekly follow-through: {len(items)} open item{'s' if len(items) != 1 else ''}{extra}."
    blocks: list[Block] = [section(head, block_id="nudge_head")]
    blocks.extend(_item_list(items, now, MESSAGE_BLOCKS_MAX - 2))
    return text, blocks


def item_ids_in(blocks: Sequence[Mapping[str, Any]]) -> list[int]:
    ids = []
    for block in blocks:
        match = ITEM_BLOCK.match(str(block.get("block_id") or ""))
        if match:
            ids.append(int(match.group(1)))
    return ids


def refresh_items(blocks: Sequence[Mapping[str, Any]], items: Mapping[int, ActionItem], now: datetime) -> list[Block]:
    """The same message with every item re-rendered from its current state (done items lose their buttons)."""
    out: list[Block] = []
    for block in blocks:
        block_id = str(block.get("block_id") or "")
        match = ITEM_BLOCK.match(block_id)
        if match:
            item = items.get(int(match.group(1)))
            if item is not None:
                out.extend(item_blocks(item, now))
            continue
        if block_id.startswith("item_") and block_id.endswith("_actions"):
            continue
        out.append(dict(block))
    return out


def add_items_modal(pair_id: int, *, next_meeting_at: datetime | None) -> dict[str, Any]:
    due = (
        f"They'll be due at your next meeting ({slack_date(next_meeting_at, '{date_short_pretty}')})."
        if next_meeting_at
        else ""
    )
    return modal(
        "Add follow-through",
        [
            section(f"What you commit to, one per line. {due}".strip()),
            input_block(
                ADD_TEXT_BLOCK,
                "Items",
                text_element(ADD_ACTION, max_length=ADD_TEXT_MAX, multiline=True),
                hint="One per line. Start a line with resource:, contact: or info: to set its kind.",
            ),
            input_block(ADD_KIND_BLOCK, "Kind", select_element(ADD_ACTION, list(KINDS.items()), initial="action")),
        ],
        callback_id=ADD_CALLBACK,
        submit="Add",
        private_metadata=encode(p=pair_id),
    )


# ---- next steps offered to the author of a thread reply -----------------------------------------

OFFER_ACTION = "reply_next_steps"
OFFER_TICK_ACTION = "reply_next_steps_tick"
OFFER_LINES_BLOCK = "reply_offer_lines"


def offer_message(suggestion_id: int, lines: Sequence[str]) -> tuple[str, list[Block]]:
    """Shown to the reply's author alone: the lines that look like commitments, to tick, and one button."""
    what = (
        "These lines of your reply sound like next steps"
        if len(lines) != 1
        else ("This line of your reply sounds like a next step")
    )
    head = (
        f":pencil: *{what}.* Tick what you commit to and it becomes your follow-through, due at your next "
        "meeting. Nothing is added until you press the button. _Only you can see this._"
    )
    checkboxes = {
        "type": "checkboxes",
        "action_id": OFFER_TICK_ACTION,
        "options": [{"text": plain(line, OPTION_TEXT_MAX), "value": str(n)} for n, line in enumerate(lines)],
    }
    return "Some of your reply sounds like next steps: tick the ones you commit to.", [
        section(head),
        actions(checkboxes, block_id=OFFER_LINES_BLOCK),
        actions(button("Make these my next steps", OFFER_ACTION, str(suggestion_id), style="primary")),
    ]


def adopted_message(lines: Sequence[str], next_meeting_at: datetime | None) -> str:
    """What replaces the offer once the author chose: the items made, and when they are due."""
    when = slack_date(next_meeting_at, "{date_short_pretty}") if next_meeting_at else ""
    due = f", due at your next meeting ({when})" if when else ""
    listed = "\n".join(f"• {escape_mrkdwn(clip(line, 300))}" for line in lines)
    plural = "s" if len(lines) != 1 else ""
    return clip(
        f":white_check_mark: Added {len(lines)} next step{plural} to your follow-through{due}:\n{listed}\n"
        "`/mentor actions` lists them.",
        2900,
    )
