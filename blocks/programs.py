"""Block Kit for programs (cohorts): the admins' program form, and the end-of-program closing message and survey."""

from __future__ import annotations

from datetime import date
from typing import Any

from blocks.common import (
    Block,
    actions,
    button,
    context,
    input_block,
    modal,
    option,
    picker_element,
    section,
    select_element,
    text_element,
)
from blocks.limits import SELECT_OPTIONS_MAX, clip
from blocks.metadata import encode
from mentoring import programs as rules
from mentoring import surveys
from mentoring.text import escape_mrkdwn
from storage.models import Pair, Program, SurveyResponse

PROGRAM_CALLBACK = "program_form"
PICK_BLOCK = "program_pick"
PICK_ACTION = "program_pick"
NEW_PROGRAM = "new"
SURVEY_CALLBACK = "program_survey"
SURVEY_ACTION = "program_survey_open"


def _day(day: date) -> str:
    return f"{day:%a %-d %b %Y}"


def program_options(programs: list[Program], *, limit: int = SELECT_OPTIONS_MAX) -> list[tuple[str, str]]:
    """``(id, "name (start – end)")`` for a select, newest first, within Slack's option limit."""
    return [(str(p.id), f"{p.name} ({p.starts_on:%-d %b %Y} – {p.ends_on:%-d %b %Y})") for p in programs[:limit]]


def program_modal(programs: list[Program], chosen: Program | None, today: date) -> dict[str, Any]:
    """Create a program, or change the one picked from the list of existing ones."""
    blocks: list[Block] = []
    if programs:
        choices = [(NEW_PROGRAM, "➕ A new program"), *program_options(programs, limit=SELECT_OPTIONS_MAX - 1)]
        picker = select_element(
            PICK_ACTION, choices, initial=str(chosen.id) if chosen else NEW_PROGRAM, placeholder="Pick a program"
        )
        blocks.append(section("*Create a new program, or pick one to change:*", block_id=PICK_BLOCK, accessory=picker))
    else:
        blocks.append(section("A program groups pairs that start and finish together, e.g. a spring cohort."))
    blocks += [
        input_block(
            rules.NAME,
            "Name",
            text_element(
                "name_input",
                max_length=rules.NAME_MAX,
                initial=chosen.name if chosen else None,
                placeholder="Spring 2027 engineering mentoring",
            ),
            hint="Unique in this workspace. To pair people into it: /mentor pair @mentor @mentee <its name>",
        ),
        input_block(
            rules.STARTS_ON,
            "Start date",
            picker_element("datepicker", "starts_on_input", initial=chosen.starts_on.isoformat() if chosen else None),
        ),
        input_block(
            rules.ENDS_ON,
            "End date",
            picker_element("datepicker", "ends_on_input", initial=chosen.ends_on.isoformat() if chosen else None),
            hint="On this day every active pair gets a closing message with a short survey.",
        ),
        context(f"New pairs join the program running today (if any) unless you name another. Today is {_day(today)}."),
    ]
    return modal(
        "Change program" if chosen else "New program",
        blocks,
        callback_id=PROGRAM_CALLBACK,
        submit="Save",
        private_metadata=encode(program_id=chosen.id if chosen else None),
    )


def program_saved_view(program: Program, *, created: bool, current: bool, today: date) -> dict[str, Any]:
    verb = "created" if created else "saved"
    lines = [
        f":white_check_mark: *{escape_mrkdwn(program.name)}* {verb}: "
        f"{_day(program.starts_on)} – {_day(program.ends_on)}."
    ]
    if current:
        lines.append("It is running now, so new pairs join it unless you name another program.")
    elif program.starts_on > today:
        lines.append(
            "It hasn't started yet: pair people into it with "
            f"`/mentor pair @mentor @mentee {escape_mrkdwn(program.name)}` or pick it in `/mentor import`."
        )
    else:
        lines.append("Its end date has passed, so new pairs can't join it.")
    return modal("Programs", [section("\n".join(lines))], close="Done")


def closing_message(pair: Pair, program: Program, closes_on: date) -> tuple[str, list[Block]]:
    """The post into the pair DM at the program's end: thanks, the survey, and the choice to continue."""
    name = escape_mrkdwn(program.name)
    text = (
        f":tada: <@{pair.mentee_id}> <@{pair.mentor_id}>, *{name}* has come to its end. Thank you both for the "
        "time and care you put into it!"
    )
    body = (
        "Please each take a minute for the closing survey: how useful it was, whether you met your goals, "
        "and whether you'd like to keep meeting.\n"
        f"If you *both* choose to continue, your pairing stays as it is. Otherwise I'll close it on {_day(closes_on)}."
    )
    blocks = [
        section(text),
        section(body),
        actions(button("Answer the survey", SURVEY_ACTION, str(pair.id), style="primary")),
        context("The program lead sees your scores, not your comment, unless you tick *share* in the survey."),
    ]
    return f"{text} {body}", blocks


def _radio(action_id: str, choices: list[tuple[str, str]], initial: str | None) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "radio_buttons",
        "action_id": action_id,
        "options": [option(t, v) for v, t in choices],
    }
    chosen = next((o for o in element["options"] if o["value"] == initial), None)
    if chosen:
        element["initial_option"] = chosen
    return element


USEFULNESS_LABELS = [
    ("5", "5 — very useful"),
    ("4", "4 — useful"),
    ("3", "3 — somewhat useful"),
    ("2", "2 — a little useful"),
    ("1", "1 — not useful"),
]


def survey_modal(pair: Pair, program: Program, answered: SurveyResponse | None) -> dict[str, Any]:
    """The end-of-program survey, pre-filled with the member's earlier answers."""
    share = {"text": {"type": "mrkdwn", "text": "Share my comment with the program lead"}, "value": "share"}
    share_element: dict[str, Any] = {"type": "checkboxes", "action_id": "share_input", "options": [share]}
    if answered and answered.share_with_lead:
        share_element["initial_options"] = [share]
    blocks: list[Block] = [
        section(f"*{escape_mrkdwn(clip(program.name, 200))}* has ended. Four quick questions:"),
        input_block(
            surveys.USEFUL,
            "How useful was the program for you?",
            select_element(
                "usefulness_input",
                USEFULNESS_LABELS,
                initial=str(answered.usefulness) if answered else None,
                placeholder="1 to 5",
            ),
        ),
        input_block(
            surveys.GOALS,
            "Did you meet your goals?",
            _radio(
                "goals_input",
                [("yes", "Yes"), ("partly", "Partly"), ("no", "No")],
                answered.goals_met if answered else None,
            ),
        ),
        input_block(
            surveys.CONTINUE_CHOICE,
            "Would you like to keep meeting after the program?",
            _radio(
                "continue_input",
                [("yes", "Yes, let's continue"), ("no", "No, let's wrap up")],
                answered.continue_choice if answered else None,
            ),
            hint="If you both say yes, your pairing stays active.",
        ),
        input_block(
            surveys.COMMENT,
            "Anything else? (one line)",
            text_element(
                "comment_input",
                max_length=surveys.COMMENT_MAX,
                initial=answered.comment if answered else None,
                placeholder="What made the biggest difference?",
            ),
            optional=True,
            hint="Private to the two of you unless you tick the box below.",
        ),
        input_block(surveys.SHARE, "The program lead", share_element, optional=True),
    ]
    return modal(
        "Closing survey",
        blocks,
        callback_id=SURVEY_CALLBACK,
        submit="Send",
        private_metadata=encode(pair_id=pair.id),
    )


_GOALS_WORDS = {"yes": "met their goals", "partly": "partly met their goals", "no": "didn't meet their goals this time"}


def answered_message(
    pair: Pair, response: SurveyResponse, *, other_answered: bool, both_continue: bool, closes_on: date | None
) -> str:
    """Told in the pair DM when a member answers: their choice about continuing, and what happens next."""
    who = f"<@{response.user_id}>"
    keep = "would like to keep meeting" if response.continue_choice == "yes" else "would like to wrap up"
    lines = [f":ballot_box_with_check: {who} answered the closing survey and {keep}."]
    if response.comment:
        lines.append(f"Their note: “{escape_mrkdwn(response.comment)}”")
    if both_continue:
        lines.append(
            ":seedling: You both chose to continue, so your pairing stays active after the program. "
            "Keep going as you are; `/mentor boundaries` and `/mentor goals` work as before."
        )
    elif other_answered:
        when = f" on {_day(closes_on)}" if closes_on else " when the survey closes"
        lines.append(f"As you didn't both choose to continue, I'll close this pairing{when}. Thank you both!")
    else:
        lines.append(
            f"<@{pair.other_member(response.user_id)}>, your answers are welcome too: *Answer the survey* above."
        )
    return "\n".join(lines)


def farewell_text(pair: Pair, program: Program) -> str:
    """The friendly closing line when a pair is ended after the survey window."""
    return (
        f":sparkles: <@{pair.mentee_id}> <@{pair.mentor_id}>, *{escape_mrkdwn(program.name)}* is over, so I'm closing "
        "this pairing now. Thank you both, and all the best for what comes next! You can still reach each other "
        "here any time, and `/mentor export` gives you your data."
    )


def shared_comment_text(program: Program, response: SurveyResponse) -> str:
    """A closing-survey comment a member chose to share with the program lead."""
    return (
        f":speech_balloon: <@{response.user_id}> shared a closing-survey comment from "
        f"*{escape_mrkdwn(program.name)}* with you: “{escape_mrkdwn(response.comment)}”"
    )
