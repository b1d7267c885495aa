"""Goals at the Slack edge: ``/mentor goals`` (a list modal), the SMART form, progress, done and detail."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlmodel import Session

from blocks import goals as ui
from blocks.format import escape_mrkdwn
from handlers.context import Invocation
from mentoring import goals
from mentoring.deps import Deps
from mentoring.goals import GoalCreate, GoalUpdateIn, Invalid
from mentoring.pairs import pair_for_member
from mentoring.problems import Problem
from slackapi.users import user_timezone
from storage.db import session_scope
from storage.models import Goal, GoalStatus, Pair

logger = logging.getLogger(__name__)


def _team_id(body: dict[str, Any]) -> str:
    return str((body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id") or "")


def _user_id(body: dict[str, Any]) -> str:
    return str((body.get("user") or {}).get("id", ""))


def _page(meta: dict[str, Any]) -> int:
    try:
        return int(meta.get("pg") or 0)
    except (TypeError, ValueError):
        return 0


def _action_value(body: dict[str, Any]) -> str | None:
    value = ((body.get("actions") or [{}])[0]).get("value")
    return str(value) if value is not None else None


def _tz(session: Session, deps: Deps, client: WebClient, *, team_id: str, user_id: str) -> str:
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


PAIR_COMMANDS = {"goals": open_goals}


# ---- reading forms -------------------------------------------------------------------------------


def _state_value(values: dict[str, Any], block_id: str) -> Any:
    state = (values.get(block_id) or {}).get(ui.INPUT_ACTION) or {}
    if state.get("type") == "datepicker":
        return state.get("selected_date")
    return state.get("value")


def _parse_date(raw: Any) -> date | None:
    try:
        return date.fromisoformat(str(raw)) if raw else None
    except ValueError:
        return None


def form_values(view: dict[str, Any]) -> dict[str, Any]:
    """The SMART form's answers by goal field (the blocks present in the submitted view)."""
    values = (view.get("state") or {}).get("values") or {}
    answers: dict[str, Any] = {}
    for name, block_id in ui.FIELD_BLOCKS.items():
        if block_id not in values:
            continue
        raw = _state_value(values, block_id)
        answers[name] = _parse_date(raw) if name == "due_on" else str(raw or "")
    return answers


def _field_errors(problem: Invalid, blocks: dict[str, str], view: dict[str, Any]) -> dict[str, str]:
    present = {b.get("block_id") for b in view.get("blocks", [])}
    errors = {blocks[name]: text for name, text in problem.fields.items() if blocks.get(name) in present}
    if not errors:  # every key must be an input of the view; fall back to the first one
        first = next(b["block_id"] for b in view.get("blocks", []) if b.get("type") == "input")
        errors = {first: problem.message}
    return errors


# ---- listeners ---------------------------------------------------------------------------------


def register(app: App, deps: Deps) -> None:
    def member_pair(session: Session, body: dict[str, Any], meta: dict[str, Any]) -> Pair | Problem:
        return pair_for_member(session, team_id=_team_id(body), pair_id=meta.get("p"), user_id=_user_id(body))

    def checked(
        session: Session, body: dict[str, Any], client: WebClient, *, active_goal: bool
    ) -> tuple[Pair, Goal] | None:
        """The pair and goal a click in the list names, if the clicker may act on them; else say why."""
        view = body.get("view") or {}
        meta = ui.read_metadata(view)
        pair = member_pair(session, body, meta)
        if isinstance(pair, Problem):
            _update_view(client, str(view.get("id", "")), ui.problem_view(pair.message))
            return None
        goal = goals.goal_of_pair(session, pair=pair, goal_id=_action_value(body))
        if isinstance(goal, Goal) and active_goal and goal.status != GoalStatus.ACTIVE:
            goal = goals.GOAL_DONE
        if isinstance(goal, Problem):
            notice = f":warning: {goal.message}"
            listing = _list(session, deps, client, pair=pair, user_id=_user_id(body), page=_page(meta), notice=notice)
            _update_view(client, str(view.get("id", "")), listing)
            return None
        return pair, goal

    def on_add(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        view = body.get("view") or {}
        meta = ui.read_metadata(view)
        with session_scope(deps.engine) as session:
            pair = member_pair(session, body, meta)
            if isinstance(pair, Problem):
                _update_view(client, str(view.get("id", "")), ui.problem_view(pair.message))
                return
            wants = goals.mentee_wants(session, pair)
        form = ui.goal_form(pair=pair, root_view_id=str(view.get("id", "")), page=_page(meta), wants=wants)
        client.views_push(trigger_id=body["trigger_id"], view=form)

    def on_edit(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        view = body.get("view") or {}
        with session_scope(deps.engine) as session:
            found = checked(session, body, client, active_goal=True)
            if found is None:
                return
            pair, goal = found
            wants = goals.mentee_wants(session, pair)
        root, page = str(view.get("id", "")), _page(ui.read_metadata(view))
        form = ui.goal_form(pair=pair, root_view_id=root, page=page, goal=goal, wants=wants)
        client.views_push(trigger_id=body["trigger_id"], view=form)

    def on_progress(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        view = body.get("view") or {}
        with session_scope(deps.engine) as session:
            found = checked(session, body, client, active_goal=True)
        if found is None:
            return
        pair, goal = found
        root, page = str(view.get("id", "")), _page(ui.read_metadata(view))
        client.views_push(
            trigger_id=body["trigger_id"], view=ui.progress_form(goal, pair=pair, root_view_id=root, page=page)
        )

    def on_detail(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        user = _user_id(body)
        with session_scope(deps.engine) as session:
            found = checked(session, body, client, active_goal=False)
            if found is None:
                return
            pair, goal = found
            today = goals.local_today(deps.now(), _tz(session, deps, client, team_id=pair.team_id, user_id=user))
            updates = goals.history(session, goal.id or 0, limit=goals.HISTORY_SHOWN)
            total = goals.count_history(session, goal.id or 0)
        client.views_push(
            trigger_id=body["trigger_id"], view=ui.detail_view(goal, updates, total_updates=total, today=today)
        )

    def on_done(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        view = body.get("view") or {}
        meta = ui.read_metadata(view)
        user = _user_id(body)
        with session_scope(deps.engine) as session:
            pair = member_pair(session, body, meta)
            if isinstance(pair, Problem):
                _update_view(client, str(view.get("id", "")), ui.problem_view(pair.message))
                return
            tz = _tz(session, deps, client, team_id=pair.team_id, user_id=user)
            goal = goals.mark_done(
                session=session, pair=pair, goal_id=_action_value(body), by=user, now=deps.now(), tz=tz
            )
            notice = (
                f":warning: {goal.message}"
                if isinstance(goal, Problem)
                else f":tada: Marked “{escape_mrkdwn(goal.title)}” done."
            )
            listing = _list(session, deps, client, pair=pair, user_id=user, page=_page(meta), notice=notice)
        _update_view(client, str(view.get("id", "")), listing)
        if isinstance(goal, Goal):
            _post_note(client, pair, ui.done_note(goal, user))

    def on_page(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        view = body.get("view") or {}
        meta = ui.read_metadata(view)
        page = _page({"pg": _action_value(body)})
        with session_scope(deps.engine) as session:
            pair = member_pair(session, body, meta)
            if isinstance(pair, Problem):
                listing = ui.problem_view(pair.message)
            else:
                listing = _list(session, deps, client, pair=pair, user_id=_user_id(body), page=page)
        _update_view(client, str(view.get("id", "")), listing)

    def finish(
        body: dict[str, Any], view: dict[str, Any], client: WebClient, pair: Pair, goal: Goal, note: str, notice: str
    ) -> None:
        """After a pushed form saved: refresh the list underneath in place and tell the pair DM."""
        meta = ui.read_metadata(view)
        root = str(view.get("root_view_id") or meta.get("root") or "")
        with session_scope(deps.engine) as session:
            listing = _list(session, deps, client, pair=pair, user_id=_user_id(body), page=_page(meta), notice=notice)
        if root:
            _update_view(client, root, listing)
        _post_note(client, pair, note)

    def on_form(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        meta = ui.read_metadata(view)
        user = _user_id(body)
        answers = form_values(view)
        with session_scope(deps.engine) as session:
            pair = member_pair(session, body, meta)
            if isinstance(pair, Problem):
                ack(response_action="update", view=ui.problem_view(pair.message))
                return
            tz = _tz(session, deps, client, team_id=pair.team_id, user_id=user)
            editing = meta.get("g") is not None
            if editing:
                result = goals.update_goal(
                    session=session,
                    pair=pair,
                    goal_id=meta.get("g"),
                    goal_in=GoalUpdateIn(**answers),
                    by=user,
                    now=deps.now(),
                    tz=tz,
                )
            else:
                result = goals.create_goal(
                    session=session, pair=pair, goal_in=GoalCreate(**answers), by=user, now=deps.now(), tz=tz
                )
            if isinstance(result, Invalid):
                ack(response_action="errors", errors=_field_errors(result, ui.FIELD_BLOCKS, view))
                return
            if isinstance(result, Problem):
                ack(response_action="update", view=ui.problem_view(result.message))
                return
        ack()
        if editing:
            note, notice = ui.edited_note(result, user), f":pencil2: Saved “{escape_mrkdwn(result.title)}”."
        else:
            note, notice = ui.added_note(result, user), f":dart: Added “{escape_mrkdwn(result.title)}”."
        finish(body, view, client, pair, result, note, notice)

    def on_progress_form(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        meta = ui.read_metadata(view)
        user = _user_id(body)
        values = (view.get("state") or {}).get("values") or {}
        note = str(_state_value(values, ui.NOTE_BLOCK) or "")
        with session_scope(deps.engine) as session:
            pair = member_pair(session, body, meta)
            if isinstance(pair, Problem):
                ack(response_action="update", view=ui.problem_view(pair.message))
                return
            result = goals.record_progress(
                session=session,
                pair=pair,
                goal_id=meta.get("g"),
                progress=_state_value(values, ui.PERCENT_BLOCK),
                note=note,
                by=user,
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
        finish(body, view, client, pair, result, ui.progress_note(result, user, note), notice)

    app.action(ui.ADD_ACTION)(on_add)
    app.action(ui.EDIT_ACTION)(on_edit)
    app.action(ui.PROGRESS_ACTION)(on_progress)
    app.action(ui.DETAIL_ACTION)(on_detail)
    app.action(ui.DONE_ACTION)(on_done)
    app.action(ui.PAGE_ACTION)(on_page)
    app.view(ui.FORM_CALLBACK)(on_form)
    app.view(ui.PROGRESS_CALLBACK)(on_progress_form)
