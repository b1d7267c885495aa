"""Block Kit for meetings: the reminder before a meeting (We'll meet / Skip / Move) and the move modal."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from blocks.actions import items_overview
from blocks.common import Block, actions, button, context, input_block, modal, picker_element, section
from blocks.format import escape_mrkdwn, slack_date
from blocks.limits import clip
from blocks.metadata import encode
from mentoring.meeting_briefs import MeetingBrief
from mentoring.meetings import Slot
from storage.models import ActionItem, Goal, Pair

MOVE_CALLBACK = "meeting_move_submit"
CONFIRM_ACTION = "meeting_confirm"
SKIP_ACTION = "meeting_skip"
OPEN_MOVE_ACTION = "meeting_move"
MOVE_DATE_BLOCK = "move_date"
MOVE_TIME_BLOCK = "move_time"
MOVE_ACTION = "value"
STATUS_BLOCK = "reminder_status"
ACTIONS_BLOCK = "reminder_actions"


def meeting_title(slot: Slot) -> str:
    return f"Meeting {slot.number}" if slot.number else "Meeting"


def goals_text(goals: Sequence[Goal]) -> str:
    if not goals:
        return "_No active goals yet — `/mentor goals` to set one._"
    lines = [f"• {escape_mrkdwn(clip(g.title, 150))} — {g.progress}% (due {g.due_on.isoformat()})" for g in goals[:10]]
    if len(goals) > 10:
        lines.append(f"…and {len(goals) - 10} more")
    return "\n".join(lines)


def reminder_message(
    *,
    pair: Pair,
    slot: Slot,
    theme: str | None,
    goals: Sequence[Goal],
    items: Mapping[str, Sequence[ActionItem]],
    location: str,
    now: datetime,
    status: str | None = None,
    show_actions: bool = True,
) -> tuple[str, list[Block]]:
    """The reminder: when, the roadmap theme, goals with progress, open follow-through, and three buttons."""
    when = slack_date(slot.scheduled_at)
    moved = " (moved)" if slot.moved else ""
    length = f"({'moved; ' if slot.moved else ''}{slot.duration_minutes} min)"
    theme_text = (
        f"*Theme:* {escape_mrkdwn(clip(theme, 150))}" if theme else "*Theme:* _none set yet — `/mentor roadmap`_"
    )
    text = f"{meeting_title(slot)}: {escape_mrkdwn(clip(theme, 150)) if theme else 'no theme set'} — {when}{moved}"
    intro = f":calendar: <@{pair.mentor_id}> <@{pair.mentee_id}> — *{meeting_title(slot)}* is {when} {length}."
    if location:
        intro += f"\n*Where:* {escape_mrkdwn(clip(location, 300))}"
    blocks: list[Block] = [
        section(intro),
        section(theme_text),
        section(f"*Goals*\n{goals_text(goals)}"),
        section(f"*Open follow-through*\n{items_overview(items, now)}"),
    ]
    value = str(slot.meeting_id or "")
    if show_actions:
        blocks.append(
            actions(
                button("We'll meet", CONFIRM_ACTION, value, style="primary"),
                button("Skip this one", SKIP_ACTION, value),
                button("Move it", OPEN_MOVE_ACTION, value),
                block_id=ACTIONS_BLOCK,
            )
        )
    if status:
        blocks.append({**context(status), "block_id": STATUS_BLOCK})
    return text, blocks


def reminder_brief_message(
    *, pair: Pair, brief: MeetingBrief, now: datetime, status: str | None = None
) -> tuple[str, list[Block]]:
    """The reminder for what ``mentoring.meeting_briefs.meeting_brief`` found."""
    return reminder_message(
        pair=pair,
        slot=brief.slot,
        theme=brief.theme,
        goals=brief.goals,
        items=brief.items,
        location=brief.location,
        now=now,
        status=status,
    )


def skipped_reminder(
    *, slot: Slot, by: str, following: Slot | None, following_theme: str | None
) -> tuple[str, list[Block]]:
    """What a skipped meeting's reminder becomes: a short note and what comes next."""
    text = f"Skipped: the meeting of {slack_date(slot.scheduled_at)}."
    lines = [f":fast_forward: ~Meeting {slack_date(slot.scheduled_at)}~ — <@{by}> skipped this meeting."]
    if following is not None:
        theme = f" — theme: {escape_mrkdwn(clip(following_theme, 150))}" if following_theme else ""
        lines.append(f"Next: *{meeting_title(following)}* {slack_date(following.scheduled_at)}{theme}.")
    return text, [
        section("\n".join(lines)),
        {**context("Open items move to the next meeting."), "block_id": STATUS_BLOCK},
    ]


def move_modal(
    *, meeting_id: int, number: int | None, local: datetime, tz: str, channel_id: str, message_ts: str
) -> dict[str, Any]:
    """Date and time pickers for moving one meeting, read in the boundaries' time zone."""
    title = f"Move meeting {number}" if number else "Move this meeting"
    return modal(
        title,
        [
            section(f"Only this meeting moves; the rest of the series stays. Times are in *{tz}*."),
            input_block(
                MOVE_DATE_BLOCK,
                "New date",
                picker_element("datepicker", MOVE_ACTION, initial=local.date().isoformat()),
            ),
            input_block(
                MOVE_TIME_BLOCK,
                f"New start time ({tz})",
                picker_element("timepicker", MOVE_ACTION, initial=local.strftime("%H:%M")),
            ),
        ],
        callback_id=MOVE_CALLBACK,
        submit="Move",
        private_metadata=encode(m=meeting_id, c=channel_id, ts=message_ts),
    )
