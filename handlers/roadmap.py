"""Roadmap at the Slack edge: ``/mentor roadmap`` opens a modal with a theme per upcoming meeting.

Suggested themes name their source; one suggested from a check-in answer names whose (from the users cache).
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlmodel import Session

from blocks import roadmap as ui
from blocks.goals import problem_view
from handlers import payloads
from handlers.context import Invocation, invocation
from mentoring import roadmap
from mentoring.deps import Deps
from mentoring.goals import Invalid
from mentoring.problems import NOT_IN_PAIR, Problem
from slackapi.users import get_user
from storage.db import session_scope
from storage.models import Pair

logger = logging.getLogger(__name__)


def _first(meta: dict[str, Any]) -> int | None:
    try:
        first = int(str(meta.get("f")))
    except ValueError:
        return None
    return first if 1 <= first <= roadmap.MAX_MEETING_NUMBER - roadmap.ROADMAP_ROWS else None


def _rev(meta: dict[str, Any]) -> int:
    try:
        return max(0, int(meta.get("r") or 0))
    except (TypeError, ValueError):
        return 0


def suggesters(inv: Invocation, session: Session, pair: Pair, rows: list[roadmap.RoadmapRow]) -> dict[str, str]:
    """A name for each member whose check-in answer suggested a theme (Slack's, else "your mentee"/"your mentor")."""
    names: dict[str, str] = {}
    for user_id in {row.suggested_by for row in rows if row.suggested_by and row.suggested_by != inv.user_id}:
        cached = get_user(session, inv.client, team_id=pair.team_id, user_id=user_id, now=inv.deps.now())
        name = (cached.display_name or cached.real_name) if cached is not None else ""
        names[user_id] = name or ("your mentee" if user_id == pair.mentee_id else "your mentor")
    return names


def open_roadmap(inv: Invocation, pair: Pair) -> None:
    """Members get the roadmap modal; nobody else sees a pair's themes."""
    if not pair.has_member(inv.user_id):
        inv.problem(NOT_IN_PAIR)
        return
    inv.ack()
    deps = inv.deps
    with session_scope(deps.engine) as session:
        tz = inv.timezone(session)
        rows = roadmap.roadmap_rows(session, pair.id or 0, now=deps.now())
        names = suggesters(inv, session, pair, rows)
    view = ui.roadmap_form(rows, pair_id=pair.id, tz=tz, viewer=inv.user_id, names=names)
    inv.client.views_open(trigger_id=inv.trigger_id, view=view)


def typed_themes(view: dict[str, Any]) -> dict[int, str]:
    """The theme typed for each meeting in a roadmap view (its state, else the value it was shown with)."""
    ids = ui.block_ids_by_number(view)
    typed = payloads.inputs(view, ids.values())
    present = payloads.submitted_blocks(view)
    shown = ui.shown_themes(view)
    return {n: typed[block_id] or "" if block_id in present else shown.get(n, "") for n, block_id in ids.items()}


def swapped(themes: dict[int, str], value: str) -> dict[int, str]:
    """``themes`` with meeting ``n``'s theme moved one place up or down (``"n:up"`` / ``"n:down"``)."""
    number_text, _, direction = value.partition(":")
    if not number_text.isdigit() or direction not in ("up", "down"):
        return themes
    number = int(number_text)
    other = number - 1 if direction == "up" else number + 1
    if number not in themes or other not in themes:
        return themes
    moved = dict(themes)
    moved[number], moved[other] = themes[other], themes[number]
    return moved


def move_theme(ack: Ack, body: dict[str, Any], client: WebClient, *, deps: Deps) -> None:
    """↑ / ↓: redraw the form with two themes swapped, keeping what was typed meanwhile."""
    ack()
    inv, view = invocation(deps, body, client), payloads.view_of(body)
    meta = payloads.metadata(view)
    with session_scope(deps.engine) as session:
        pair = inv.pair(session, meta.get("p"))
        first = _first(meta)
        if isinstance(pair, Problem) or first is None:
            message = pair.message if isinstance(pair, Problem) else "This roadmap form is out of date."
            new_view = problem_view(message, title="Roadmap")
        else:
            rows = roadmap.roadmap_rows(session, pair.id or 0, now=deps.now(), first=first)
            themes = swapped(typed_themes(view), payloads.action_value(body) or "")
            new_view = ui.roadmap_form(
                rows,
                pair_id=pair.id,
                tz=inv.timezone(session),
                rev=_rev(meta) + 1,
                themes=themes,
                viewer=inv.user_id,
                names=suggesters(inv, session, pair, rows),
            )
    try:
        client.views_update(view_id=str(view.get("id", "")), view=new_view)
    except SlackApiError as error:
        logger.info("views.update failed: %s", error.response.get("error") if error.response else error)


def save_roadmap(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, *, deps: Deps) -> None:
    """Save the themes (errors on the meeting they are about) and tell the pair DM."""
    inv = invocation(deps, body, client)
    themes = typed_themes(view)
    with session_scope(deps.engine) as session:
        pair = inv.pair(session, payloads.metadata(view).get("p"))
        if isinstance(pair, Problem):
            ack(response_action="update", view=problem_view(pair.message, title="Roadmap"))
            return
        result = roadmap.set_themes(session=session, pair=pair, themes=themes, by=inv.user_id, now=deps.now())
        if isinstance(result, Invalid):
            ids = ui.block_ids_by_number(view)
            ack(response_action="errors", errors={ids[int(n)]: text for n, text in result.fields.items()})
            return
    ack()
    if pair.channel_id:
        client.chat_postMessage(channel=pair.channel_id, text=ui.saved_note(inv.user_id, result, sorted(themes)))


def register(app: App, deps: Deps) -> None:
    app.action(ui.MOVE_ACTION)(partial(move_theme, deps=deps))
    app.view(ui.CALLBACK)(partial(save_roadmap, deps=deps))
