"""The one error handler: unexpected exceptions become a short apology with an error id, and a log line."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.deps import Deps

logger = logging.getLogger(__name__)


def apology(error_id: str) -> str:
    return (
        f":warning: Sorry, something went wrong on our side. Nothing was lost; please try again. "
        f"If it keeps happening, tell your program lead the error id `{error_id}`."
    )


def _notify(body: dict[str, Any], client: WebClient, text: str) -> None:
    response_url = body.get("response_url")
    user = (body.get("user") or {}).get("id") or body.get("user_id")
    channel = body.get("channel_id") or (body.get("channel") or {}).get("id")
    try:
        if response_url:
            from slack_sdk.webhook import WebhookClient

            WebhookClient(response_url).send(text=text, response_type="ephemeral")
        elif user and channel:
            client.chat_postEphemeral(channel=channel, user=user, text=text)
    except (SlackApiError, OSError):
        logger.warning("could not deliver the apology", exc_info=True)


def register(app: App, deps: Deps) -> None:
    def handle_error(error: Exception, body: dict[str, Any], client: WebClient) -> BoltResponse:
        error_id = uuid.uuid4().hex[:8]
        logger.error("unhandled error %s", error_id, exc_info=error)
        _notify(body if isinstance(body, dict) else {}, client, apology(error_id))
        return BoltResponse(status=200, body="")

    app.error(handle_error)
