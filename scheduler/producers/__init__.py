"""Producers of due posts: each looks at the database at ``now`` and plans what should be posted.

A producer is a plain function ``(session, now, settings) -> Iterable[PlannedPost]``. It must be
pure with respect to Slack (no API calls) and give every post a stable delivery key, so that
asking it twice for the same instant plans the same posts.

Ours plan a post only once it is due (its time has come and the addressed member's contact hours
are open), so a restart after downtime plans just what is still worth posting: reminders only for
meetings not yet started, the end-of-session questions only for each pair's latest ended meeting,
this week's nudge only, one inactivity nudge per inactive stretch, each getting-started nudge once.

This package lists them in order (``default_producers``); ``each_pair`` runs a per-pair planner
over every scheduled pair.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from sqlmodel import Session

from mentoring.outbox import PlannedPost
from mentoring.settings import Settings
from scheduler.producers import checkins, digest, inactivity, nudges, onboarding, program_end, reminders

Producer = Callable[[Session, datetime, Settings], Iterable[PlannedPost]]


def default_producers() -> list[Producer]:
    """The producers that run on every tick, in order."""
    return [
        reminders.produce,
        checkins.produce,
        nudges.produce,
        inactivity.produce,
        onboarding.produce,
        program_end.produce,
        digest.produce,
    ]
