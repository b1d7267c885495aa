"""``/mentor wrapup``; the questions' *Answer* (one modal: answers, items, goal progress), *We didn't meet*, summary."""

from __future__ import annotations

import logging
from datetime import datetime
from functools import partial
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlmodel import Session

from blocks.checkins import (
    ANSWER_CALLBACK,
    GOAL_BLOCK_PREFIX,
    ITEMS_BLOCK,
    MISSED_ACTION,
    RATING_BLOCK,
    answer_modal,
    checkin_brief_message,
    goal_block_id,
    summary_message,
)
from handlers import payloads
from handlers.context import Invocation, invocation
from mentoring.boundaries import agreed_boundaries
from mentoring.checkins import (
    ANSWER_MAX,
    CLOSED,
    QUESTIONS,
    AnswerOutcome,
    answer_form,
    answers_of,
    checkin_brief,
    checkin_in_team,
    checkin_message_ts,
    checkin_post,
    get_or_create_checkin,
    is_closed,
    meeting_checkin_key,
    outbox_row,
    recent_wrapup_key,
    save_checkin,
    wrapup_key,
)
from mentoring.deps import Deps
from mentoring.followthrough import open_items
from mentoring.goals import Invalid
from mentoring.meeting_changes import mark_missed
from mentoring.meetings import next_meeting, sync_meetings, wrapup_meeting
from mentoring.outbox import PlannedPost, enqueue
from mentoring.problems import NOT_IN_PAIR, Problem
from mentoring.ratings import parse_rating, rating_of, record_rating
from slackapi.delivery import deliver_due
from storage.db import session_scope
from storage.models import CheckIn, Meeting, Pair

logger = logging.getLogger(__name__)

#: The *Answer* button under the questions (built in ``blocks.checkins``).
ANSWER_BUTTON = "checkin_answer"


def wrapup(inv: Invocation, pair: Pair) -> None:
    """Post the end-of-session questions into the pair DM now (once per meeting, or per hour off-schedule)."""
    if not pair.has_member(inv.user_id):  # an admin in the pair DM is not a member
        inv.problem(NOT_IN_PAIR)
        return
    if not pair.channel_id:
        inv.reply("Your pair has no group DM yet, so there's nowhere to post the questions.")
        return
    now, pair_id = inv.deps.now(), pair.id or 0
    with session_scope(inv.deps.engine) as session:
        boundaries = agreed_boundaries(session, pair_id)
        slot = None
        if boundaries is not None and boundaries.first_meeting_on is not None:
            slot = wrapup_meeting(sync_meetings(session, pair, boundaries, now), now)
        if slot is not None and slot.meeting_id is not None:
            key = meeting_checkin_key(pair_id, slot.meeting_id)
        else:
            key = recent_wrapup_key(session, pair_id, now) or wrapup_key(pair_id, now)
        already = outbox_row(session, key) is not None
        if not already:
            checkin = get_or_create_checkin(
                session,
                pair=pair,
                key=key,
                meeting_id=slot.meeting_id if slot else None,
                now=now,
            )
            brief = checkin_brief(session, checkin=checkin, pair=pair, now=now)
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


def thread_post(
    session: Session,
    *,
    pair: Pair,
    checkin: CheckIn,
    key: str,
    kind: str,
    text: str,
    now: datetime,
    blocks: list[dict[str, Any]] | None = None,
) -> PlannedPost:
    """A post into the check-in message's thread (a reply's acknowledgement, the summary)."""
    return PlannedPost(
        delivery_key=key,
        team_id=pair.team_id,
        channel_id=checkin.channel_id,
        kind=kind,
        text=text,
        not_before=now,
        pair_id=pair.id,
        thread_ts=checkin_message_ts(session, checkin),
        blocks=blocks,
    )


def answer_posts(
    session: Session, *, pair: Pair, checkin: CheckIn, outcome: AnswerOutcome, now: datetime
) -> list[PlannedPost]:
    """The summary in the check-in's thread, when this answer completed the pair's answers."""
    if not outcome.summary_due:
        return []
    following = next_meeting(session, pair.id or 0, now)
    items = [i for i in open_items(session, pair.id or 0) if i.checkin_id == checkin.id]
    text, blocks = summary_message(
        pair=pair,
        answers=answers_of(session, checkin.id or 0),
        item_count=len(items),
        next_at=following.scheduled_at if following else None,
    )
    summary = thread_post(
        session,
        pair=pair,
        checkin=checkin,
        key=f"summary:{checkin.id}",
        kind="summary",
        text=text,
        now=now,
        blocks=blocks,
    )
    return [summary]


def refresh_checkin_message(deps: Deps, client: WebClient, checkin_id: int) -> None:
    """Re-render the check-in message in place: who has answered, what is open now."""
    with session_scope(deps.engine) as session:
        checkin = session.get(CheckIn, checkin_id)
        pair = session.get(Pair, checkin.pair_id) if checkin else None
        ts = checkin_message_ts(session, checkin) if checkin else None
        if checkin is None or pair is None or ts is None:
            return
        brief = checkin_brief(session, checkin=checkin, pair=pair, now=deps.now())
    text, blocks = checkin_brief_message(pair=pair, brief=brief, now=deps.now())
    try:
        client.chat_update(channel=checkin.channel_id, ts=ts, text=text, blocks=blocks)
    except SlackApiError as error:
        logger.warning("could not update check-in %s: %s", checkin_id, error.response.get("error"))


def open_answer(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, *, deps: Deps) -> None:
    """*Answer* under the questions: one modal with the questions (pre-filled), own items to tick, goal progress."""
    ack()
    inv = invocation(deps, body, client, respond=respond)
    with session_scope(deps.engine) as session:
        checkin = checkin_in_team(session, team_id=inv.team_id, checkin_id=payloads.action_value(body))
        if checkin is None:
            inv.problem(Problem("I couldn't find those questions. They may have been removed."))
            return
        pair = inv.pair(session, checkin.pair_id)
        if isinstance(pair, Problem):
            inv.problem(pair)
            return
        if is_closed(session, checkin):
            inv.problem(CLOSED)
            return
        form = answer_form(session, checkin=checkin, pair=pair, user_id=inv.user_id, now=deps.now())
        rating = rating_of(session, checkin_id=checkin.id, user_id=inv.user_id)
        view = answer_modal(form=form, role=pair.role_of(inv.user_id), rating=rating)
    client.views_open(trigger_id=inv.trigger_id, view=view)


def _answers(view: dict[str, Any]) -> dict[str, str]:
    """The answers typed in the modal (only the questions it showed)."""
    present = payloads.submitted_blocks(view)
    return {name: value or "" for name, value in payloads.inputs(view, QUESTIONS).items() if name in present}


def _progress(view: dict[str, Any]) -> dict[str, str]:
    """Goal id → the progress step chosen in the modal (a cleared select reads as no change)."""
    blocks = [b for b in payloads.submitted_blocks(view) if b.startswith(GOAL_BLOCK_PREFIX)]
    return {b.removeprefix(GOAL_BLOCK_PREFIX): v for b, v in payloads.inputs(view, blocks).items() if v is not None}


def _field_errors(problem: Problem) -> dict[str, str]:
    """A problem as modal errors: goal ids become their select's block, the rest goes under the first question."""
    if isinstance(problem, Invalid) and problem.fields:
        return {(name if name in QUESTIONS else goal_block_id(name)): text for name, text in problem.fields.items()}
    return {"useful": problem.message}


def save_answer(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, *, deps: Deps) -> None:
    """Save the answers, close the ticked items, record goal progress; the summary comes once both answered."""
    inv = invocation(deps, body, client)
    fields = _answers(view)
    too_long = {name: f"Keep this under {ANSWER_MAX} characters." for name, v in fields.items() if len(v) > ANSWER_MAX}
    if too_long:  # Slack enforces max_length; only a crafted payload gets here, and it changes nothing
        ack(response_action="errors", errors=too_long)
        return
    score = parse_rating(payloads.inputs(view, [RATING_BLOCK]).get(RATING_BLOCK))
    if isinstance(score, Problem):  # only a crafted payload gets here
        ack(response_action="errors", errors={RATING_BLOCK: score.message})
        return
    now = deps.now()
    with session_scope(deps.engine) as session:
        checkin_id = payloads.metadata(view).get("c")
        checkin = checkin_in_team(
            session, team_id=inv.team_id, checkin_id=checkin_id if isinstance(checkin_id, int | str) else None
        )
        if checkin is None:
            ack(response_action="errors", errors={"useful": "These questions no longer exist."})
            return
        pair = inv.pair(session, checkin.pair_id)
        if isinstance(pair, Problem):
            ack(response_action="errors", errors={"useful": pair.message})
            return
        outcome = save_checkin(
            session,
            checkin=checkin,
            pair=pair,
            user_id=inv.user_id,
            fields=fields,
            done_item_ids=payloads.selected(view, ITEMS_BLOCK),
            progress=_progress(view),
            now=now,
        )
        if isinstance(outcome, Problem):
            session.rollback()
            ack(response_action="errors", errors=_field_errors(outcome))
            return
        if score is not None:  # private: stored apart from the answers, never posted
            record_rating(session, checkin=checkin, user_id=inv.user_id, score=score, now=now)
        enqueue(session, answer_posts(session, pair=pair, checkin=checkin, outcome=outcome, now=now), now=now)
        saved_id = checkin.id or 0
    ack()
    # After the ack (Bolt answers Slack as soon as ack() is called): a lazy listener would start before
    # the answers above are committed, so the follow-up runs here.
    deliver_due(deps.engine, deps.client_for_team, now, pair_id=pair.id)
    refresh_checkin_message(deps, client, saved_id)


def we_did_not_meet(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, *, deps: Deps) -> None:
    """*We didn't meet*: the meeting is missed (the first press counts); the questions close and offer *Move it*."""
    ack()
    inv = invocation(deps, body, client, respond=respond)
    with session_scope(deps.engine) as session:
        checkin = checkin_in_team(session, team_id=inv.team_id, checkin_id=payloads.action_value(body))
        meeting = session.get(Meeting, checkin.meeting_id) if checkin and checkin.meeting_id is not None else None
        if checkin is None or meeting is None:
            inv.problem(Problem("I couldn't find that meeting. It may have been rescheduled."))
            return
        pair = inv.pair(session, checkin.pair_id)
        if isinstance(pair, Problem):
            inv.problem(pair)
            return
        result = mark_missed(session, meeting=meeting, by=inv.user_id, now=deps.now())
        checkin_id = checkin.id or 0
    if isinstance(result, Problem):
        inv.problem(result)
        return
    refresh_checkin_message(deps, client, checkin_id)


def register(app: App, deps: Deps) -> None:
    app.action(ANSWER_BUTTON)(partial(open_answer, deps=deps))
    app.action(MISSED_ACTION)(partial(we_did_not_meet, deps=deps))
    app.view(ANSWER_CALLBACK)(partial(save_answer, deps=deps))
