"""The end of a program: each active pair in it gets a closing message with the survey, then, after the
survey window, a pair that did not choose (both) to continue is ended with a friendly closing line.

Both posts go into the pair DM inside its contact hours (the agreed ones; daytime in each member's
Slack time zone for a pair that agreed none), each exactly once by its delivery key. The pair is
ended in the same transaction that plans its closing line.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime

from sqlmodel import Session

from blocks.common import section
from blocks.programs import closing_message, farewell_text
from mentoring.boundaries import agreed_boundaries
from mentoring.checkins import outbox_row
from mentoring.contact_hours import Window, is_allowed, next_allowed_or_fallback, overlap, pair_dm_windows
from mentoring.outbox import PlannedPost
from mentoring.programs import (
    SURVEY_WINDOW,
    close_pair,
    closing_key,
    day_start,
    ended_program_pairs,
    farewell_key,
    today_in,
)
from mentoring.settings import Settings
from mentoring.surveys import both_continue
from mentoring.users import cached_user, valid_tz
from storage.models import Pair, Program

CLOSING_KIND = "program_end"
FAREWELL_KIND = "program_close"
#: Daytime assumed for a member who has agreed no contact hours, in their Slack time zone.
DAYTIME = ("09:00", "18:00")


def pair_windows(session: Session, pair: Pair, now: datetime, default_tz: str) -> tuple[Window, ...]:
    """The pair DM's contact hours: the agreed ones, else daytime both share (the mentee's if none)."""
    assert pair.id is not None
    boundaries = agreed_boundaries(session, pair.id)
    if boundaries is not None:
        return pair_dm_windows(boundaries, now)
    zones = []
    for member in pair.members():
        cached = cached_user(session, team_id=pair.team_id, user_id=member)
        zones.append((valid_tz(cached.tz) if cached else None) or default_tz)
    mentor, mentee = (Window.parse(*DAYTIME, tz) for tz in zones)
    return (mentor, mentee) if overlap(mentor, mentee, now) else (mentee,)


def plan(session: Session, program: Program, pair: Pair, now: datetime, default_tz: str) -> Iterator[PlannedPost]:
    assert pair.id is not None and program.id is not None
    if not pair.channel_id:
        return
    windows = pair_windows(session, pair, now, default_tz)
    key = closing_key(program, pair.id)
    closing = outbox_row(session, key)
    if closing is None:
        due = next_allowed_or_fallback(day_start(program.ends_on, default_tz), windows)
        if due > now or not is_allowed(now, windows):
            return
        text, blocks = closing_message(pair, program, today_in(now + SURVEY_WINDOW, default_tz))
        yield PlannedPost.to_pair_dm(pair, key=key, kind=CLOSING_KIND, text=text, blocks=blocks, not_before=now)
        return
    if now < closing.created_at + SURVEY_WINDOW or both_continue(session, pair) or not is_allowed(now, windows):
        return
    key = farewell_key(program.id, pair.id)  # once ever, whatever the dates became
    if outbox_row(session, key) is None and close_pair(session, pair=pair, now=now):
        text = farewell_text(pair, program)
        yield PlannedPost.to_pair_dm(
            pair, key=key, kind=FAREWELL_KIND, text=text, blocks=[section(text)], not_before=now
        )


def produce(session: Session, now: datetime, settings: Settings) -> Iterable[PlannedPost]:
    """Every active pair of a program that has reached its end date (the latest zones allow: a day ahead)."""
    posts: list[PlannedPost] = []
    for program, pair in ended_program_pairs(session, today_in(now, "Etc/GMT-14")):
        posts.extend(plan(session, program, pair, now, settings.default_tz))
    return posts
