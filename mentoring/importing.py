"""``/mentor import``: many ``mentor, mentee`` lines at once, each side a mention, a user ID or an e-mail."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session

from mentoring.problems import Problem
from mentoring.programs import current_program, program_in_team
from mentoring.text import escape_mrkdwn
from storage.models import Program

MAX_LINES = 200
MAX_TEXT = 3000
_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
_USER_ID = re.compile(r"^@?([UW][A-Z0-9]{2,})$")
_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
#: The import form's choice of no program at all.
NO_PROGRAM = "none"


@dataclass(frozen=True)
class ImportLine:
    number: int
    mentor: str
    mentee: str


@dataclass
class ImportReport:
    created: list[tuple[int, str, str]] = field(default_factory=list)  # line, mentor id, mentee id
    problems: list[tuple[int, str]] = field(default_factory=list)  # line, what is wrong
    program: str | None = None  # the program the new pairs joined

    def text(self) -> str:
        joined = f" in *{escape_mrkdwn(self.program)}*" if self.program and self.created else ""
        lines = [
            f"*Import finished:* {len(self.created)} pair(s) created{joined}, {len(self.problems)} line(s) skipped."
        ]
        lines += [f"• line {n}: <@{mentor}> → <@{mentee}> paired" for n, mentor, mentee in self.created]
        lines += [f"• line {n}: {problem}" for n, problem in sorted(self.problems)]
        return "\n".join(lines)


def parse_lines(text: str) -> tuple[list[ImportLine], list[tuple[int, str]]]:
    """Split the pasted text into pair lines; blank lines and ``#`` comments are skipped."""
    parsed: list[ImportLine] = []
    problems: list[tuple[int, str]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = [p.strip() for p in re.split(r"[,;\t]", line) if p.strip()]
        if len(parts) != 2:
            problems.append((number, f"expected `mentor, mentee`, got `{escape_mrkdwn(line[:80])}`"))
            continue
        parsed.append(ImportLine(number, parts[0], parts[1]))
    return parsed, problems


def check_text(text: str) -> Problem | None:
    if not text.strip():
        return Problem("Paste at least one `mentor, mentee` line.")
    if len(text) > MAX_TEXT:
        return Problem(f"That's more than {MAX_TEXT} characters; import in smaller batches.")
    if len(text.splitlines()) > MAX_LINES:
        return Problem(f"At most {MAX_LINES} lines at once; import in smaller batches.")
    return None


def resolve_person(token: str, lookup_email: Callable[[str], str | None]) -> str | Problem:
    """A Slack user ID from a mention, an ID or an e-mail address (looked up with ``lookup_email``)."""
    if match := _MENTION.match(token):
        return match.group(1)
    if match := _USER_ID.match(token):
        return match.group(1)
    if _EMAIL.match(token):
        user_id = lookup_email(token)
        return user_id if user_id else Problem(f"no Slack user with the e-mail `{escape_mrkdwn(token)}`")
    return Problem(f"`{escape_mrkdwn(token[:60])}` is not a mention, a user ID or an e-mail address")


def chosen_program(session: Session, *, team_id: str, value: str | None, today: date) -> Program | Problem | None:
    """The program picked in the import form: none, a program of this workspace still open, or (no
    choice in the form) the one running today."""
    if value is None:
        return current_program(session, team_id, today)
    if value == NO_PROGRAM:
        return None
    program = program_in_team(session, team_id, value)
    if program is None:
        return Problem("That program no longer exists; pick another.")
    if program.ends_on < today:
        return Problem(f"“{escape_mrkdwn(program.name)}” has ended; new pairs can't join it.")
    return program
