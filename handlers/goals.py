"""Goals at the Slack edge: ``/mentor goals`` (a list modal), the SMART form, progress, done and detail."""

from __future__ import annotations

import logging
from dataclasses import dataclass
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
from storage.db import session_scope
from storage.models import Goal, GoalStatus, Pair

logger = logging.getLogger(__name__)


def _page(value: object) -> int:
    try:
        return int(str(value or 0))
    except ValueError:
        return 0


def _list(session: Session, inv: Invocation, *, pair: Pair, page: int, notice: str | None = None) -> dict[str, Any]:
    """The list modal for the caller (overdue flags use their own date)."""
    today = goals.local_today(inv.deps.now(), inv.timezone(session))
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
            tz = inv.timezone(session)
            counts = goals.goal_counts(session, pair.id or 0, today=goals.local_today(deps.now(), tz))
        inv.reply(ui.counts_text(pair, counts))
        return
    with session_scope(deps.engine) as session:
        view = _list(session, inv, pair=pair, page=0)
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


@dataclass(frozen=True)
class _Click:
    """A button pressed in the list modal: who, in which view, on which page of which pair's list."""

    inv: Invocation
    view_id: str
    pair_id: object
    page: int
    value: str | None

    def show(self, view: dict[str, Any]) -> None:
        """Redraw the list modal in place."""
        _update_view(self.inv.client, self.view_id, view)

    def push(self, view: dict[str, Any]) -> None:
        """Push a form or detail view over the list."""
        self.inv.client.views_push(trigger_id=self.inv.trigger_id, view=view)

    def pair(self, session: Session) -> Pair | None:
        """The list's pair if the clicker is a member; else the list says why and this is None."""
        pair = self.inv.pair(session, self.pair_id)
        if isinstance(pair, Problem):
            self.show(ui.problem_view(pair.message))
            return None
        return pair

    def listing(self, session: Session, pair: Pair, *, page: int | None = None, notice: str | None = None) -> None:
        self.show(_list(session, self.inv, pair=pair, page=self.page if page is None else page, notice=notice))


def _click(ack: Ack, body: dict[str, Any], client: WebClient, deps: Deps) -> _Click:
    ack()
    view = payloads.view_of(body)
    meta = payloads.metadata(view)
    inv = invocation(deps, body, client)
    return _Click(inv, str(view.get("id", "")), meta.get("p"), _page(meta.get("pg")), payloads.action_value(body))


def _checked(session: Session, click: _Click, *, active_goal: bool) -> tuple[Pair, Goal] | None:
    """The pair and goal a click in the list names, if the clicker may act on them; else say why in the list."""
    pair = click.pair(session)
    if pair is None:
        return None
    goal = goals.goal_of_pair(session, pair=pair, goal_id=click.value)
    if isinstance(goal, Goal) and active_goal and goal.status != GoalStatus.ACTIVE:
        goal = goals.GOAL_DONE
    if isinstance(goal, Problem):
        click.listing(session, pair, notice=f":warning: {goal.message}")
        return None
    return pair, goal


def add_goal(ack: Ack, body: dict[str, Any], client: WebClient, *, deps: Deps) -> None:
    """*Add a goal*: push the empty SMART form over the list."""
    click = _click(ack, body, client, deps)
    with session_scope(deps.engine) as session:
        pair = click.pair(session)
        if pair is None:
            return
        wants = goals.mentee_wants(session, pair)
    click.push(ui.goal_form(pair=pair, root_view_id=click.view_id, page=click.page, wants=wants))


def edit_goal(ack: Ack, body: dict[str, Any], client: WebClient, *, deps: Deps) -> None:
    """*Edit*: push the SMART form filled with the goal."""
    click = _click(ack, body, client, deps)
    with session_scope(deps.engine) as session:
        found = _checked(session, click, active_goal=True)
        if found is None:
            return
        pair, goal = found
        wants = goals.mentee_wants(session, pair)
    click.push(ui.goal_form(pair=pair, root_view_id=click.view_id, page=click.page, goal=goal, wants=wants))


def open_progress(ack: Ack, body: dict[str, Any], client: WebClient, *, deps: Deps) -> None:
    """*Update progress*: push the progress form."""
    click = _click(ack, body, client, deps)
    with session_scope(deps.engine) as session:
        found = _checked(session, click, active_goal=True)
    if found is not None:
        pair, goal = found
        click.push(ui.progress_form(goal, pair=pair, root_view_id=click.view_id, page=click.page))


def show_detail(ack: Ack, body: dict[str, Any], client: WebClient, *, deps: Deps) -> None:
    """*Details*: the goal with its history of progress."""
    click = _click(ack, body, client, deps)
    with session_scope(deps.engine) as session:
        found = _checked(session, click, active_goal=False)
        if found is None:
            return
        goal = found[1]
        today = goals.local_today(deps.now(), click.inv.timezone(session))
        updates = goals.history(session, goal.id or 0, limit=goals.HISTORY_SHOWN)
        total = goals.count_history(session, goal.id or 0)
    click.push(ui.detail_view(goal, updates, total_updates=total, today=today))


def mark_done(ack: Ack, body: dict[str, Any], client: WebClient, *, deps: Deps) -> None:
    """*Done*: complete the goal, redraw the list, tell the pair DM."""
    click = _click(ack, body, client, deps)
    user = click.inv.user_id
    with session_scope(deps.engine) as session:
        pair = click.pair(session)
        if pair is None:
            return
        tz = click.inv.timezone(session)
        goal = goals.mark_done(session=session, pair=pair, goal_id=click.value, by=user, now=deps.now(), tz=tz)
        if isinstance(goal, Problem):
            click.listing(session, pair, notice=f":warning: {goal.message}")
            return
        click.listing(session, pair, notice=f":tada: Marked “{escape_mrkdwn(goal.title)}” done.")
    _post_note(client, pair, ui.done_note(goal, user))


def turn_page(ack: Ack, body: dict[str, Any], client: WebClient, *, deps: Deps) -> None:
    """*Next* / *Previous* in a long list."""
    click = _click(ack, body, client, deps)
    with session_scope(deps.engine) as session:
        pair = click.pair(session)
        if pair is not None:
            click.listing(session, pair, page=_page(click.value))


# ---- listeners: the pushed forms ---------------------------------------------------------------


def _finish(inv: Invocation, view: dict[str, Any], pair: Pair, note: str, notice: str) -> None:
    """After a pushed form saved: refresh the list underneath in place and tell the pair DM."""
    meta = payloads.metadata(view)
    root = str(view.get("root_view_id") or meta.get("root") or "")
    with session_scope(inv.deps.engine) as session:
        listing = _list(session, inv, pair=pair, page=_page(meta.get("pg")), notice=notice)
    if root:
        _update_view(inv.client, root, listing)
    _post_note(inv.client, pair, note)


def _refuse(ack: Ack, problem: Problem, view: dict[str, Any], blocks: dict[str, str]) -> None:
    """Answer a form that cannot be saved: errors on its fields, or a short view saying why."""
    if isinstance(problem, Invalid):
        ack(response_action="errors", errors=_field_errors(problem, blocks, view))
    else:
        ack(response_action="update", view=ui.problem_view(problem.message))


def save_goal(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, *, deps: Deps) -> None:
    """The SMART form: a new goal, or changes to one (errors shown on their fields)."""
    inv, meta = invocation(deps, body, client), payloads.metadata(view)
    answers = form_values(view)
    editing = meta.get("g") is not None
    with session_scope(deps.engine) as session:
        pair = inv.pair(session, meta.get("p"))
        if isinstance(pair, Problem):
            _refuse(ack, pair, view, ui.FIELD_BLOCKS)
            return
        tz, now = inv.timezone(session), deps.now()
        if editing:
            goal_in = GoalUpdateIn(**answers)
            result = goals.update_goal(
                session=session, pair=pair, goal_id=meta.get("g"), goal_in=goal_in, by=inv.user_id, now=now, tz=tz
            )
        else:
            result = goals.create_goal(
                session=session, pair=pair, goal_in=GoalCreate(**answers), by=inv.user_id, now=now, tz=tz
            )
        if isinstance(result, Problem):
            _refuse(ack, result, view, ui.FIELD_BLOCKS)
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
            _refuse(ack, pair, view, ui.PROGRESS_BLOCKS)
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
        if isinstance(result, Problem):
            _refuse(ack, result, view, ui.PROGRESS_BLOCKS)
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
