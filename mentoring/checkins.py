"""Checking in: the method's four end-of-session questions, asked after every meeting, and the answers.

A ``CheckIn`` is one posting of the questions into the pair's DM, named by the outbox delivery key
that posts it: ``checkin:{pair}:{meeting}`` after a scheduled meeting (a ``/mentor wrapup`` during or
just after that meeting uses the same key, so the questions come once), ``wrapup:{pair}:{minute}`` for
a conversation held off-schedule. Answers come from the *Answer* modal (editable, with the member's
open items to tick off and a progress step for each active goal) or from replies in the message's
thread (appended). Every line of *next steps* and *before our next conversation* becomes a
follow-through item of the person who answered, due at the next meeting. The fourth question is
optional; its answer is kept in ``CheckInAnswer.focus`` (the old ``changes`` column is no longer asked).

``checkin_post`` turns the message (rendered by ``blocks.checkins``) into the outbox post of a check-in;
``conversation_words`` says which conversation the questions are about, as seen when they arrive.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from mentoring.boundaries import agreed_boundaries
from mentoring.followthrough import (
    complete_item,
    items_by_ids,
    kind_prefix,
    open_items,
    open_items_by_owner,
    split_lines,
    sync_checkin_items,
)
from mentoring.goals import Invalid, active_goals, invalid, parse_percent, record_progress
from mentoring.meeting_changes import RELEASED_PREFIX, mark_held
from mentoring.meeting_changes import meeting_checkin_key as meeting_checkin_key  # re-exported
from mentoring.meetings import lock_pair, next_meeting
from mentoring.outbox import PlannedPost
from mentoring.problems import Problem
from storage.models import (
    ActionItem,
    ActionStatus,
    CheckIn,
    CheckInAnswer,
    EventReceipt,
    Goal,
    Meeting,
    MeetingStatus,
    Outbox,
    Pair,
    table_of,
)

#: The method's own words (the CONTRACT lists them verbatim): keep them exactly as they are.
USEFUL = "What was useful about our conversation today?"
NEXT_STEPS = "What are your next steps?"
BEFORE_NEXT = "What will you do/learn/explore before our next conversation?"
FOCUS = "What changes should we make for our next conversation, or what areas do we want to focus on?"

#: Answer fields and their questions, in the order they are asked, after every meeting.
QUESTIONS: dict[str, str] = {"useful": USEFUL, "next_steps": NEXT_STEPS, "before_next": BEFORE_NEXT, "focus": FOCUS}
#: Questions a member may leave out without it looking unanswered.
OPTIONAL = frozenset({"focus"})
#: Answer columns; ``changes`` holds what older check-ins asked separately and is no longer asked.
FIELDS = (*QUESTIONS, "changes")
#: A meeting further back than this many days is named by its date, not its weekday.
WEEKDAY_WITHIN_DAYS = 6
ANSWER_MAX = 3000
#: A second off-schedule ``/mentor wrapup`` within this time points to the questions already posted.
WRAPUP_REUSE = timedelta(hours=1)

#: Prefixes understood in thread replies ("next steps: call Ana").
REPLY_PREFIXES = {
    "useful": "useful",
    "useful today": "useful",
    "what was useful": "useful",
    "next steps": "next_steps",
    "next step": "next_steps",
    "next": "next_steps",
    "before next": "before_next",
    "before our next conversation": "before_next",
    "before next time": "before_next",
    "changes": "focus",
    "focus": "focus",
}
_REPLY_PREFIX = re.compile(
    r"^\s*[*_]*("
    + "|".join(sorted((re.escape(p) for p in REPLY_PREFIXES), key=len, reverse=True))
    + r")[*_]*\s*[:：][*_]*\s*(.*)$",
    re.IGNORECASE,
)


def conversation_words(meeting_at: datetime | None, now: datetime, tz: str) -> str:
    """Which conversation the questions are about, as read at ``now`` in ``tz``.

    "your conversation today" on the meeting's day (or without a meeting), "Thursday's
    conversation" within the last six days, "your conversation on Thu 26 Nov" before that.
    """
    if meeting_at is None:
        return "your conversation today"
    try:
        zone = ZoneInfo(tz)
    except (ValueError, ZoneInfoNotFoundError):
        zone = ZoneInfo("UTC")
    held_on, today = meeting_at.astimezone(zone).date(), now.astimezone(zone).date()
    days = (today - held_on).days
    if days <= 0:
        return "your conversation today"
    if days <= WEEKDAY_WITHIN_DAYS:
        return f"{held_on:%A}'s conversation"
    return f"your conversation on {held_on:%a} {held_on.day} {held_on:%b}"


def wrapup_key(pair_id: int, now: datetime) -> str:
    return f"wrapup:{pair_id}:{now.strftime('%Y-%m-%dT%H:%MZ')}"


def recent_wrapup_key(session: Session, pair_id: int, now: datetime) -> str | None:
    """The key of this pair's off-schedule wrap-up from the last ``WRAPUP_REUSE``: both members often ask for it."""
    return session.exec(
        select(CheckIn.delivery_key)
        .where(
            CheckIn.pair_id == pair_id,
            col(CheckIn.delivery_key).startswith(f"wrapup:{pair_id}:"),
            CheckIn.created_at > now - WRAPUP_REUSE,
            CheckIn.created_at <= now,
        )
        .order_by(col(CheckIn.created_at).desc())
    ).first()


def checkin_by_key(session: Session, key: str) -> CheckIn | None:
    return session.exec(select(CheckIn).where(CheckIn.delivery_key == key)).first()


def outbox_row(session: Session, key: str) -> Outbox | None:
    return session.exec(select(Outbox).where(Outbox.delivery_key == key)).first()


def get_or_create_checkin(
    session: Session,
    *,
    pair: Pair,
    key: str,
    meeting_id: int | None,
    now: datetime,
) -> CheckIn:
    """The check-in with this delivery key, created if new (safe when two processes do it at once)."""
    assert pair.channel_id is not None
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    session.execute(
        insert(table_of(CheckIn))
        .values(
            team_id=pair.team_id,
            pair_id=pair.id,
            meeting_id=meeting_id,
            delivery_key=key,
            with_relationship_questions=False,  # the column stays; every meeting now asks the same four
            channel_id=pair.channel_id,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["delivery_key"])
    )
    checkin = checkin_by_key(session, key)
    assert checkin is not None
    return checkin


def checkin_post(
    *, pair: Pair, checkin: CheckIn, text: str, blocks: list[dict[str, Any]], not_before: datetime
) -> PlannedPost:
    """The outbox post of a check-in's message (the scheduler's and ``/mentor wrapup``'s), rendered by the caller."""
    return PlannedPost(
        delivery_key=checkin.delivery_key,
        team_id=pair.team_id,
        channel_id=checkin.channel_id,
        kind="checkin",
        text=text,
        blocks=blocks,
        not_before=not_before,
        pair_id=pair.id,
    )


def checkin_message_ts(session: Session, checkin: CheckIn) -> str | None:
    """The ts of the check-in's message in Slack, once the outbox has posted it (remembered on the check-in)."""
    if checkin.message_ts:
        return checkin.message_ts
    row = outbox_row(session, checkin.delivery_key)
    if row is not None and row.ts:
        checkin.message_ts = row.ts
        session.add(checkin)
        return row.ts
    return None


def checkin_for_thread(session: Session, *, team_id: str, channel_id: str, thread_ts: str) -> CheckIn | None:
    """The check-in whose message starts the thread ``thread_ts`` in ``channel_id``."""
    checkin = session.exec(
        select(CheckIn).where(
            CheckIn.team_id == team_id, CheckIn.channel_id == channel_id, CheckIn.message_ts == thread_ts
        )
    ).first()
    if checkin is not None:
        return checkin
    checkin = session.exec(
        select(CheckIn)
        .join(Outbox, col(Outbox.delivery_key) == col(CheckIn.delivery_key))
        .where(CheckIn.team_id == team_id, Outbox.channel_id == channel_id, Outbox.ts == thread_ts)
    ).first()
    if checkin is not None:
        checkin.message_ts = thread_ts
        session.add(checkin)
    return checkin


def claim_event(session: Session, *, team_id: str, event_id: str | None, now: datetime) -> bool:
    """Record an Events API ``event_id``; False when it was handled before (Slack retried it)."""
    if not event_id:
        return True
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    table = table_of(EventReceipt)
    result = session.execute(
        insert(table)
        .values(team_id=team_id, event_id=event_id[:64], received_at=now)
        .on_conflict_do_nothing(index_elements=["event_id"])
        .returning(table.c.id)
    )
    return bool(result.all())


def checkin_in_team(session: Session, *, team_id: str, checkin_id: int | str | None) -> CheckIn | None:
    try:
        checkin = session.get(CheckIn, int(checkin_id)) if checkin_id is not None else None
    except (TypeError, ValueError):
        return None
    return checkin if checkin is not None and checkin.team_id == team_id else None


def answers_of(session: Session, checkin_id: int) -> dict[str, CheckInAnswer]:
    return {a.user_id: a for a in session.exec(select(CheckInAnswer).where(CheckInAnswer.checkin_id == checkin_id))}


def has_content(answer: CheckInAnswer | None) -> bool:
    return answer is not None and any(getattr(answer, name).strip() for name in FIELDS)


def answered_by(session: Session, checkin: CheckIn) -> set[str]:
    if checkin.id is None:  # not stored: no answers yet
        return set()
    return {user for user, answer in answers_of(session, checkin.id).items() if has_content(answer)}


@dataclass
class AnswerOutcome:
    answer: CheckInAnswer
    new_items: list[ActionItem] = field(default_factory=list)
    summary_due: bool = False  # both have now answered and no summary was posted yet (now claimed)
    lines_added: int = 0
    items_done: int = 0
    goals_updated: int = 0


def parse_reply(text: str) -> dict[str, str]:
    """A thread reply split into answer fields by ``useful:`` / ``next steps:`` / ``before next:`` prefixes.

    Lines before any prefix are kept as what was useful: free text makes no items by itself (its author is
    offered the lines that look like commitments, see ``mentoring.replies``), except a ``resource:`` /
    ``contact:`` / ``info:`` / ``action:`` line, which is a next step. Lines after a prefix belong to it.
    """
    parts: dict[str, list[str]] = {}
    current = "useful"
    for raw in (text or "").splitlines():
        match = _REPLY_PREFIX.match(raw)
        if match:
            current = REPLY_PREFIXES[match.group(1).lower()]
            raw = match.group(2)
        name = "next_steps" if current == "useful" and not match and kind_prefix(raw) else current
        if raw.strip():
            parts.setdefault(name, []).append(raw.strip())
    return {name: "\n".join(lines) for name, lines in parts.items()}


def _due_at(session: Session, checkin: CheckIn, now: datetime) -> datetime | None:
    following = next_meeting(session, checkin.pair_id, now)
    return following.scheduled_at if following else None


def _record(
    session: Session,
    *,
    checkin: CheckIn,
    pair: Pair,
    user_id: str,
    fields: Mapping[str, str],
    now: datetime,
    append: bool,
) -> AnswerOutcome:
    assert pair.id is not None and checkin.id is not None
    lock_pair(session, pair.id)
    session.refresh(checkin)
    answer = session.exec(
        select(CheckInAnswer).where(CheckInAnswer.checkin_id == checkin.id, CheckInAnswer.user_id == user_id)
    ).first()
    if answer is None:
        answer = CheckInAnswer(
            team_id=checkin.team_id, checkin_id=checkin.id, user_id=user_id, created_at=now, updated_at=now
        )
    added = 0
    for name in FIELDS:
        given = (fields.get(name) or "").strip()
        if append:
            if given:
                old = getattr(answer, name).strip()
                setattr(answer, name, (f"{old}\n{given}" if old else given)[:ANSWER_MAX])
                added += len(split_lines(given))
        elif name in fields:
            setattr(answer, name, given[:ANSWER_MAX])
    answer.updated_at = now
    session.add(answer)
    session.flush()
    lines = split_lines(answer.next_steps) + split_lines(answer.before_next)
    new_items = sync_checkin_items(
        session, checkin=checkin, owner_id=user_id, lines=lines, due_at=_due_at(session, checkin, now), now=now
    )
    if has_content(answer) and not checkin.delivery_key.startswith(RELEASED_PREFIX):
        mark_held(session, checkin.meeting_id, now)
    summary_due = False
    if checkin.summary_posted_at is None and answered_by(session, checkin) >= set(pair.members()):
        checkin.summary_posted_at = now
        session.add(checkin)
        summary_due = True
    return AnswerOutcome(answer=answer, new_items=new_items, summary_due=summary_due, lines_added=added)


def save_answers(
    session: Session, *, checkin: CheckIn, pair: Pair, user_id: str, fields: Mapping[str, str], now: datetime
) -> AnswerOutcome:
    """The member's answers from the modal (replacing the fields given); items follow the new lines."""
    return _record(session, checkin=checkin, pair=pair, user_id=user_id, fields=fields, now=now, append=False)


def append_reply(
    session: Session, *, checkin: CheckIn, pair: Pair, user_id: str, text: str, now: datetime
) -> AnswerOutcome:
    """A thread reply added to the member's answers (new next-step lines become items)."""
    return _record(session, checkin=checkin, pair=pair, user_id=user_id, fields=parse_reply(text), now=now, append=True)


#: The progress steps offered for each active goal in the *Answer* modal (percent).
PROGRESS_STEPS = (0, 25, 50, 75, 100)
#: Open items offered to tick off in the modal (Slack allows 10 checkboxes in one input).
ITEMS_OFFERED = 10
CLOSED = Problem("You said you didn't meet this time, so these questions are closed. *Move it* finds another time.")


def pair_zone(session: Session, pair: Pair) -> str:
    """The pair's agreed time zone (where the shared DM's "today" is), UTC before any agreement."""
    boundaries = agreed_boundaries(session, pair.id or 0)
    return boundaries.timezone if boundaries is not None else "UTC"


def is_closed(session: Session, checkin: CheckIn) -> bool:
    """Questions of a meeting someone said did not take place ask nothing any more."""
    if checkin.delivery_key.startswith(RELEASED_PREFIX):
        return True
    meeting = session.get(Meeting, checkin.meeting_id) if checkin.meeting_id is not None else None
    return meeting is not None and meeting.status == MeetingStatus.MISSED


@dataclass(frozen=True)
class AnswerForm:
    """What the *Answer* modal shows one member."""

    checkin_id: int
    number: int | None
    about: str
    answer: CheckInAnswer | None
    items: list[ActionItem]
    goals: list[Goal]
    more_items: int = 0


def answer_form(session: Session, *, checkin: CheckIn, pair: Pair, user_id: str, now: datetime) -> AnswerForm:
    assert checkin.id is not None
    meeting = session.get(Meeting, checkin.meeting_id) if checkin.meeting_id is not None else None
    mine = [i for i in open_items(session, pair.id or 0, owner_id=user_id, now=now) if i.checkin_id != checkin.id]
    return AnswerForm(
        checkin_id=checkin.id,
        number=(meeting.number or None) if meeting is not None else None,
        about=conversation_words(meeting.scheduled_at if meeting else None, now, pair_zone(session, pair)),
        answer=answers_of(session, checkin.id).get(user_id),
        items=mine[:ITEMS_OFFERED],
        goals=active_goals(session, pair.id or 0),
        more_items=max(len(mine) - ITEMS_OFFERED, 0),
    )


def save_checkin(
    session: Session,
    *,
    checkin: CheckIn,
    pair: Pair,
    user_id: str,
    fields: Mapping[str, str],
    done_item_ids: Sequence[str],
    progress: Mapping[str, str],
    now: datetime,
) -> AnswerOutcome | Problem:
    """Everything the *Answer* modal gives, in one step: answers, items ticked off, goal progress.

    ``progress`` maps a goal id to the chosen percent. Only the member's own open items are closed
    (other ids are ignored); a goal's progress is recorded (with history) only when it changed. Bad
    input (an unknown goal, a percent that is not a step) is an ``Invalid`` keyed by goal id and
    changes nothing.
    """
    lock_pair(session, pair.id or 0)  # before reading: a *We didn't meet* at the same moment goes first or after
    session.refresh(checkin)
    if is_closed(session, checkin):
        return CLOSED
    goals = {str(g.id): g for g in active_goals(session, pair.id or 0)}
    errors: dict[str, str] = {}
    changed: dict[str, int] = {}
    for goal_id, raw in progress.items():
        percent = parse_percent(raw)
        if goal_id not in goals:
            errors[goal_id] = "That goal is no longer active."
        elif percent is None or percent not in (*PROGRESS_STEPS, goals[goal_id].progress):
            errors[goal_id] = "Pick one of the progress steps."
        elif percent != goals[goal_id].progress:
            changed[goal_id] = percent
    if errors:
        return invalid(errors)
    wanted = {int(v) for v in done_item_ids if v.isdigit() and len(v) < 19}
    ticked = [
        item
        for item in items_by_ids(session, pair.id or 0, wanted).values()
        if item.owner_id == user_id and item.status == ActionStatus.OPEN
    ]
    previous = answers_of(session, checkin.id or 0).get(user_id)
    if not any(v.strip() for v in fields.values()) and previous is None and not ticked and not changed:
        return invalid({"useful": "Answer at least one question."})
    outcome = save_answers(session, checkin=checkin, pair=pair, user_id=user_id, fields=fields, now=now)
    for item in ticked:
        complete_item(session, item=item, now=now)
    meeting = session.get(Meeting, checkin.meeting_id) if checkin.meeting_id is not None else None
    note = f"Check-in after meeting {meeting.number}." if meeting is not None and meeting.number else "Check-in."
    for goal_id, percent in changed.items():
        recorded = record_progress(
            session=session, pair=pair, goal_id=goal_id, progress=percent, note=note, by=user_id, now=now
        )
        if isinstance(recorded, Invalid):  # checked above; cannot happen
            return recorded
    outcome.items_done, outcome.goals_updated = len(ticked), len(changed)
    return outcome


@dataclass(frozen=True)
class CheckInBrief:
    """What the check-in message shows."""

    checkin_id: int
    number: int | None
    meeting_at: datetime | None
    about: str  # "your conversation today", "Thursday's conversation" …
    items: dict[str, list[ActionItem]]
    answered: set[str]
    meeting_id: int | None = None
    missed_by: str | None = None  # who said you didn't meet: the questions are closed
    moved_to: datetime | None = None  # the missed meeting's new time, once someone moved it


def checkin_brief(session: Session, *, checkin: CheckIn, pair: Pair, now: datetime) -> CheckInBrief:
    assert checkin.id is not None
    meeting = session.get(Meeting, checkin.meeting_id) if checkin.meeting_id is not None else None
    released = checkin.delivery_key.startswith(RELEASED_PREFIX)
    missed = meeting is not None and meeting.status == MeetingStatus.MISSED
    return CheckInBrief(
        checkin_id=checkin.id,
        number=(meeting.number or None) if meeting is not None else None,
        meeting_at=meeting.scheduled_at if meeting is not None else None,
        about=conversation_words(meeting.scheduled_at if meeting else None, now, pair_zone(session, pair)),
        meeting_id=meeting.id if meeting is not None else None,
        missed_by=(meeting.updated_by or "someone") if missed and meeting is not None else None,
        moved_to=meeting.scheduled_at if released and not missed and meeting is not None else None,
        items={
            owner: [i for i in owned if i.checkin_id != checkin.id]
            for owner, owned in open_items_by_owner(session, pair, now=now).items()
        },
        answered=answered_by(session, checkin),
    )
