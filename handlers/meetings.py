"""Meetings at the Slack edge: the reminder's *We'll meet*, *Skip this one* and *Move it* (a modal).

*Move it* also sits under the questions of a meeting someone said did not take place; moving from
there redraws those questions (with the new time) instead of the reminder.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time
from functools import partial
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlmodel import Session

from blocks.checkins import MOVE_MISSED_ACTION
from blocks.format import slack_date
from blocks.reminders import (
    CONFIRM_ACTION,
    MOVE_CALLBACK,
    MOVE_DATE_BLOCK,
    MOVE_TIME_BLOCK,
    OPEN_MOVE_ACTION,
    SKIP_ACTION,
    move_modal,
    reminder_brief_message,
    skipped_reminder,
)
from handlers import payloads
from handlers.context import Invocation, invocation
from handlers.wrapup import refresh_checkin_message
from mentoring.boundaries import agreed_boundaries
from mentoring.checkins import checkin_for_thread
from mentoring.dates import too_far_ahead
from mentoring.deps import Deps
from mentoring.meeting_briefs import meeting_brief
from mentoring.meeting_changes import confirm_meeting, move_meeting, skip_meeting
from mentoring.meetings import meeting_in_team, next_meeting, slot_of
from mentoring.problems import Problem
from mentoring.roadmap import theme_for
from storage.db import session_scope
from storage.models import Meeting, MeetingStatus, Pair

logger = logging.getLogger(__name__)


def _rendered(
    session: Session, pair: Pair, meeting: Meeting, by: str, now: datetime
) -> tuple[str, list[dict[str, Any]]]:
    """The reminder redrawn after a button: with who confirmed or moved it, or as a skipped note."""
    boundaries = agreed_boundaries(session, pair.id or 0)
    if meeting.status == MeetingStatus.SKIPPED:
        following = next_meeting(session, pair.id or 0, meeting.scheduled_at, boundaries=boundaries)
        theme = theme_for(session, pair.id or 0, following.number) if following and following.number else None
        return skipped_reminder(slot=slot_of(meeting), by=by, following=following, following_theme=theme)
    brief = meeting_brief(session, pair=pair, boundaries=boundaries, slot=slot_of(meeting), now=now)
    return reminder_brief_message(pair=pair, brief=brief, now=now, status=_status_after(meeting, by))


def _update_message(
    client: WebClient, pair: Pair, channel: str, ts: str, text: str, blocks: list[dict[str, Any]]
) -> None:
    """Redraw the reminder in place; only ever a message in the pair's own DM (payloads can be crafted)."""
    if not channel or not ts or channel != pair.channel_id:
        return
    try:
        client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)
    except SlackApiError as error:
        logger.warning("could not update the reminder: %s", error.response.get("error"))


def _status_after(meeting: Meeting, user: str) -> str:
    if meeting.status == MeetingStatus.CONFIRMED:
        return f":white_check_mark: <@{user}> confirmed — see you there."
    return f":arrows_counterclockwise: <@{user}> moved this meeting to {slack_date(meeting.scheduled_at)}."


class MeetingChange(Protocol):
    """``confirm_meeting`` or ``skip_meeting``."""

    def __call__(self, session: Session, *, meeting: Meeting, by: str, now: datetime) -> Meeting | Problem: ...


NOT_FOUND = Problem("I couldn't find that meeting. It may have been rescheduled.")


def _meeting_and_pair(session: Session, inv: Invocation, meeting_id: object) -> tuple[Meeting, Pair] | Problem:
    """The meeting a button or modal names, with its pair, only for a member of that pair."""
    meeting = meeting_in_team(
        session, team_id=inv.team_id, meeting_id=meeting_id if isinstance(meeting_id, int | str) else None
    )
    if meeting is None:
        return NOT_FOUND
    pair = inv.pair(session, meeting.pair_id)
    return pair if isinstance(pair, Problem) else (meeting, pair)


def _zone(session: Session, pair: Pair) -> str:
    """Meetings are moved in the agreed boundaries' time zone."""
    boundaries = agreed_boundaries(session, pair.id or 0)
    return boundaries.timezone if boundaries is not None else "UTC"


def change_meeting(
    ack: Ack,
    body: dict[str, Any],
    respond: Respond,
    client: WebClient,
    *,
    deps: Deps,
    change: MeetingChange,
) -> None:
    """*We'll meet* or *Skip this one*: change the meeting and redraw the reminder."""
    ack()
    inv = invocation(deps, body, client, respond=respond)
    now = deps.now()
    with session_scope(deps.engine) as session:
        found = _meeting_and_pair(session, inv, payloads.action_value(body))
        if isinstance(found, Problem):
            result: Meeting | Problem = found
        else:
            meeting, pair = found
            result = change(session, meeting=meeting, by=inv.user_id, now=now)
            if not isinstance(result, Problem):
                text, blocks = _rendered(session, pair, result, inv.user_id, now)
    if isinstance(result, Problem):
        inv.problem(result)
        return
    channel, ts = payloads.message_ref(body)
    _update_message(client, pair, channel, ts, text, blocks)


def open_move(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, *, deps: Deps) -> None:
    """*Move it*: date and time pickers, in the boundaries' time zone."""
    ack()
    inv = invocation(deps, body, client, respond=respond)
    with session_scope(deps.engine) as session:
        found = _meeting_and_pair(session, inv, payloads.action_value(body))
        if isinstance(found, Problem):
            inv.problem(found)
            return
        meeting, pair = found
        tz = _zone(session, pair)
    channel, ts = payloads.message_ref(body)
    view = move_modal(
        meeting_id=meeting.id or 0,
        number=meeting.number or None,
        local=meeting.scheduled_at.astimezone(ZoneInfo(tz)),
        tz=tz,
        channel_id=channel,
        message_ts=ts,
    )
    client.views_open(trigger_id=inv.trigger_id, view=view)


def _picked(view: dict[str, Any]) -> tuple[date, time] | str:
    """The picked date and time, or the block id whose value is missing or unreadable."""
    typed = payloads.inputs(view, [MOVE_DATE_BLOCK, MOVE_TIME_BLOCK])
    try:
        picked_date = date.fromisoformat(typed[MOVE_DATE_BLOCK] or "")
    except ValueError:
        return MOVE_DATE_BLOCK
    try:
        hours, minutes = (typed[MOVE_TIME_BLOCK] or "").split(":")
        picked_time = time(int(hours), int(minutes))
    except ValueError:
        return MOVE_TIME_BLOCK
    return picked_date, picked_time


def save_move(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, *, deps: Deps) -> None:
    """The move modal: the meeting moves (only this one), and the reminder is redrawn."""
    inv = invocation(deps, body, client)
    meta = payloads.metadata(view)
    picked = _picked(view)
    if isinstance(picked, str):
        ack(response_action="errors", errors={picked: "Pick a date and a time."})
        return
    if "m" not in meta:
        ack(response_action="errors", errors={MOVE_DATE_BLOCK: "This form is out of date; press Move it again."})
        return
    now = deps.now()
    with session_scope(deps.engine) as session:
        found = _meeting_and_pair(session, inv, meta["m"])
        if isinstance(found, Problem):
            ack(response_action="errors", errors={MOVE_DATE_BLOCK: found.message})
            return
        meeting, pair = found
        tz = ZoneInfo(_zone(session, pair))
        far = too_far_ahead(picked[0], now.astimezone(tz).date())
        if far:  # before combining: a date near 9999-12-31 does not even convert to UTC
            ack(response_action="errors", errors={MOVE_DATE_BLOCK: far})
            return
        to = datetime.combine(picked[0], picked[1], tzinfo=tz).astimezone(UTC)
        result = move_meeting(session, meeting=meeting, to=to, by=inv.user_id, now=now)
        if isinstance(result, Problem):
            session.rollback()
            ack(response_action="errors", errors={MOVE_DATE_BLOCK: result.message})
            return
        text, blocks = _rendered(session, pair, result, inv.user_id, now)
        channel, ts = str(meta.get("c") or ""), str(meta.get("ts") or "")
        questions = (
            checkin_for_thread(session, team_id=inv.team_id, channel_id=channel, thread_ts=ts)
            if channel == pair.channel_id and ts
            else None
        )
        questions_id = questions.id if questions is not None else None
    ack()
    if questions_id is not None:
        refresh_checkin_message(deps, client, questions_id)
    else:
        _update_message(client, pair, channel, ts, text, blocks)


def register(app: App, deps: Deps) -> None:
    app.action(CONFIRM_ACTION)(partial(change_meeting, deps=deps, change=confirm_meeting))
    app.action(SKIP_ACTION)(partial(change_meeting, deps=deps, change=skip_meeting))
    app.action(OPEN_MOVE_ACTION)(partial(open_move, deps=deps))
    app.action(MOVE_MISSED_ACTION)(partial(open_move, deps=deps))
    app.view(MOVE_CALLBACK)(partial(save_move, deps=deps))
