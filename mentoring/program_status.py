"""Where each pair of a program stands: its stage, its last activity, its next meeting, and why it needs attention.

The one place these rules live; the lead's App Home, the weekly digest and ``/mentor report`` read them.

Stages, in the order a pair goes through them (``Stage``):
invited (waiting for both to accept) → accepted (nothing done yet) → pre-work (one or both wrote it) →
boundaries (both wrote pre-work, or boundaries were proposed; not agreed yet) → goals (boundaries agreed,
no goal set yet) → meeting *n* (goals set or meetings under way; *n* is the latest meeting that has
started) → quiet (``INACTIVE_AFTER`` meetings in a row with none held and no check-in answer) → ended
(ended or declined).

Needs attention (``Attention``): an invitation pending ``INVITE_PENDING_DAYS`` days; no pre-work from both, or no
agreed boundaries, ``SETUP_DAYS`` days after accepting; quiet for ``INACTIVE_AFTER`` meetings; open
follow-through items carried over ``CARRIED_OVER_AT`` meetings or more (``ActionItem.carried_over``, as the
follow-through's ``carry_over`` last counted it).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from mentoring.inactivity import INACTIVE_AFTER, inactivity_streak
from mentoring.meetings import pair_slots, scheduled_pairs
from storage.models import (
    ActionItem,
    ActionStatus,
    Boundaries,
    BoundariesStatus,
    CheckIn,
    CheckInAnswer,
    Goal,
    GoalUpdate,
    Meeting,
    MeetingStatus,
    Pair,
    PairStatus,
    Prework,
)

logger = logging.getLogger(__name__)

#: An invitation nobody answered this long needs attention.
INVITE_PENDING_DAYS = 3
#: Pre-work and agreed boundaries are expected this long after both accepted.
SETUP_DAYS = 7
#: An open follow-through item carried over this many meetings needs attention.
CARRIED_OVER_AT = 3
#: How far ahead the next meeting is looked for.
NEXT_MEETING_WITHIN = timedelta(days=70)


class Stage:
    INVITED = "invited"
    ACCEPTED = "accepted"
    PREWORK = "prework"
    BOUNDARIES = "boundaries"
    GOALS = "goals"
    MEETINGS = "meetings"
    QUIET = "quiet"
    ENDED = "ended"
    ALL = (INVITED, ACCEPTED, PREWORK, BOUNDARIES, GOALS, MEETINGS, QUIET, ENDED)


class Attention:
    """Codes of the reasons a pair needs attention (stable: the report's CSV uses them)."""

    INVITE_PENDING = "invite_pending"
    NO_PREWORK = "no_prework"
    NO_BOUNDARIES = "no_boundaries"
    QUIET = "quiet"
    CARRIED_OVER = "carried_over"


@dataclass(frozen=True)
class Reason:
    """Why a pair needs attention: a stable ``code`` and the same in words for the lead."""

    code: str
    text: str


@dataclass(frozen=True)
class PairState:
    """Where one pair stands at ``now``."""

    pair: Pair
    stage: str
    #: The latest meeting of the series that has started (0: none yet); with ``Stage.MEETINGS`` and ``QUIET``.
    meeting_number: int
    meetings_held: int
    last_activity: datetime
    next_meeting: datetime | None
    attention: tuple[Reason, ...] = field(default=())

    @property
    def needs_attention(self) -> bool:
        return bool(self.attention)

    @property
    def live(self) -> bool:
        return self.stage != Stage.ENDED

    @property
    def stage_words(self) -> str:
        """The stage as the lead reads it: "invited", "meeting 3 of the series" …"""
        if self.stage == Stage.MEETINGS:
            return f"meeting {self.meeting_number} of the series" if self.meeting_number else "first meeting ahead"
        if self.stage == Stage.QUIET:
            return f"quiet at meeting {self.meeting_number} of the series" if self.meeting_number else "quiet"
        return {Stage.PREWORK: "pre-work", Stage.BOUNDARIES: "agreeing boundaries", Stage.GOALS: "setting goals"}.get(
            self.stage, self.stage
        )


@dataclass(frozen=True)
class ProgramCounts:
    """The counts at the top of the lead's Home."""

    live: int
    invited: int
    setting_up: int  # accepted, writing pre-work, agreeing boundaries or setting goals
    meeting: int  # pairs at the meetings stage (or quiet)
    needs_attention: int
    ended: int


def program_counts(states: Iterable[PairState]) -> ProgramCounts:
    listed = list(states)
    return ProgramCounts(
        live=sum(1 for s in listed if s.live),
        invited=sum(1 for s in listed if s.stage == Stage.INVITED),
        setting_up=sum(1 for s in listed if s.stage in (Stage.ACCEPTED, Stage.PREWORK, Stage.BOUNDARIES, Stage.GOALS)),
        meeting=sum(1 for s in listed if s.stage in (Stage.MEETINGS, Stage.QUIET)),
        needs_attention=sum(1 for s in listed if s.needs_attention),
        ended=sum(1 for s in listed if s.stage == Stage.ENDED),
    )


def _latest(session: Session, column: Any, pair_column: Any, pair_ids: Sequence[int]) -> dict[int, datetime]:
    rows = session.exec(
        select(pair_column, func.max(column))
        .where(pair_column.in_(pair_ids), column.is_not(None))
        .group_by(pair_column)
    )
    return {int(pid): when for pid, when in rows if when is not None}


def _last_activity(session: Session, pairs: Sequence[Pair]) -> dict[int, datetime]:
    """The newest thing any member did per pair (accepting, pre-work, boundaries, goals, meetings, answers, items)."""
    ids = [p.id for p in pairs if p.id is not None]
    found: dict[int, datetime] = {}
    for pair in pairs:
        if pair.id is not None:
            found[pair.id] = max(w for w in (pair.created_at, pair.accepted_at, pair.ended_at) if w is not None)
    if not ids:
        return found
    sources = [
        _latest(session, col(Prework.updated_at), col(Prework.pair_id), ids),
        _latest(session, col(Boundaries.proposed_at), col(Boundaries.pair_id), ids),
        _latest(session, col(Boundaries.agreed_at), col(Boundaries.pair_id), ids),
        _latest(session, col(Goal.updated_at), col(Goal.pair_id), ids),
        _latest(session, col(Meeting.updated_at), col(Meeting.pair_id), ids),
        _latest(session, col(ActionItem.created_at), col(ActionItem.pair_id), ids),
        _latest(session, col(ActionItem.done_at), col(ActionItem.pair_id), ids),
    ]
    sources.append(
        {
            int(pid): when
            for pid, when in session.exec(
                select(Goal.pair_id, func.max(GoalUpdate.created_at))
                .join(Goal, col(Goal.id) == col(GoalUpdate.goal_id))
                .where(col(Goal.pair_id).in_(ids))
                .group_by(col(Goal.pair_id))
            )
            if when is not None
        }
    )
    sources.append(
        {
            int(pid): when
            for pid, when in session.exec(
                select(CheckIn.pair_id, func.max(CheckInAnswer.updated_at))
                .join(CheckIn, col(CheckIn.id) == col(CheckInAnswer.checkin_id))
                .where(col(CheckIn.pair_id).in_(ids))
                .group_by(col(CheckIn.pair_id))
            )
            if when is not None
        }
    )
    for source in sources:
        for pid, when in source.items():
            if when > found.get(pid, when - timedelta(seconds=1)):
                found[pid] = when
    return found


def _counts(session: Session, model: Any, pair_ids: Sequence[int], *where: Any) -> dict[int, int]:
    pair_column = col(model.pair_id)
    rows = session.exec(
        select(pair_column, func.count()).where(pair_column.in_(pair_ids), *where).group_by(pair_column)
    )
    return {int(pid): int(n) for pid, n in rows}


def _program_filter(statement: Any, program_id: int | None) -> Any:
    """Pairs of one program (``Pair.program_id``); all pairs when ``program_id`` is None."""
    return statement if program_id is None else statement.where(col(Pair.program_id) == program_id)


def program_pairs(
    session: Session, *, team_id: str, program_id: int | None = None, pair_id: int | None = None
) -> list[Pair]:
    """Every pair of the workspace (or of one program, or just ``pair_id``), oldest first; declined ones left out."""
    statement = (
        select(Pair)
        .where(Pair.team_id == team_id, col(Pair.status) != PairStatus.DECLINED)
        .order_by(col(Pair.created_at), col(Pair.id))
    )
    if pair_id is not None:
        statement = statement.where(col(Pair.id) == pair_id)
    return list(session.exec(_program_filter(statement, program_id)))


def pair_statuses(
    session: Session, *, team_id: str, now: datetime, program_id: int | None = None, pair_id: int | None = None
) -> list[PairState]:
    """Where every pair of the workspace (or program, or just ``pair_id``) stands at ``now``.

    Live pairs needing attention first, then the other live pairs, then ended ones; oldest first within each.

    Declined invitations are not pairs of the program and are left out.
    """
    pairs = program_pairs(session, team_id=team_id, program_id=program_id, pair_id=pair_id)
    ids = [p.id for p in pairs if p.id is not None]
    if not ids:
        return []
    last = _last_activity(session, pairs)
    prework = _counts(session, Prework, ids)
    proposed = _counts(session, Boundaries, ids)
    agreed_ids = set(_counts(session, Boundaries, ids, col(Boundaries.status) == BoundariesStatus.AGREED))
    goals = _counts(session, Goal, ids)
    held = _counts(session, Meeting, ids, col(Meeting.status) == MeetingStatus.HELD)
    carried = _counts(
        session,
        ActionItem,
        ids,
        col(ActionItem.status) == ActionStatus.OPEN,
        col(ActionItem.carried_over) >= CARRIED_OVER_AT,
    )
    scheduled = {pair.id: boundaries for pair, boundaries in scheduled_pairs(session) if pair.team_id == team_id}
    states = []
    for pair in pairs:
        assert pair.id is not None
        pid = pair.id
        number, next_at, streak = 0, None, 0
        boundaries = scheduled.get(pid)
        if boundaries is not None:
            try:
                number, next_at, streak = _series(session, pid, boundaries, now)
            except ValueError:  # unreadable boundaries (say, a bad time): the rest of the program still shows
                logger.exception("could not read the meetings of pair %s", pid)
        stage = _stage(
            pair,
            prework=prework.get(pid, 0),
            proposed=proposed.get(pid, 0) > 0,
            agreed=pid in agreed_ids,
            goals=goals.get(pid, 0),
            started=number,
            quiet=streak >= INACTIVE_AFTER,
        )
        states.append(
            PairState(
                pair=pair,
                stage=stage,
                meeting_number=number,
                meetings_held=held.get(pid, 0),
                last_activity=last[pid],
                next_meeting=next_at if stage != Stage.ENDED else None,
                attention=attention_reasons(
                    pair,
                    now=now,
                    prework=prework.get(pid, 0),
                    agreed=pid in agreed_ids,
                    quiet_meetings=streak,
                    carried_items=carried.get(pid, 0),
                ),
            )
        )
    return sorted(states, key=lambda s: (not s.live, not s.needs_attention))


def _series(session: Session, pair_id: int, boundaries: Boundaries, now: datetime) -> tuple[int, datetime | None, int]:
    """The latest meeting started, the next one, and how many meetings in a row were quiet."""
    slots = pair_slots(session, pair_id, boundaries=boundaries, until=now + NEXT_MEETING_WITHIN)
    started = [s for s in slots if not s.skipped and s.number is not None and s.scheduled_at <= now]
    number = max((s.number or 0 for s in started), default=0)
    next_at = min((s.scheduled_at for s in slots if not s.skipped and s.scheduled_at > now), default=None)
    return number, next_at, len(inactivity_streak(session, pair_id, now, boundaries=boundaries))


def _stage(pair: Pair, *, prework: int, proposed: bool, agreed: bool, goals: int, started: int, quiet: bool) -> str:
    if pair.status in (PairStatus.ENDED, PairStatus.DECLINED):
        return Stage.ENDED
    if pair.status == PairStatus.PENDING:
        return Stage.INVITED
    if quiet:
        return Stage.QUIET
    if started or (agreed and goals):
        return Stage.MEETINGS
    if agreed:
        return Stage.GOALS
    if proposed or prework >= 2:
        return Stage.BOUNDARIES
    if prework:
        return Stage.PREWORK
    return Stage.ACCEPTED


def _days(delta: timedelta) -> str:
    days = delta.days
    return "1 day" if days == 1 else f"{days} days"


def attention_reasons(
    pair: Pair, *, now: datetime, prework: int, agreed: bool, quiet_meetings: int, carried_items: int = 0
) -> tuple[Reason, ...]:
    """Why a pair needs its lead, given what it has done (``prework``: members who wrote it; ``carried_items``:
    open items carried over ``CARRIED_OVER_AT`` times or more)."""
    if pair.status == PairStatus.PENDING:
        waiting = now - pair.created_at
        if waiting >= timedelta(days=INVITE_PENDING_DAYS):
            return (Reason(Attention.INVITE_PENDING, f"invitation not accepted after {_days(waiting)}"),)
        return ()
    if pair.status != PairStatus.ACTIVE:
        return ()
    reasons = []
    since = now - (pair.accepted_at or pair.created_at)
    if since >= timedelta(days=SETUP_DAYS):
        if prework < 2:
            missing = "no pre-work" if prework == 0 else "pre-work from only one of them"
            reasons.append(Reason(Attention.NO_PREWORK, f"{missing} {_days(since)} after accepting"))
        if not agreed:
            reasons.append(Reason(Attention.NO_BOUNDARIES, f"no agreed boundaries {_days(since)} after accepting"))
    if quiet_meetings >= INACTIVE_AFTER:
        reasons.append(Reason(Attention.QUIET, f"quiet for {quiet_meetings} meetings in a row"))
    if carried_items:
        noun = "1 follow-through item" if carried_items == 1 else f"{carried_items} follow-through items"
        reasons.append(Reason(Attention.CARRIED_OVER, f"{noun} carried over {CARRIED_OVER_AT} meetings or more"))
    return tuple(reasons)


def needing_attention(states: Iterable[PairState]) -> list[PairState]:
    return [s for s in states if s.needs_attention]
