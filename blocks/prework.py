"""Block Kit for pre-work: the modal (pre-filled when editing), the shared summary and the "updated" note."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from blocks.common import Block, context, header, input_block, modal, section, text_element
from blocks.format import escape_mrkdwn
from blocks.limits import SECTION_TEXT_MAX, clip
from blocks.metadata import encode
from mentoring.prework import FIELDS, QUESTIONS
from storage.models import Pair, Prework

PREWORK_CALLBACK = "prework_submit"
PREWORK_OPEN_ACTION = "prework_open"
#: Each question's input block and action share the field name (``wants``, ``brings``, ``expects``).
HINTS = {
    "wants": "What would make this mentoring worth it for you? What should be different afterwards?",
    "brings": "Skills, questions, insights, stories — anything you can offer or want to explore.",
    "expects": "From the other person, from yourself, and from how you'll work together.",
}
PLACEHOLDERS = {
    "wants": "e.g. get better at giving feedback; a clearer idea of my next role",
    "brings": "e.g. 10 years of backend work; curiosity about product; a story about a failed launch",
    "expects": "e.g. honest feedback; that we both come prepared; that we keep what we share private",
}


def prework_modal(pair: Pair, viewer: str, existing: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The three questions; ``existing`` pre-fills the answers when a member edits theirs."""
    existing = existing or {}
    other = pair.other_member(viewer)
    blocks: list[Block] = [
        section(
            f"Your answers are shared with <@{other}> in your pair DM once you've both written yours. "
            "You can edit them any time."
        )
    ]
    for field in FIELDS:
        question, longest = QUESTIONS[field]
        element = text_element(
            field,
            max_length=longest,
            multiline=True,
            initial=existing.get(field),
            placeholder=PLACEHOLDERS[field],
        )
        blocks.append(input_block(field, question, element, hint=HINTS[field]))
    return modal(
        "Pre-work",
        blocks,
        callback_id=PREWORK_CALLBACK,
        submit="Save",
        private_metadata=encode(pair_id=pair.id),
    )


def _answers(row: Prework) -> list[Block]:
    blocks: list[Block] = []
    for field in FIELDS:
        question = QUESTIONS[field][0]
        label = f"*{question}*\n"
        blocks.append(section(label + clip(escape_mrkdwn(getattr(row, field)), SECTION_TEXT_MAX - len(label))))
    return blocks


def _role(pair: Pair, user_id: str) -> str:
    return pair.role_of(user_id) or "member"


def summary_blocks(pair: Pair, by_member: Mapping[str, Prework]) -> list[Block]:
    """Both members' pre-work side by side, mentor first."""
    blocks: list[Block] = [
        header("Your pre-work"),
        section(f"You've both written your pre-work, <@{pair.mentor_id}> and <@{pair.mentee_id}>. Here it is:"),
    ]
    for user_id in pair.members():
        row = by_member.get(user_id)
        if row is None:
            continue
        blocks.append(section(f":bust_in_silhouette: *<@{user_id}>* ({_role(pair, user_id)})"))
        blocks.extend(_answers(row))
    blocks.append(context("Talk it through at your first meeting. Edit yours any time with `/mentor prework`."))
    return blocks


def summary_text(pair: Pair) -> str:
    return f"Pre-work of <@{pair.mentor_id}> and <@{pair.mentee_id}> — you've both written yours."


def updated_blocks(pair: Pair, row: Prework) -> list[Block]:
    """A short note after a member edits pre-work that was already shared, with the new answers."""
    return [
        section(f":pencil2: <@{row.user_id}> ({_role(pair, row.user_id)}) updated their pre-work:"),
        *_answers(row),
    ]


def updated_text(row: Prework) -> str:
    return f"<@{row.user_id}> updated their pre-work."


def saved_text(pair: Pair, user_id: str, *, shared: bool) -> str:
    """The ephemeral confirmation to the member who saved."""
    if shared:
        return "Saved your pre-work."
    return (
        f":white_check_mark: Saved your pre-work. I'll share both here once <@{pair.other_member(user_id)}> "
        "has written theirs."
    )
