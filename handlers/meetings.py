"""Meetings at the Slack edge: the reminder's *We'll meet*, *Skip this one* and *Move it* (a modal)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlmodel import Session

from blocks.format import slack_date
from blocks.reminders import (
    MOVE_CALLBACK,
    MOVE_DATE_BLOCK,
    move_modal,
    parse_move_inputs,
    parse_move_metadata,
    reminder_message,
    skipped_reminder,
)
from handlers.context import invocation_from_action
from mentoring.boundaries import agreed_boundaries
from mentoring.dates import too_far_ahead
from mentoring.deps import Deps
from mentoring.meeting_briefs import meeting_brief
from mentoring.meeting_changes import confirm_meeting, move_meeting, skip_meeting
from mentoring.meetings import meeting_in_team, next_meeting, slot_of
from mentoring.pairs import pair_for_member
from mentoring.problems import Problem
from mentoring.roadmap import theme_for
from storage.db import session_scope
from storage.models import Meeting, MeetingStatus, Pair

logger = logging.getLogger(__name__)


def _rendered(
    session: Session, pair: Pair, meeting: Meeting, by: str, now: datetime
) -> tuple[str, list[dict[str, Any]]]:
    """The reminder redrawn after a button: with who confirmed or moved it, or as a skipped note."""
    boundaries = agreed_boundaries(session, pair.id)  # type: ignore[arg-type]
    if meeting.status == MeetingStatus.SKIPPED:
        following = next_meeting(session, pair.id, meeting.scheduled_at, boundaries=boundaries)  # type: ignore[arg-type]
        theme = theme_for(session, pair.id, following.number) if following and following.number else None  # type: ignore[arg-type]
        return skipped_reminder(slot=slot_of(meeting), by=by, following=following, following_theme=theme)
    brief = meeting_brief(session, pair=pair, boundaries=boundaries, slot=slot_of(meeting), now=now)
    return reminder_message(
        pair=pair,
        slot=brief.slot,
        theme=brief.theme,
        goals=brief.goals,
        items=brief.items,
        location=brief.location,
        now=now,
        status=_status_after(meeting, by),
    )


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


def register(app: App, deps: Deps) -> None:
    def on_change(change: Callable[..., Meeting | Problem]):  # type: ignore[no-untyped-def]
        def handle(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient) -> None:
            ack()
            inv = invocation_from_action(deps, body, respond, client)
            now = deps.now()
            with session_scope(deps.engine) as session:
                meeting = meeting_in_team(session, team_id=inv.team_id, meeting_id=action.get("value"))
                pair = (
                    pair_for_member(session, team_id=inv.team_id, pair_id=meeting.pair_id, user_id=inv.user_id)
                    if meeting is not None
                    else Problem("I couldn't find that meeting. It may have been rescheduled.")
                )
                result = (
                    pair if isinstance(pair, Problem) else change(session, meeting=meeting, by=inv.user_id, now=now)
                )
                if not isinstance(result, Problem):
                    text, blocks = _rendered(session, pair, result, inv.user_id, now)  # type: ignore[arg-type]
            if isinstance(result, Problem):
                inv.problem(result)
                return
            container = body.get("container") or {}
            channel, ts = str(container.get("channel_id") or ""), str(container.get("message_ts") or "")
            _update_message(client, pair, channel, ts, text, blocks)  # type: ignore[arg-type]

        return handle

    def open_move(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()
        inv = invocation_from_action(deps, body, respond, client)
        with session_scope(deps.engine) as session:
            meeting = meeting_in_team(session, team_id=inv.team_id, meeting_id=action.get("value"))
            if meeting is None:
                inv.problem(Problem("I couldn't find that meeting. It may have been rescheduled."))
                return
            pair = pair_for_member(session, team_id=inv.team_id, pair_id=meeting.pair_id, user_id=inv.user_id)
            if isinstance(pair, Problem):
                inv.problem(pair)
                return
            boundaries = agreed_boundaries(session, pair.id)  # type: ignore[arg-type]
        tz = boundaries.timezone if boundaries is not None else "UTC"
        container = body.get("container") or {}
        view = move_modal(
            meeting_id=meeting.id,  # type: ignore[arg-type]
            number=meeting.number or None,
            local=meeting.scheduled_at.astimezone(ZoneInfo(tz)),
            tz=tz,
            channel_id=str(container.get("channel_id") or ""),
            message_ts=str(container.get("message_ts") or ""),
        )
        client.views_open(trigger_id=inv.trigger_id, view=view)

    def save_move(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        user = str(body["user"]["id"])
        team_id = str((body.get("team") or {}).get("id") or body["user"].get("team_id", ""))
        metadata = parse_move_metadata(str(view.get("private_metadata", "")))
        picked = parse_move_inputs(view.get("state", {}).get("values", {}))
        if isinstance(picked, str):
            ack(response_action="errors", errors={picked: "Pick a date and a time."})
            return
        if metadata is None:
            ack(response_action="errors", errors={MOVE_DATE_BLOCK: "This form is out of date; press Move it again."})
            return
        meeting_id, channel, ts = metadata
        now = deps.now()
        with session_scope(deps.engine) as session:
            meeting = meeting_in_team(session, team_id=team_id, meeting_id=meeting_id)
            pair = (
                pair_for_member(session, team_id=team_id, pair_id=meeting.pair_id, user_id=user)
                if meeting is not None
                else Problem("I couldn't find that meeting.")
            )
            if isinstance(pair, Problem):
                ack(response_action="errors", errors={MOVE_DATE_BLOCK: pair.message})
                return
            boundaries = agreed_boundaries(session, pair.id)  # type: ignore[arg-type]
            tz = ZoneInfo(boundaries.timezone if boundaries is not None else "UTC")
            far = too_far_ahead(picked[0], now.astimezone(tz).date())
            if far:  # before combining: a date near 9999-12-31 does not even convert to UTC
                ack(response_action="errors", errors={MOVE_DATE_BLOCK: far})
                return
            to = datetime.combine(picked[0], picked[1], tzinfo=tz).astimezone(UTC)
            result = move_meeting(session, meeting=meeting, to=to, by=user, now=now)  # type: ignore[arg-type]
            if isinstance(result, Problem):
                session.rollback()
                ack(response_action="errors", errors={MOVE_DATE_BLOCK: result.message})
                return
            text, blocks = _rendered(session, pair, result, user, now)
        ack()
        _update_message(client, pair, channel, ts, text, blocks)

    app.action("meeting_confirm")(on_change(confirm_meeting))
    app.action("meeting_skip")(on_change(skip_meeting))
    app.action("meeting_move")(open_move)
    app.view(MOVE_CALLBACK)(save_move)
