"""Block Kit for check-ins, pure builders: the end-of-session questions, the Answer modal, the thread summary."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from blocks.actions import items_overview
from blocks.common import (
    Block,
    actions,
    button,
    context,
    header,
    input_block,
    modal,
    option,
    section,
    select_element,
    text_element,
)
from blocks.format import escape_mrkdwn, slack_date
from blocks.limits import clip
from blocks.metadata import encode
from mentoring.checkins import ANSWER_MAX, OPTIONAL, PROGRESS_STEPS, QUESTIONS, AnswerForm, CheckInBrief
from mentoring.followthrough import split_lines
from mentoring.ratings import HIGHEST, LOWEST, RATING_QUESTION
from storage.models import ActionItem, CheckInAnswer, Goal, Pair

ANSWER_CALLBACK = "checkin_answer_submit"
ANSWER_ACTION = "value"
#: The *We didn't meet* button under the questions (value: the check-in's id).
MISSED_ACTION = "checkin_missed"
#: *Move it* under questions of a meeting that did not take place (value: the meeting's id).
MOVE_MISSED_ACTION = "checkin_move"
ACTIONS_BLOCK = "checkin_actions"
STATUS_BLOCK = "checkin_status"
#: The modal's checkboxes of the member's own open items (values: item ids).
ITEMS_BLOCK = "done_items"
#: The modal's private "How useful was this conversation?" select (1–5).
RATING_BLOCK = "rating"
#: The modal's progress select of a goal is ``goal_<id>``.
GOAL_BLOCK_PREFIX = "goal_"
#: Open items shown per member on the questions post (the rest: ``/mentor actions``).
ITEMS_ON_POST = 3
_COUNT_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five"}


def goal_block_id(goal_id: int | str | None) -> str:
    return f"{GOAL_BLOCK_PREFIX}{goal_id}"


def _numbered(questions: Mapping[str, str]) -> list[str]:
    return [
        f"*{n}. {q}*" + (" _(optional)_" if name in OPTIONAL else "")
        for n, (name, q) in enumerate(questions.items(), start=1)
    ]


def questions_text() -> str:
    """The questions, numbered, in the method's own words."""
    return "\n".join(_numbered(QUESTIONS))


def questions_intro(about: str, number: int | None) -> str:
    """ "Four questions about Thursday's conversation (meeting 3)" — the count is what is listed."""
    count = _COUNT_WORDS.get(len(QUESTIONS), str(len(QUESTIONS)))
    which = f" (meeting {number})" if number else ""
    return f"{count.capitalize()} questions about {about}{which}"


def answered_text(pair: Pair, answered: set[str]) -> str:
    def mark(user: str) -> str:
        return f"<@{user}> :white_check_mark: answered" if user in answered else f"<@{user}> not yet"

    return f"{mark(pair.mentee_id)} · {mark(pair.mentor_id)}"


def _closed_message(brief: CheckInBrief) -> tuple[str, list[Block]]:
    """Questions of a meeting that did not take place: nothing to answer; *Move it* while it is missed."""
    meeting = f"Meeting {brief.number}" if brief.number else "The meeting"
    if brief.moved_to is not None:
        text = f"You didn't meet; {meeting.lower()} moved to {slack_date(brief.moved_to)}. The questions come after it."
        return text, [section(f":arrows_counterclockwise: {text}")]
    text = f"<@{brief.missed_by}> said you didn't meet, so the questions about {brief.about} are closed."
    blocks: list[Block] = [
        header(f"{meeting} didn't happen"),
        section(f":no_entry_sign: {text} Want to find another time?"),
    ]
    if brief.meeting_id is not None:
        move = button("Move it", MOVE_MISSED_ACTION, str(brief.meeting_id), style="primary")
        blocks.append(actions(move, block_id=ACTIONS_BLOCK))
    return text, blocks


def checkin_brief_message(*, pair: Pair, brief: CheckInBrief, now: datetime) -> tuple[str, list[Block]]:
    """The questions that close a conversation, with each member's open items, *Answer* and *We didn't meet*."""
    if brief.missed_by is not None or brief.moved_to is not None:
        return _closed_message(brief)
    intro = questions_intro(brief.about, brief.number)
    text = f"{intro}: " + " ".join(QUESTIONS.values())
    blocks: list[Block] = [
        header("How did it go?"),
        section(f"<@{pair.mentee_id}> <@{pair.mentor_id}> — {intro[0].lower()}{intro[1:]}:\n\n" + questions_text()),
    ]
    if any(brief.items.values()):
        blocks.append(
            section(
                "*Still open* — tick yours off in *Answer*\n" + items_overview(brief.items, now, limit=ITEMS_ON_POST)
            )
        )
    buttons = [button("Answer", "checkin_answer", str(brief.checkin_id), style="primary")]
    if brief.meeting_id is not None:
        buttons.append(button("We didn't meet", MISSED_ACTION, str(brief.checkin_id)))
    blocks += [
        actions(*buttons, block_id=ACTIONS_BLOCK),
        context(
            "Or reply in this thread: lines under `next steps:` or `before next:` become follow-through items, "
            "due at your next meeting; `focus:` for what to change or focus on; other lines are kept as your "
            "answer. Mentors: start a line with `resource:`, `contact:` or `info:` for something you'll send."
        ),
        {**context(answered_text(pair, brief.answered)), "block_id": STATUS_BLOCK},
    ]
    return text, blocks


def _answer_input(block_id: str, label: str, initial: str, hint: str | None = None) -> Block:
    element = text_element(ANSWER_ACTION, max_length=ANSWER_MAX, multiline=True, initial=initial)
    return input_block(block_id, label, element, hint=hint, optional=True)


def _item_option(item: ActionItem) -> dict[str, Any]:
    return option(clip(item.text, 75), str(item.id))


def _items_input(items: Sequence[ActionItem], more: int) -> Block:
    element: dict[str, Any] = {
        "type": "checkboxes",
        "action_id": ANSWER_ACTION,
        "options": [_item_option(i) for i in items],
    }
    hint = "Unticked items stay open and carry over to your next meeting."
    if more:
        hint += f" {more} more in `/mentor actions`."
    return input_block(ITEMS_BLOCK, "Your open items — tick what's done", element, hint=hint, optional=True)


def _goal_input(goal: Goal) -> Block:
    steps = sorted({*PROGRESS_STEPS, goal.progress})
    element = select_element(
        ANSWER_ACTION, [(str(p), f"{p} %") for p in steps], initial=str(goal.progress), placeholder="Progress"
    )
    label = clip(f"Progress: {goal.title}", 150)
    hint = f"Now {goal.progress} %. Where does this goal stand after your conversation?"
    return input_block(goal_block_id(goal.id), label, element, hint=hint, optional=True)


def _rating_input(initial: int | None) -> Block:
    words = {LOWEST: f"{LOWEST} – not useful", HIGHEST: f"{HIGHEST} – very useful"}
    element = select_element(
        ANSWER_ACTION,
        [(str(n), words.get(n, str(n))) for n in range(LOWEST, HIGHEST + 1)],
        initial=str(initial) if initial is not None else None,
        placeholder="Rate it",
    )
    hint = "Optional and private: your program lead only sees averages over several people, never yours."
    return input_block(RATING_BLOCK, RATING_QUESTION, element, hint=hint, optional=True)


def answer_modal(*, form: AnswerForm, role: str | None, rating: int | None = None) -> dict[str, Any]:
    """The questions, the member's own open items to tick off, and a progress step for each active goal."""
    steps_hint = "One per line — each becomes a follow-through item, due at your next meeting."
    if role == "mentor":
        steps_hint += " Start a line with resource:, contact: or info: for something you'll send."

    def initial(name: str) -> str:
        return str(getattr(form.answer, name, "") or "") if form.answer is not None else ""

    which = f" (meeting {form.number})" if form.number else ""
    blocks: list[Block] = [
        section(f"About {form.about}{which}. Answer what you like; you can edit your answers later."),
        _answer_input("useful", QUESTIONS["useful"], initial("useful")),
        _answer_input("next_steps", QUESTIONS["next_steps"], initial("next_steps"), steps_hint),
        _answer_input(
            "before_next", QUESTIONS["before_next"], initial("before_next"), "One per line, like next steps."
        ),
        _answer_input(
            "focus",
            QUESTIONS["focus"],
            initial("focus") or initial("changes"),
            "Optional. What you write here can become the theme of your next meeting.",
        ),
    ]
    if form.items:
        blocks.append(_items_input(form.items, form.more_items))
    blocks.extend(_goal_input(goal) for goal in form.goals)
    blocks.append(_rating_input(rating))
    return modal(
        "Closing questions",
        blocks,
        callback_id=ANSWER_CALLBACK,
        submit="Save",
        private_metadata=encode(c=form.checkin_id),
    )


def _answer_lines(answer: CheckInAnswer) -> str:
    labels = {
        "useful": "Useful",
        "next_steps": "Next steps",
        "before_next": "Before next time",
        "changes": "Changes",
        "focus": "For next time",
    }
    parts = []
    for name, label in labels.items():
        value = getattr(answer, name).strip()
        if value:
            parts.append(f"*{label}:* " + escape_mrkdwn("; ".join(split_lines(value))))
    return "\n".join(parts) or "_(no answers)_"


def summary_message(
    *, pair: Pair, answers: Mapping[str, CheckInAnswer], item_count: int, next_at: datetime | None
) -> tuple[str, list[Block]]:
    """Posted in the thread once both answered."""
    blocks: list[Block] = [section(":sparkles: *You both answered — here's your wrap-up.*")]
    for user in (pair.mentee_id, pair.mentor_id):
        answer = answers.get(user)
        if answer is not None:
            blocks.append(section(clip(f"<@{user}>\n{_answer_lines(answer)}", 2900)))
    due = f", due at your next meeting {slack_date(next_at)}" if next_at else ""
    plural = "s" if item_count != 1 else ""
    blocks.append(context(f"{item_count} open follow-through item{plural}{due}. `/mentor actions` lists yours."))
    return "You both answered the closing questions — here's your wrap-up.", blocks


def reply_ack_text(user: str, new_items: int) -> str:
    if new_items:
        return f"Thanks <@{user}> — noted, with {new_items} new follow-through item{'s' if new_items != 1 else ''}."
    return f"Thanks <@{user}> — noted."
