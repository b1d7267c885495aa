"""The one codec for what a view or a button carries to its listener: a small JSON object.

Builders write a view's ``private_metadata`` (or a button's value) with ``encode``; listeners read it
back with ``decode``, which never raises: anything missing, garbled or crafted reads as ``{}``.
"""

from __future__ import annotations

import json
from typing import Any

from blocks.limits import PRIVATE_METADATA_MAX


def encode(**values: Any) -> str:
    """``encode(p=3, pg=0)`` → ``'{"p":3,"pg":0}'``, within Slack's 3,000 characters."""
    text = json.dumps(values, separators=(",", ":"))
    if len(text) > PRIVATE_METADATA_MAX:
        raise ValueError(f"metadata of {len(text)} characters is over Slack's {PRIVATE_METADATA_MAX}")
    return text


def decode(raw: object) -> dict[str, Any]:
    """The object ``encode`` wrote, or ``{}`` when ``raw`` is missing, not JSON or not an object."""
    if not isinstance(raw, str):
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def read_metadata(view: object) -> dict[str, Any]:
    """The decoded ``private_metadata`` of a view (``{}`` for a missing or malformed view)."""
    return decode(view.get("private_metadata") if isinstance(view, dict) else None)
