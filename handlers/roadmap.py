"""Roadmap at the Slack edge: ``/mentor roadmap`` opens a modal with a theme per upcoming meeting."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlmodel import Session

from blocks import roadmap as ui
from blocks.goals import problem_view
from handlers.context import Invocation
from mentoring import roadmap
from mentoring.deps import Deps
from mentoring.goals import Invalid
from mentoring.pairs import pair_for_member
from mentoring.problems import NOT_IN_PAIR, Problem
from slackapi.users import user_timezone
from storage.db import session_scope
from storage.models import Pair

logger = logging.getLogger(__name__)


def _first(meta: dict[str, Any]) -> int | None:
    try:
        first = int(meta["f"])
    except (KeyError, TypeError, ValueError):
        return None
    return first if 1 <= first <= roadmap.MAX_MEETING_NUMBER - roadmap.ROADMAP_ROWS else None


def _rev(meta: dict[str, Any]) -> int:
    try:
        return max(0, int(meta.get("r") or 0))
    except (TypeError, ValueError):
        return 0


def open_roadmap(inv: Invocation, pair: Pair) -> None:
    """Members get the roadmap modal; nobody else sees a pair's themes."""
    if not pair.has_member(inv.user_id):
        inv.problem(NOT_IN_PAIR)
        return
    inv.ack()
    deps = inv.deps
    with session_scope(deps.engine) as session:
        tz = user_timezone(
            session,
            inv.client,
            team_id=inv.team_id,
            user_id=inv.user_id,
            now=deps.now(),
            default=deps.settings.default_tz,
        )
        rows = roadmap.roadmap_rows(session, pair.id or 0, now=deps.now())
    inv.client.views_open(trigger_id=inv.trigger_id, view=ui.roadmap_form(rows, pair_id=pair.id, tz=tz))


PAIR_COMMANDS = {"roadmap": open_roadmap}


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


def register(app: App, deps: Deps) -> None:
    def member_pair(session: Session, body: dict[str, Any], meta: dict[str, Any]) -> Pair | Problem:
        team_id = str((body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id") or "")
        user_id = str((body.get("user") or {}).get("id", ""))
        return pair_for_member(session, team_id=team_id, pair_id=meta.get("p"), user_id=user_id)

    def on_move(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        view = body.get("view") or {}
        meta = ui.read_metadata(view)
        user_id = str((body.get("user") or {}).get("id", ""))
        value = str(((body.get("actions") or [{}])[0]).get("value") or "")
        with session_scope(deps.engine) as session:
            pair = member_pair(session, body, meta)
            first = _first(meta)
            if isinstance(pair, Problem) or first is None:
                message = pair.message if isinstance(pair, Problem) else "This roadmap form is out of date."
                new_view = problem_view(message, title="Roadmap")
            else:
                tz = user_timezone(
                    session,
                    client,
                    team_id=pair.team_id,
                    user_id=user_id,
                    now=deps.now(),
                    default=deps.settings.default_tz,
                )
                rows = roadmap.roadmap_rows(session, pair.id or 0, now=deps.now(), first=first)
                themes = swapped(ui.themes_in_view(view), value)
                new_view = ui.roadmap_form(rows, pair_id=pair.id, tz=tz, rev=_rev(meta) + 1, themes=themes)
        try:
            client.views_update(view_id=str(view.get("id", "")), view=new_view)
        except SlackApiError as error:
            logger.info("views.update failed: %s", error.response.get("error") if error.response else error)

    def on_submit(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        meta = ui.read_metadata(view)
        user_id = str((body.get("user") or {}).get("id", ""))
        themes = ui.themes_in_view(view)
        with session_scope(deps.engine) as session:
            pair = member_pair(session, body, meta)
            if isinstance(pair, Problem):
                ack(response_action="update", view=problem_view(pair.message, title="Roadmap"))
                return
            result = roadmap.set_themes(session=session, pair=pair, themes=themes, by=user_id, now=deps.now())
            if isinstance(result, Invalid):
                ids = ui.block_ids_by_number(view)
                ack(response_action="errors", errors={ids[int(n)]: text for n, text in result.fields.items()})
                return
        ack()
        if pair.channel_id:
            client.chat_postMessage(channel=pair.channel_id, text=ui.saved_note(user_id, result, sorted(themes)))

    app.action(ui.MOVE_ACTION)(on_move)
    app.view(ui.CALLBACK)(on_submit)
