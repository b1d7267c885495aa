"""The App Home tab."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from blocks.common import Block, context, divider, header, section
from blocks.format import slack_date
from mentoring.home import PairSummary
from storage.models import PairStatus


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


def home_view(summaries: Sequence[PairSummary], viewer: str) -> dict[str, Any]:
    blocks: list[Block] = [header("Your mentoring")]
    if not summaries:
        blocks.append(
            section(
                "You're not in a mentoring pair yet. When your program lead pairs you, I'll open a group DM "
                "with your partner and walk you both through it."
            )
        )
    for summary in summaries[:20]:
        blocks.append(_pair_section(summary, viewer))
        blocks.append(divider())
    blocks.append(
        context("`/mentor goals` · `/mentor actions` · `/mentor roadmap` · `/mentor boundaries` · `/mentor help`")
    )
    return {"type": "home", "blocks": blocks}
