"""Block Kit for check-ins, pure builders: the end-of-session questions, the Answer modal, the thread summary."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from blocks.actions import items_overview
from blocks.common import Block, actions, button, context, header, input_block, modal, section, text_element
from blocks.format import escape_mrkdwn, slack_date
from blocks.limits import clip
from blocks.metadata import encode
from mentoring.checkins import ANSWER_MAX, QUESTIONS, RELATIONSHIP_QUESTIONS, CheckInBrief
from mentoring.followthrough import split_lines
from storage.models import ActionItem, CheckInAnswer, Pair

ANSWER_CALLBACK = "checkin_answer_submit"
ANSWER_ACTION = "value"
ACTIONS_BLOCK = "checkin_actions"
STATUS_BLOCK = "checkin_status"


def questions_text(relationship: bool) -> str:
    lines = [f"*{n}. {q}*" for n, q in enumerate(QUESTIONS.values(), start=1)]
    if relationship:
        lines.append("\n_And, as every few meetings, about how this is going:_")
        lines.extend(f"*{n}. {q}*" for n, q in enumerate(RELATIONSHIP_QUESTIONS.values(), start=len(QUESTIONS) + 1))
    return "\n".join(lines)


def answered_text(pair: Pair, answered: set[str]) -> str:
    def mark(user: str) -> str:
        return f"<@{user}> :white_check_mark: answered" if user in answered else f"<@{user}> not yet"

    return f"{mark(pair.mentee_id)} · {mark(pair.mentor_id)}"


def checkin_message(
    *,
    pair: Pair,
    checkin_id: int,
    number: int | None,
    meeting_at: datetime | None,
    relationship: bool,
    items: Mapping[str, Sequence[ActionItem]],
    answered: set[str],
    now: datetime,
) -> tuple[str, list[Block]]:
    """The questions that close a conversation, with each member's open items and one *Answer* button."""
    about = f"meeting {number}" if number else "today's conversation"
    when = f" ({slack_date(meeting_at)})" if meeting_at else ""
    text = "Closing questions: " + " ".join(QUESTIONS.values())
    if relationship:
        text += " " + " ".join(RELATIONSHIP_QUESTIONS.values())
    blocks: list[Block] = [
        header("How did it go?"),
        section(
            f"<@{pair.mentee_id}> <@{pair.mentor_id}> — three quick questions to close {about}{when}:\n\n"
            + questions_text(relationship)
        ),
        section(f"*Still open from before*\n{items_overview(items, now)}"),
        actions(button("Answer", "checkin_answer", str(checkin_id), style="primary"), block_id=ACTIONS_BLOCK),
        context(
            "Or reply in this thread. Start lines with `useful:`, `next steps:` or `before next:` "
            "(lines without one count as next steps). Each next step becomes a follow-through item, "
            "due at your next meeting. Mentors: start a line with `resource:`, `contact:` or `info:` for "
            "something you'll send."
        ),
        {**context(answered_text(pair, answered)), "block_id": STATUS_BLOCK},
    ]
    return text, blocks


def checkin_brief_message(*, pair: Pair, brief: CheckInBrief, now: datetime) -> tuple[str, list[Block]]:
    """The check-in message for what ``mentoring.checkins.checkin_brief`` found."""
    return checkin_message(
        pair=pair,
        checkin_id=brief.checkin_id,
        number=brief.number,
        meeting_at=brief.meeting_at,
        relationship=brief.relationship,
        items=brief.items,
        answered=brief.answered,
        now=now,
    )


def _answer_input(block_id: str, label: str, initial: str, hint: str | None = None) -> Block:
    element = text_element(ANSWER_ACTION, max_length=ANSWER_MAX, multiline=True, initial=initial)
    return input_block(block_id, label, element, hint=hint, optional=True)


def answer_modal(
    *, checkin_id: int, relationship: bool, answer: CheckInAnswer | None, role: str | None, number: int | None
) -> dict[str, Any]:
    """The questions as one modal, pre-filled with what this member answered before."""
    steps_hint = "One per line — each becomes a follow-through item, due at your next meeting."
    if role == "mentor":
        steps_hint += " Start a line with resource:, contact: or info: for something you'll send."

    about = f"meeting {number}" if number else "this conversation"

    def initial(name: str) -> str:
        return str(getattr(answer, name, "") or "") if answer is not None else ""

    blocks: list[Block] = [
        section(f"Closing {about}. Answer what you like; you can edit your answers later."),
        _answer_input("useful", QUESTIONS["useful"], initial("useful")),
        _answer_input("next_steps", QUESTIONS["next_steps"], initial("next_steps"), steps_hint),
        _answer_input(
            "before_next", QUESTIONS["before_next"], initial("before_next"), "One per line, like next steps."
        ),
    ]
    if relationship:
        blocks.append(_answer_input("changes", RELATIONSHIP_QUESTIONS["changes"], initial("changes")))
        blocks.append(_answer_input("focus", RELATIONSHIP_QUESTIONS["focus"], initial("focus")))
    return modal(
        "Closing questions",
        blocks,
        callback_id=ANSWER_CALLBACK,
        submit="Save",
        private_metadata=encode(c=checkin_id),
    )


def _answer_lines(answer: CheckInAnswer, relationship: bool) -> str:
    labels = {"useful": "Useful", "next_steps": "Next steps", "before_next": "Before next time"}
    if relationship:
        labels.update({"changes": "Changes", "focus": "Focus"})
    parts = []
    for name, label in labels.items():
        value = getattr(answer, name).strip()
        if value:
            parts.append(f"*{label}:* " + escape_mrkdwn("; ".join(split_lines(value))))
    return "\n".join(parts) or "_(no answers)_"


def summary_message(
    *, pair: Pair, answers: Mapping[str, CheckInAnswer], relationship: bool, item_count: int, next_at: datetime | None
) -> tuple[str, list[Block]]:
    """Posted in the thread once both answered."""
    blocks: list[Block] = [section(":sparkles: *You both answered — here's your wrap-up.*")]
    for user in (pair.mentee_id, pair.mentor_id):
        answer = answers.get(user)
        if answer is not None:
            blocks.append(section(clip(f"<@{user}>\n{_answer_lines(answer, relationship)}", 2900)))
    due = f", due at your next meeting {slack_date(next_at)}" if next_at else ""
    plural = "s" if item_count != 1 else ""
    blocks.append(context(f"{item_count} open follow-through item{plural}{due}. `/mentor actions` lists yours."))
    return "You both answered the closing questions — here's your wrap-up.", blocks


def reply_ack_text(user: str, new_items: int) -> str:
    if new_items:
        return f"Thanks <@{user}> — noted, with {new_items} new follow-through item{'s' if new_items != 1 else ''}."
    return f"Thanks <@{user}> — noted."
