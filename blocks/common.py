"""Small Block Kit builders shared by every screen."""

from __future__ import annotations

from typing import Any

from blocks.limits import BUTTON_TEXT_MAX, TEXT_OBJECT_MAX, VIEW_TITLE_MAX, clip

Block = dict[str, Any]


def plain(text: str, limit: int = TEXT_OBJECT_MAX) -> dict[str, Any]:
    return {"type": "plain_text", "text": clip(text, limit), "emoji": True}


def mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": clip(text, TEXT_OBJECT_MAX)}


def section(text: str, *, block_id: str | None = None, accessory: dict[str, Any] | None = None) -> Block:
    block: Block = {"type": "section", "text": mrkdwn(text)}
    if block_id:
        block["block_id"] = block_id
    if accessory:
        block["accessory"] = accessory
    return block


def context(*texts: str) -> Block:
    return {"type": "context", "elements": [mrkdwn(t) for t in texts[:10]]}


def divider() -> Block:
    return {"type": "divider"}


def header(text: str) -> Block:
    return {"type": "header", "text": plain(text, 150)}


def button(
    text: str, action_id: str, value: str = "", *, style: str | None = None, url: str | None = None
) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "button", "text": plain(text, BUTTON_TEXT_MAX), "action_id": action_id}
    if value:
        element["value"] = value
    if style:
        element["style"] = style
    if url:
        element["url"] = url
    return element


def actions(*elements: dict[str, Any], block_id: str | None = None) -> Block:
    block: Block = {"type": "actions", "elements": list(elements)}
    if block_id:
        block["block_id"] = block_id
    return block


def modal(
    title: str,
    blocks: list[Block],
    *,
    callback_id: str | None = None,
    submit: str | None = None,
    close: str = "Cancel",
    private_metadata: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A modal view; title, submit and close are kept within Slack's 24 characters."""
    view: dict[str, Any] = {
        "type": "modal",
        "title": plain(title, VIEW_TITLE_MAX),
        "close": plain(close, VIEW_TITLE_MAX),
        "blocks": blocks,
    }
    if callback_id:
        view["callback_id"] = callback_id
    if submit:
        view["submit"] = plain(submit, VIEW_TITLE_MAX)
    if private_metadata is not None:
        view["private_metadata"] = private_metadata
    view.update(extra)
    return view
