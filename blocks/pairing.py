"""Block Kit for pairing: the welcome with opt-in, the pair picker, the end confirmation."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from blocks.common import Block, actions, button, context, header, plain, section
from blocks.metadata import decode, encode
from storage.models import Pair, PairStatus

ACCEPT_ACTION = "pair_accept"
DECLINE_ACTION = "pair_decline"
END_CONFIRM_ACTION = "pair_end_confirm"
END_CANCEL_ACTION = "pair_end_cancel"
CHOOSE_PAIR_ACTION = "choose_pair"

SIX_STEPS = (
    "*1. Pre-work* — each of you writes what you want from this, what you bring and what you expect.\n"
    "*2. Clear boundaries* — agree how often, when and where you meet, and how to reach each other.\n"
    "*3. SMART goals* — Specific, Measurable, Achievable, Relevant, Time-bound (`/mentor goals`).\n"
    "*4. A roadmap* — a theme for each meeting (`/mentor roadmap`).\n"
    "*5. Follow-through* — commit to next steps; I'll remind each of you of your open ones (`/mentor actions`).\n"
    "*6. Check in* — after every meeting I'll ask four short questions right here (the last one optional)."
)


def choice_value(subcommand: str, pair_id: int, args: str = "") -> str:
    """The value of a pair-picker button: which subcommand, for which pair, with which arguments."""
    return encode(c=subcommand, p=pair_id, a=args[:80])


def parse_choice(value: str) -> tuple[str, str, str] | None:
    """``(subcommand, pair id, arguments)`` of a pair-picker button, or None for a garbled value."""
    data = decode(value)
    if "c" not in data or "p" not in data:
        return None
    return str(data["c"]), str(data["p"]), str(data.get("a", ""))


def pair_label(pair: Pair, viewer: str) -> str:
    if viewer == pair.mentor_id:
        return f"Mentoring <@{pair.mentee_id}>"
    if viewer == pair.mentee_id:
        return f"Mentored by <@{pair.mentor_id}>"
    return f"<@{pair.mentor_id}> → <@{pair.mentee_id}>"


def choose_pair_blocks(pairs: Sequence[Pair], viewer: str, *, subcommand: str, args: str = "") -> list[Block]:
    """One button per pair (sections render mentions; select options would not)."""
    blocks: list[Block] = [section(f"You're in several mentoring pairs. Which one is `/mentor {subcommand}` for?")]
    for pair in pairs[:20]:
        blocks.append(
            section(
                pair_label(pair, viewer),
                block_id=f"choose_pair_{pair.id}",
                accessory=button("Choose", CHOOSE_PAIR_ACTION, choice_value(subcommand, pair.id or 0, args)),
            )
        )
    return blocks


def invite_status_text(pair: Pair) -> str:
    def mark(accepted: bool) -> str:
        return ":white_check_mark: accepted" if accepted else ":hourglass_flowing_sand: waiting"

    return f"<@{pair.mentor_id}>: {mark(pair.mentor_accepted)} · <@{pair.mentee_id}>: {mark(pair.mentee_accepted)}"


def welcome_blocks(pair: Pair) -> list[Block]:
    """The welcome in the pair's DM: the six steps, then Accept / Decline (the pairing is opt-in)."""
    header_block = header("Welcome to your mentoring pair!")
    intro = section(
        f"<@{pair.mentor_id}> (mentor) and <@{pair.mentee_id}> (mentee): your program lead <@{pair.created_by}> "
        "paired you. Here's how I'll help you make it work:"
    )
    if pair.status == PairStatus.DECLINED:
        closing = f"<@{pair.declined_by}> declined this pairing, so it is closed. Your program lead has been told."
        return [header_block, intro, section(SIX_STEPS), section(f":no_entry: {closing}")]
    if pair.status == PairStatus.ACTIVE:
        return [header_block, intro, section(SIX_STEPS), context(invite_status_text(pair))]
    value = str(pair.id)
    return [
        header_block,
        intro,
        section(SIX_STEPS),
        section("*Next step:* each of you presses *Accept* to start (or *Decline* if this pairing isn't right)."),
        actions(
            button("Accept", ACCEPT_ACTION, value, style="primary"),
            button("Decline", DECLINE_ACTION, value, style="danger"),
            block_id="pair_invite",
        ),
        context(invite_status_text(pair)),
    ]


def welcome_text(pair: Pair) -> str:
    return (
        f"Welcome to your mentoring pair, <@{pair.mentor_id}> (mentor) and <@{pair.mentee_id}> (mentee)! "
        "Next step: each of you presses Accept."
    )


def started_blocks(pair: Pair) -> list[Block]:
    """Posted when both accepted: the next steps, with buttons to start them."""
    value = str(pair.id)
    return [
        section(
            f":tada: You're both in, <@{pair.mentor_id}> and <@{pair.mentee_id}>! Two things to do first:\n"
            "• *Pre-work* (`/mentor prework`): what you want, what you bring, what you expect — each of you.\n"
            "• *Boundaries* (`/mentor boundaries`): how often and when you meet, where, and how to reach each other."
        ),
        actions(
            button("Start pre-work", "prework_open", value, style="primary"),
            button("Set boundaries", "boundaries_open", value),
            block_id="pair_start",
        ),
    ]


def end_confirm_blocks(pair: Pair) -> list[Block]:
    confirm: dict[str, Any] = {
        "title": plain("End this pairing?", 100),
        "text": plain("The bot stops posting for this pair. Its data stays for reports and export.", 300),
        "confirm": plain("End pairing", 30),
        "deny": plain("Keep it", 30),
        "style": "danger",
    }
    end_button = button("End pairing", END_CONFIRM_ACTION, str(pair.id), style="danger")
    end_button["confirm"] = confirm
    return [
        section(f"End the pairing of <@{pair.mentor_id}> (mentor) and <@{pair.mentee_id}> (mentee)?"),
        actions(end_button, button("Cancel", END_CANCEL_ACTION, str(pair.id)), block_id="pair_end"),
    ]
