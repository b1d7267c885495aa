"""The one error handler: unexpected exceptions become a short apology with an error id, and a log line.

A modal submission is answered in the modal itself (``response_action: errors`` on its first input,
or an ``update`` to a short "not saved" view), so a failed save never closes the modal as if it had
worked. A database or Slack that cannot be reached is an outage, not a bug: one warning line, no
traceback, and a message that says what is going on.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Callable
from functools import partial
from typing import Any
from urllib.error import URLError

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError
from slack_sdk.webhook import WebhookClient
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from handlers import payloads
from mentoring.deps import Deps
from storage.db import DatabaseMonitor, database_monitor

logger = logging.getLogger(__name__)

DATABASE_DOWN = (
    ":warning: The bot can't reach its database right now, so nothing was changed. Please try again in a minute."
)


def apology(error_id: str) -> str:
    return (
        f":warning: Sorry, something went wrong on our side. Nothing was lost; please try again. "
        f"If it keeps happening, tell your program lead the error id `{error_id}`."
    )


def not_saved(error_id: str, *, database_down: bool = False) -> str:
    """What a modal shows when its submission failed: it was not saved, what you typed is still here."""
    why = "the bot can't reach its database right now" if database_down else "something went wrong on our side"
    return (
        f"Couldn't save this: {why}. Nothing was lost: what you typed is still here, so please try again "
        f"in a minute (error id {error_id})."
    )


def is_database_outage(error: BaseException) -> bool:
    """The database did not answer (refused, black-holed, timed out, pool exhausted), as opposed to a bug."""
    if isinstance(error, OperationalError | PoolTimeoutError):
        return True
    return isinstance(error, DBAPIError) and bool(error.connection_invalidated)


def is_slack_outage(error: BaseException) -> bool:
    """Slack refused or could not be reached (network, timeouts, bad token)."""
    return isinstance(error, SlackClientError | URLError | ConnectionError | TimeoutError)


def _one_line(error: BaseException) -> str:
    text = str(getattr(error, "orig", None) or error).strip().splitlines()
    return f"{type(error).__name__}: {text[0][:200] if text else ''}"


def _first_input_block(view: Any) -> str | None:
    blocks = view.get("blocks") if isinstance(view, dict) else None
    for block in blocks if isinstance(blocks, list) else []:
        if isinstance(block, dict) and block.get("type") == "input" and isinstance(block.get("block_id"), str):
            return str(block["block_id"])
    return None


def view_submission_failed(view: Any, message: str) -> BoltResponse:
    """Keep the modal open and say it was not saved: an error on its first input, else a short "not saved" view."""
    block_id = _first_input_block(view)
    if block_id is not None:
        answer: dict[str, Any] = {"response_action": "errors", "errors": {block_id: message[:1900]}}
    else:
        answer = {
            "response_action": "update",
            "view": {
                "type": "modal",
                "title": {"type": "plain_text", "text": "Not saved"},
                "close": {"type": "plain_text", "text": "Close"},
                "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": message[:2900]}}],
            },
        }
    return BoltResponse(status=200, body=json.dumps(answer), headers={"content-type": "application/json"})


def _notify(body: dict[str, Any], client: WebClient, text: str) -> None:
    if body.get("type") == "event_callback":
        return  # nobody asked: an event's sender is not told about our errors
    response_url = payloads.response_url(body)
    user, channel = payloads.user_id(body), payloads.channel_id(body)
    try:
        if response_url:
            WebhookClient(response_url, timeout=5).send(text=text, response_type="ephemeral")
        elif user and channel:
            client.chat_postEphemeral(channel=channel, user=user, text=text)
    except (SlackClientError, OSError) as error:
        logger.warning("could not deliver the apology: %s", _one_line(error))


#: A request that needs the database waits at most this long to learn whether it answers.
DATABASE_GATE_WAIT_S = 1.5


def needs_database(body: dict[str, Any]) -> bool:
    """Everything but ``/mentor help`` (or nothing) reads or writes the database."""
    if "command" in body:
        return payloads.command_text(body).strip().lower() not in ("", "help")
    return True


def database_down_answer(body: dict[str, Any]) -> BoltResponse:
    """The ack for a request that cannot be served while the database is unreachable: say so, change nothing."""
    if "command" in body:
        answer = {"response_type": "ephemeral", "text": DATABASE_DOWN}
        return BoltResponse(status=200, body=json.dumps(answer), headers={"content-type": "application/json"})
    if body.get("type") == "view_submission":
        return view_submission_failed(body.get("view"), not_saved(uuid.uuid4().hex[:8], database_down=True))
    response_url = payloads.response_url(body)
    if body.get("type") == "block_actions" and response_url:
        threading.Thread(target=_send_to_response_url, args=(response_url, DATABASE_DOWN), daemon=True).start()
    return BoltResponse(status=200, body="")


def _send_to_response_url(response_url: str, text: str) -> None:

    try:
        WebhookClient(response_url, timeout=5).send(text=text, response_type="ephemeral", replace_original=False)
    except (SlackClientError, OSError) as error:
        logger.warning("could not tell the user the database is down: %s", _one_line(error))


def database_gate(
    body: dict[str, Any], next: Callable[[], BoltResponse | None], *, monitor: DatabaseMonitor
) -> BoltResponse | None:
    """Before any listener: when the database does not answer within 1.5 s, answer that, instead of hanging."""
    if monitor.sqlite or not isinstance(body, dict) or not needs_database(body):
        return next()  # a local SQLite file cannot be black-holed; its problems surface as errors at once
    state = monitor.check(DATABASE_GATE_WAIT_S, write=False)
    if state.reachable:
        return next()
    logger.warning("answered a request without the database: it cannot be reached (%s)", state.detail)
    return database_down_answer(body)


def handle_error(error: Exception, body: dict[str, Any], client: WebClient) -> BoltResponse:
    """The one error handler: a log line with an error id, and an answer that says what happened."""
    error_id = uuid.uuid4().hex[:8]
    body = body if isinstance(body, dict) else {}
    if is_database_outage(error):
        logger.warning("error %s: the database cannot be reached (%s)", error_id, _one_line(error))
        text = DATABASE_DOWN
    elif is_slack_outage(error):
        logger.warning("error %s: a Slack call failed (%s)", error_id, _one_line(error))
        text = apology(error_id)
    else:
        logger.error("unhandled error %s", error_id, exc_info=error)
        text = apology(error_id)
    if body.get("type") == "view_submission":
        return view_submission_failed(body.get("view"), not_saved(error_id, database_down=text == DATABASE_DOWN))
    _notify(body, client, text)
    return BoltResponse(status=200, body="")


def register(app: App, deps: Deps) -> None:
    app.use(partial(database_gate, monitor=database_monitor(deps.engine)))
    app.error(handle_error)
