"""Parsing of the text users type after ``/mentor``: the subcommand and Slack mentions."""

from __future__ import annotations

import re

MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")


def split_command(text: str | None) -> tuple[str, str]:
    """``"pair <@U1> <@U2>"`` → ``("pair", "<@U1> <@U2>")``; the subcommand is lower-cased."""
    stripped = (text or "").strip()
    if not stripped:
        return "", ""
    head, *rest = stripped.split(None, 1)  # any whitespace: users type tabs and newlines too
    return head.lower(), rest[0].strip() if rest else ""


def parse_mentions(text: str | None) -> list[str]:
    """User IDs of every mention, in order, for both ``<@U123>`` and ``<@U123|name>``."""
    return MENTION.findall(text or "")
