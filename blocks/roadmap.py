"""Block Kit for ``/mentor roadmap``: one numbered theme per upcoming meeting, with ↑ ↓ to reorder.

A suggested theme says where it came from: a goal, a check-in answer (whose), or the examples.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from blocks.common import Block, actions, button, context, input_block, modal, plain, text_element
from blocks.format import escape_mrkdwn
from blocks.limits import clip
from blocks.metadata import encode
from mentoring.roadmap import THEME_MAX, RoadmapRow, Suggested

CALLBACK = "roadmap_form"
MOVE_ACTION = "roadmap_move"
INPUT_ACTION = "theme"
THEME_BLOCK = re.compile(r"^theme_(\d+)_r\d+$")


def theme_block_id(number: int, rev: int) -> str:
    """Block ids change with every reorder, so Slack shows the new initial values instead of kept input."""
    return f"theme_{number}_r{rev}"


def metadata(*, pair_id: int | None, first: int, rev: int) -> str:
    return encode(p=pair_id, f=first, r=rev)


def meeting_label(row: RoadmapRow, tz: str) -> str:
    """``Meeting 3 · Thu 3 Dec, 18:00`` in the viewer's zone (labels are plain text: no ``<!date>``)."""
    if row.starts_at is None:
        return f"Meeting {row.number}"
    local = row.starts_at.astimezone(ZoneInfo(tz))
    return f"Meeting {row.number} · {local:%a} {local.day} {local:%b %Y, %H:%M}"


def suggestion_hint(row: RoadmapRow, *, viewer: str | None, names: Mapping[str, str]) -> str | None:
    """Where a suggested theme came from, for the input's hint (plain text: names, not mentions)."""
    if row.suggested == Suggested.CHECKIN and row.suggested_by:
        whose = "your" if row.suggested_by == viewer else f"{names.get(row.suggested_by, 'your partner')}'s"
        return f"Suggested from {whose} check-in answer (what to focus on) — change it freely."
    if row.suggested == Suggested.GOAL:
        return "Suggested from your goals — change it freely."
    if row.suggested == Suggested.EXAMPLE:
        return "Suggested — change it freely."
    return None


def roadmap_form(
    rows: Sequence[RoadmapRow],
    *,
    pair_id: int | None,
    tz: str,
    rev: int = 0,
    themes: Mapping[int, str] | None = None,
    viewer: str | None = None,
    names: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The roadmap modal; ``themes`` (by meeting number) overrides the rows' themes while reordering.

    ``names`` (user id → name) say whose check-in answer a suggested theme came from; ``viewer`` reads "your".
    """
    first = rows[0].number if rows else 1
    blocks: list[Block] = [
        context(
            "A theme for each of your next meetings, pre-filled with suggestions: change any of them, "
            "clear one to leave that meeting open, and use ↑ ↓ to reorder. Meeting reminders name the theme."
        )
    ]
    if rows and all(row.starts_at is None for row in rows):
        blocks.append(context("Dates show here once you have agreed boundaries (`/mentor boundaries`)."))
    for index, row in enumerate(rows):
        theme = (themes or {}).get(row.number, row.theme)
        element = text_element(
            INPUT_ACTION,
            max_length=THEME_MAX,
            initial=clip(theme, THEME_MAX) if theme else None,
            placeholder="e.g. Career paths",
        )
        block = input_block(theme_block_id(row.number, rev), meeting_label(row, tz), element, optional=True)
        hint = suggestion_hint(row, viewer=viewer, names=names or {}) if theme and theme == row.theme else None
        if hint:
            block["hint"] = plain(hint)
        blocks.append(block)
        moves = []
        if index > 0:
            moves.append(button("↑ Move up", MOVE_ACTION, f"{row.number}:up"))
        if index < len(rows) - 1:
            moves.append(button("↓ Move down", MOVE_ACTION, f"{row.number}:down"))
        if moves:
            blocks.append(actions(*moves, block_id=f"move_{row.number}_r{rev}"))
    return modal(
        "Roadmap",
        blocks,
        callback_id=CALLBACK,
        submit="Save",
        private_metadata=metadata(pair_id=pair_id, first=first, rev=rev),
    )


def shown_themes(view: dict[str, Any]) -> dict[int, str]:
    """The theme each meeting's input was shown with (what ``roadmap_form`` pre-filled)."""
    shown: dict[int, str] = {}
    for block in view.get("blocks") or []:
        match = THEME_BLOCK.match(str(block.get("block_id") or ""))
        if match and block.get("type") == "input":
            shown[int(match.group(1))] = str((block.get("element") or {}).get("initial_value") or "")
    return shown


def block_ids_by_number(view: dict[str, Any]) -> dict[int, str]:
    ids: dict[int, str] = {}
    for block in view.get("blocks") or []:
        match = THEME_BLOCK.match(str(block.get("block_id") or ""))
        if match and block.get("type") == "input":
            ids[int(match.group(1))] = block["block_id"]
    return ids


def saved_note(by: str, themes: Mapping[int, str], numbers: Sequence[int]) -> str:
    """One line for the pair DM: who changed the roadmap and the themes now set."""
    listed = " · ".join(f"{n}: {' '.join(themes[n].split())}" for n in numbers if n in themes)
    listed = escape_mrkdwn(listed)
    span = f"meetings {numbers[0]}–{numbers[-1]}" if numbers else "the next meetings"
    body = f" — {listed}" if listed else " (no themes set)"
    return clip(f":world_map: <@{by}> updated your roadmap for {span}{body}", 600)
