"""A program seeded with one pair in each stage (and a few that need attention), for the lead's Home and digest."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from storage.db import session_scope
from storage.models import Boundaries, BoundariesStatus, Pair, PairStatus
from tests.support.slack_user import add_pair, add_prework

#: "Now" for the seeded program: Tuesday 1 December 2026, 10:00 UTC.
PROGRAM_NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)

#: name → (stage, attention codes) the seeded pair must show at ``PROGRAM_NOW``.
EXPECTED = {
    "invited": ("invited", ()),
    "invited_stale": ("invited", ("invite_pending",)),
    "accepted": ("accepted", ()),
    "accepted_stale": ("accepted", ("no_prework", "no_boundaries")),
    "prework": ("prework", ()),
    "boundaries": ("boundaries", ()),
    "goals": ("goals", ()),
    "meetings": ("meetings", ()),
    "quiet": ("quiet", ("quiet",)),
    "ended": ("ended", ()),
}


def _pair(session: Session, name: str, *, status: str = PairStatus.ACTIVE, days_ago: float = 2) -> Pair:
    created = PROGRAM_NOW - timedelta(days=days_ago)
    pair = add_pair(
        session,
        mentor=f"U0MR{name.upper()}"[:32],
        mentee=f"U0ME{name.upper()}"[:32],
        channel=f"G0{name.upper()}"[:32],
        status=status,
        accepted=status != PairStatus.PENDING,
        created_at=created,
    )
    if status != PairStatus.PENDING:
        pair.accepted_at = created
    session.add(pair)
    return pair


def _boundaries(session: Session, pair: Pair, *, status: str, first: date | None = None) -> None:
    """Weekly on Thursdays at 18:00 Berlin time from ``first`` (agreed), or only proposed."""
    session.add(
        Boundaries(
            team_id=pair.team_id,
            pair_id=pair.id or 0,
            version=1,
            status=status,
            proposed_by=pair.mentor_id,
            proposed_at=PROGRAM_NOW - timedelta(days=1) if first is None else pair.created_at,
            agreed_by=pair.mentee_id if first else None,
            agreed_at=pair.created_at if first else None,
            frequency="weekly",
            weekday=3,
            start_time="18:00",
            duration_minutes=60,
            timezone="Europe/Berlin",
            first_meeting_on=first,
            mentor_contact_start="09:00",
            mentor_contact_end="18:00",
            mentor_tz="Europe/Berlin",
            mentee_contact_start="09:00",
            mentee_contact_end="18:00",
            mentee_tz="Europe/Berlin",
        )
    )


def _both_prework(session: Session, pair: Pair) -> None:
    for member in pair.members():
        add_prework(session, pair, member, wants="w", brings="b", expects="e")


def seed_program(engine: Engine) -> dict[str, int]:
    """One pair per entry of ``EXPECTED``; their ids by name."""
    ids: dict[str, int] = {}
    with session_scope(engine) as session:
        made = {
            "invited": _pair(session, "invited", status=PairStatus.PENDING, days_ago=1),
            "invited_stale": _pair(session, "invited_stale", status=PairStatus.PENDING, days_ago=5),
            "accepted": _pair(session, "accepted"),
            "accepted_stale": _pair(session, "accepted_stale", days_ago=10),
            "prework": _pair(session, "prework"),
            "boundaries": _pair(session, "boundaries"),
            "goals": _pair(session, "goals"),
            "meetings": _pair(session, "meetings", days_ago=20),
            "quiet": _pair(session, "quiet", days_ago=40),
            "ended": _pair(session, "ended", status=PairStatus.ENDED, days_ago=30),
        }
        add_prework(session, made["prework"], made["prework"].mentee_id, wants="w", brings="b", expects="e")
        _both_prework(session, made["boundaries"])
        _boundaries(session, made["boundaries"], status=BoundariesStatus.PROPOSED)
        _both_prework(session, made["goals"])
        _boundaries(session, made["goals"], status=BoundariesStatus.AGREED, first=date(2026, 12, 10))
        for name in ("meetings", "quiet"):
            _both_prework(session, made[name])
        _boundaries(session, made["meetings"], status=BoundariesStatus.AGREED, first=date(2026, 11, 19))
        _boundaries(session, made["quiet"], status=BoundariesStatus.AGREED, first=date(2026, 11, 5))
        made["ended"].ended_at = PROGRAM_NOW - timedelta(days=3)
        session.flush()
        for name, pair in made.items():
            assert pair.id is not None
            ids[name] = pair.id
    return ids
