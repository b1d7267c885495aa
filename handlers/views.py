"""Reading submitted modals defensively: clean text, input values, the pair a modal was opened for, who sent it."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from slack_bolt import App, BoltRequest, BoltResponse

from mentoring.deps import Deps
from mentoring.pairs import pair_for_member
from mentoring.problems import Problem
from storage.db import session_scope
from storage.models import Pair

T = TypeVar("T")

#: Control characters other than tab and newline: nobody types them, and PostgreSQL refuses NUL in text.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


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


def register(app: App) -> None:
    """A global middleware: submitted text is cleaned before any listener reads it."""

    def clean_text_first(req: BoltRequest, resp: BoltResponse, next: Callable[[], None]) -> BoltResponse:
        clean_submitted_text(req.body)
        next()
        return resp

    app.use(clean_text_first)


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
        found[block_id] = clean_text(value) if isinstance(value, str) else None
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


@dataclass(frozen=True)
class Submission(Generic[T]):
    """A modal submitted by a member of the pair it was opened for, with its validated contents."""

    pair: Pair
    user_id: str
    data: T


def check_member_submission(
    deps: Deps,
    body: dict[str, Any],
    view: Any,
    fields: Sequence[str],
    validate: Callable[[dict[str, str | None]], T | dict[str, str]],
) -> Submission[T] | dict[str, str]:
    """The validated submission of a pair member, or errors keyed by the modal's block ids.

    A submitter who is not (or no longer) a member gets the refusal on the first field.
    """
    team_id, user_id = submitter(body)
    with session_scope(deps.engine) as session:
        pair = pair_for_member(session, team_id=team_id, pair_id=metadata_pair_id(view), user_id=user_id)
    if isinstance(pair, Problem):
        return {fields[0]: pair.message}
    data = validate(read_inputs(view, fields))
    if isinstance(data, dict):
        return data
    return Submission(pair, user_id, data)
