"""Programs (cohorts): a named span of dates pairs belong to, and what happens when one ends.

The *current* program of a workspace is the one whose dates contain today (the newest start if
several); new pairs join it unless the admin names another (or none exists: then no program, as
before programs existed). Dates are read in the workspace's default time zone (``MENTOR_DEFAULT_TZ``).

When a program ends, every active pair in it is sent a closing message with the end-of-program
survey (``mentoring.surveys``); ``SURVEY_WINDOW`` after that message a pair whose two members did not
both choose to continue is ended gently. Pairs that continue keep their program (reports still count
them in it) and simply stay active.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import update
from sqlmodel import Session, col, select

from mentoring.problems import Problem
from mentoring.text import escape_mrkdwn
from storage.db import rows_matched
from storage.models import Pair, PairStatus, Program

NAME_MAX = 80
NAME_MIN = 3
#: The longest program we accept (a typo in the year should not make a ten-year cohort).
LONGEST = timedelta(days=3 * 366)
#: How long after the closing message the members have to answer the survey and choose to continue.
SURVEY_WINDOW = timedelta(days=14)
#: The form's fields (also the modal's block ids, so errors land on the right input).
NAME, STARTS_ON, ENDS_ON = "name", "starts_on", "ends_on"
FIELDS = (NAME, STARTS_ON, ENDS_ON)

FieldErrors = dict[str, str]


@dataclass(frozen=True)
class ProgramIn:
    name: str
    starts_on: date
    ends_on: date


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def today_in(now: datetime, tz: str) -> date:
    """The workspace's date at ``now`` (programs are dates in the workspace's default zone)."""
    return now.astimezone(_zone(tz)).date()


def day_start(day: date, tz: str) -> datetime:
    """Midnight starting ``day`` in ``tz``, as a UTC instant."""
    return datetime.combine(day, time(0), tzinfo=_zone(tz)).astimezone(UTC)


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def clean_name(value: str | None) -> str:
    """A program name as typed, with runs of whitespace made one space and surrounding quotes dropped."""
    name = " ".join((value or "").split())
    if len(name) >= 2 and name[0] == name[-1] and name[0] in "\"'“”":
        name = name[1:-1].strip()
    return name.strip("“”").strip()


def validate_program(raw: Mapping[str, str | None]) -> ProgramIn | FieldErrors:
    """The form's values, or an error for each field that is wrong (name required, end after start)."""
    errors: FieldErrors = {}
    name = clean_name(raw.get(NAME))
    if not name:
        errors[NAME] = "Give the program a name, e.g. “Spring 2027 engineering mentoring”."
    elif len(name) < NAME_MIN:
        errors[NAME] = f"Use at least {NAME_MIN} characters, so people recognise it."
    elif len(name) > NAME_MAX:
        errors[NAME] = f"Keep the name to {NAME_MAX} characters or fewer (it has {len(name)})."
    starts_on, ends_on = _date(raw.get(STARTS_ON)), _date(raw.get(ENDS_ON))
    if starts_on is None:
        errors[STARTS_ON] = "Pick the date the program starts."
    if ends_on is None:
        errors[ENDS_ON] = "Pick the date the program ends."
    if starts_on is not None and ends_on is not None:
        if ends_on <= starts_on:
            errors[ENDS_ON] = "The end date must be after the start date."
        elif ends_on - starts_on > LONGEST:
            errors[ENDS_ON] = "A program can run for at most three years; check the year."
    if errors or starts_on is None or ends_on is None:
        return errors
    return ProgramIn(name, starts_on, ends_on)


def programs_of(session: Session, team_id: str) -> list[Program]:
    """The workspace's programs, newest start first."""
    return list(
        session.exec(
            select(Program)
            .where(Program.team_id == team_id)
            .order_by(col(Program.starts_on).desc(), col(Program.id).desc())
        )
    )


def program_named(session: Session, team_id: str, name: str) -> Program | None:
    """The workspace's program of that name (case and spacing ignored)."""
    wanted = clean_name(name).casefold()
    return next((p for p in programs_of(session, team_id) if p.name.casefold() == wanted), None)


def program_in_team(session: Session, team_id: str, program_id: object) -> Program | None:
    """The program an interaction names, only if it belongs to the workspace (guards crafted payloads)."""
    try:
        program = session.get(Program, int(str(program_id)))
    except (TypeError, ValueError):
        return None
    return program if program is not None and program.team_id == team_id else None


def current_program(session: Session, team_id: str, today: date) -> Program | None:
    """The program running today (the newest start if several overlap), or None."""
    return session.exec(
        select(Program)
        .where(Program.team_id == team_id, col(Program.starts_on) <= today, col(Program.ends_on) >= today)
        .order_by(col(Program.starts_on).desc(), col(Program.id).desc())
    ).first()


def open_programs(session: Session, team_id: str, today: date) -> list[Program]:
    """Programs new pairs can still join: running or not started yet, newest start first."""
    return [p for p in programs_of(session, team_id) if p.ends_on >= today]


def save_program(
    session: Session, *, team_id: str, program_id: int | None, data: ProgramIn, by: str, now: datetime
) -> Program | FieldErrors:
    """Create a program, or change the one ``program_id`` names; names are unique per workspace."""
    existing = None
    if program_id is not None:
        existing = program_in_team(session, team_id, program_id)
        if existing is None:
            return {NAME: "That program no longer exists. Close this and run `/mentor program` again."}
    same_name = program_named(session, team_id, data.name)
    if same_name is not None and (existing is None or same_name.id != existing.id):
        return {NAME: f"There is already a program called “{same_name.name}”. Pick it from the list to change it."}
    if existing is None:
        program = Program(
            team_id=team_id,
            name=data.name,
            starts_on=data.starts_on,
            ends_on=data.ends_on,
            created_by=by,
            created_at=now,
        )
    else:
        program = existing
        program.name, program.starts_on, program.ends_on = data.name, data.starts_on, data.ends_on
        program.updated_by, program.updated_at = by, now
    session.add(program)
    session.flush()
    return program


def program_for_new_pair(session: Session, *, team_id: str, name: str, today: date) -> Program | Problem | None:
    """The program a new pair joins: the one ``name`` names (if any), else the current one (or none)."""
    if not clean_name(name):
        return current_program(session, team_id, today)
    program = program_named(session, team_id, name)
    if program is None:
        known = ", ".join(f"“{escape_mrkdwn(p.name)}”" for p in open_programs(session, team_id, today)[:10])
        hint = f" Programs you can use: {known}." if known else " Create one with `/mentor program`."
        return Problem(f"There is no program called “{escape_mrkdwn(clean_name(name)[:NAME_MAX])}”.{hint}")
    if program.ends_on < today:
        return Problem(
            f"The program “{escape_mrkdwn(program.name)}” ended on {program.ends_on:%-d %B %Y}; "
            "new pairs can't join it. Change its dates with `/mentor program` or pick another."
        )
    return program


def describe(program: Program, today: date) -> str:
    """“Spring 2027 (1 Mar 2027 – 30 Jun 2027, running)”, for admins' messages."""
    if program.ends_on < today:
        state = "ended"
    elif program.starts_on > today:
        state = "not started yet"
    else:
        state = "running"
    return f"{escape_mrkdwn(program.name)} ({program.starts_on:%-d %b %Y} – {program.ends_on:%-d %b %Y}, {state})"


def ended_program_pairs(session: Session, today: date) -> list[tuple[Program, Pair]]:
    """Active pairs of programs that end on or before ``today`` (every workspace), oldest first."""
    rows = session.exec(
        select(Program, Pair)
        .join(Pair, col(Pair.program_id) == col(Program.id))
        .where(col(Program.ends_on) <= today, Pair.status == PairStatus.ACTIVE)
        .order_by(col(Pair.id))
    )
    return [(program, pair) for program, pair in rows]


def close_pair(session: Session, *, pair: Pair, now: datetime) -> bool:
    """End an active pair at the close of its program's survey window; False if it was no longer active."""
    result = session.execute(
        update(Pair)
        .where(col(Pair.id) == pair.id, col(Pair.status) == PairStatus.ACTIVE)
        .values(status=PairStatus.ENDED, ended_at=now)
        .execution_options(synchronize_session=False)
    )
    return rows_matched(result) == 1


def closing_key(program: Program, pair_id: int) -> str:
    """The delivery key of the closing message (with the survey) of a pair at its program's end date.

    The date is part of it: a program whose end is moved after the message went out gets a new one at
    its new end, and the survey window counts from that.
    """
    return f"program-end:{program.id}:{pair_id}:{program.ends_on.isoformat()}"


def farewell_key(program_id: int, pair_id: int) -> str:
    """The delivery key of the closing line of a pair ended after the survey window."""
    return f"program-close:{program_id}:{pair_id}"
