"""A pair's meetings as stored rows: the agreed series, its numbering, and looking meetings up.

The other jobs around meetings live next to this one: ``meeting_series`` (the recurrence maths),
``meeting_changes`` (confirm, skip, move, held), ``reminders`` (the reminders' delivery keys),
``inactivity`` (pairs gone quiet) and ``meeting_briefs`` (what a reminder shows).

- **Slots.** The agreed boundaries give a series of start instants in the boundaries' time zone
  (``mentoring.meeting_series``, correct across DST). Each slot is identified by ``series_at`` (its place in
  the series, never changed); ``scheduled_at`` is when it really happens (different once moved).
- **Materialized rows.** ``sync_meetings`` writes a ``Meeting`` row for every slot up to ``HORIZON``
  ahead, so reminders, check-ins and buttons can name a meeting by id. Later slots are computed on the
  fly (``pair_slots``). When the boundaries are renegotiated, the old series' meetings that had not
  happened yet (scheduled at or after the new agreement, not held, no check-in) are dropped, and the new
  series continues the numbering after the meetings kept as history.
- **Numbering.** A meeting's number is its 1-based position, in series order, among the pair's meetings
  that are *not skipped*. A skipped meeting keeps no number (stored as ``0``), so the meetings after it
  move up: when meeting 2 is skipped, the next one becomes meeting 2 and gets meeting 2's roadmap theme,
  so no theme is lost. A moved meeting keeps its slot and therefore its number.
- **Concurrency.** Every write to a pair's meetings (and to its check-in answers) first locks the pair
  (``lock_pair``: ``SELECT … FOR UPDATE`` on PostgreSQL, the database write lock on SQLite) and then
  re-reads, so concurrent ticks and button presses never number or insert twice.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from mentoring.boundaries import agreed_boundaries
from mentoring.meeting_series import local_instant, meeting_starts
from storage.models import Boundaries, BoundariesStatus, CheckIn, Meeting, MeetingStatus, Pair, PairStatus

#: The end-of-session questions go this long after a meeting's end.
CHECKIN_GRACE = timedelta(minutes=10)
#: Meetings are written as rows this far ahead.
HORIZON = timedelta(days=8)
#: ``/mentor wrapup`` belongs to a meeting from shortly before its start until this long after its end.
WRAPUP_WINDOW_BEFORE = timedelta(minutes=30)
WRAPUP_WINDOW_AFTER = timedelta(hours=12)
#: Relationship questions come with every ``RELATIONSHIP_EVERY``-th meeting.
RELATIONSHIP_EVERY = 4


@dataclass(frozen=True)
class Slot:
    """One meeting of the series, materialized (``meeting_id``) or not yet."""

    series_at: datetime
    scheduled_at: datetime
    duration_minutes: int
    status: str
    number: int | None  # None when skipped
    meeting_id: int | None = None
    boundaries_id: int | None = None

    @property
    def ends_at(self) -> datetime:
        return self.scheduled_at + timedelta(minutes=self.duration_minutes)

    @property
    def skipped(self) -> bool:
        return self.status == MeetingStatus.SKIPPED

    @property
    def moved(self) -> bool:
        return self.scheduled_at != self.series_at

    @property
    def with_relationship_questions(self) -> bool:
        number = self.number or 0
        return number != 0 and number % RELATIONSHIP_EVERY == 0


def slot_of(meeting: Meeting) -> Slot:
    return Slot(
        series_at=meeting.series_at,
        scheduled_at=meeting.scheduled_at,
        duration_minutes=meeting.duration_minutes,
        status=meeting.status,
        number=meeting.number or None,
        meeting_id=meeting.id,
        boundaries_id=meeting.boundaries_id,
    )


# ---- locking ---------------------------------------------------------------------------------


def lock_pair(session: Session, pair_id: int) -> None:
    """Serialise writers of one pair until the transaction ends (row lock on PostgreSQL, write lock on SQLite)."""
    if session.get_bind().dialect.name == "postgresql":
        session.exec(select(Pair.id).where(Pair.id == pair_id).with_for_update()).first()
    else:
        session.execute(
            update(Pair)
            .where(col(Pair.id) == pair_id)
            .values(status=Pair.status)
            .execution_options(synchronize_session=False)
        )


# ---- the series ------------------------------------------------------------------------------


def _rows(session: Session, pair_id: int) -> list[Meeting]:
    stmt = select(Meeting).where(Meeting.pair_id == pair_id).order_by(col(Meeting.series_at))
    return list(session.exec(stmt.execution_options(populate_existing=True)))


def _cutoff(boundaries: Boundaries) -> datetime:
    """From when the boundaries' series replaces any earlier one."""
    if boundaries.agreed_at is not None:
        return boundaries.agreed_at
    assert boundaries.first_meeting_on is not None
    return local_instant(boundaries.first_meeting_on, boundaries.start_time, boundaries.timezone)


def _is_stale(row: Meeting, boundaries: Boundaries | None, with_checkin: set[int]) -> bool:
    """A meeting of an older series that had not happened when new boundaries were agreed."""
    return (
        boundaries is not None
        and boundaries.first_meeting_on is not None
        and row.boundaries_id != boundaries.id
        and row.status in (MeetingStatus.SCHEDULED, MeetingStatus.CONFIRMED)
        and row.scheduled_at >= _cutoff(boundaries)
        and row.id not in with_checkin
    )


def _checked_in(session: Session, pair_id: int) -> set[int]:
    ids = session.exec(
        select(CheckIn.meeting_id).where(CheckIn.pair_id == pair_id, col(CheckIn.meeting_id).is_not(None))
    )
    return {int(i) for i in ids if i is not None}


def _virtual_starts(boundaries: Boundaries, kept: Sequence[Meeting]) -> Iterator[datetime]:
    """Start instants of the boundaries' series after the rows already kept."""
    assert boundaries.first_meeting_on is not None
    own = [r.series_at for r in kept if r.boundaries_id == boundaries.id]
    after: datetime | None
    if own:
        after = max(own)
    elif kept:
        after = max(max(r.series_at for r in kept), _cutoff(boundaries) - timedelta(microseconds=1))
    else:
        after = None
    return meeting_starts(
        frequency=boundaries.frequency,
        first=boundaries.first_meeting_on,
        start_time=boundaries.start_time,
        tz=boundaries.timezone,
        after=after,
    )


def _plan(
    rows: Sequence[Meeting],
    boundaries: Boundaries | None,
    with_checkin: set[int],
    *,
    until: datetime | None,
    count: int | None,
) -> tuple[list[Slot], list[Meeting]]:
    """(the pair's slots, the stale rows to drop)."""
    stale = [r for r in rows if _is_stale(r, boundaries, with_checkin)]
    kept = [r for r in rows if r not in stale]
    slots: list[Slot] = []
    number = 0
    for row in kept:
        if row.status != MeetingStatus.SKIPPED:
            number += 1
        slots.append(
            Slot(
                series_at=row.series_at,
                scheduled_at=row.scheduled_at,
                duration_minutes=row.duration_minutes,
                status=row.status,
                number=None if row.status == MeetingStatus.SKIPPED else number,
                meeting_id=row.id,
                boundaries_id=row.boundaries_id,
            )
        )
    if boundaries is None or boundaries.first_meeting_on is None or (until is None and count is None):
        return slots, stale
    for start in _virtual_starts(boundaries, kept):
        if (until is not None and start > until) or (count is not None and number >= count):
            break
        number += 1
        slots.append(
            Slot(
                series_at=start,
                scheduled_at=start,
                duration_minutes=boundaries.duration_minutes,
                status=MeetingStatus.SCHEDULED,
                number=number,
                boundaries_id=boundaries.id,
            )
        )
    return slots, stale


def pair_slots(
    session: Session,
    pair_id: int,
    *,
    boundaries: Boundaries | None = None,
    until: datetime | None = None,
    count: int | None = None,
) -> list[Slot]:
    """The pair's meetings in series order: the stored ones, then the agreed series' next ones.

    Not-yet-stored meetings are added while their slot is at or before ``until`` and fewer than
    ``count`` numbered meetings were found (with neither, only stored meetings are returned).
    """
    boundaries = boundaries or agreed_boundaries(session, pair_id)
    slots, _ = _plan(_rows(session, pair_id), boundaries, _checked_in(session, pair_id), until=until, count=count)
    return slots


def meeting_dates(session: Session, pair_id: int, count: int) -> dict[int, datetime]:
    """Start instants (UTC) of meetings 1..count by number (skipped meetings have none, moved ones their new time)."""
    return {
        s.number: s.scheduled_at
        for s in pair_slots(session, pair_id, count=count)
        if s.number is not None and s.number <= count
    }


def _renumber(rows: Sequence[Meeting], slots: Sequence[Slot], session: Session) -> None:
    by_id = {s.meeting_id: s for s in slots if s.meeting_id is not None}
    for row in rows:
        slot = by_id.get(row.id) if row.id is not None else None
        wanted = (slot.number or 0) if slot else row.number
        if row.number != wanted:
            row.number = wanted
            session.add(row)


def renumber_meetings(session: Session, pair_id: int) -> None:
    """Give the pair's stored meetings their numbers again (after one was skipped)."""
    session.flush()
    rows = _rows(session, pair_id)
    slots, _ = _plan(rows, agreed_boundaries(session, pair_id), _checked_in(session, pair_id), until=None, count=None)
    _renumber(rows, slots, session)


def sync_meetings(session: Session, pair: Pair, boundaries: Boundaries, now: datetime) -> list[Slot]:
    """Store every meeting up to ``HORIZON`` ahead (renumbering, dropping an old series); return the slots."""
    assert pair.id is not None
    until = now + HORIZON
    rows = _rows(session, pair.id)
    with_checkin = _checked_in(session, pair.id)
    slots, stale = _plan(rows, boundaries, with_checkin, until=until, count=None)
    stored = {r.id: r.number for r in rows}
    numbers_off = any(s.meeting_id is not None and stored.get(s.meeting_id) != (s.number or 0) for s in slots)
    if not stale and not numbers_off and all(s.meeting_id is not None for s in slots):
        return slots
    lock_pair(session, pair.id)
    rows = _rows(session, pair.id)
    with_checkin = _checked_in(session, pair.id)
    slots, stale = _plan(rows, boundaries, with_checkin, until=until, count=None)
    for row in stale:
        session.delete(row)
    session.flush()
    for slot in slots:
        if slot.meeting_id is None:
            session.add(
                Meeting(
                    team_id=pair.team_id,
                    pair_id=pair.id,
                    boundaries_id=boundaries.id,
                    number=slot.number or 0,
                    series_at=slot.series_at,
                    scheduled_at=slot.scheduled_at,
                    duration_minutes=slot.duration_minutes,
                    status=MeetingStatus.SCHEDULED,
                )
            )
    session.flush()
    rows = _rows(session, pair.id)
    slots, _ = _plan(rows, boundaries, with_checkin, until=until, count=None)
    _renumber(rows, slots, session)
    session.flush()
    return slots


def scheduled_pairs(session: Session) -> list[tuple[Pair, Boundaries]]:
    """Active pairs with a group DM and agreed boundaries that fix a first meeting, with those boundaries."""
    found: dict[int | None, tuple[Pair, Boundaries]] = {}
    for pair, boundaries in session.exec(
        select(Pair, Boundaries)
        .join(Boundaries, col(Boundaries.pair_id) == col(Pair.id))
        .where(
            Pair.status == PairStatus.ACTIVE,
            col(Pair.channel_id).is_not(None),
            Boundaries.status == BoundariesStatus.AGREED,
            col(Boundaries.first_meeting_on).is_not(None),
        )
        .order_by(col(Pair.id), col(Boundaries.version))
    ):
        found[pair.id] = (pair, boundaries)
    return list(found.values())


# ---- looking meetings up ---------------------------------------------------------------------


def next_meeting(
    session: Session, pair_id: int, after: datetime, *, boundaries: Boundaries | None = None
) -> Slot | None:
    """The first meeting (not skipped) that starts after ``after``."""
    for slot in pair_slots(session, pair_id, boundaries=boundaries, until=after + timedelta(days=70)):
        if not slot.skipped and slot.scheduled_at > after:
            return slot
    return None


def latest_ended(slots: Sequence[Slot], now: datetime) -> Slot | None:
    """The meeting (stored, not skipped) that ended last, at least ``CHECKIN_GRACE`` before ``now``."""
    ended = [s for s in slots if s.meeting_id and not s.skipped and s.ends_at + CHECKIN_GRACE <= now]
    return max(ended, key=lambda s: s.ends_at, default=None)


def wrapup_meeting(slots: Sequence[Slot], now: datetime) -> Slot | None:
    """The meeting a ``/mentor wrapup`` at ``now`` belongs to (about to start, under way or just over)."""
    near = [
        s
        for s in slots
        if s.meeting_id
        and not s.skipped
        and s.scheduled_at - WRAPUP_WINDOW_BEFORE <= now <= s.ends_at + WRAPUP_WINDOW_AFTER
    ]
    return max(near, key=lambda s: s.scheduled_at, default=None)


def meeting_in_team(session: Session, *, team_id: str, meeting_id: int | str | None) -> Meeting | None:
    try:
        meeting = session.get(Meeting, int(meeting_id)) if meeting_id is not None else None
    except (TypeError, ValueError):
        return None
    return meeting if meeting is not None and meeting.team_id == team_id else None
