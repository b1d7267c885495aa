"""Getting started: one gentle nudge each when a new pair stalls before its first meeting.

- Two days after both accepted, a member who has not written their pre-work is reminded of it,
  in their own DM with the bot (it is about them alone).
- A week after both accepted, a pair with no agreed boundaries is reminded in the pair DM (or, when
  one member proposed already, the other is asked to look at the proposal).

Each is sent exactly once (its delivery key) and only inside contact hours: the agreed ones when
there are any, else daytime (``contact_hours.DEFAULT_START``–``DEFAULT_END``) in the member's
current Slack time zone (``MENTOR_DEFAULT_TZ`` when Slack gives none). Only pairs that became active
in the last ``LOOK_BACK`` are looked at, so a pass stays cheap and old pairs are left alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from blocks.common import section
from mentoring.boundaries import agreed_boundaries, current_boundaries
from mentoring.checkins import outbox_row
from mentoring.contact_hours import (
    Window,
    default_pair_windows,
    default_window,
    is_allowed,
    member_windows,
)
from mentoring.outbox import PlannedPost
from mentoring.prework import prework_by_member
from mentoring.settings import Settings
from mentoring.users import current_zone, current_zones
from storage.models import BoundariesStatus, Pair, PairStatus

KIND = "onboarding"
PREWORK_AFTER = timedelta(days=2)
BOUNDARIES_AFTER = timedelta(days=7)
#: Pairs that became active longer ago than this are not nudged any more (nor looked at).
LOOK_BACK = timedelta(days=30)


def prework_key(pair_id: int, user_id: str) -> str:
    return f"onboarding:prework:{pair_id}:{user_id}"


def boundaries_key(pair_id: int) -> str:
    return f"onboarding:boundaries:{pair_id}"


def _zone(session: Session, pair: Pair, user_id: str, default: str) -> str:
    return current_zone(session, team_id=pair.team_id, user_id=user_id) or default


def _own_windows(session: Session, pair: Pair, user_id: str, default_tz: str) -> tuple[Window, ...]:
    boundaries = agreed_boundaries(session, pair.id or 0)
    if boundaries is not None:
        zones = current_zones(session, pair, agreed_at=boundaries.agreed_at)
        return member_windows(boundaries, pair.role_of(user_id) or "mentee", zones)
    return (default_window(_zone(session, pair, user_id, default_tz)),)


def prework_nudges(session: Session, pair: Pair, now: datetime, default_tz: str) -> Iterator[PlannedPost]:
    assert pair.id is not None and pair.accepted_at is not None
    if now < pair.accepted_at + PREWORK_AFTER:
        return
    written = prework_by_member(session, pair)
    for user_id in (pair.mentee_id, pair.mentor_id):
        if user_id in written:
            continue
        key = prework_key(pair.id, user_id)
        if outbox_row(session, key) is not None or not is_allowed(
            now, _own_windows(session, pair, user_id, default_tz)
        ):
            continue
        other = pair.other_member(user_id)
        text = (
            f":wave: Hi <@{user_id}>, whenever you have ten minutes: `/mentor prework` asks what you'd like from "
            f"this mentoring, what you bring and what you expect. <@{other}> sees yours once you've both written "
            "it, and it makes your first conversation easier. (Just this one reminder from me.)"
        )
        yield PlannedPost(
            delivery_key=key,
            team_id=pair.team_id,
            channel_id=user_id,  # the bot's DM with this member alone
            kind=KIND,
            text=text,
            blocks=[section(text)],
            pair_id=pair.id,
            not_before=now,
        )


def boundaries_nudge(session: Session, pair: Pair, now: datetime, default_tz: str) -> Iterator[PlannedPost]:
    assert pair.id is not None and pair.accepted_at is not None
    if now < pair.accepted_at + BOUNDARIES_AFTER or not pair.channel_id:
        return
    if agreed_boundaries(session, pair.id) is not None:
        return
    key = boundaries_key(pair.id)
    if outbox_row(session, key) is not None:
        return
    windows = default_pair_windows(
        _zone(session, pair, pair.mentor_id, default_tz), _zone(session, pair, pair.mentee_id, default_tz), now
    )
    if not is_allowed(now, windows):
        return
    waiting = current_boundaries(session, pair.id)
    if waiting is not None and waiting.status == BoundariesStatus.PROPOSED:
        other = pair.other_member(waiting.proposed_by)
        text = (
            f":calendar: <@{other}>, <@{waiting.proposed_by}> proposed when and how you'd meet. Have a look at the "
            "proposal above and agree, or change it with `/mentor boundaries`; once you agree I'll remind you "
            "both before each meeting."
        )
    else:
        text = (
            f":calendar: <@{pair.mentor_id}> <@{pair.mentee_id}>, you haven't settled when to meet yet. "
            "`/mentor boundaries` takes a minute: how often, which day and time, and when you can be reached. "
            "One of you proposes, the other agrees, and I'll remind you both before each meeting."
        )
    yield PlannedPost.to_pair_dm(pair, key=key, kind=KIND, text=text, blocks=[section(text)], not_before=now)


def produce(session: Session, now: datetime, settings: Settings) -> Iterable[PlannedPost]:
    pairs = session.exec(
        select(Pair).where(
            Pair.status == PairStatus.ACTIVE,
            col(Pair.accepted_at).is_not(None),
            col(Pair.accepted_at) >= now - LOOK_BACK,
            col(Pair.accepted_at) <= now - PREWORK_AFTER,
        )
    ).all()
    posts: list[PlannedPost] = []
    for pair in pairs:
        posts.extend(prework_nudges(session, pair, now, settings.default_tz))
        posts.extend(boundaries_nudge(session, pair, now, settings.default_tz))
    return posts
