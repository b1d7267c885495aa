"""Expected problems (not a member, bad input, unknown pair) as plain values the edge turns into messages."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """Something the user should be told, in words they understand; nothing was changed."""

    message: str

    def __str__(self) -> str:
        return self.message


NOT_IN_PAIR = Problem("You're not part of this pair, so you can't see or change its data.")
NO_PAIR = Problem("You're not in an active mentoring pair yet. Your program lead pairs people with `/mentor pair`.")
ADMINS_ONLY = Problem("Only program admins can do that. Ask your program lead (see `MENTOR_ADMINS`).")
