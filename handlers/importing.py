"""``/mentor import``: a modal of ``mentor, mentee`` lines; each new pair gets its group DM and welcome."""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from blocks.importing import IMPORT_BLOCK, IMPORT_CALLBACK, PROGRAM_BLOCK, import_modal, import_started_view
from handlers import payloads
from handlers.context import Invocation
from handlers.pair import start_pair_dm
from mentoring import importing
from mentoring.deps import Deps
from mentoring.pairs import create_pair
from mentoring.problems import ADMINS_ONLY, Problem
from mentoring.programs import current_program, open_programs, today_in
from slackapi.conversations import direct_message
from storage.db import session_scope
from storage.models import Program


def open_import(inv: Invocation) -> None:
    """``/mentor import`` (admins)."""
    if not inv.is_admin:
        inv.problem(ADMINS_ONLY)
        return
    today = today_in(inv.deps.now(), inv.deps.settings.default_tz)
    with session_scope(inv.deps.engine) as session:
        choices = open_programs(session, inv.team_id, today)
        current = current_program(session, inv.team_id, today)
    inv.ack()
    inv.client.views_open(trigger_id=inv.trigger_id, view=import_modal(choices, current))


def _lines(view: dict[str, Any]) -> str:
    return payloads.inputs(view, [IMPORT_BLOCK])[IMPORT_BLOCK] or ""


def _program_choice(view: dict[str, Any]) -> str | None:
    """The program picked in the form (None when the form had no choice of program)."""
    if PROGRAM_BLOCK not in payloads.submitted_blocks(view):
        return None
    return payloads.inputs(view, [PROGRAM_BLOCK])[PROGRAM_BLOCK] or importing.NO_PROGRAM


def _chosen_program(deps: Deps, team_id: str, view: dict[str, Any]) -> Program | Problem | None:
    today = today_in(deps.now(), deps.settings.default_tz)
    with session_scope(deps.engine) as session:
        return importing.chosen_program(session, team_id=team_id, value=_program_choice(view), today=today)


def import_lines(
    deps: Deps, client: WebClient, admin: str, team_id: str, text: str, program: Program | None = None
) -> importing.ImportReport:
    lines, problems = importing.parse_lines(text)
    report = importing.ImportReport(problems=list(problems), program=program.name if program else None)

    def lookup_email(email: str) -> str | None:
        try:
            return str(client.users_lookupByEmail(email=email)["user"]["id"])
        except SlackApiError:
            return None

    for line in lines:
        mentor = importing.resolve_person(line.mentor, lookup_email)
        mentee = importing.resolve_person(line.mentee, lookup_email)
        if isinstance(mentor, Problem):
            report.problems.append((line.number, mentor.message))
            continue
        if isinstance(mentee, Problem):
            report.problems.append((line.number, mentee.message))
            continue
        with session_scope(deps.engine) as session:
            pair = create_pair(
                session,
                team_id=team_id,
                mentor_id=mentor,
                mentee_id=mentee,
                created_by=admin,
                now=deps.now(),
                program_id=program.id if program else None,
            )
        if isinstance(pair, Problem):
            report.problems.append((line.number, pair.message))
            continue
        failed = start_pair_dm(deps, client, pair)
        if failed:
            report.problems.append((line.number, failed.message))
        else:
            report.created.append((line.number, mentor, mentee))
    return report


def check_import(ack: Ack, body: dict[str, Any], view: dict[str, Any], *, deps: Deps) -> None:
    """Within 3 seconds: refuse non-admins and unreadable text in the modal, else show "importing…"."""
    if not deps.settings.is_admin(payloads.user_id(body)):
        ack(response_action="errors", errors={IMPORT_BLOCK: ADMINS_ONLY.message})
        return
    problem = importing.check_text(_lines(view))
    if problem:
        ack(response_action="errors", errors={IMPORT_BLOCK: problem.message})
        return
    program = _chosen_program(deps, payloads.team_id(body), view)
    if isinstance(program, Problem):
        ack(response_action="errors", errors={PROGRAM_BLOCK: program.message})
        return
    ack(response_action="update", view=import_started_view())


def run_import(body: dict[str, Any], view: dict[str, Any], client: WebClient, *, deps: Deps) -> None:
    """After the ack: create the pairs, then DM the admin the report line by line."""
    user = payloads.user_id(body)
    text = _lines(view)
    if not deps.settings.is_admin(user) or importing.check_text(text):
        return
    program = _chosen_program(deps, payloads.team_id(body), view)
    if isinstance(program, Problem):
        return
    report = import_lines(deps, client, user, payloads.team_id(body), text, program)
    direct_message(client, user, report.text())


def register(app: App, deps: Deps) -> None:
    app.view(IMPORT_CALLBACK)(ack=partial(check_import, deps=deps), lazy=[partial(run_import, deps=deps)])
