"""Pairs: creating them (opt-in), resolving which pair a command is about, and ending them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Update, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from mentoring.problems import NO_PAIR, NOT_IN_PAIR, Problem
from storage.db import rows_matched
from storage.models import Pair, PairStatus


@dataclass(frozen=True)
class Choice:
    """The caller is in several pairs and must say which one."""

    pairs: Sequence[Pair]


def live_pair_between(session: Session, *, team_id: str, mentor_id: str, mentee_id: str) -> Pair | None:
    return session.exec(
        select(Pair).where(
            Pair.team_id == team_id,
            Pair.mentor_id == mentor_id,
            Pair.mentee_id == mentee_id,
            col(Pair.status).in_(PairStatus.LIVE),
        )
    ).first()


def create_pair(
    session: Session,
    *,
    team_id: str,
    mentor_id: str,
    mentee_id: str,
    created_by: str,
    now: datetime,
    program_id: int | None = None,
) -> Pair | Problem:
    """A new pending pair (in the program ``program_id``, if any); refused while the two are already paired."""
    if mentor_id == mentee_id:
        return Problem("A mentor and a mentee must be two different people.")
    existing = live_pair_between(session, team_id=team_id, mentor_id=mentor_id, mentee_id=mentee_id)
    existing = existing or live_pair_between(session, team_id=team_id, mentor_id=mentee_id, mentee_id=mentor_id)
    if existing is not None:
        return Problem(
            f"<@{mentor_id}> and <@{mentee_id}> are already paired (status: {existing.status}). "
            "End that pairing first with `/mentor end` if you want to start over."
        )
    pair = Pair(
        team_id=team_id,
        mentor_id=mentor_id,
        mentee_id=mentee_id,
        created_by=created_by,
        created_at=now,
        status=PairStatus.PENDING,
        program_id=program_id,
    )
    try:
        with session.begin_nested():
            session.add(pair)
            session.flush()
    except IntegrityError:  # a concurrent request created it first
        return Problem(f"<@{mentor_id}> and <@{mentee_id}> are already paired.")
    return pair


@dataclass(frozen=True)
class InviteOutcome:
    pair: Pair
    changed: bool  # False when the member had already answered the same way
    now_active: bool
    declined: bool


def answer_invite(
    session: Session, *, pair: Pair, user_id: str, accept: bool, now: datetime
) -> InviteOutcome | Problem:
    """A member accepts or declines the pairing; both accepting makes it active, one decline ends it.

    Two members may press at the same moment, so every change is a conditional UPDATE whose row count
    says whether this press made it: exactly one of two concurrent accepts activates the pair.
    """
    role = pair.role_of(user_id)
    if role is None:
        return Problem(f"This invitation is for <@{pair.mentor_id}> and <@{pair.mentee_id}>.")
    if pair.id is None:
        return Problem("I couldn't find that pair. It may have been removed.")
    if accept:
        flag = Pair.mentor_accepted if role == "mentor" else Pair.mentee_accepted
        changed = _changed(
            session,
            update(Pair)
            .where(col(Pair.id) == pair.id, col(Pair.status).in_(PairStatus.LIVE), col(flag).is_(False))
            .values({flag: True}),
        )
        now_active = changed and _changed(
            session,
            update(Pair)
            .where(
                col(Pair.id) == pair.id,
                col(Pair.status) == PairStatus.PENDING,
                col(Pair.mentor_accepted).is_(True),
                col(Pair.mentee_accepted).is_(True),
            )
            .values(status=PairStatus.ACTIVE, accepted_at=now),
        )
    else:
        changed = now_active = False
        declined = _changed(
            session,
            update(Pair)
            .where(col(Pair.id) == pair.id, col(Pair.status) == PairStatus.PENDING)
            .values(status=PairStatus.DECLINED, declined_by=user_id, ended_at=now),
        )
    fresh = session.exec(select(Pair).where(Pair.id == pair.id).execution_options(populate_existing=True)).one()
    if not accept and declined:
        return InviteOutcome(fresh, changed=True, now_active=False, declined=True)
    if fresh.status == PairStatus.DECLINED:
        return Problem("This pairing was declined, so it is closed. Your program lead can pair you again.")
    if fresh.status == PairStatus.ENDED:
        return Problem("This pairing has ended.")
    if not accept:
        return Problem("You both accepted already; to stop, use `/mentor end`.")
    return InviteOutcome(fresh, changed=changed, now_active=now_active, declined=False)


def _changed(session: Session, statement: Update) -> bool:
    """Run a conditional UPDATE of one row; True when it matched (this caller made the change)."""
    result = session.execute(statement.execution_options(synchronize_session=False))
    return rows_matched(result) == 1


def end_pair(session: Session, *, pair: Pair, by: str, now: datetime) -> Pair | Problem:
    """End a live pairing; of two members confirming at the same moment, only one ends it."""
    ended = pair.id is not None and _changed(
        session,
        update(Pair)
        .where(col(Pair.id) == pair.id, col(Pair.status).in_(PairStatus.LIVE))
        .values(status=PairStatus.ENDED, ended_at=now, ended_by=by),
    )
    if not ended:
        return Problem("This pairing has already ended.")
    return session.exec(select(Pair).where(Pair.id == pair.id).execution_options(populate_existing=True)).one()


def pairs_of(session: Session, *, team_id: str, user_id: str, statuses: Sequence[str]) -> list[Pair]:
    return list(
        session.exec(
            select(Pair)
            .where(
                Pair.team_id == team_id,
                or_(col(Pair.mentor_id) == user_id, col(Pair.mentee_id) == user_id),
                col(Pair.status).in_(statuses),
            )
            .order_by(col(Pair.created_at), col(Pair.id))
        )
    )


def pair_in_channel(session: Session, *, team_id: str, channel_id: str) -> Pair | None:
    """The newest pair whose group DM is ``channel_id`` (a DM outlives an ended pair of the same people)."""
    if not channel_id:
        return None
    return session.exec(
        select(Pair).where(Pair.team_id == team_id, Pair.channel_id == channel_id).order_by(col(Pair.id).desc())
    ).first()


def _usable(pair: Pair) -> Pair | Problem:
    if pair.status == PairStatus.PENDING:
        return Problem(
            "This pairing hasn't started yet: both of you need to press *Accept* on the welcome message "
            "in your pair DM."
        )
    if pair.status != PairStatus.ACTIVE:
        return Problem("This pairing has ended, so there's nothing more to do here.")
    return pair


def resolve_pair(
    session: Session, *, team_id: str, user_id: str, channel_id: str, is_admin: bool = False
) -> Pair | Choice | Problem:
    """Which pair a command is about: the pair DM's pair, else the caller's only active pair, else a choice."""
    in_channel = pair_in_channel(session, team_id=team_id, channel_id=channel_id)
    if in_channel is not None:
        if not (in_channel.has_member(user_id) or is_admin):
            return NOT_IN_PAIR
        return _usable(in_channel)
    active = pairs_of(session, team_id=team_id, user_id=user_id, statuses=(PairStatus.ACTIVE,))
    if len(active) == 1:
        return active[0]
    if len(active) > 1:
        return Choice(active)
    pending = pairs_of(session, team_id=team_id, user_id=user_id, statuses=(PairStatus.PENDING,))
    if pending:
        return _usable(pending[0])
    return NO_PAIR


def pair_for_member(
    session: Session,
    *,
    team_id: str,
    pair_id: int | str | None,
    user_id: str,
    is_admin: bool = False,
    require_active: bool = True,
) -> Pair | Problem:
    """The pair named in an interaction, only if the caller may act on it (guards crafted payloads)."""
    try:
        pair = session.get(Pair, int(pair_id)) if pair_id is not None else None
    except (TypeError, ValueError):
        pair = None
    if pair is None or pair.team_id != team_id:
        return Problem("I couldn't find that pair. It may have been removed.")
    if not (pair.has_member(user_id) or is_admin):
        return NOT_IN_PAIR
    return _usable(pair) if require_active else pair
