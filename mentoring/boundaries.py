"""Boundaries: proposals, agreement and history (how often, when, where, how to reach each other)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from itertools import islice
from typing import Any
from urllib.parse import urlparse
from zoneinfo import available_timezones

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from mentoring.meeting_series import FREQUENCIES, WEEKDAYS, first_meeting_date, meeting_starts
from mentoring.problems import Problem
from storage.db import rows_matched
from storage.models import Boundaries, BoundariesStatus, Pair

FieldErrors = dict[str, str]

#: Longest answer of each free-text field, in characters (the modal's max_length uses the same numbers).
TEXT_LIMITS: dict[str, int] = {
    "timezone": 64,
    "mentor_tz": 64,
    "mentee_tz": 64,
    "location": 500,
    "contact_method": 255,
    "mentor_role": 1000,
    "mentee_role": 1000,
    "expectations": 1500,
    "scope_in": 1000,
    "scope_out": 1000,
    "notes": 1000,
}
#: The details a pair may leave as they are: these defaults are filled in, and an emptied field takes its default.
DETAIL_DEFAULTS: dict[str, str] = {
    "location": "Video call",
    "contact_method": "Slack, in this DM",
    "mentor_role": "Listen, ask questions, share experience",
    "mentee_role": "Set the agenda, follow through on next steps",
    "expectations": "We both come prepared and say early if we can't make a meeting",
    "scope_in": "The mentee's goals",
    "scope_out": "",
    "notes": "",
}
OPTIONAL = frozenset(DETAIL_DEFAULTS)
MIN_DURATION = 15
MAX_DURATION = 240
TIME_FIELDS = ("start_time", "mentor_contact_start", "mentor_contact_end", "mentee_contact_start", "mentee_contact_end")
ZONE_FIELDS = ("timezone", "mentor_tz", "mentee_tz")
HHMM = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")
DIGITS = re.compile(r"[0-9]{1,4}")
MISSING = {
    "frequency": "Please choose how often you meet.",
    "weekday": "Please choose a day.",
    **{field: "Please pick a time." for field in TIME_FIELDS},
    **{field: "Please choose a time zone." for field in ZONE_FIELDS},
}
URL_LIKE = re.compile(r"^([a-z][a-z0-9+.-]*:/|www\.)|^[\w-]+(\.[\w-]+)*\.[a-z]{2,}(/\S*)?$", re.IGNORECASE)
HOSTNAME = re.compile(r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}\.?$|^localhost$", re.IGNORECASE)


@dataclass(frozen=True)
class BoundariesIn:
    """One complete, valid set of boundaries as a member proposes them."""

    frequency: str
    weekday: int
    start_time: str
    duration_minutes: int
    timezone: str
    location: str
    contact_method: str
    mentor_contact_start: str
    mentor_contact_end: str
    mentor_tz: str
    mentee_contact_start: str
    mentee_contact_end: str
    mentee_tz: str
    mentor_role: str
    mentee_role: str
    expectations: str
    scope_in: str
    scope_out: str = ""
    notes: str = ""


FIELDS = tuple(BoundariesIn.__dataclass_fields__)


@lru_cache(maxsize=1)
def _zones() -> dict[str, str]:
    return {name.lower(): name for name in available_timezones()}


def canonical_zone(value: str) -> str | None:
    """The IANA zone named ``value`` (any letter case), or None."""
    return _zones().get(value.strip().lower()) if value and len(value) <= 64 else None


def bad_link(text: str) -> str | None:
    """The first word of ``text`` that looks like a link but isn't a valid http(s) URL, if any."""
    for word in text.split():
        word = word.strip("()[]<>,;\"'")
        if not word or not URL_LIKE.search(word):
            continue
        parsed = urlparse(word)
        try:
            host = parsed.hostname or ""
            parsed.port  # noqa: B018 (raises on a malformed port)
        except ValueError:
            return word
        if parsed.scheme.lower() not in ("http", "https") or not HOSTNAME.match(host):
            return word
    return None


def _stripped(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def validate_boundaries(raw: Mapping[str, object]) -> BoundariesIn | FieldErrors:
    """Check every field of a proposal; errors are keyed by field name and say what to fix."""
    errors: FieldErrors = {}
    text = {field: _stripped(raw.get(field)) for field in FIELDS}
    for field, default in DETAIL_DEFAULTS.items():
        text[field] = text[field] or default

    for field in FIELDS:
        if not text[field] and field not in OPTIONAL:
            errors[field] = MISSING.get(field, "Please fill this in.")
        elif field in TEXT_LIMITS and len(text[field]) > TEXT_LIMITS[field]:
            errors[field] = f"Please keep this under {TEXT_LIMITS[field]:,} characters (it has {len(text[field]):,})."

    if text["frequency"] and text["frequency"] not in FREQUENCIES:
        errors["frequency"] = "Please choose one of the options."
    if text["weekday"] and text["weekday"] not in {str(i) for i in range(7)}:
        errors["weekday"] = "Please choose one of the days."
    for field in TIME_FIELDS:
        if text[field] and not HHMM.fullmatch(text[field]):
            errors[field] = "Please pick a time (HH:MM)."
    if text["duration_minutes"] and "duration_minutes" not in errors:
        value = text["duration_minutes"]
        if not DIGITS.fullmatch(value) or not MIN_DURATION <= int(value) <= MAX_DURATION:
            errors["duration_minutes"] = f"Please give a whole number of minutes from {MIN_DURATION} to {MAX_DURATION}."
    for field in ZONE_FIELDS:
        if text[field] and field not in errors:
            zone = canonical_zone(text[field])
            if zone is None:
                errors[field] = "That's not a time zone I know. Please choose one from the list."
            else:
                text[field] = zone
    for side in ("mentor", "mentee"):
        start, end = f"{side}_contact_start", f"{side}_contact_end"
        both_valid = text[start] and text[end] and start not in errors and end not in errors
        if both_valid and _minutes(text[end]) <= _minutes(text[start]):
            errors[end] = f"Contact hours must end after they start ({text[start]})."
    if text["location"] and "location" not in errors:
        link = bad_link(text["location"])
        if link is not None:
            shown = link if len(link) <= 60 else link[:59] + "…"
            errors["location"] = (
                f"“{shown}” isn't a valid link. Use a full https:// address, or describe the place in words."
            )

    if errors:
        return errors
    fields: dict[str, Any] = {
        **text,
        "weekday": int(text["weekday"]),
        "duration_minutes": int(text["duration_minutes"]),
    }
    return BoundariesIn(**fields)


def as_values(boundaries: Boundaries | BoundariesIn) -> dict[str, str]:
    """The fields as the strings a modal shows (to pre-fill it)."""
    return {field: str(getattr(boundaries, field)) for field in FIELDS}


def default_values(*, timezone: str, mentor_tz: str, mentee_tz: str) -> dict[str, str]:
    """What a first proposal starts from: everyone's own zone, office-hours contact times, an hour, the details."""
    return {
        **DETAIL_DEFAULTS,
        "duration_minutes": "60",
        "timezone": timezone,
        "mentor_contact_start": "09:00",
        "mentor_contact_end": "17:00",
        "mentor_tz": mentor_tz,
        "mentee_contact_start": "09:00",
        "mentee_contact_end": "17:00",
        "mentee_tz": mentee_tz,
    }


def agreed_boundaries(session: Session, pair_id: int) -> Boundaries | None:
    """The boundaries in force for the pair: the newest version both agreed to."""
    return session.exec(
        select(Boundaries)
        .where(Boundaries.pair_id == pair_id, Boundaries.status == BoundariesStatus.AGREED)
        .order_by(col(Boundaries.version).desc())
    ).first()


def current_boundaries(session: Session, pair_id: int) -> Boundaries | None:
    """The newest version still standing: a waiting proposal, else the agreed boundaries."""
    return session.exec(
        select(Boundaries)
        .where(Boundaries.pair_id == pair_id, Boundaries.status != BoundariesStatus.SUPERSEDED)
        .order_by(col(Boundaries.version).desc())
    ).first()


def boundaries_history(session: Session, pair_id: int) -> list[Boundaries]:
    """Every version of the pair's boundaries, oldest first."""
    return list(session.exec(select(Boundaries).where(Boundaries.pair_id == pair_id).order_by(col(Boundaries.version))))


def boundaries_in_pair(session: Session, *, boundaries_id: int | str | None, pair: Pair) -> Boundaries | Problem:
    try:
        row = session.get(Boundaries, int(boundaries_id)) if boundaries_id is not None else None
    except (TypeError, ValueError):
        row = None
    if row is None or row.pair_id != pair.id:
        return Problem("I couldn't find that proposal. Run `/mentor boundaries` to see the current one.")
    return row


def pair_id_of(session: Session, boundaries_id: int | str | None) -> int | None:
    """The pair a boundaries version belongs to (to check membership before anything else)."""
    try:
        row = session.get(Boundaries, int(boundaries_id)) if boundaries_id is not None else None
    except (TypeError, ValueError):
        return None
    return row.pair_id if row is not None else None


@dataclass(frozen=True)
class Proposed:
    proposal: Boundaries
    superseded: list[Boundaries]  # earlier proposals this one replaces (their messages need updating)


def propose(session: Session, *, pair: Pair, user_id: str, data: BoundariesIn, now: datetime) -> Proposed | Problem:
    """A new version proposed by a member; earlier waiting proposals are superseded, the agreed one stays."""
    if not pair.has_member(user_id) or pair.id is None:
        return Problem("Only the two members of a pair can propose its boundaries.")
    for _attempt in range(3):
        try:
            with session.begin_nested():
                waiting = list(
                    session.exec(
                        select(Boundaries).where(
                            Boundaries.pair_id == pair.id, Boundaries.status == BoundariesStatus.PROPOSED
                        )
                    )
                )
                for row in waiting:
                    row.status = BoundariesStatus.SUPERSEDED
                    session.add(row)
                newest = session.exec(select(func.max(Boundaries.version)).where(Boundaries.pair_id == pair.id)).one()
                proposal = Boundaries(
                    team_id=pair.team_id,
                    pair_id=pair.id,
                    version=(newest or 0) + 1,
                    status=BoundariesStatus.PROPOSED,
                    proposed_by=user_id,
                    proposed_at=now,
                    **asdict(data),
                )
                session.add(proposal)
                session.flush()
        except IntegrityError:  # another version was written at the same moment; number after it
            continue
        return Proposed(proposal, waiting)
    return Problem("The boundaries were being changed at the same moment. Please submit again.")


def record_proposal_message(session: Session, *, boundaries_id: int, ts: str) -> None:
    row = session.get(Boundaries, boundaries_id)
    if row is not None:
        row.proposal_ts = ts
        session.add(row)


def first_meeting_on(*, frequency: str, weekday: int, start_time: str, tz: str, now: datetime) -> date:
    """The series' first date. Monthly series avoid a fifth weekday, so the nth weekday exists every month."""
    day = first_meeting_date(weekday=weekday, start_time=start_time, tz=tz, now=now)
    if frequency == "monthly":
        while day.day > 28:
            day += timedelta(days=7)
    return day


@dataclass(frozen=True)
class Agreed:
    agreed: Boundaries
    superseded: list[Boundaries]  # earlier agreed versions, now history


def agree(
    session: Session, *, pair: Pair, boundaries_id: int | str | None, user_id: str, now: datetime
) -> Agreed | Problem:
    """The other member accepts a proposal: it comes into force and the series gets its first date."""
    row = boundaries_in_pair(session, boundaries_id=boundaries_id, pair=pair)
    if isinstance(row, Problem):
        return row
    if not pair.has_member(user_id):
        return Problem("Only the two members of a pair can agree to its boundaries.")
    if row.status == BoundariesStatus.AGREED:
        return Problem(f"These boundaries (version {row.version}) are already agreed and in force.")
    if row.status == BoundariesStatus.SUPERSEDED:
        return Problem(
            f"This proposal (version {row.version}) was replaced by a newer one, so it can't be agreed any more. "
            "Look at the newest proposal in your pair DM, or run `/mentor boundaries`."
        )
    if row.proposed_by == user_id:
        return Problem(
            f"You proposed these boundaries, so <@{pair.other_member(user_id)}> needs to agree to them. "
            "You can still change them with *Propose changes*."
        )
    first = first_meeting_on(
        frequency=row.frequency, weekday=row.weekday, start_time=row.start_time, tz=row.timezone, now=now
    )
    result = session.execute(
        update(Boundaries)
        .where(col(Boundaries.id) == row.id, col(Boundaries.status) == BoundariesStatus.PROPOSED)
        .values(status=BoundariesStatus.AGREED, agreed_by=user_id, agreed_at=now, first_meeting_on=first)
        .execution_options(synchronize_session=False)
    )
    if rows_matched(result) != 1:
        return Problem("This proposal changed a moment ago. Look at the newest one in your pair DM.")
    older = list(
        session.exec(
            select(Boundaries).where(
                Boundaries.pair_id == pair.id,
                Boundaries.status == BoundariesStatus.AGREED,
                Boundaries.version < row.version,
            )
        )
    )
    for old in older:
        old.status = BoundariesStatus.SUPERSEDED
        session.add(old)
    session.flush()
    session.refresh(row)
    return Agreed(row, older)


def next_meetings(boundaries: Boundaries, *, after: datetime, count: int = 3) -> list[datetime]:
    """The next ``count`` meeting starts (UTC) of agreed boundaries."""
    if boundaries.first_meeting_on is None:
        return []
    starts = meeting_starts(
        frequency=boundaries.frequency,
        first=boundaries.first_meeting_on,
        start_time=boundaries.start_time,
        tz=boundaries.timezone,
        after=after,
    )
    return list(islice(starts, count))


def weekday_name(weekday: int) -> str:
    return WEEKDAYS[weekday] if 0 <= weekday < len(WEEKDAYS) else "?"
