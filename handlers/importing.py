"""``/mentor import``: a modal of ``mentor, mentee`` lines; each new pair gets its group DM and welcome."""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from blocks.importing import IMPORT_BLOCK, IMPORT_CALLBACK, import_modal, import_started_view
from handlers import payloads
from handlers.context import Invocation
from handlers.pair import start_pair_dm
from mentoring import importing
from mentoring.deps import Deps
from mentoring.pairs import create_pair
from mentoring.problems import ADMINS_ONLY, Problem
from slackapi.conversations import direct_message
from storage.db import session_scope


def open_import(inv: Invocation) -> None:
    """``/mentor import`` (admins)."""
    if not inv.is_admin:
        inv.problem(ADMINS_ONLY)
        return
    inv.ack()
    inv.client.views_open(trigger_id=inv.trigger_id, view=import_modal())


def _lines(view: dict[str, Any]) -> str:
    return payloads.inputs(view, [IMPORT_BLOCK])[IMPORT_BLOCK] or ""


def import_lines(deps: Deps, client: WebClient, admin: str, team_id: str, text: str) -> importing.ImportReport:
    lines, problems = importing.parse_lines(text)
    report = importing.ImportReport(problems=list(problems))

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
                session, team_id=team_id, mentor_id=mentor, mentee_id=mentee, created_by=admin, now=deps.now()
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
    ack(response_action="update", view=import_started_view())


def run_import(body: dict[str, Any], view: dict[str, Any], client: WebClient, *, deps: Deps) -> None:
    """After the ack: create the pairs, then DM the admin the report line by line."""
    user = payloads.user_id(body)
    text = _lines(view)
    if not deps.settings.is_admin(user) or importing.check_text(text):
        return
    report = import_lines(deps, client, user, payloads.team_id(body), text)
    direct_message(client, user, report.text())


def register(app: App, deps: Deps) -> None:
    app.view(IMPORT_CALLBACK)(ack=partial(check_import, deps=deps), lazy=[partial(run_import, deps=deps)])
