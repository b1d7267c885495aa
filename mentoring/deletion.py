"""``/mentor delete-my-data``: remove everything a person typed and their identity, keep anonymous counts.

Every table of the schema has a ``Rule`` here (a test fails when a new table has none). Per row the
person *owns* (wrote), the columns they typed are replaced by ``DELETED_TEXT`` — not emptied, so an
answered check-in still counts as answered and a goal still counts as set or met — or the row goes
when it holds nothing countable. Their user id is replaced, wherever it appears, by a stable
placeholder (``placeholder``), so pairs, meetings, ratings and survey scores still count in the
program's report. Their cached Slack profile goes. Their live pairings end (an anonymous member can't
be messaged). The other member's own words stay untouched.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Column, ColumnElement, String, Table, delete, func, or_, select, update
from sqlmodel import Session, SQLModel

from mentoring.pairs import pairs_of
from storage.models import OutboxStatus, Pair, PairStatus

#: What a person's words become: kept non-empty so "answered" and "set" still count.
DELETED_TEXT = "(deleted)"
PLACEHOLDER_PREFIX = "DELETED-"


def placeholder(team_id: str, user_id: str) -> str:
    """The same anonymous id every time for one person of one workspace (fits the 32-character id columns)."""
    return PLACEHOLDER_PREFIX + hashlib.sha256(f"{team_id}:{user_id}".encode()).hexdigest()[:16]


def is_placeholder(user_id: str) -> bool:
    return user_id.startswith(PLACEHOLDER_PREFIX)


@dataclass(frozen=True)
class Rule:
    """What deleting a person's data does to one table."""

    #: What the person wrote there, in words for the confirmation ("" when nothing of theirs is counted).
    label: str = ""
    #: Columns naming whose words a row holds (any of them equal to the person makes the row theirs).
    owners: tuple[str, ...] = ()
    #: Text columns the owner typed: replaced by ``DELETED_TEXT`` (by NULL for those in ``nulled``).
    typed: tuple[str, ...] = ()
    nulled: tuple[str, ...] = ()
    #: The person's rows go entirely (nothing in them is counted).
    delete_owned: bool = False
    #: Rows of the person's pairs (not their own words alone): their text is cleared too.
    by_pair: bool = False
    #: Text columns left as they are, and why (Slack ids, keys, settings picked from lists, admins' names).
    kept: dict[str, str] = field(default_factory=dict)
    #: The person's id is never replaced here (the workspace's install record).
    untouched: bool = False


_SLACK_IDS = "Slack ids of channels and messages, not anyone's words"

RULES: dict[str, Rule] = {
    "slack_user": Rule(
        "your cached Slack profile (name, e-mail, time zone)",
        owners=("user_id",),
        typed=("display_name", "real_name", "email", "tz"),
        delete_owned=True,
    ),
    "workspace_role": Rule(owners=("user_id",), delete_owned=True),  # a cached is-admin flag, nothing typed
    "program": Rule(kept={"name": "the program's name, given by an admin", "team_id": "workspace"}),
    "pair": Rule(kept={"channel_id": _SLACK_IDS, "welcome_ts": _SLACK_IDS, "status": "a state, not words"}),
    "outbox": Rule(
        by_pair=True,
        typed=("text", "blocks_json"),
        nulled=("blocks_json",),
        kept={
            "channel_id": _SLACK_IDS,
            "ts": _SLACK_IDS,
            "thread_ts": _SLACK_IDS,
            "kind": "a kind of post",
            "delivery_key": "a key (a person's id in it is replaced)",
            "status": "a state",
            "last_error": "Slack's error code",
            "claim_token": "a process's claim",
        },
    ),
    "prework": Rule("your pre-work", owners=("user_id",), typed=("wants", "brings", "expects")),
    "boundaries": Rule(
        "the boundaries you proposed (place, contact method, roles, scope, expectations, notes)",
        owners=("proposed_by",),
        typed=(
            "location",
            "contact_method",
            "mentor_role",
            "mentee_role",
            "expectations",
            "scope_in",
            "scope_out",
            "notes",
        ),
        kept={
            "frequency": "the schedule, picked from a list",
            "start_time": "the schedule, picked from a list",
            "timezone": "the schedule's time zone",
            "mentor_contact_start": "contact hours, picked from a list",
            "mentor_contact_end": "contact hours, picked from a list",
            "mentee_contact_start": "contact hours, picked from a list",
            "mentee_contact_end": "contact hours, picked from a list",
            "mentor_tz": "contact hours' time zone",
            "mentee_tz": "contact hours' time zone",
            "status": "a state",
            "proposal_ts": _SLACK_IDS,
        },
    ),
    "goal": Rule(
        "the goals you wrote",
        owners=("created_by",),
        typed=("title", "description", "measurable", "achievable", "relevant"),
        kept={"status": "a state"},
    ),
    "goal_update": Rule("your progress notes", owners=("user_id",), typed=("note",)),
    "roadmap_item": Rule("the roadmap themes you wrote", owners=("updated_by", "suggested_by"), typed=("theme",)),
    "meeting": Rule(kept={"status": "a state"}),
    "checkin": Rule(
        kept={
            "delivery_key": "a key (a person's id in it is replaced)",
            "channel_id": _SLACK_IDS,
            "message_ts": _SLACK_IDS,
        }
    ),
    "checkin_answer": Rule(
        "your check-in answers (thread replies included)",
        owners=("user_id",),
        typed=("useful", "next_steps", "before_next", "changes", "focus"),
    ),
    "checkin_rating": Rule(kept={}),
    "action_item": Rule(
        "your follow-through items",
        owners=("owner_id",),
        typed=("text",),
        kept={"kind": "a kind picked from a list", "source": "where it came from", "status": "a state"},
    ),
    "reply_suggestion": Rule(
        "next steps offered from your thread replies", owners=("user_id",), typed=("lines",), delete_owned=True
    ),
    "survey_response": Rule(
        "your end-of-program survey comment",
        owners=("user_id",),
        typed=("comment",),
        kept={"goals_met": "picked from a list", "continue_choice": "picked from a list"},
    ),
    "event_receipt": Rule(kept={"event_id": "Slack's id of an event"}),
    "request_receipt": Rule(kept={"request_key": "a hash of a request, keyed to no one"}),
    "slack_installations": Rule(untouched=True),
    "slack_bots": Rule(untouched=True),
    "slack_oauth_states": Rule(untouched=True),
}


def holds_text(column: Column[Any]) -> bool:
    """Whether a column holds text (SQLModel's ``AutoString`` is a type decorator over ``String``)."""
    kind = column.type
    return isinstance(kind, String) or isinstance(getattr(kind, "impl_instance", None), String)


def _tables() -> list[Table]:
    return [t for t in SQLModel.metadata.sorted_tables if isinstance(t, Table)]


def rule_for(table: str) -> Rule:
    """A table's rule; one added later without a rule still gets the person's id replaced everywhere."""
    return RULES.get(table, Rule())


@dataclass(frozen=True)
class Preview:
    """What deleting would remove (labels with counts) and which pairings it would end."""

    removed: list[tuple[str, int]]
    pairs: int
    live_pairs: int

    @property
    def anything(self) -> bool:
        return bool(self.removed) or self.pairs > 0


def _owned(table: Table, rule: Rule, team_id: str, user_id: str) -> ColumnElement[bool] | None:
    """The person's rows of ``table`` (None when the table has no owner column)."""
    owners = [table.c[name] == user_id for name in rule.owners if name in table.c]
    if not owners:
        return None
    return (table.c.team_id == team_id) & or_(*owners)


def preview(session: Session, *, team_id: str, user_id: str) -> Preview:
    removed = []
    for table in _tables():
        rule = rule_for(table.name)
        where = _owned(table, rule, team_id, user_id)
        if not rule.label or where is None:
            continue
        count = session.scalar(select(func.count()).select_from(table).where(where))
        if count:
            removed.append((rule.label, int(count)))
    pairs = pairs_of(
        session, team_id=team_id, user_id=user_id, statuses=(*PairStatus.LIVE, PairStatus.ENDED, PairStatus.DECLINED)
    )
    live = [p for p in pairs if p.status in PairStatus.LIVE]
    return Preview(removed=removed, pairs=len(pairs), live_pairs=len(live))


@dataclass(frozen=True)
class Deleted:
    placeholder: str
    #: The pairings that were live and are ended now (their DMs are told, without naming anyone).
    ended: list[Pair]


def delete_user_data(session: Session, *, team_id: str, user_id: str, now: datetime) -> Deleted:
    """Remove what ``user_id`` typed and their identity from workspace ``team_id``; counts stay."""
    anon = placeholder(team_id, user_id)
    pairs = pairs_of(
        session, team_id=team_id, user_id=user_id, statuses=(*PairStatus.LIVE, PairStatus.ENDED, PairStatus.DECLINED)
    )
    pair_ids = [p.id for p in pairs if p.id is not None]
    ended = []
    for pair in pairs:
        if pair.status in PairStatus.LIVE:
            pair.status, pair.ended_at, pair.ended_by = PairStatus.ENDED, now, anon
            session.add(pair)
            ended.append(pair)
    session.flush()
    for table in _tables():
        rule = rule_for(table.name)
        if rule.untouched:
            continue
        where = _owned(table, rule, team_id, user_id)
        if where is not None and rule.delete_owned:
            session.exec(delete(table).where(where))
        elif where is not None and rule.typed:
            _scrub(session, table, rule, where)
        if rule.by_pair:
            _scrub_posts(session, table, rule, team_id=team_id, user_id=user_id, pair_ids=pair_ids)
        _replace_id(session, table, team_id, user_id, anon)
    session.flush()
    return Deleted(placeholder=anon, ended=ended)


def _scrub_posts(
    session: Session, table: Table, rule: Rule, *, team_id: str, user_id: str, pair_ids: list[int]
) -> None:
    """Posts of the person's pairs, or naming them (a nudge to them alone, a digest line): their text goes.

    Posts still to go to a pairing that has ended now are dropped.
    """
    about = [
        table.c[name].contains(user_id, autoescape=True) for name in (*rule.typed, "delivery_key") if name in table.c
    ]
    if pair_ids and "pair_id" in table.c:
        of_pairs = table.c.pair_id.in_(pair_ids)
        if "status" in table.c:
            session.exec(
                delete(table).where(of_pairs, table.c.status.in_((OutboxStatus.PENDING, OutboxStatus.SENDING)))
            )
        about.append(of_pairs)
    if about:
        _scrub(session, table, rule, (table.c.team_id == team_id) & or_(*about))


def _scrub(session: Session, table: Table, rule: Rule, where: ColumnElement[bool]) -> None:
    for name in rule.typed:
        column = table.c[name]
        value = None if name in rule.nulled else DELETED_TEXT
        if value is None and not column.nullable:
            value = ""
        session.exec(update(table).where(where, column.is_not(None), column != "").values({name: value}))


def _replace_id(session: Session, table: Table, team_id: str, user_id: str, anon: str) -> None:
    """The person's id, in any text column of the workspace's rows, becomes the placeholder."""
    scoped = [table.c.team_id == team_id] if "team_id" in table.c else []
    for column in table.columns:
        if not holds_text(column) or column.name == "team_id":
            continue
        session.exec(
            update(table)
            .where(*scoped, column.contains(user_id, autoescape=True))
            .values({column.name: func.replace(column, user_id, anon)})
        )
