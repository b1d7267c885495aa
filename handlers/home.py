"""The App Home tab: published when a user opens it (``app_home_opened``) and redrawn by the lead's buttons.

Members see their pairs. Program admins (``MENTOR_ADMINS``; in OAuth mode also the workspace's admins and
owners) see the program too, a page at a time, with *Nudge* and *End* per pair. Every lead button checks
again that the presser is an admin: a crafted press by anyone else changes nothing and says so.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from blocks.format import slack_date
from blocks.home import (
    ALL_PROGRAMS,
    LEAD_END_ACTION,
    LEAD_FILTER_ALL_ACTION,
    LEAD_FILTER_ATTENTION_ACTION,
    LEAD_NEXT_ACTION,
    LEAD_NUDGE_ACTION,
    LEAD_PREVIOUS_ACTION,
    LEAD_PROGRAM_ACTION,
    home_view,
)
from handlers import payloads
from handlers.end import announce_end
from mentoring.deps import Deps
from mentoring.home import HomeFilter, home_summary, plan_lead_nudge, program_page
from mentoring.outbox import enqueue
from mentoring.pairs import end_pair, pair_for_member
from mentoring.problems import Problem
from slackapi.roles import is_workspace_admin
from storage.db import session_scope

REFUSED = "The program view and its buttons are for program admins only, so nothing was changed."


def is_lead(deps: Deps, client: WebClient, *, team_id: str, user_id: str) -> bool:
    """A program admin: listed in ``MENTOR_ADMINS``, or (with OAuth) an admin or owner of the workspace."""
    if deps.settings.is_admin(user_id):
        return True
    if not deps.settings.oauth_enabled or not user_id:
        return False
    with session_scope(deps.engine) as session:
        return is_workspace_admin(session, client, team_id=team_id, user_id=user_id, now=deps.now())


def publish(
    deps: Deps,
    client: WebClient,
    *,
    team_id: str,
    user_id: str,
    lead: bool,
    filter: str = HomeFilter.ALL,
    page: int = 0,
    program_id: object = None,
    notice: str | None = None,
) -> None:
    """Draw the user's Home: their own pairs, and for a lead page ``page`` of the program under ``filter``."""
    now = deps.now()
    with session_scope(deps.engine) as session:
        summaries = home_summary(session, team_id=team_id, user_id=user_id, now=now)
        program = (
            program_page(session, team_id=team_id, now=now, filter=filter, page=page, program_id=program_id)
            if lead
            else None
        )
    client.views_publish(user_id=user_id, view=home_view(summaries, user_id, program, notice=notice))


def publish_home(event: dict[str, Any], body: dict[str, Any], client: WebClient, *, deps: Deps) -> None:
    if event.get("tab", "home") != "home":
        return
    user_id = payloads.user_id(body)
    team_id = payloads.team_id(body)
    lead = is_lead(deps, client, team_id=team_id, user_id=user_id)
    publish(deps, client, team_id=team_id, user_id=user_id, lead=lead)


def _shown(body: dict[str, Any]) -> tuple[str, int, object]:
    """The filter, page and program the pressed Home was showing."""
    shown = payloads.metadata(payloads.view_of(body))
    page = shown.get("pg")
    return str(shown.get("f") or HomeFilter.ALL), page if isinstance(page, int) else 0, shown.get("p")


def lead_press(ack: Ack, body: dict[str, Any], client: WebClient, *, deps: Deps, action: str) -> None:
    """Any button of the program section: refused for non-admins, else done and the Home redrawn."""
    ack()
    user_id, team_id = payloads.user_id(body), payloads.team_id(body)
    if not is_lead(deps, client, team_id=team_id, user_id=user_id):
        publish(deps, client, team_id=team_id, user_id=user_id, lead=False, notice=REFUSED)
        return
    value = payloads.action_value(body) or ""
    filter, page, program_id = _shown(body)
    notice = None
    if action in (LEAD_FILTER_ALL_ACTION, LEAD_FILTER_ATTENTION_ACTION):
        filter, page = value, 0
    elif action == LEAD_PROGRAM_ACTION:
        program_id, page = (None if value == ALL_PROGRAMS else value), 0
    elif action in (LEAD_NEXT_ACTION, LEAD_PREVIOUS_ACTION):
        page = int(value) if value.isdigit() else 0
    elif action == LEAD_NUDGE_ACTION:
        notice = nudge(deps, team_id=team_id, pair_id=value, lead=user_id)
    elif action == LEAD_END_ACTION:
        notice = end(deps, client, team_id=team_id, pair_id=value, lead=user_id)
    publish(
        deps,
        client,
        team_id=team_id,
        user_id=user_id,
        lead=True,
        filter=filter,
        page=page,
        program_id=program_id,
        notice=notice,
    )


def nudge(deps: Deps, *, team_id: str, pair_id: str, lead: str) -> str:
    """Plan the lead's nudge into the pair's DM (at most once a day); the answer for the lead."""
    now = deps.now()
    with session_scope(deps.engine) as session:
        planned = plan_lead_nudge(session, team_id=team_id, pair_id=pair_id, lead=lead, now=now)
        if isinstance(planned, Problem):
            return planned.message
        new = enqueue(session, [planned.post], now=now)
    who = f"<@{planned.pair.mentor_id}> and <@{planned.pair.mentee_id}>"
    if not new:
        return f":information_source: {who} were already nudged today; I nudge a pair at most once a day."
    at = planned.post.not_before
    when = "within a minute" if at <= now else f"at {slack_date(at)}, inside their contact hours"
    return f":white_check_mark: I'll nudge {who} in their pair DM {when}."


def end(deps: Deps, client: WebClient, *, team_id: str, pair_id: str, lead: str) -> str:
    """End the pairing (the admin confirmed in Slack's dialog) and tell the pair; the answer for the lead."""
    with session_scope(deps.engine) as session:
        pair = pair_for_member(
            session, team_id=team_id, pair_id=pair_id, user_id=lead, is_admin=True, require_active=False
        )
        result = pair if isinstance(pair, Problem) else end_pair(session, pair=pair, by=lead, now=deps.now())
    if isinstance(result, Problem):
        return result.message
    announce_end(client, result, by=lead)
    return f":white_check_mark: The pairing of <@{result.mentor_id}> and <@{result.mentee_id}> has ended; I told them."


def register(app: App, deps: Deps) -> None:
    app.event("app_home_opened")(partial(publish_home, deps=deps))
    for action_id in (
        LEAD_NUDGE_ACTION,
        LEAD_END_ACTION,
        LEAD_FILTER_ALL_ACTION,
        LEAD_FILTER_ATTENTION_ACTION,
        LEAD_NEXT_ACTION,
        LEAD_PREVIOUS_ACTION,
        LEAD_PROGRAM_ACTION,
    ):
        app.action(action_id)(partial(lead_press, deps=deps, action=action_id))
