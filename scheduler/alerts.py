"""Telling the admins about posts that could not be delivered: a DM to each, through the outbox itself.

Once per problem and day: a problem is a workspace's posts given up today (or held back for
``STUCK_AFTER``) for one reason, and its DM's delivery key names the workspace, the reason and the
day (by the wall clock). Posts given up later that day are not DMed again but are in
``/mentor report``; posts still stuck the next day are DMed again then. The DM names the kind
of each post and its pair by mention only, never text a member typed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime, time

from sqlalchemy import or_
from sqlmodel import Session, col, select

from mentoring.outbox import DELIVERY_ALERT_KIND, STUCK_AFTER, PlannedPost, Undelivered, reason_in_words, undelivered
from storage.models import Outbox, OutboxStatus, Pair

#: Listed by name in a DM; the rest are counted.
LISTED_AT_MOST = 15
KIND_NAMES = {
    "reminder": "meeting reminder",
    "checkin": "end-of-session questions",
    "nudge": "weekly nudge",
    "inactive": "quiet-pair nudge",
    "summary": "check-in summary",
    "reply_ack": "reply acknowledgement",
    "welcome": "welcome message",
}


def kind_name(kind: str) -> str:
    return KIND_NAMES.get(kind, kind.replace("_", " "))


def _post_line(session: Session, item: Undelivered) -> str:
    pair = session.get(Pair, item.row.pair_id) if item.row.pair_id is not None else None
    whom = f" for <@{pair.mentor_id}> and <@{pair.mentee_id}>" if pair else ""
    return f"• {kind_name(item.row.kind)}{whom}"


def alert_text(session: Session, problem: list[Undelivered]) -> str:
    """The DM about one problem: how many, why in plain words, what happens next, which posts."""
    count = len(problem)
    given_up = problem[0].given_up
    noun = "scheduled post" if count == 1 else "scheduled posts"
    head = f":warning: {count} {noun} could not be delivered: {reason_in_words(problem[0].reason)}."
    then = (
        "I gave up on them."
        if given_up
        else "I keep them and post them as soon as Slack takes them again (within a day, then I give up)."
    )
    lines = [_post_line(session, item) for item in problem[:LISTED_AT_MOST]]
    if count > LISTED_AT_MOST:
        lines.append(f"• … and {count - LISTED_AT_MOST} more")
    return "\n".join([f"{head} {then}", *lines, "`/mentor report` shows what is still undelivered."])


def plan(session: Session, now: datetime, wall: datetime, admins: frozenset[str]) -> Iterator[PlannedPost]:
    """One DM per admin for each problem in each workspace, keyed so a day never repeats it."""
    if not admins:
        return
    day_start = datetime.combine(wall.astimezone(UTC).date(), time(0), tzinfo=UTC)
    teams = session.exec(
        select(Outbox.team_id).distinct().where(
            or_(
                (col(Outbox.status) == OutboxStatus.FAILED) & (col(Outbox.claimed_at) >= day_start),
                col(Outbox.status).in_([OutboxStatus.PENDING, OutboxStatus.SENDING])
                & col(Outbox.last_error).is_not(None)
                & (col(Outbox.created_at) <= now - STUCK_AFTER),
            ),
            col(Outbox.kind) != DELIVERY_ALERT_KIND,
        )
    )
    for team_id in list(teams):
        problems: dict[tuple[bool, str], list[Undelivered]] = defaultdict(list)
        found = undelivered(
            session, team_id=team_id, now=now, given_up_since=day_start, exclude_kinds=[DELIVERY_ALERT_KIND]
        )
        for item in found:
            problems[(item.given_up, item.reason)].append(item)
        for (given_up, reason), problem in sorted(problems.items()):
            text = alert_text(session, problem)
            state = "given-up" if given_up else "stuck"
            for admin in sorted(admins):
                yield PlannedPost.to_person(
                    admin,
                    team_id=team_id,
                    key=f"undelivered:{team_id}:{state}:{reason}:{day_start:%Y-%m-%d}:{admin}"[:255],
                    kind=DELIVERY_ALERT_KIND,
                    text=text,
                    not_before=now,
                )
