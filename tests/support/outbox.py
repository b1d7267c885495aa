"""Outbox set-up for the delivery tests: numbered planned posts, a producer of them, the rows as stored."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import select

from mentoring.outbox import DELIVERY_ALERT_KIND, PlannedPost
from storage.db import session_scope
from storage.models import Outbox
from tests.support.fake_slack import TEAM_ID


def planned_posts(
    count: int,
    *,
    key: str,
    channel: str,
    not_before: datetime,
    kind: str = "test",
    pair_id: int | None = None,
    text: str = "post {n}",
) -> list[PlannedPost]:
    """``count`` posts keyed ``<key>:<n>``, all due at ``not_before``."""
    return [
        PlannedPost(
            delivery_key=f"{key}:{n}",
            team_id=TEAM_ID,
            channel_id=channel,
            kind=kind,
            text=text.format(n=n),
            not_before=not_before,
            pair_id=pair_id,
        )
        for n in range(count)
    ]


def producer_of(
    count: int,
    *,
    key: str,
    channel: str,
    kind: str = "test",
    pair_id: int | None = None,
    due: Callable[[datetime], datetime] = lambda now: now,
) -> Callable[..., Iterable[PlannedPost]]:
    """A test producer for ``tick``: ``planned_posts`` due at ``due(now)``."""

    def produce(session: Any, now: datetime, settings: Any) -> Iterable[PlannedPost]:
        return planned_posts(count, key=key, channel=channel, not_before=due(now), kind=kind, pair_id=pair_id)

    return produce


def outbox_rows(engine: Engine) -> list[Outbox]:
    """The outbox rows, but for the admins' delivery alerts."""
    with session_scope(engine) as session:
        return list(session.exec(select(Outbox).where(Outbox.kind != DELIVERY_ALERT_KIND).order_by(Outbox.id)))
