"""The ``/mentor help`` screen."""

from __future__ import annotations

from collections.abc import Sequence

from blocks.common import Block, context, section


def help_blocks(entries: Sequence[tuple[str, str]], *, intro: str | None = None) -> list[Block]:
    """``entries`` are (usage, summary) pairs, e.g. ("goals", "your pair's SMART goals")."""
    lines = "\n".join(f"• `/mentor {usage}` — {summary}" for usage, summary in entries)
    blocks: list[Block] = []
    if intro:
        blocks.append(section(intro))
    intro_line = "*mentor-bot* walks each mentoring pair through what makes mentoring work."
    blocks.append(section(f"{intro_line}\n{lines}"))
    blocks.append(context("Run a pair command inside your pair's DM to act on that pair."))
    return blocks


def help_text(entries: Sequence[tuple[str, str]]) -> str:
    return "mentor-bot commands: " + ", ".join(f"/mentor {usage}" for usage, _ in entries)
