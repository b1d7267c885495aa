"""Real-shaped Slack interactivity payloads (see shared/slack-samples) for the signed sender."""

from __future__ import annotations

import time
from typing import Any

from tests.support.fake_slack import TEAM_ID


def _user(user_id: str, team_id: str = TEAM_ID) -> dict[str, Any]:
    return {"id": user_id, "username": user_id.lower(), "name": user_id.lower(), "team_id": team_id}


def _team(team_id: str = TEAM_ID) -> dict[str, Any]:
    return {"id": team_id, "domain": "example-ws"}


def block_action(
    *,
    user_id: str,
    action_id: str,
    value: str = "",
    channel_id: str = "C0001",
    message: dict[str, Any] | None = None,
    response_url: str | None = None,
    element_type: str = "button",
    selected: dict[str, Any] | None = None,
    block_id: str = "blk",
    team_id: str = TEAM_ID,
) -> dict[str, Any]:
    """A click in a message (container.type = message)."""
    message = message or {"type": "message", "ts": "1800000000.000100", "text": "", "blocks": []}
    action: dict[str, Any] = {
        "type": element_type,
        "action_id": action_id,
        "block_id": block_id,
        "action_ts": f"{time.time():.6f}",
    }
    if value:
        action["value"] = value
    if selected:
        action.update(selected)
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": _user(user_id, team_id),
        "api_app_id": "A0001",
        "token": "FAKEverificationTOKEN0001",
        "container": {"type": "message", "message_ts": message["ts"], "channel_id": channel_id, "is_ephemeral": False},
        "trigger_id": f"trigger-{time.monotonic_ns()}",
        "team": _team(team_id),
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel_id, "name": "mpdm"},
        "message": message,
        "state": {"values": {}},
        "actions": [action],
    }
    if response_url:
        payload["response_url"] = response_url
    return payload


def view_action(
    *,
    user_id: str,
    view: dict[str, Any],
    action_id: str,
    value: str = "",
    block_id: str = "blk",
    team_id: str = TEAM_ID,
) -> dict[str, Any]:
    """A click inside a modal (container.type = view; no response_url, no channel)."""
    return {
        "type": "block_actions",
        "user": _user(user_id, team_id),
        "api_app_id": "A0001",
        "token": "FAKEverificationTOKEN0001",
        "container": {"type": "view", "view_id": view.get("id", "V0")},
        "trigger_id": f"trigger-{time.monotonic_ns()}",
        "team": _team(team_id),
        "is_enterprise_install": False,
        "view": view,
        "actions": [
            {
                "type": "button",
                "action_id": action_id,
                "block_id": block_id,
                "value": value,
                "action_ts": f"{time.time():.6f}",
            }
        ],
        "state": {"values": {}},
    }


def state_from_inputs(view: dict[str, Any], inputs: dict[str, Any]) -> dict[str, Any]:
    """``view.state.values`` as Slack builds it for the input blocks of ``view``.

    ``inputs`` maps block_id → the value: a str for plain_text_input / datepicker / timepicker /
    static_select (option value, from ``options`` or ``option_groups``; a value not offered is sent as a
    crafted ``selected_option``) / radio_buttons, a list of str for multi selects and checkboxes.
    Blocks not named are sent empty, as Slack does for untouched optional inputs.
    """
    values: dict[str, Any] = {}
    for block in view.get("blocks", []):
        if block.get("type") != "input":
            continue
        element = block["element"]
        kind = element["type"]
        given = inputs.get(block["block_id"])
        state: dict[str, Any] = {"type": kind}
        if kind == "plain_text_input":
            state["value"] = given
        elif kind == "datepicker":
            state["selected_date"] = given
        elif kind == "timepicker":
            state["selected_time"] = given
        elif kind in ("static_select", "radio_buttons"):
            options = element.get("options") or [o for g in element.get("option_groups", []) for o in g["options"]]
            match = next((o for o in options if o["value"] == given), None)
            if match is None and given:  # a crafted payload: a value the options don't offer
                match = {"text": {"type": "plain_text", "text": given}, "value": given}
            state["selected_option"] = match
        elif kind in ("multi_static_select", "checkboxes"):
            options = element.get("options") or []
            state["selected_options"] = [o for o in options if o["value"] in (given or [])]
        elif kind in ("users_select",):
            state["selected_user"] = given
        elif kind == "number_input":
            state["value"] = given
        else:
            state["value"] = given
        values[block["block_id"]] = {element["action_id"]: state}
    return values


def view_submission(
    *, user_id: str, view: dict[str, Any], inputs: dict[str, Any], team_id: str = TEAM_ID
) -> dict[str, Any]:
    """Submitting ``view`` (as the bot opened it) with ``inputs`` typed into its input blocks."""
    submitted = dict(view)
    submitted.setdefault("id", "V0SUBMIT")
    submitted["state"] = {"values": state_from_inputs(view, inputs)}
    return {
        "type": "view_submission",
        "team": _team(team_id),
        "user": _user(user_id, team_id),
        "api_app_id": "A0001",
        "token": "FAKEverificationTOKEN0001",
        "trigger_id": f"trigger-{time.monotonic_ns()}",
        "view": submitted,
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }


def mpim_message(
    *, user_id: str, channel_id: str, text: str, thread_ts: str | None = None, ts: str | None = None
) -> dict[str, Any]:
    """A ``message`` event in a group DM (message.mpim), optionally a thread reply."""
    ts = ts or f"{time.time():.6f}"
    event: dict[str, Any] = {
        "type": "message",
        "channel": channel_id,
        "channel_type": "mpim",
        "user": user_id,
        "team": TEAM_ID,
        "text": text,
        "ts": ts,
        "event_ts": ts,
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
        event["parent_user_id"] = "UBOT0001"
    return event
