"""Pairing at the Slack edge: ``/mentor pair``, ``/mentor import``, opt-in buttons and ``/mentor end``."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from blocks.importing import IMPORT_ACTION, IMPORT_BLOCK, IMPORT_CALLBACK, import_modal, import_started_view
from blocks.pairing import end_confirm_blocks, started_blocks, welcome_blocks, welcome_text
from handlers.context import Invocation, invocation_from_action, run_for_pair
from handlers.parsing import parse_mentions
from mentoring import importing
from mentoring.deps import Deps
from mentoring.pairs import answer_invite, create_pair, end_pair, live_pair_between, pair_for_member
from mentoring.problems import ADMINS_ONLY, Problem
from slackapi.conversations import direct_message, open_group_dm
from storage.db import session_scope
from storage.models import Pair

logger = logging.getLogger(__name__)

PAIR_USAGE = "Usage: `/mentor pair @mentor @mentee` — mention the mentor first, then the mentee."


def start_pair_dm(deps: Deps, client: WebClient, pair: Pair) -> Problem | None:
    """Open the pair's group DM and post the welcome; on failure the pair is removed again."""
    try:
        channel = open_group_dm(client, pair.members())
    except SlackApiError as error:
        code = error.response.get("error", "error") if error.response is not None else "error"
        with session_scope(deps.engine) as session:
            stale = session.get(Pair, pair.id)
            if stale is not None:
                session.delete(stale)
        return Problem(
            f"I couldn't open a DM with <@{pair.mentor_id}> and <@{pair.mentee_id}> (`{code}`); nothing was created."
        )
    pair.channel_id = channel
    with session_scope(deps.engine) as session:
        session.add(pair)
    ts = client.chat_postMessage(channel=channel, text=welcome_text(pair), blocks=welcome_blocks(pair))["ts"]
    with session_scope(deps.engine) as session:
        pair.welcome_ts = str(ts)
        session.add(pair)
    return None


def cmd_pair(inv: Invocation) -> None:
    if not inv.is_admin:
        inv.problem(ADMINS_ONLY)
        return
    ids = parse_mentions(inv.args)
    if len(ids) != 2:
        inv.reply(PAIR_USAGE)
        return
    mentor_id, mentee_id = ids
    with session_scope(inv.deps.engine) as session:
        pair = create_pair(
            session,
            team_id=inv.team_id,
            mentor_id=mentor_id,
            mentee_id=mentee_id,
            created_by=inv.user_id,
            now=inv.deps.now(),
        )
    if isinstance(pair, Problem):
        inv.problem(pair)
        return
    inv.reply(
        f":handshake: Pairing <@{mentor_id}> (mentor) with <@{mentee_id}> (mentee). I'm opening their group DM "
        "and asking both to accept."
    )
    problem = start_pair_dm(inv.deps, inv.client, pair)
    if problem:
        inv.problem(problem)


def cmd_import(inv: Invocation) -> None:
    if not inv.is_admin:
        inv.problem(ADMINS_ONLY)
        return
    inv.ack()
    inv.client.views_open(trigger_id=inv.trigger_id, view=import_modal())


def end_for_pair(inv: Invocation, pair: Pair) -> None:
    inv.reply("Please confirm.", end_confirm_blocks(pair))


def cmd_end(inv: Invocation) -> None:
    """Members end their pair; admins may name both people (``/mentor end @mentor @mentee``)."""
    ids = parse_mentions(inv.args)
    if len(ids) == 2 and inv.is_admin:
        with session_scope(inv.deps.engine) as session:
            pair = live_pair_between(session, team_id=inv.team_id, mentor_id=ids[0], mentee_id=ids[1])
            pair = pair or live_pair_between(session, team_id=inv.team_id, mentor_id=ids[1], mentee_id=ids[0])
        if pair is None:
            inv.reply(f"<@{ids[0]}> and <@{ids[1]}> are not paired right now.")
        else:
            inv.reply("Please confirm.", end_confirm_blocks(pair))
        return
    run_for_pair(inv, "end", end_for_pair)


COMMANDS = {"pair": cmd_pair, "import": cmd_import, "end": cmd_end}
PAIR_COMMANDS = {"end": end_for_pair}


def _import_lines(deps: Deps, client: WebClient, admin: str, team_id: str, text: str) -> importing.ImportReport:
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
        problem = mentor if isinstance(mentor, Problem) else mentee if isinstance(mentee, Problem) else None
        if problem is not None:
            report.problems.append((line.number, problem.message))
            continue
        assert isinstance(mentor, str) and isinstance(mentee, str)
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


def register(app: App, deps: Deps) -> None:
    def ack_import(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        user = str(body["user"]["id"])
        if not deps.settings.is_admin(user):
            ack(response_action="errors", errors={IMPORT_BLOCK: ADMINS_ONLY.message})
            return
        text = str(view["state"]["values"].get(IMPORT_BLOCK, {}).get(IMPORT_ACTION, {}).get("value") or "")
        problem = importing.check_text(text)
        if problem:
            ack(response_action="errors", errors={IMPORT_BLOCK: problem.message})
            return
        ack(response_action="update", view=import_started_view())

    def run_import(body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        user = str(body["user"]["id"])
        if not deps.settings.is_admin(user):
            return
        text = str(view["state"]["values"].get(IMPORT_BLOCK, {}).get(IMPORT_ACTION, {}).get("value") or "")
        if importing.check_text(text):
            return
        team_id = str((body.get("team") or {}).get("id") or body["user"].get("team_id", ""))
        report = _import_lines(deps, client, user, team_id, text)
        direct_message(client, user, report.text())

    def on_invite(accept: bool):  # type: ignore[no-untyped-def]
        def handle(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient) -> None:
            ack()
            inv = invocation_from_action(deps, body, respond, client)
            with session_scope(deps.engine) as session:
                pair = pair_for_member(
                    session,
                    team_id=inv.team_id,
                    pair_id=action.get("value"),
                    user_id=inv.user_id,
                    require_active=False,
                )
                if isinstance(pair, Problem):
                    inv.problem(pair)
                    return
                outcome = answer_invite(session, pair=pair, user_id=inv.user_id, accept=accept, now=deps.now())
            if isinstance(outcome, Problem):
                inv.problem(outcome)
                return
            if not outcome.changed:
                inv.reply("You've already accepted; waiting for the other person.")
                return
            pair = outcome.pair
            if pair.channel_id and pair.welcome_ts:
                with session_scope(deps.engine) as session:  # the other member may have answered meanwhile
                    pair = session.get(Pair, pair.id) or pair
                client.chat_update(
                    channel=pair.channel_id, ts=pair.welcome_ts, text=welcome_text(pair), blocks=welcome_blocks(pair)
                )
            if outcome.now_active and pair.channel_id:
                client.chat_postMessage(
                    channel=pair.channel_id,
                    text="You're both in! Start with pre-work and boundaries.",
                    blocks=started_blocks(pair),
                )
            if outcome.declined:
                direct_message(
                    client,
                    pair.created_by,
                    f"<@{inv.user_id}> declined the mentoring pairing of <@{pair.mentor_id}> (mentor) and "
                    f"<@{pair.mentee_id}> (mentee). The pairing is closed; you can pair them differently.",
                )

        return handle

    def confirm_end(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient
    ) -> None:
        ack()
        inv = invocation_from_action(deps, body, respond, client)
        with session_scope(deps.engine) as session:
            pair = pair_for_member(
                session,
                team_id=inv.team_id,
                pair_id=action.get("value"),
                user_id=inv.user_id,
                is_admin=inv.is_admin,
                require_active=False,
            )
            result = pair if isinstance(pair, Problem) else end_pair(session, pair=pair, by=inv.user_id, now=deps.now())
        if isinstance(result, Problem):
            inv.problem(result)
            return
        inv.reply(f"The pairing of <@{result.mentor_id}> and <@{result.mentee_id}> has ended.", replace=True)
        if result.channel_id:
            client.chat_postMessage(
                channel=result.channel_id,
                text=(
                    f"<@{inv.user_id}> ended this mentoring pairing. Thank you both for the time you put in! "
                    "I won't post here any more; `/mentor export` still gives you your data."
                ),
            )

    def cancel_end(ack: Ack, respond: Respond) -> None:
        ack()
        respond(text="OK, the pairing continues.", response_type="ephemeral", replace_original=True)

    app.view(IMPORT_CALLBACK)(ack=ack_import, lazy=[run_import])
    app.action("pair_accept")(on_invite(True))
    app.action("pair_decline")(on_invite(False))
    app.action("pair_end_confirm")(confirm_end)
    app.action("pair_end_cancel")(cancel_end)
