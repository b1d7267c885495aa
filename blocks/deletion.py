"""Block Kit for ``/mentor delete-my-data``: the confirmation (what goes, what stays) and the outcome."""

from __future__ import annotations

from blocks.common import Block, actions, button, context, header, section
from blocks.limits import clip
from mentoring.deletion import Preview

DELETE_CONFIRM_ACTION = "delete_my_data_confirm"
DELETE_CANCEL_ACTION = "delete_my_data_cancel"


def _pairings(n: int) -> str:
    return f"{n} pairing{'' if n == 1 else 's'}"


def _whose(target: str, *, own: bool) -> tuple[str, str]:
    """("your", "you") for the caller's own data, ("<@X>'s", "<@X>") for an admin deleting someone's."""
    return ("your", "you") if own else (f"<@{target}>'s", f"<@{target}>")


def confirm_text(target: str, *, own: bool) -> str:
    whose, _ = _whose(target, own=own)
    return f"Delete {whose} mentor-bot data? Please confirm below."


def confirm_blocks(target: str, preview: Preview, *, own: bool) -> list[Block]:
    whose, who = _whose(target, own=own)
    removed = [
        f"• {label.replace('your ', f'{whose} ', 1)}{f' ({n})' if n > 1 else ''}" for label, n in preview.removed
    ]
    if preview.pairs:
        removed.append(f"• {whose} name on {_pairings(preview.pairs)}: replaced by an anonymous placeholder")
    blocks: list[Block] = [
        header("Delete your data?" if own else "Delete this person's data?"),
        section(clip("*What will be removed:*\n" + "\n".join(removed), 3000)),
        section(
            "*What stays:* anonymous counts for the program's report (meetings, goals set and met, answers "
            "given, ratings, survey scores), and everything the other member of each pair wrote themselves."
        ),
    ]
    if preview.live_pairs:
        live = _pairings(preview.live_pairs)
        ends = "it ends" if preview.live_pairs == 1 else "they end"
        still = f"You're still in {live}" if own else f"{who} is still in {live}"
        blocks.append(
            section(f":warning: {still}: {ends}, and the other member is told in the pair's DM (without a name).")
        )
    confirm_button = button("Delete", DELETE_CONFIRM_ACTION, target, style="danger")
    confirm_button["confirm"] = {
        "title": {"type": "plain_text", "text": "Delete for good?"},
        "text": {"type": "plain_text", "text": "This can't be undone."},
        "confirm": {"type": "plain_text", "text": "Delete"},
        "deny": {"type": "plain_text", "text": "Keep it"},
        "style": "danger",
    }
    blocks.append(context("This can't be undone." + (" Want a copy first? Run `/mentor export`." if own else "")))
    blocks.append(actions(confirm_button, button("Cancel", DELETE_CANCEL_ACTION, target), block_id="delete_my_data"))
    return blocks


def nothing_text(target: str, *, own: bool) -> str:
    return "mentor-bot keeps nothing about you." if own else f"mentor-bot keeps nothing about <@{target}>."


def done_text(target: str, *, own: bool, pairs: int, ended: int) -> str:
    whose, _ = _whose(target, own=own)
    text = f"Done: {whose} data is deleted. What {'you' if own else 'they'} typed is gone"
    text += f" and {'your' if own else 'their'} name is off {_pairings(pairs)}" if pairs else ""
    text += "; anonymous counts stay for the program's report."
    if ended:
        text += f" {_pairings(ended).capitalize()} ended."
    return text


CANCELLED_TEXT = "OK, nothing was deleted."

#: Posted in the pair DM of a pairing that ends because a member's data was deleted (nobody is named).
PAIR_ENDED_TEXT = (
    "This mentoring pairing has ended: one of its members has left the program. Thank you for the time you "
    "put in! I won't post here any more; `/mentor export` still gives you your own data."
)
