"""``/mentor program`` (admins): create or change a program; and the members' end-of-program survey."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from blocks.programs import (
    NEW_PROGRAM,
    PICK_ACTION,
    PROGRAM_CALLBACK,
    SURVEY_ACTION,
    SURVEY_CALLBACK,
    answered_message,
    program_modal,
    program_saved_view,
    shared_comment_text,
    survey_modal,
)
from handlers import payloads
from handlers.context import Invocation, Submission, invocation, member_pair, member_submission
from mentoring import programs, surveys
from mentoring.deps import Deps
from mentoring.problems import ADMINS_ONLY, Problem
from storage.db import session_scope
from storage.models import Pair, Program


def _today(deps: Deps) -> date:
    return programs.today_in(deps.now(), deps.settings.default_tz)


def program(inv: Invocation) -> None:
    """``/mentor program [name]`` (admins): the form, with the existing programs to pick one to change
    (the one named, if any, is shown to change)."""
    if not inv.is_admin:
        inv.problem(ADMINS_ONLY)
        return
    with session_scope(inv.deps.engine) as session:
        known = programs.programs_of(session, inv.team_id)
        named = programs.program_named(session, inv.team_id, inv.args) if inv.args.strip() else None
    inv.ack()
    inv.client.views_open(trigger_id=inv.trigger_id, view=program_modal(known, named, _today(inv.deps)))


def pick_program(ack: Ack, body: dict[str, Any], client: WebClient, *, deps: Deps) -> None:
    """A program picked in the form's list: the form shows it to change (or empty for a new one)."""
    ack()
    if not deps.settings.is_admin(payloads.user_id(body)):
        return
    view = payloads.view_of(body)
    with session_scope(deps.engine) as session:
        team = payloads.team_id(body)
        known = programs.programs_of(session, team)
        value = payloads.action_value(body)
        chosen = None if value == NEW_PROGRAM else programs.program_in_team(session, team, value)
    client.views_update(
        view_id=str(view.get("id") or ""), hash=view.get("hash"), view=program_modal(known, chosen, _today(deps))
    )


def save_program(ack: Ack, body: dict[str, Any], view: dict[str, Any], *, deps: Deps) -> None:
    """Within 3 seconds: refuse non-admins, show the form's errors, or save and confirm in the modal."""
    if not deps.settings.is_admin(payloads.user_id(body)):
        ack(response_action="errors", errors={programs.NAME: ADMINS_ONLY.message})
        return
    data = programs.validate_program(payloads.inputs(view, programs.FIELDS))
    if isinstance(data, dict):
        ack(response_action="errors", errors=data)
        return
    program_id = payloads.metadata(view).get("program_id")
    today = _today(deps)
    with session_scope(deps.engine) as session:
        saved = programs.save_program(
            session,
            team_id=payloads.team_id(body),
            program_id=program_id if isinstance(program_id, int) else None,
            data=data,
            by=payloads.user_id(body),
            now=deps.now(),
        )
        if not isinstance(saved, dict):
            current = programs.current_program(session, saved.team_id, today)
            confirmation = program_saved_view(
                saved, created=program_id is None, current=current is not None and current.id == saved.id, today=today
            )
    if isinstance(saved, dict):
        ack(response_action="errors", errors=saved)
    else:  # only once the change is committed
        ack(response_action="update", view=confirmation)


def open_survey(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, *, deps: Deps) -> None:
    """*Answer the survey* in the closing message: the survey modal, for a member of the pair."""
    ack()
    inv = invocation(deps, body, client, respond=respond)
    pair = member_pair(inv, payloads.action_value(body))
    if pair is None:
        return
    with session_scope(deps.engine) as session:
        state = surveys.survey_open(session, pair, deps.now())
        answered = surveys.response_of(session, pair.id or 0, inv.user_id)
    if isinstance(state, Problem):
        inv.problem(state)
        return
    client.views_open(trigger_id=inv.trigger_id, view=survey_modal(pair, state, answered))


def _checked_survey(
    deps: Deps, body: dict[str, Any], view: dict[str, Any]
) -> tuple[Submission[surveys.SurveyIn], Program] | dict[str, str]:
    share = "share" in payloads.selected(view, surveys.SHARE)
    checked = member_submission(deps, body, view, surveys.FIELDS, lambda raw: surveys.validate_survey(raw, share=share))
    if isinstance(checked, dict):
        return checked
    with session_scope(deps.engine) as session:
        state = surveys.survey_open(session, checked.pair, deps.now())
    if isinstance(state, Problem):
        return {surveys.USEFUL: state.message}
    return checked, state


def ack_survey(ack: Ack, body: dict[str, Any], view: dict[str, Any], *, deps: Deps) -> None:
    checked = _checked_survey(deps, body, view)
    if isinstance(checked, dict):
        ack(response_action="errors", errors=checked)
    else:
        ack()


def save_survey(body: dict[str, Any], view: dict[str, Any], client: WebClient, *, deps: Deps) -> None:
    """After the ack: keep the answers and tell the pair (the comment stays within the pair)."""
    checked = _checked_survey(deps, body, view)
    if isinstance(checked, dict):
        return
    submission, program = checked
    with session_scope(deps.engine) as session:
        pair = session.get(Pair, submission.pair.id) or submission.pair
        response = surveys.save_response(
            session, pair=pair, user_id=submission.user_id, data=submission.data, now=deps.now()
        )
        assert pair.id is not None
        others = [r for r in surveys.responses(session, pair.id) if r.user_id != submission.user_id]
        closes = surveys.survey_closes_at(session, pair)
        text = answered_message(
            pair,
            response,
            other_answered=bool(others),
            both_continue=surveys.both_continue(session, pair),
            closes_on=programs.today_in(closes, deps.settings.default_tz) if closes else None,
        )
        surveys.share_with_lead(
            session,
            response=response,
            program=program,
            text=shared_comment_text(program, response),
            now=deps.now(),
            default_tz=deps.settings.default_tz,
        )
    if pair.channel_id:
        client.chat_postMessage(channel=pair.channel_id, text=text)


def register(app: App, deps: Deps) -> None:
    app.action(PICK_ACTION)(partial(pick_program, deps=deps))
    app.view(PROGRAM_CALLBACK)(partial(save_program, deps=deps))
    app.action(SURVEY_ACTION)(partial(open_survey, deps=deps))
    app.view(SURVEY_CALLBACK)(ack=partial(ack_survey, deps=deps), lazy=[partial(save_survey, deps=deps)])
