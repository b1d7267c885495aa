"""The one place that reads a Slack payload: who asked, in which team and channel, what they typed.

Slash commands, block actions, view submissions and events carry the same facts in different
places; the readers here know them all and never raise on a crafted or malformed payload (what is
missing reads as ``""``, ``None`` or ``{}``). Submitted text is cleaned once per request by the
middleware ``register`` installs, before any listener reads it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse

from blocks.metadata import read_metadata

MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")

#: Control characters other than tab and newline: nobody types them, and PostgreSQL refuses NUL in text.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

#: A view's ``private_metadata``, decoded (``{}`` when missing or garbled).
metadata = read_metadata


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


# ---- who, where -------------------------------------------------------------------------------


def team_id(body: dict[str, Any]) -> str:
    """The workspace: ``team_id`` of commands and events, ``team.id`` (or ``user.team_id``) of interactivity."""
    team, user, event = _dict(body.get("team")), _dict(body.get("user")), _dict(body.get("event"))
    return str(body.get("team_id") or team.get("id") or user.get("team_id") or event.get("team") or "")


def user_id(body: dict[str, Any]) -> str:
    """Who acted: ``user_id`` of commands, ``user.id`` of interactivity, ``event.user`` of events."""
    user, event = _dict(body.get("user")), _dict(body.get("event"))
    return str(user.get("id") or body.get("user_id") or event.get("user") or "")


def channel_id(body: dict[str, Any]) -> str:
    """Where: the command's channel, the clicked message's channel, or the event's."""
    channel, container, event = _dict(body.get("channel")), _dict(body.get("container")), _dict(body.get("event"))
    return str(body.get("channel_id") or channel.get("id") or container.get("channel_id") or event.get("channel") or "")


def trigger_id(body: dict[str, Any]) -> str:
    return str(body.get("trigger_id") or "")


def event_id(body: dict[str, Any]) -> str | None:
    """The Events API's id of an event: the same on every retry of it."""
    value = body.get("event_id")
    return str(value) if value else None


def action_value(body: dict[str, Any]) -> str | None:
    """The value of the (first) button or option that was pressed."""
    actions = body.get("actions")
    first = _dict(actions[0]) if isinstance(actions, list) and actions else {}
    value = first.get("value")
    if value is None:
        value = _dict(first.get("selected_option")).get("value")
    return str(value) if isinstance(value, str | int) else None


def message_ref(body: dict[str, Any]) -> tuple[str, str]:
    """``(channel, ts)`` of the message a button was pressed in (``("", "")`` in a modal)."""
    container = _dict(body.get("container"))
    return str(container.get("channel_id") or ""), str(container.get("message_ts") or "")


def clicked_message(body: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The message a button was pressed in (``{}`` in a modal), and whether it is an ephemeral one."""
    return _dict(body.get("message")), bool(_dict(body.get("container")).get("is_ephemeral"))


def response_url(body: dict[str, Any]) -> str:
    """Where a command or a button in a message can still be answered (30 minutes, five times)."""
    url = body.get("response_url")
    return url if isinstance(url, str) else ""


def view_of(body: dict[str, Any]) -> dict[str, Any]:
    """The view a button was pressed in, or the submitted view."""
    return _dict(body.get("view"))


# ---- what they typed ---------------------------------------------------------------------------


def command_text(body: dict[str, Any]) -> str:
    """What was typed after ``/mentor``."""
    return str(body.get("text") or "")


def split_command(text: str | None) -> tuple[str, str]:
    """``"pair <@U1> <@U2>"`` → ``("pair", "<@U1> <@U2>")``; the subcommand is lower-cased."""
    stripped = (text or "").strip()
    if not stripped:
        return "", ""
    head, *rest = stripped.split(None, 1)  # any whitespace: users type tabs and newlines too
    return head.lower(), rest[0].strip() if rest else ""


def parse_mentions(text: str | None) -> list[str]:
    """User IDs of every mention, in order, for both ``<@U123>`` and ``<@U123|name>``."""
    return MENTION.findall(text or "")


def _state_values(view: object) -> dict[str, Any]:
    return _dict(_dict(_dict(view).get("state")).get("values"))


def submitted_blocks(view: object) -> set[str]:
    """The block ids present in a submitted view's state."""
    return set(_state_values(view))


def inputs(view: object, block_ids: Iterable[str]) -> dict[str, str | None]:
    """The submitted value of each input block as a string (text, number, time, date or select), else None.

    Crafted or malformed states (missing blocks, wrong types) read as None, never raise.
    """
    values = _state_values(view)
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
        found[block_id] = clean_text(value) if isinstance(value, str) else None
    return found


def selected(view: object, block_id: str) -> list[str]:
    """The option values ticked in a checkboxes (or multi-select) input block; crafted states read as []."""
    block = _state_values(view).get(block_id)
    element = next(iter(block.values()), None) if isinstance(block, dict) and block else None
    chosen = element.get("selected_options") if isinstance(element, dict) else None
    if not isinstance(chosen, list):
        return []
    return [str(o["value"]) for o in chosen if isinstance(o, dict) and isinstance(o.get("value"), str)]


# ---- cleaning, once per request ----------------------------------------------------------------


def clean_text(value: str) -> str:
    """Submitted text without control characters (``\r\n`` becomes ``\n``; tab and newline stay)."""
    return _CONTROL.sub("", value.replace("\r\n", "\n"))


def _cleaned(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {key: _cleaned(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_cleaned(item) for item in value]
    return value


def clean_submitted_text(body: Any) -> None:
    """Clean, in place, every value a member typed: a submitted view's state and a message event's text.

    Run once per request before any listener (see ``register``), so every modal field and every reader
    gets clean text: what is saved is what validation saw.
    """
    if not isinstance(body, dict):
        return
    view = body.get("view")
    state = view.get("state") if isinstance(view, dict) else None
    if isinstance(state, dict) and isinstance(state.get("values"), dict):
        state["values"] = _cleaned(state["values"])
    event = body.get("event")
    if isinstance(event, dict) and isinstance(event.get("text"), str):
        event["text"] = clean_text(event["text"])


def clean_text_first(req: BoltRequest, resp: BoltResponse, next: Callable[[], None]) -> BoltResponse:
    """A global middleware: submitted text is cleaned before any listener reads it."""
    clean_submitted_text(req.body)
    next()
    return resp


def register(app: App) -> None:
    app.use(clean_text_first)
