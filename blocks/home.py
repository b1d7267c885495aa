"""The App Home tab: a member's own pairs and, for program admins, the whole program, one page at a time."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from blocks.common import Block, actions, button, context, divider, header, mrkdwn, plain, section, select_element
from blocks.format import slack_date
from blocks.limits import VIEW_BLOCKS_MAX
from blocks.metadata import encode
from mentoring.home import HomeFilter, PairSummary, ProgramPage
from mentoring.program_status import PairState
from storage.models import PairStatus

LEAD_NUDGE_ACTION = "lead_nudge"
LEAD_END_ACTION = "lead_end"
LEAD_FILTER_ALL_ACTION = "lead_filter_all"
LEAD_FILTER_ATTENTION_ACTION = "lead_filter_attention"
LEAD_PREVIOUS_ACTION = "lead_page_previous"
LEAD_NEXT_ACTION = "lead_page_next"
LEAD_PROGRAM_ACTION = "lead_program"
#: The program select's value for "every pair of the workspace".
ALL_PROGRAMS = "all"
LEAD_ACTIONS = (
    LEAD_NUDGE_ACTION,
    LEAD_END_ACTION,
    LEAD_FILTER_ALL_ACTION,
    LEAD_FILTER_ATTENTION_ACTION,
    LEAD_PREVIOUS_ACTION,
    LEAD_NEXT_ACTION,
    LEAD_PROGRAM_ACTION,
)
#: A member's own pairs listed on the Home (more are rare; the rest are counted).
OWN_PAIRS_SHOWN = 20


def _pair_section(summary: PairSummary, viewer: str) -> Block:
    pair = summary.pair
    other = pair.other_member(viewer)
    who = f"Mentoring <@{other}>" if summary.role == "mentor" else f"Mentored by <@{other}>"
    if pair.status == PairStatus.PENDING:
        return section(f"*{who}* — waiting for both of you to press *Accept* in your pair DM.")
    lines = [f"*{who}*"]
    lines.append(
        f"Next meeting: {slack_date(summary.next_meeting)}"
        if summary.next_meeting
        else "Next meeting: not planned yet — agree on boundaries with `/mentor boundaries`."
    )
    lines.append(f"{summary.active_goals} active goal(s) · {summary.my_open_items} open follow-through item(s) for you")
    return section("\n".join(lines))


def _own_blocks(summaries: Sequence[PairSummary], viewer: str, *, admin: bool) -> list[Block]:
    blocks: list[Block] = [header("Your mentoring")]
    if not summaries:
        blocks.append(
            section(
                "You're in no mentoring pair yourself; the program is below."
                if admin
                else "You're not in a mentoring pair yet. When your program lead pairs you, I'll open a group DM "
                "with your partner and walk you both through it."
            )
        )
    for summary in summaries[:OWN_PAIRS_SHOWN]:
        blocks.append(_pair_section(summary, viewer))
        blocks.append(divider())
    if len(summaries) > OWN_PAIRS_SHOWN:
        blocks.append(context(f"… and {len(summaries) - OWN_PAIRS_SHOWN} more pairs of yours."))
    blocks.append(
        context("`/mentor goals` · `/mentor actions` · `/mentor roadmap` · `/mentor boundaries` · `/mentor help`")
    )
    return blocks


def _end_confirm(state: PairState) -> dict[str, Any]:
    pair = state.pair
    return {
        "title": plain("End this pairing?", 100),
        "text": mrkdwn(
            f"The pairing of <@{pair.mentor_id}> and <@{pair.mentee_id}> ends now; I'll tell them in their DM "
            "and stop all reminders. Their data is kept."
        ),
        "confirm": plain("End the pairing", 30),
        "deny": plain("Keep it", 30),
        "style": "danger",
    }


def _program_pair(state: PairState) -> list[Block]:
    pair = state.pair
    lines = [
        f"*<@{pair.mentor_id}> mentoring <@{pair.mentee_id}>* · {state.stage_words}",
        f"Last activity {slack_date(state.last_activity, '{date_short_pretty}')}"
        + (f" · next meeting {slack_date(state.next_meeting)}" if state.next_meeting else ""),
    ]
    lines += [f":warning: {reason.text}" for reason in state.attention]
    blocks = [section("\n".join(lines), block_id=f"lead_pair_{pair.id}")]
    if state.live:
        buttons = []
        if state.needs_attention and pair.channel_id:
            buttons.append(button("Nudge", LEAD_NUDGE_ACTION, str(pair.id)))
        end = button("End", LEAD_END_ACTION, str(pair.id), style="danger")
        end["confirm"] = _end_confirm(state)
        buttons.append(end)
        blocks.append(actions(*buttons, block_id=f"lead_buttons_{pair.id}"))
    return blocks


def _counts_line(page: ProgramPage) -> str:
    c = page.counts
    attention = f"*{c.needs_attention}* need attention" if c.needs_attention else "none needs attention"
    return (
        f"*{c.live}* live pairs: *{c.invited}* invited, *{c.setting_up}* getting started, "
        f"*{c.meeting}* in their meeting series · {attention} · *{c.ended}* ended"
    )


def program_blocks(page: ProgramPage) -> list[Block]:
    """The program section: counts, the filter, this page's pairs, and the pager."""
    attention = page.filter == HomeFilter.ATTENTION
    all_button = button("All pairs", LEAD_FILTER_ALL_ACTION, HomeFilter.ALL, style=None if attention else "primary")
    attention_button = button(
        f"Needs attention ({page.counts.needs_attention})",
        LEAD_FILTER_ATTENTION_ACTION,
        HomeFilter.ATTENTION,
        style="primary" if attention else None,
    )
    choices: list[dict[str, Any]] = [all_button, attention_button]
    if page.programs:
        options = [(ALL_PROGRAMS, "All programs"), *((str(pid), name) for pid, name in page.programs[:99])]
        initial = str(page.program_id) if page.program_id is not None else ALL_PROGRAMS
        choices.append(select_element(LEAD_PROGRAM_ACTION, options, initial=initial, placeholder="Program"))
    program_name = dict(page.programs).get(page.program_id) if page.program_id is not None else None
    blocks: list[Block] = [
        header(f"The program: {program_name}" if program_name else "The program"),
        section(_counts_line(page)),
        actions(*choices, block_id="lead_filter"),
    ]
    if not page.states:
        blocks.append(
            section(
                "No pair needs attention right now."
                if attention
                else "No pairs yet. Pair people with `/mentor pair @mentor @mentee` or `/mentor import`."
            )
        )
    for state in page.states:
        blocks.extend(_program_pair(state))
    if page.pages > 1:
        pager = []
        if page.page > 0:
            pager.append(button("Previous page", LEAD_PREVIOUS_ACTION, str(page.page - 1)))
        if page.page < page.pages - 1:
            pager.append(button("Next page", LEAD_NEXT_ACTION, str(page.page + 1)))
        blocks.append(context(f"Page {page.page + 1} of {page.pages} · {page.matching} pairs"))
        blocks.append(actions(*pager, block_id="lead_pager"))
    return blocks


def home_view(
    summaries: Sequence[PairSummary],
    viewer: str,
    program: ProgramPage | None = None,
    *,
    notice: str | None = None,
) -> dict[str, Any]:
    """The Home tab: ``notice`` (the answer to a press) on top, the viewer's pairs, then ``program`` for admins."""
    blocks: list[Block] = [section(notice)] if notice else []
    blocks += _own_blocks(summaries, viewer, admin=program is not None)
    view: dict[str, Any] = {"type": "home", "blocks": blocks}
    if program is not None:
        blocks += [divider(), *program_blocks(program)]
        view["private_metadata"] = encode(f=program.filter, pg=program.page, p=program.program_id)
    if len(blocks) > VIEW_BLOCKS_MAX:  # cannot happen with the page sizes above; never publish a broken view
        raise ValueError(f"the Home has {len(blocks)} blocks, over Slack's {VIEW_BLOCKS_MAX}")
    return view
