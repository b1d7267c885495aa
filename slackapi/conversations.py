"""Small Slack Web API helpers the core uses: open a pair's group DM, DM one person."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient


def open_group_dm(client: WebClient, user_ids: tuple[str, ...]) -> str:
    """The conversation of these users and the bot (``conversations.open``); raises SlackApiError."""
    response = client.conversations_open(users=",".join(user_ids))
    return str(response["channel"]["id"])


def direct_message(client: WebClient, user_id: str, text: str, blocks: list[dict[str, Any]] | None = None) -> str:
    """Post ``text`` to ``user_id``'s DM with the bot; return the message ts."""
    channel = open_group_dm(client, (user_id,))
    return str(client.chat_postMessage(channel=channel, text=text, blocks=blocks)["ts"])
