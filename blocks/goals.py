"""Block Kit for ``/mentor goals``: the list (paginated), the SMART form, progress, detail and notes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from blocks.common import (
    Block,
    actions,
    button,
    context,
    divider,
    input_block,
    modal,
    picker_element,
    plain,
    section,
    text_element,
)
from blocks.format import escape_mrkdwn, slack_date
from blocks.limits import clip
from blocks.metadata import encode
from blocks.metadata import read_metadata as read_metadata  # the list and forms' metadata, for tests
from mentoring.goals import NOTE_MAX, TEXT_MAX, TITLE_MAX, GoalCounts, GoalPage, is_overdue
from storage.models import Goal, GoalStatus, GoalUpdate, Pair

LIST_CALLBACK = "goals_list"
FORM_CALLBACK = "goals_form"
PROGRESS_CALLBACK = "goals_progress_form"
DETAIL_CALLBACK = "goals_detail"

ADD_ACTION = "goals_add"
EDIT_ACTION = "goals_edit"
PROGRESS_ACTION = "goals_progress"
DONE_ACTION = "goals_done"
DETAIL_ACTION = "goals_detail"
PAGE_ACTION = "goals_page"
INPUT_ACTION = "value"

#: Goal field → block id of its input in the SMART form (modal errors are keyed by block id).
FIELD_BLOCKS = {
    "title": "specific_title",
    "description": "specific_description",
    "measurable": "measurable",
    "achievable": "achievable",
    "relevant": "relevant",
    "due_on": "time_bound",
}
PERCENT_BLOCK = "progress_percent"
NOTE_BLOCK = "progress_note"
PROGRESS_BLOCKS = {"progress": PERCENT_BLOCK, "note": NOTE_BLOCK}

SMART_INTRO = (
    "*SMART goals* are Specific, Measurable, Achievable, Relevant and Time-bound.\n"
    "Write down what exactly you'll achieve and by when, then come back here to track progress together."
)


# ---- small helpers -----------------------------------------------------------------


def one_line(text: str, limit: int) -> str:
    return clip(" ".join(text.split()), limit)


def progress_bar(percent: int, width: int = 10) -> str:
    """``▓▓▓▓░░░░░░ 40%``: a text bar that never shows full before 100 %."""
    percent = min(max(int(percent), 0), 100)
    filled = percent * width // 100
    return "▓" * filled + "░" * (width - filled) + f" {percent}%"


def day_text(day: date) -> str:
    """A calendar date as people read it (a date has no time zone, so no ``<!date>`` here)."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def problem_view(message: str, title: str = "Goals") -> dict[str, Any]:
    """A modal that only says what went wrong (nothing of anyone's goals)."""
    return modal(title, [section(f":no_entry: {message}")], close="Close")


def status_text(goal: Goal, today: date) -> str:
    if goal.status == GoalStatus.DONE:
        done_on = f" on {day_text(goal.completed_on)}" if goal.completed_on else ""
        return f":white_check_mark: Done{done_on}"
    if is_overdue(goal, today):
        return ":warning: *Overdue*"
    return ":hourglass_flowing_sand: Active"


# ---- the list ----------------------------------------------------------------------------


def _goal_blocks(goal: Goal, today: date) -> list[Block]:
    gid = str(goal.id)
    summary = (
        f"*{escape_mrkdwn(goal.title)}*\n"
        f"Due {day_text(goal.due_on)} · `{progress_bar(goal.progress)}` · {status_text(goal, today)}"
    )
    blocks = [
        section(summary, block_id=f"goal_{gid}"),
        context(f"Last update {slack_date(goal.updated_at)}"),
    ]
    blocks[1]["block_id"] = f"goal_{gid}_updated"
    history = button("History", DETAIL_ACTION, gid)
    if goal.status == GoalStatus.ACTIVE:
        done = button("Mark done", DONE_ACTION, gid)
        done["confirm"] = {
            "title": plain("Mark this goal done?", 100),
            "text": plain(f"“{clip(goal.title, 150)}” will be recorded as done today.", 300),
            "confirm": plain("Mark done", 30),
            "deny": plain("Not yet", 30),
        }
        buttons = [button("Update progress", PROGRESS_ACTION, gid, style="primary"), button("Edit", EDIT_ACTION, gid)]
        blocks.append(actions(*buttons, done, history, block_id=f"goal_{gid}_actions"))
    else:
        blocks.append(actions(history, block_id=f"goal_{gid}_actions"))
    return blocks


def list_view(page: GoalPage, *, pair: Pair, today: date, notice: str | None = None) -> dict[str, Any]:
    """The root modal: one page of the pair's goals with their buttons, and Previous / Next."""
    blocks: list[Block] = []
    if notice:
        blocks.append(context(notice))
    add = button("Add goal", ADD_ACTION, "add", style="primary")
    if page.total == 0:
        blocks.append(section(SMART_INTRO, block_id="goals_intro"))
        blocks.append(actions(add, block_id="goals_add"))
    else:
        blocks.append(
            section(
                f"Goals of <@{pair.mentor_id}> (mentor) and <@{pair.mentee_id}> (mentee): "
                f"{page.total} in all. Check them in your meetings.",
                block_id="goals_intro",
                accessory=add,
            )
        )
        for goal in page.goals:
            blocks.append(divider())
            blocks.extend(_goal_blocks(goal, today))
        if page.pages > 1:
            nav = []
            if page.page > 0:
                nav.append(button("◀ Previous", PAGE_ACTION, str(page.page - 1)))
            if page.page < page.pages - 1:
                nav.append(button("Next ▶", PAGE_ACTION, str(page.page + 1)))
            blocks.append(divider())
            blocks.append(context(f"Page {page.page + 1} of {page.pages}"))
            blocks.append(actions(*nav, block_id="goals_pages"))
    return modal(
        "SMART goals",
        blocks,
        callback_id=LIST_CALLBACK,
        close="Close",
        private_metadata=encode(p=pair.id, pg=page.page),
    )


def counts_text(pair: Pair, counts: GoalCounts) -> str:
    """What an admin who is not in the pair may see: numbers only."""
    overdue = f" ({counts.overdue} overdue)" if counts.overdue else ""
    return (
        f"<@{pair.mentor_id}> (mentor) and <@{pair.mentee_id}> (mentee) have {counts.active} active "
        f"goal{'s' if counts.active != 1 else ''}{overdue} and {counts.done} done. "
        "Only the pair can see what their goals are."
    )


# ---- the SMART form ----------------------------------------------------------------------


def _text_input(
    block_id: str,
    label: str,
    hint: str,
    *,
    initial: str = "",
    max_length: int,
    multiline: bool = False,
    optional: bool = False,
    placeholder: str = "",
) -> Block:
    element = text_element(
        INPUT_ACTION, max_length=max_length, multiline=multiline, initial=initial, placeholder=placeholder
    )
    return input_block(block_id, label, element, hint=hint, optional=optional)


#: The SMART form's text fields: label, hint, placeholder, longest text, multi-line, optional.
SMART_TEXT_FIELDS: dict[str, tuple[str, str, str, int, bool, bool]] = {
    "title": (
        "Specific — what exactly?",
        "A short title: what exactly will be achieved.",
        "e.g. Give a 10-minute talk at the team demo",
        TITLE_MAX,
        False,
        False,
    ),
    "description": (
        "Specific — details",
        "Anything that makes it clearer: scope, who is involved, what is not included.",
        "",
        TEXT_MAX,
        True,
        True,
    ),
    "measurable": (
        "Measurable — how will we know it is done?",
        "A metric or evidence: a number reached, a thing shipped, feedback received.",
        "",
        TEXT_MAX,
        True,
        False,
    ),
    "achievable": (
        "Achievable — what makes it realistic?",
        "The resources, time and support you have for it.",
        "",
        TEXT_MAX,
        True,
        False,
    ),
    "relevant": ("Relevant — why does it matter?", "Why it matters to the mentee's aims.", "", TEXT_MAX, True, False),
}


def _smart_input(name: str, goal: Goal | None, *, hint: str | None = None) -> Block:
    label, default_hint, placeholder, longest, multiline, optional = SMART_TEXT_FIELDS[name]
    return _text_input(
        FIELD_BLOCKS[name],
        label,
        hint or default_hint,
        initial=str(getattr(goal, name) or "") if goal else "",
        max_length=longest,
        multiline=multiline,
        optional=optional,
        placeholder=placeholder,
    )


def goal_form(
    *,
    pair: Pair,
    root_view_id: str,
    page: int,
    goal: Goal | None = None,
    wants: str | None = None,
) -> dict[str, Any]:
    """Add (``goal`` None) or edit a goal: one field per SMART letter, each with a hint."""
    blocks: list[Block] = [
        context("One field per SMART letter. Be concrete: you'll check progress on it in your meetings."),
        *(_smart_input(name, goal) for name in ("title", "description", "measurable", "achievable")),
    ]
    relevant_hint = None
    if wants:
        blocks.append(
            context(
                f"*From <@{pair.mentee_id}>'s pre-work — what they want from this:* "
                f"{escape_mrkdwn(one_line(wants, 600))}"
            )
        )
        relevant_hint = "Why it matters to the mentee's aims — link it to their pre-work (above)."
    blocks.append(_smart_input("relevant", goal, hint=relevant_hint))
    picker = picker_element(
        "datepicker", INPUT_ACTION, initial=goal.due_on.isoformat() if goal else None, placeholder="Due date"
    )
    blocks.append(
        input_block(
            FIELD_BLOCKS["due_on"], "Time-bound — due date", picker, hint="A date after today, in your time zone."
        )
    )
    return modal(
        "Edit goal" if goal else "Add a goal",
        blocks,
        callback_id=FORM_CALLBACK,
        submit="Save",
        private_metadata=encode(p=pair.id, g=goal.id if goal else None, root=root_view_id, pg=page),
    )


def progress_form(goal: Goal, *, pair: Pair, root_view_id: str, page: int) -> dict[str, Any]:
    blocks: list[Block] = [
        section(f"*{escape_mrkdwn(goal.title)}*\nNow: `{progress_bar(goal.progress)}` · due {day_text(goal.due_on)}"),
        input_block(
            PERCENT_BLOCK,
            "Progress (%)",
            {
                "type": "number_input",
                "action_id": INPUT_ACTION,
                "is_decimal_allowed": False,
                "min_value": "0",
                "max_value": "100",
                "initial_value": str(goal.progress),
            },
            hint="A whole number from 0 to 100.",
        ),
        _text_input(
            NOTE_BLOCK,
            "Note",
            "What moved since last time, or what's in the way. Kept in the goal's history.",
            max_length=NOTE_MAX,
            multiline=True,
            optional=True,
        ),
    ]
    return modal(
        "Update progress",
        blocks,
        callback_id=PROGRESS_CALLBACK,
        submit="Save",
        private_metadata=encode(p=pair.id, g=goal.id, root=root_view_id, pg=page),
    )


# ---- the detail ----------------------------------------------------------------------------


def detail_view(goal: Goal, updates: Sequence[GoalUpdate], *, total_updates: int, today: date) -> dict[str, Any]:
    """The whole goal, SMART field by field, and its progress history (newest first)."""
    blocks: list[Block] = [
        section(f"*{escape_mrkdwn(goal.title)}*\n{status_text(goal, today)} · `{progress_bar(goal.progress)}`"),
    ]
    if goal.description:
        blocks.append(section(f"*Specific:* {escape_mrkdwn(goal.description)}"))
    blocks.append(section(f"*Measurable:* {escape_mrkdwn(goal.measurable)}"))
    blocks.append(section(f"*Achievable:* {escape_mrkdwn(goal.achievable)}"))
    blocks.append(section(f"*Relevant:* {escape_mrkdwn(goal.relevant)}"))
    blocks.append(section(f"*Time-bound:* due {day_text(goal.due_on)}"))
    blocks.append(context(f"Added by <@{goal.created_by}> {slack_date(goal.created_at)}"))
    blocks.append(divider())
    blocks.append(section("*Progress history*"))
    if not updates:
        blocks.append(context("No progress updates yet."))
    for update in updates:
        note = f"\n{escape_mrkdwn(update.note)}" if update.note else ""
        blocks.append(
            section(f"`{progress_bar(update.progress)}` · <@{update.user_id}> · {slack_date(update.created_at)}{note}")
        )
    if total_updates > len(updates):
        earlier = total_updates - len(updates)
        blocks.append(context(f"…and {earlier} earlier update{'s' if earlier != 1 else ''}."))
    return modal("Goal details", blocks, callback_id=DETAIL_CALLBACK, close="Back")


# ---- one-line notes in the pair DM -----------------------------------------------------


def added_note(goal: Goal, by: str) -> str:
    title = escape_mrkdwn(one_line(goal.title, TITLE_MAX))
    return f":dart: <@{by}> added a goal: *{title}* (due {day_text(goal.due_on)})."


def edited_note(goal: Goal, by: str) -> str:
    title = escape_mrkdwn(one_line(goal.title, TITLE_MAX))
    return f":pencil2: <@{by}> edited the goal *{title}* (due {day_text(goal.due_on)})."


def progress_note(goal: Goal, by: str, note: str) -> str:
    said = f" — “{escape_mrkdwn(one_line(note, 200))}”" if note.strip() else ""
    title = escape_mrkdwn(one_line(goal.title, TITLE_MAX))
    return f":chart_with_upwards_trend: <@{by}> updated *{title}*: {progress_bar(goal.progress)}{said}"


def done_note(goal: Goal, by: str) -> str:
    return f":tada: <@{by}> marked the goal *{escape_mrkdwn(one_line(goal.title, TITLE_MAX))}* done. Well done!"
