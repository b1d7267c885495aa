"""Goals at the Slack edge: ``/mentor goals`` (a list modal), the SMART form, progress, done and detail."""

from __future__ import annotations

import logging
from datetime import date
from functools import partial
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlmodel import Session

from blocks import goals as ui
from blocks.format import escape_mrkdwn
from handlers import payloads
from handlers.context import Invocation, invocation
from mentoring import goals
from mentoring.deps import Deps
from mentoring.goals import GoalCreate, GoalUpdateIn, Invalid
from mentoring.problems import Problem
from slackapi.users import user_timezone
from storage.db import session_scope
from storage.models import Goal, GoalStatus, Pair

logger = logging.getLogger(__name__)


def _page(value: object) -> int:
    try:
        return int(str(value or 0))
    except ValueError:
        return 0


def _tz(session: Session, deps: Deps, client: WebClient, *, team_id: str, user_id: str) -> str:
    """The member's own time zone: overdue flags and due dates are read in it."""
    return user_timezone(
        session, client, team_id=team_id, user_id=user_id, now=deps.now(), default=deps.settings.default_tz
    )


def _list(
    session: Session, deps: Deps, client: WebClient, *, pair: Pair, user_id: str, page: int, notice: str | None = None
) -> dict[str, Any]:
    """The list modal for ``user_id`` (overdue flags use their own date)."""
    today = goals.local_today(deps.now(), _tz(session, deps, client, team_id=pair.team_id, user_id=user_id))
    return ui.list_view(goals.goals_page(session, pair.id or 0, page), pair=pair, today=today, notice=notice)


def _post_note(client: WebClient, pair: Pair, text: str) -> None:
    if pair.channel_id:
        client.chat_postMessage(channel=pair.channel_id, text=text)


def _update_view(client: WebClient, view_id: str, view: dict[str, Any]) -> None:
    """Refresh an open modal; it may have been closed meanwhile, which is fine."""
    try:
        client.views_update(view_id=view_id, view=view)
    except SlackApiError as error:
        logger.info("views.update %s failed: %s", view_id, error.response.get("error") if error.response else error)


# ---- /mentor goals -----------------------------------------------------------------------------


def open_goals(inv: Invocation, pair: Pair) -> None:
    """Members get the list modal; admins outside the pair get counts only, never titles."""
    inv.ack()
    deps = inv.deps
    if not pair.has_member(inv.user_id):
        with session_scope(deps.engine) as session:
            tz = _tz(session, deps, inv.client, team_id=inv.team_id, user_id=inv.user_id)
            counts = goals.goal_counts(session, pair.id or 0, today=goals.local_today(deps.now(), tz))
        inv.reply(ui.counts_text(pair, counts))
        return
    with session_scope(deps.engine) as session:
        view = _list(session, deps, inv.client, pair=pair, user_id=inv.user_id, page=0)
    inv.client.views_open(trigger_id=inv.trigger_id, view=view)


# ---- reading forms -------------------------------------------------------------------------------


def _parse_date(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def form_values(view: dict[str, Any]) -> dict[str, Any]:
    """The SMART form's answers by goal field (the blocks present in the submitted view)."""
    raw = payloads.inputs(view, ui.FIELD_BLOCKS.values())
    present = payloads.submitted_blocks(view)
    return {
        name: _parse_date(raw[block_id]) if name == "due_on" else raw[block_id] or ""
        for name, block_id in ui.FIELD_BLOCKS.items()
        if block_id in present
    }


def _field_errors(problem: Invalid, blocks: dict[str, str], view: dict[str, Any]) -> dict[str, str]:
    present = {b.get("block_id") for b in view.get("blocks", [])}
    errors = {blocks[name]: text for name, text in problem.fields.items() if blocks.get(name) in present}
    if not errors:  # every key must be an input of the view; fall back to the first one
        first = next(b["block_id"] for b in view.get("blocks", []) if b.get("type") == "input")
        errors = {first: problem.message}
    return errors


# ---- listeners: buttons in the list ----------------------------------------------------------


def _checked(
    session: Session, inv: Invocation, view: dict[str, Any], goal_id: str | None, *, active_goal: bool
) -> tuple[Pair, Goal] | None:
    """The pair and goal a click in the list names, if the clicker may act on them; else say why in the list."""
    meta = payloads.metadata(view)
    pair = inv.pair(session, meta.get("p"))
    if isinstance(pair, Problem):
        _update_view(inv.client, str(view.get("id", "")), ui.problem_view(pair.message))
        return None
    goal = goals.goal_of_pair(session, pair=pair, goal_id=goal_id)
    if isinstance(goal, Goal) and active_goal and goal.status != GoalStatus.ACTIVE:
        goal = goals.GOAL_DONE
    if isinstance(goal, Problem):
        listing = _list(
            session,
            inv.deps,
            inv.client,
            pair=pair,
            user_id=inv.user_id,
            page=_page(meta.get("pg")),
            notice=f":warning: {goal.message}",
        )
        _update_view(inv.client, str(view.get("id", "")), listing)
        return None
    return pair, goal


def add_goal(ack: Ack, body: dict[str, Any], client: WebClient, *, deps: Deps) -> None:
    """*Add a goal*: push the empty SMART form over the list."""
    ack()
    inv, view = invocation(deps, body, client), payloads.view_of(body)
    meta = payloads.metadata(view)
    with session_scope(deps.engine) as session:
        pair = inv.pair(session, meta.get("p"))
        if isinstance(pair, Problem):
            _update_view(client, str(view.get("id", "")), ui.problem_view(pair.message))
            return
        wants = goals.mentee_wants(session, pair)
    form = ui.goal_form(pair=pair, root_view_id=str(view.get("id", "")), page=_page(meta.get("pg")), wants=wants)
    client.views_push(trigger_id=inv.trigger_id, view=form)


def edit_goal(ack: Ack, body: dict[str, Any], client: WebClient, *, deps: Deps) -> None:
    """*Edit*: push the SMART form filled with the goal."""
    ack()
    inv, view = invocation(deps, body, client), payloads.view_of(body)
    with session_scope(deps.engine) as session:
        found = _checked(session, inv, view, payloads.action_value(body), active_goal=True)
        if found is None:
            return
        pair, goal = found
        wants = goals.mentee_wants(session, pair)
    page = _page(payloads.metadata(view).get("pg"))
    form = ui.goal_form(pair=pair, root_view_id=str(view.get("id", "")), page=page, goal=goal, wants=wants)
    client.views_push(trigger_id=inv.trigger_id, view=form)


def open_progress(ack: Ack, body: dict[str, Any], client: WebClient, *, deps: Deps) -> None:
    """*Update progress*: push the progress form."""
    ack()
    inv, view = invocation(deps, body, client), payloads.view_of(body)
    with session_scope(deps.engine) as session:
        found = _checked(session, inv, view, payloads.action_value(body), active_goal=True)
    if found is None:
        return
    pair, goal = found
    page = _page(payloads.metadata(view).get("pg"))
    form = ui.progress_form(goal, pair=pair, root_view_id=str(view.get("id", "")), page=page)
    client.views_push(trigger_id=inv.trigger_id, view=form)


def show_detail(ack: Ack, body: dict[str, Any], client: WebClient, *, deps: Deps) -> None:
    """*Details*: the goal with its history of progress."""
    ack()
    inv, view = invocation(deps, body, client), payloads.view_of(body)
    with session_scope(deps.engine) as session:
        found = _checked(session, inv, view, payloads.action_value(body), active_goal=False)
        if found is None:
            return
        pair, goal = found
        tz = _tz(session, deps, client, team_id=pair.team_id, user_id=inv.user_id)
        today = goals.local_today(deps.now(), tz)
        updates = goals.history(session, goal.id or 0, limit=goals.HISTORY_SHOWN)
        total = goals.count_history(session, goal.id or 0)
    client.views_push(trigger_id=inv.trigger_id, view=ui.detail_view(goal, updates, total_updates=total, today=today))


def mark_done(ack: Ack, body: dict[str, Any], client: WebClient, *, deps: Deps) -> None:
    """*Done*: complete the goal, redraw the list, tell the pair DM."""
    ack()
    inv, view = invocation(deps, body, client), payloads.view_of(body)
    meta = payloads.metadata(view)
    with session_scope(deps.engine) as session:
        pair = inv.pair(session, meta.get("p"))
        if isinstance(pair, Problem):
            _update_view(client, str(view.get("id", "")), ui.problem_view(pair.message))
            return
        tz = _tz(session, deps, client, team_id=pair.team_id, user_id=inv.user_id)
        goal = goals.mark_done(
            session=session, pair=pair, goal_id=payloads.action_value(body), by=inv.user_id, now=deps.now(), tz=tz
        )
        notice = (
            f":warning: {goal.message}"
            if isinstance(goal, Problem)
            else f":tada: Marked “{escape_mrkdwn(goal.title)}” done."
        )
        listing = _list(
            session, deps, client, pair=pair, user_id=inv.user_id, page=_page(meta.get("pg")), notice=notice
        )
    _update_view(client, str(view.get("id", "")), listing)
    if isinstance(goal, Goal):
        _post_note(client, pair, ui.done_note(goal, inv.user_id))


def turn_page(ack: Ack, body: dict[str, Any], client: WebClient, *, deps: Deps) -> None:
    """*Next* / *Previous* in a long list."""
    ack()
    inv, view = invocation(deps, body, client), payloads.view_of(body)
    with session_scope(deps.engine) as session:
        pair = inv.pair(session, payloads.metadata(view).get("p"))
        if isinstance(pair, Problem):
            listing = ui.problem_view(pair.message)
        else:
            page = _page(payloads.action_value(body))
            listing = _list(session, deps, client, pair=pair, user_id=inv.user_id, page=page)
    _update_view(client, str(view.get("id", "")), listing)


# ---- listeners: the pushed forms ---------------------------------------------------------------


def _finish(inv: Invocation, view: dict[str, Any], pair: Pair, note: str, notice: str) -> None:
    """After a pushed form saved: refresh the list underneath in place and tell the pair DM."""
    meta = payloads.metadata(view)
    root = str(view.get("root_view_id") or meta.get("root") or "")
    with session_scope(inv.deps.engine) as session:
        listing = _list(
            session, inv.deps, inv.client, pair=pair, user_id=inv.user_id, page=_page(meta.get("pg")), notice=notice
        )
    if root:
        _update_view(inv.client, root, listing)
    _post_note(inv.client, pair, note)


def save_goal(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, *, deps: Deps) -> None:
    """The SMART form: a new goal, or changes to one (errors shown on their fields)."""
    inv, meta = invocation(deps, body, client), payloads.metadata(view)
    answers = form_values(view)
    with session_scope(deps.engine) as session:
        pair = inv.pair(session, meta.get("p"))
        if isinstance(pair, Problem):
            ack(response_action="update", view=ui.problem_view(pair.message))
            return
        tz = _tz(session, deps, client, team_id=pair.team_id, user_id=inv.user_id)
        editing = meta.get("g") is not None
        if editing:
            result = goals.update_goal(
                session=session,
                pair=pair,
                goal_id=meta.get("g"),
                goal_in=GoalUpdateIn(**answers),
                by=inv.user_id,
                now=deps.now(),
                tz=tz,
            )
        else:
            result = goals.create_goal(
                session=session, pair=pair, goal_in=GoalCreate(**answers), by=inv.user_id, now=deps.now(), tz=tz
            )
        if isinstance(result, Invalid):
            ack(response_action="errors", errors=_field_errors(result, ui.FIELD_BLOCKS, view))
            return
        if isinstance(result, Problem):
            ack(response_action="update", view=ui.problem_view(result.message))
            return
    ack()
    if editing:
        note, notice = ui.edited_note(result, inv.user_id), f":pencil2: Saved “{escape_mrkdwn(result.title)}”."
    else:
        note, notice = ui.added_note(result, inv.user_id), f":dart: Added “{escape_mrkdwn(result.title)}”."
    _finish(inv, view, pair, note, notice)


def save_progress(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, *, deps: Deps) -> None:
    """The progress form: a new percentage with an optional note, kept in the goal's history."""
    inv, meta = invocation(deps, body, client), payloads.metadata(view)
    typed = payloads.inputs(view, [ui.PERCENT_BLOCK, ui.NOTE_BLOCK])
    note = typed[ui.NOTE_BLOCK] or ""
    with session_scope(deps.engine) as session:
        pair = inv.pair(session, meta.get("p"))
        if isinstance(pair, Problem):
            ack(response_action="update", view=ui.problem_view(pair.message))
            return
        result = goals.record_progress(
            session=session,
            pair=pair,
            goal_id=meta.get("g"),
            progress=typed[ui.PERCENT_BLOCK],
            note=note,
            by=inv.user_id,
            now=deps.now(),
        )
        if isinstance(result, Invalid):
            ack(response_action="errors", errors=_field_errors(result, ui.PROGRESS_BLOCKS, view))
            return
        if isinstance(result, Problem):
            ack(response_action="update", view=ui.problem_view(result.message))
            return
    ack()
    notice = f":chart_with_upwards_trend: “{escape_mrkdwn(result.title)}” is at {result.progress}%."
    _finish(inv, view, pair, ui.progress_note(result, inv.user_id, note), notice)


def register(app: App, deps: Deps) -> None:
    app.action(ui.ADD_ACTION)(partial(add_goal, deps=deps))
    app.action(ui.EDIT_ACTION)(partial(edit_goal, deps=deps))
    app.action(ui.PROGRESS_ACTION)(partial(open_progress, deps=deps))
    app.action(ui.DETAIL_ACTION)(partial(show_detail, deps=deps))
    app.action(ui.DONE_ACTION)(partial(mark_done, deps=deps))
    app.action(ui.PAGE_ACTION)(partial(turn_page, deps=deps))
    app.view(ui.FORM_CALLBACK)(partial(save_goal, deps=deps))
    app.view(ui.PROGRESS_CALLBACK)(partial(save_progress, deps=deps))
