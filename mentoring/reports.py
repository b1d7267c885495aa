"""``/mentor report``: program figures for admins — counts only, plus the pairs that went quiet."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func
from sqlalchemy.orm import Mapped
from sqlmodel import Session, col, select

from mentoring.checkins import has_content
from mentoring.inactivity import inactive_pairs
from mentoring.outbox import DELIVERY_ALERT_KIND, reason_in_words, undelivered
from storage.models import (
    ActionItem,
    ActionStatus,
    CheckIn,
    CheckInAnswer,
    Goal,
    GoalStatus,
    Meeting,
    MeetingStatus,
    Pair,
    PairStatus,
)


@dataclass(frozen=True)
class ProgramReport:
    pairs_by_status: dict[str, int]
    meetings_held: int
    meetings_skipped: int
    goals_total: int
    goals_met: int
    checkins: int
    checkin_answers: int
    items_open: int
    items_done: int
    inactive: list[Pair] = field(default_factory=list)
    #: Scheduled posts given up in the last ``UNDELIVERED_WITHIN`` or held back for a while, by reason in words.
    undelivered: dict[str, int] = field(default_factory=dict)

    @property
    def undelivered_total(self) -> int:
        return sum(self.undelivered.values())

    @property
    def answer_rate(self) -> float | None:
        """Share of the answers asked for (two members per check-in) that were given."""
        expected = 2 * self.checkins
        return self.checkin_answers / expected if expected else None


UNDELIVERED_WITHIN = timedelta(days=7)


def undelivered_by_reason(session: Session, *, team_id: str, now: datetime) -> dict[str, int]:
    """How many scheduled posts could not be delivered (given up lately, or stuck), by reason in plain words."""
    found = undelivered(
        session,
        team_id=team_id,
        now=now,
        given_up_since=now - UNDELIVERED_WITHIN,
        exclude_kinds=[DELIVERY_ALERT_KIND],
    )
    return dict(Counter(reason_in_words(item.reason) for item in found).most_common())


def _count_by(session: Session, column: Mapped[str], *where: ColumnElement[bool]) -> Counter[str]:
    rows = session.exec(select(column, func.count()).where(*where).group_by(column))
    return Counter({str(value): int(count) for value, count in rows})


def program_report(session: Session, *, team_id: str, now: datetime) -> ProgramReport:
    pair_ids = select(Pair.id).where(Pair.team_id == team_id)
    pairs = _count_by(session, col(Pair.status), col(Pair.team_id) == team_id)
    meetings = _count_by(session, col(Meeting.status), col(Meeting.pair_id).in_(pair_ids))
    goals = _count_by(session, col(Goal.status), col(Goal.pair_id).in_(pair_ids))
    items = _count_by(session, col(ActionItem.status), col(ActionItem.pair_id).in_(pair_ids))
    checkin_ids = select(CheckIn.id).where(col(CheckIn.pair_id).in_(pair_ids))
    checkins = session.exec(select(func.count()).select_from(CheckIn).where(col(CheckIn.pair_id).in_(pair_ids))).one()
    answers = sum(
        1
        for answer in session.exec(select(CheckInAnswer).where(col(CheckInAnswer.checkin_id).in_(checkin_ids)))
        if has_content(answer)
    )
    flagged = inactive_pairs(session, now, team_id=team_id)
    return ProgramReport(
        pairs_by_status={
            status: pairs.get(status, 0)
            for status in (PairStatus.ACTIVE, PairStatus.PENDING, PairStatus.ENDED, PairStatus.DECLINED)
        },
        meetings_held=meetings.get(MeetingStatus.HELD, 0),
        meetings_skipped=meetings.get(MeetingStatus.SKIPPED, 0),
        goals_total=sum(goals.values()),
        goals_met=goals.get(GoalStatus.DONE, 0),
        checkins=int(checkins),
        checkin_answers=answers,
        items_open=items.get(ActionStatus.OPEN, 0),
        items_done=items.get(ActionStatus.DONE, 0),
        inactive=[p for p in (session.get(Pair, pid) for pid in flagged) if p is not None],
        undelivered=undelivered_by_reason(session, team_id=team_id, now=now),
    )
