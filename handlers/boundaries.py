"""Boundaries at the Slack edge: ``/mentor boundaries``, proposals with Agree / Propose changes, the .ics."""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from blocks.boundaries import (
    AGREE_ACTION,
    BOUNDARIES_CALLBACK,
    CHANGE_ACTION,
    ICS_FILENAME,
    OPEN_ACTION,
    agreed_blocks,
    agreed_status,
    agreed_text,
    boundaries_modal,
    modal_intro,
    proposal_blocks,
    proposal_closed_blocks,
    proposal_text,
    replaced_status,
)
from handlers import payloads
from handlers.context import (
    Invocation,
    Submission,
    invocation,
    open_for_member,
    open_member_modal,
    register_member_form,
)
from mentoring import boundaries as rules
from mentoring.deps import Deps
from mentoring.ics import MeetingSeries, series_calendar
from mentoring.problems import Problem
from slackapi.users import get_user, user_timezone
from storage.db import session_scope
from storage.models import Boundaries, BoundariesStatus, Pair

logger = logging.getLogger(__name__)

MEMBERS_ONLY = Problem("Boundaries are agreed by the two members of the pair themselves.")
UNKNOWN_VERSION = Problem("I couldn't find those boundaries. Run `/mentor boundaries` to see the current ones.")
NEXT_MEETINGS_SHOWN = 3


def open_boundaries(
    deps: Deps, client: WebClient, *, trigger_id: str, pair: Pair, user_id: str, source: Boundaries | None = None
) -> None:
    """Open the form pre-filled from ``source`` (a version to change), the standing version, or defaults."""
    now = deps.now()
    default = deps.settings.default_tz
    with session_scope(deps.engine) as session:
        current = rules.current_boundaries(session, pair.id or 0)
        agreed = rules.agreed_boundaries(session, pair.id or 0)

    def zone(member: str) -> str:  # one short transaction per users.info look-up
        with session_scope(deps.engine) as session:
            return user_timezone(session, client, team_id=pair.team_id, user_id=member, now=now, default=default)

    own_zone = zone(user_id)
    start_from = source or current
    if start_from is not None:
        values = rules.as_values(start_from)
    else:
        values = rules.default_values(timezone=own_zone, mentor_tz=zone(pair.mentor_id), mentee_tz=zone(pair.mentee_id))
    # The zone list always offers the member's own Slack zone and the zones agreed now.
    agreed_zones = [agreed.timezone, agreed.mentor_tz, agreed.mentee_tz] if agreed is not None else []
    view = boundaries_modal(
        pair,
        user_id,
        values,
        intro=modal_intro(pair, user_id, current, source),
        based_on=source.id if source is not None else None,
        extra_zones=[own_zone, *agreed_zones],
    )
    client.views_open(trigger_id=trigger_id, view=view)


def cmd_boundaries(inv: Invocation, pair: Pair) -> None:
    """``/mentor boundaries``: the form, for a member of the pair."""
    open_member_modal(inv, pair, MEMBERS_ONLY, open_boundaries)


def _close_message(client: WebClient, pair: Pair, row: Boundaries, status: str) -> None:
    """Show in the old proposal message what became of it (best effort: the message may be gone)."""
    if not (pair.channel_id and row.proposal_ts):
        return
    try:
        client.chat_update(
            channel=pair.channel_id,
            ts=row.proposal_ts,
            text=proposal_text(row),
            blocks=proposal_closed_blocks(pair, row, status),
        )
    except SlackApiError as error:
        logger.info("could not update proposal %s: %s", row.id, error.response.get("error"))


def post_proposal(deps: Deps, client: WebClient, submission: Submission[rules.BoundariesIn]) -> None:
    pair = submission.pair
    with session_scope(deps.engine) as session:
        outcome = rules.propose(session, pair=pair, user_id=submission.user_id, data=submission.data, now=deps.now())
    if isinstance(outcome, Problem):
        if pair.channel_id:
            client.chat_postEphemeral(channel=pair.channel_id, user=submission.user_id, text=outcome.message)
        return
    if not pair.channel_id:
        return
    proposal = outcome.proposal
    ts = client.chat_postMessage(
        channel=pair.channel_id, text=proposal_text(proposal), blocks=proposal_blocks(pair, proposal)
    )["ts"]
    with session_scope(deps.engine) as session:
        rules.record_proposal_message(session, boundaries_id=proposal.id or 0, ts=str(ts))
    for old in outcome.superseded:
        _close_message(client, pair, old, replaced_status(proposal))


def calendar_file(deps: Deps, client: WebClient, pair: Pair, b: Boundaries) -> str:
    """The .ics of the agreed series."""
    names = []
    for member in pair.members():
        with session_scope(deps.engine) as session:
            user = get_user(session, client, team_id=pair.team_id, user_id=member, now=deps.now())
            names.append((user.real_name or user.display_name) if user else "")
    summary = "Mentoring: " + " & ".join(names) if all(names) else "Mentoring meeting"
    description = f"Agreed mentoring boundaries (version {b.version}).\nContact: {b.contact_method}"
    series = MeetingSeries(
        uid=f"mentor-bot-{pair.team_id}-pair-{pair.id}@mentor-bot",
        sequence=b.version,
        frequency=b.frequency,
        first=b.first_meeting_on or deps.now().date(),
        start_time=b.start_time,
        duration_minutes=b.duration_minutes,
        timezone=b.timezone,
        summary=summary,
        location=b.location,
        description=description,
    )
    return series_calendar(series, stamp=b.agreed_at or deps.now())


def announce_agreement(deps: Deps, client: WebClient, pair: Pair, b: Boundaries) -> None:
    """Close the proposal, post the agreed boundaries with the next dates, and attach the calendar file."""
    if not pair.channel_id:
        return
    _close_message(client, pair, b, agreed_status(b))
    starts = rules.next_meetings(b, after=deps.now(), count=NEXT_MEETINGS_SHOWN)
    client.chat_postMessage(channel=pair.channel_id, text=agreed_text(b), blocks=agreed_blocks(pair, b, starts))
    client.files_upload_v2(
        channel=pair.channel_id,
        content=calendar_file(deps, client, pair, b),
        filename=ICS_FILENAME,
        title="Mentoring meetings",
    )


def _version_clicked(
    ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, deps: Deps
) -> tuple[Invocation, Pair, Boundaries] | None:
    """A button naming a boundaries version: the version and its pair, only for a member of that pair."""
    ack()
    inv = invocation(deps, body, client, respond=respond)
    boundaries_id = payloads.action_value(body)
    found: tuple[Pair, Boundaries] | Problem = UNKNOWN_VERSION
    with session_scope(deps.engine) as session:
        pair_id = rules.pair_id_of(session, boundaries_id)
        pair = inv.pair(session, pair_id) if pair_id is not None else UNKNOWN_VERSION
        if isinstance(pair, Problem):
            found = pair
        else:
            row = rules.boundaries_in_pair(session, boundaries_id=str(boundaries_id), pair=pair)
            found = row if isinstance(row, Problem) else (pair, row)
    if isinstance(found, Problem):
        inv.problem(found)
        return None
    return inv, found[0], found[1]


def propose_changes(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, *, deps: Deps) -> None:
    """*Propose changes* under a proposal: the form, filled with that version."""
    clicked = _version_clicked(ack, body, respond, client, deps)
    if clicked is None:
        return
    inv, pair, row = clicked
    if row.status == BoundariesStatus.SUPERSEDED:
        inv.reply(
            f"Version {row.version} was replaced by a newer one. Start from the newest proposal in your pair DM, "
            "or run `/mentor boundaries`."
        )
        return
    open_boundaries(deps, client, trigger_id=inv.trigger_id, pair=pair, user_id=inv.user_id, source=row)


def agree(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, *, deps: Deps) -> None:
    """*Agree*: once both members agreed, the version is in force."""
    clicked = _version_clicked(ack, body, respond, client, deps)
    if clicked is None:
        return
    inv, pair, row = clicked
    with session_scope(deps.engine) as session:
        outcome = rules.agree(session, pair=pair, boundaries_id=row.id, user_id=inv.user_id, now=deps.now())
    if isinstance(outcome, Problem):
        inv.problem(outcome)
        return
    announce_agreement(deps, client, pair, outcome.agreed)


def register(app: App, deps: Deps) -> None:
    app.action(OPEN_ACTION)(partial(open_for_member, deps=deps, open_modal=open_boundaries))
    app.action(CHANGE_ACTION)(partial(propose_changes, deps=deps))
    app.action(AGREE_ACTION)(partial(agree, deps=deps))
    register_member_form(
        app, deps, BOUNDARIES_CALLBACK, fields=rules.FIELDS, validate=rules.validate_boundaries, then=post_proposal
    )
