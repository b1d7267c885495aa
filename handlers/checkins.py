"""Check-ins at the Slack edge: ``/mentor wrapup``, the *Answer* button and modal, the summary in the thread."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlmodel import Session

from blocks.checkins import (
    ANSWER_CALLBACK,
    answer_modal,
    checkin_brief_message,
    checkin_message,
    parse_answer_inputs,
    parse_answer_metadata,
    summary_message,
)
from handlers.context import Invocation, invocation_from_action
from mentoring.boundaries import agreed_boundaries
from mentoring.checkins import (
    ANSWER_MAX,
    AnswerOutcome,
    answers_of,
    checkin_brief,
    checkin_in_team,
    checkin_message_ts,
    checkin_post,
    get_or_create_checkin,
    meeting_checkin_key,
    outbox_row,
    recent_wrapup_key,
    save_answers,
    wrapup_key,
)
from mentoring.deps import Deps
from mentoring.followthrough import open_items
from mentoring.meetings import next_meeting, sync_meetings, wrapup_meeting
from mentoring.outbox import PlannedPost, enqueue
from mentoring.pairs import pair_for_member
from mentoring.problems import NOT_IN_PAIR, Problem
from slackapi.delivery import deliver_due
from storage.db import session_scope
from storage.models import CheckIn, Meeting, Pair

logger = logging.getLogger(__name__)


def cmd_wrapup(inv: Invocation, pair: Pair) -> None:
    """Post the end-of-session questions into the pair DM now (once per meeting, or per hour off-schedule)."""
    if not pair.has_member(inv.user_id):  # an admin in the pair DM is not a member
        inv.problem(NOT_IN_PAIR)
        return
    if not pair.channel_id:
        inv.reply("Your pair has no group DM yet, so there's nowhere to post the questions.")
        return
    now = inv.deps.now()
    with session_scope(inv.deps.engine) as session:
        boundaries = agreed_boundaries(session, pair.id)  # type: ignore[arg-type]
        slot = None
        if boundaries is not None and boundaries.first_meeting_on is not None:
            slot = wrapup_meeting(sync_meetings(session, pair, boundaries, now), now)
        if slot is not None and slot.meeting_id is not None:
            key = meeting_checkin_key(pair.id, slot.meeting_id)  # type: ignore[arg-type]
        else:
            key = recent_wrapup_key(session, pair.id, now) or wrapup_key(pair.id, now)  # type: ignore[arg-type]
        already = outbox_row(session, key) is not None
        if not already:
            checkin = get_or_create_checkin(
                session,
                pair=pair,
                key=key,
                meeting_id=slot.meeting_id if slot else None,
                with_relationship_questions=bool(slot and slot.with_relationship_questions),
                now=now,
            )
            brief = checkin_brief(session, checkin=checkin, pair=pair)
            text, blocks = checkin_brief_message(pair=pair, brief=brief, now=now)
            post = checkin_post(pair=pair, checkin=checkin, text=text, blocks=blocks, not_before=now)
            enqueue(session, [post], now=now)
    if already:
        inv.reply(
            "The closing questions for this meeting are already in your pair DM: press *Answer* there, "
            "or reply in their thread."
        )
        return
    inv.reply(f"Posted the closing questions in <#{pair.channel_id}>. Press *Answer* there.")
    deliver_due(inv.deps.engine, inv.deps.client_for_team, now, pair_id=pair.id)


PAIR_COMMANDS = {"wrapup": cmd_wrapup}


def answer_posts(
    session: Session, *, pair: Pair, checkin: CheckIn, outcome: AnswerOutcome, now: datetime
) -> list[PlannedPost]:
    """The summary in the check-in's thread, when this answer completed the pair's answers."""
    if not outcome.summary_due:
        return []
    following = next_meeting(session, pair.id, now)  # type: ignore[arg-type]
    items = [i for i in open_items(session, pair.id) if i.checkin_id == checkin.id]  # type: ignore[arg-type]
    text, blocks = summary_message(
        pair=pair,
        answers=answers_of(session, checkin.id),  # type: ignore[arg-type]
        relationship=checkin.with_relationship_questions,
        item_count=len(items),
        next_at=following.scheduled_at if following else None,
    )
    return [
        PlannedPost(
            delivery_key=f"summary:{checkin.id}",
            team_id=pair.team_id,
            channel_id=checkin.channel_id,
            kind="summary",
            text=text,
            blocks=blocks,
            not_before=now,
            pair_id=pair.id,
            thread_ts=checkin_message_ts(session, checkin),
        )
    ]


def refresh_checkin_message(deps: Deps, client: WebClient, checkin_id: int) -> None:
    """Re-render the check-in message in place: who has answered, what is open now."""
    with session_scope(deps.engine) as session:
        checkin = session.get(CheckIn, checkin_id)
        pair = session.get(Pair, checkin.pair_id) if checkin else None
        ts = checkin_message_ts(session, checkin) if checkin else None
        if checkin is None or pair is None or ts is None:
            return
        brief = checkin_brief(session, checkin=checkin, pair=pair)
    text, blocks = checkin_message(
        pair=pair,
        checkin_id=brief.checkin_id,
        number=brief.number,
        meeting_at=brief.meeting_at,
        relationship=brief.relationship,
        items=brief.items,
        answered=brief.answered,
        now=deps.now(),
    )
    try:
        client.chat_update(channel=checkin.channel_id, ts=ts, text=text, blocks=blocks)
    except SlackApiError as error:
        logger.warning("could not update check-in %s: %s", checkin_id, error.response.get("error"))


def register(app: App, deps: Deps) -> None:
    def open_answer(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient
    ) -> None:
        ack()
        inv = invocation_from_action(deps, body, respond, client)
        with session_scope(deps.engine) as session:
            checkin = checkin_in_team(session, team_id=inv.team_id, checkin_id=action.get("value"))
            if checkin is None:
                inv.problem(Problem("I couldn't find those questions. They may have been removed."))
                return
            pair = pair_for_member(session, team_id=inv.team_id, pair_id=checkin.pair_id, user_id=inv.user_id)
            if isinstance(pair, Problem):
                inv.problem(pair)
                return
            meeting = session.get(Meeting, checkin.meeting_id) if checkin.meeting_id else None
            view = answer_modal(
                checkin_id=checkin.id,  # type: ignore[arg-type]
                relationship=checkin.with_relationship_questions,
                answer=answers_of(session, checkin.id).get(inv.user_id),  # type: ignore[arg-type]
                role=pair.role_of(inv.user_id),
                number=(meeting.number or None) if meeting else None,
            )
        client.views_open(trigger_id=inv.trigger_id, view=view)

    def save_answer(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        user = str(body["user"]["id"])
        team_id = str((body.get("team") or {}).get("id") or body["user"].get("team_id", ""))
        fields = parse_answer_inputs(view.get("state", {}).get("values", {}))
        if not any(value.strip() for value in fields.values()):
            ack(response_action="errors", errors={"useful": "Answer at least one question."})
            return
        too_long = {
            name: f"Keep this under {ANSWER_MAX} characters." for name, v in fields.items() if len(v) > ANSWER_MAX
        }
        if too_long:  # Slack enforces max_length; only a crafted payload gets here, and it changes nothing
            ack(response_action="errors", errors=too_long)
            return
        now = deps.now()
        with session_scope(deps.engine) as session:
            checkin = checkin_in_team(
                session, team_id=team_id, checkin_id=parse_answer_metadata(str(view.get("private_metadata", "")))
            )
            if checkin is None:
                ack(response_action="errors", errors={"useful": "These questions no longer exist."})
                return
            pair = pair_for_member(session, team_id=team_id, pair_id=checkin.pair_id, user_id=user)
            if isinstance(pair, Problem):
                ack(response_action="errors", errors={"useful": pair.message})
                return
            outcome = save_answers(session, checkin=checkin, pair=pair, user_id=user, fields=fields, now=now)
            enqueue(session, answer_posts(session, pair=pair, checkin=checkin, outcome=outcome, now=now), now=now)
            checkin_id = checkin.id
        ack()
        # After the ack (Bolt answers Slack as soon as ack() is called): a lazy listener would start before
        # the answers above are committed, so the follow-up runs here.
        deliver_due(deps.engine, deps.client_for_team, now, pair_id=pair.id)
        refresh_checkin_message(deps, client, checkin_id)  # type: ignore[arg-type]

    app.action("checkin_answer")(open_answer)
    app.view(ANSWER_CALLBACK)(save_answer)
