"""Small Block Kit builders shared by every screen."""

from __future__ import annotations

from typing import Any

from blocks.limits import BUTTON_TEXT_MAX, OPTION_TEXT_MAX, PLAIN_TEXT_INPUT_MAX, TEXT_OBJECT_MAX, VIEW_TITLE_MAX, clip

#: Longest label and hint of an input block.
LABEL_MAX = 2000
PLACEHOLDER_MAX = 150

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


def input_block(
    block_id: str, label: str, element: dict[str, Any], *, hint: str | None = None, optional: bool = False
) -> Block:
    """An input block: modal errors are keyed by ``block_id``; listeners read it with ``handlers.payloads``."""
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label, LABEL_MAX),
        "optional": optional,
        "element": element,
    }
    if hint:
        block["hint"] = plain(hint, LABEL_MAX)
    return block


def text_element(
    action_id: str, *, max_length: int, multiline: bool = False, initial: str | None = None, placeholder: str = ""
) -> dict[str, Any]:
    """A ``plain_text_input``, pre-filled with ``initial`` and kept within Slack's 3,000 characters."""
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": action_id,
        "multiline": multiline,
        "max_length": min(max_length, PLAIN_TEXT_INPUT_MAX),
    }
    if initial:
        element["initial_value"] = initial[:PLAIN_TEXT_INPUT_MAX]
    if placeholder:
        element["placeholder"] = plain(placeholder, PLACEHOLDER_MAX)
    return element


def option(text: str, value: str) -> dict[str, Any]:
    return {"text": plain(text, OPTION_TEXT_MAX), "value": value}


def select_element(
    action_id: str, options: list[tuple[str, str]], *, initial: str | None = None, placeholder: str = "Choose"
) -> dict[str, Any]:
    """A ``static_select`` of ``(value, text)`` options; ``initial`` names the value chosen at first."""
    element: dict[str, Any] = {
        "type": "static_select",
        "action_id": action_id,
        "placeholder": plain(placeholder, PLACEHOLDER_MAX),
        "options": [option(text, value) for value, text in options],
    }
    chosen = next((o for o in element["options"] if o["value"] == initial), None)
    if chosen:
        element["initial_option"] = chosen
    return element


def picker_element(kind: str, action_id: str, *, initial: str | None = None, placeholder: str = "") -> dict[str, Any]:
    """A ``datepicker`` (initial ``YYYY-MM-DD``) or ``timepicker`` (initial ``HH:MM``)."""
    element: dict[str, Any] = {"type": kind, "action_id": action_id}
    if placeholder:
        element["placeholder"] = plain(placeholder, PLACEHOLDER_MAX)
    if initial:
        element["initial_date" if kind == "datepicker" else "initial_time"] = initial
    return element


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
