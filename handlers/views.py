"""Reading submitted modals defensively: input values, the pair a modal was opened for, who submitted it."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any


def read_inputs(view: Any, block_ids: Iterable[str]) -> dict[str, str | None]:
    """The submitted value of each input block as a string (text, number, time, date or select), else None.

    Crafted or malformed states (missing blocks, wrong types) read as None, never raise.
    """
    state = view.get("state") if isinstance(view, dict) else None
    values = state.get("values") if isinstance(state, dict) else None
    values = values if isinstance(values, dict) else {}
    found: dict[str, str | None] = {}
    for block_id in block_ids:
        block = values.get(block_id)
        element = next(iter(block.values()), None) if isinstance(block, dict) and block else None
        value: object = None
        if isinstance(element, dict):
            option = element.get("selected_option")
            if isinstance(option, dict):
                value = option.get("value")
            else:
                value = element.get("selected_time") or element.get("selected_date") or element.get("value")
        found[block_id] = value if isinstance(value, str) else None
    return found


def metadata_pair_id(view: Any) -> str | None:
    """The pair id a modal was opened for (its private_metadata), or None if it's missing or garbled."""
    raw = view.get("private_metadata") if isinstance(view, dict) else None
    try:
        data = json.loads(raw) if isinstance(raw, str) else None
    except ValueError:
        return None
    value = data.get("pair_id") if isinstance(data, dict) else None
    return str(value) if isinstance(value, int | str) else None


def submitter(body: dict[str, Any]) -> tuple[str, str]:
    """(team id, user id) of a view_submission."""
    user = body.get("user") or {}
    team = body.get("team") or {}
    return str(team.get("id") or user.get("team_id") or ""), str(user.get("id") or "")
