"""Follow-through: the commitments both sides make — a mentee's action steps, a mentor's resources and contacts.

Items come from check-in answers (each line of *next steps* and *before our next conversation*
becomes an item owned by whoever answered, due at the next meeting), from the lines of a thread reply
its author ticked (``mentoring.replies``), or are added by hand. A line starting with ``resource:``,
``contact:`` or ``info:`` is a commitment of that kind (what a mentor sends: a resource, a contact,
information); any other line is an action step.

An item due "at the next meeting" (``follows_meeting``) that is still open when that meeting passes is
carried over to the following one (``carry_over``, counted in ``carried_over``); it is never overdue.
Only an item with a date of its own can be overdue. Only its owner closes or snoozes an item.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfoNotFoundError

from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from mentoring.meetings import pair_slots
from mentoring.pairs import pair_for_member
from mentoring.problems import Problem
from storage.models import ActionItem, ActionStatus, CheckIn, Pair

logger = logging.getLogger(__name__)

SNOOZE = timedelta(days=7)
#: How far ahead ``carry_over`` looks for the meeting an item moves to.
CARRY_LOOKAHEAD = timedelta(days=70)
ITEM_TEXT_MAX = 500
#: Longest text the add-items modal takes (its max_length).
ADD_TEXT_MAX = 3000
MAX_ITEMS_PER_ADD = 20

KINDS = {
    "action": "Action step",
    "resource": "Resource to share",
    "contact": "Contact to introduce",
    "information": "Information to send",
}
_PREFIXES = {
    "action": "action",
    "resource": "resource",
    "resources": "resource",
    "contact": "contact",
    "intro": "contact",
    "info": "information",
    "information": "information",
}
_PREFIX = re.compile(r"^\s*([A-Za-z]+)\s*:\s*(.+)$", re.DOTALL)
_BULLET = re.compile(r"^\s*(?:[-*•·–]|\d+[.)])\s+")


class Source:
    CHECKIN = "checkin"
    MANUAL = "manual"


def split_lines(text: str | None) -> list[str]:
    """Non-empty lines without list bullets (``- ``, ``• ``, ``1. ``), each at most ``ITEM_TEXT_MAX`` long."""
    lines = []
    for raw in (text or "").splitlines():
        line = _BULLET.sub("", raw).strip()
        if line:
            lines.append(line[:ITEM_TEXT_MAX])
    return lines


def parse_item_line(line: str, default_kind: str = "action") -> tuple[str, str]:
    """``"resource: the Lean Startup"`` → ``("resource", "the Lean Startup")``; other lines keep ``default_kind``."""
    match = _PREFIX.match(line)
    if match and match.group(1).lower() in _PREFIXES and match.group(2).strip():
        return _PREFIXES[match.group(1).lower()], match.group(2).strip()
    return default_kind, line.strip()


def kind_prefix(line: str) -> str | None:
    """The kind a line names with its prefix (``"info: the slides"`` → ``"information"``), else None."""
    match = _PREFIX.match(line)
    if match and match.group(1).lower() in _PREFIXES and match.group(2).strip():
        return _PREFIXES[match.group(1).lower()]
    return None


def carry_over(session: Session, pair_id: int, now: datetime) -> list[ActionItem]:
    """Open items due at a meeting that has ended move to the next meeting, counting each meeting that passed.

    Items due "at the next meeting" while none was known get the next one's date (nothing passed, no count).
    Skipped meetings do not count; with no meeting ahead, an item keeps its count and waits (``due_at`` None).
    Safe to run again at any time: what it writes depends only on the meetings and ``now``.
    """
    stale = list(
        session.exec(
            select(ActionItem).where(
                ActionItem.pair_id == pair_id,
                ActionItem.status == ActionStatus.OPEN,
                col(ActionItem.follows_meeting).is_(True),
                or_(col(ActionItem.due_at).is_(None), col(ActionItem.due_at) <= now),
            )
        )
    )
    if not stale:
        return []
    try:
        slots = [s for s in pair_slots(session, pair_id, until=now + CARRY_LOOKAHEAD) if not s.skipped]
    except (ValueError, ZoneInfoNotFoundError):  # boundaries we cannot read: the items stay as they are
        logger.warning("pair %s: unreadable meeting series, items not carried over", pair_id)
        return []
    following = next((s.scheduled_at for s in slots if s.ends_at > now), None)
    changed = []
    for item in stale:
        passed = 0
        if item.due_at is not None:
            due = item.due_at
            passed = sum(1 for s in slots if s.scheduled_at >= due and s.ends_at <= now)
            if not passed:
                continue  # that meeting is under way (or was moved later): still due at it
        if passed == 0 and following is None:
            continue
        item.carried_over += passed
        item.due_at = following
        session.add(item)
        changed.append(item)
    session.flush()
    return changed


def open_items(
    session: Session,
    pair_id: int,
    *,
    owner_id: str | None = None,
    awake_at: datetime | None = None,
    created_before: datetime | None = None,
    now: datetime | None = None,
) -> list[ActionItem]:
    """Open items of the pair (of one owner), oldest first; with ``awake_at``, snoozed ones are left out.

    With ``now`` (or ``awake_at``), items whose meeting has passed are carried over first (``carry_over``),
    so the list shows them as they are at that moment.
    """
    moment = now or awake_at
    if moment is not None:
        carry_over(session, pair_id, moment)
    stmt = select(ActionItem).where(ActionItem.pair_id == pair_id, ActionItem.status == ActionStatus.OPEN)
    if owner_id is not None:
        stmt = stmt.where(ActionItem.owner_id == owner_id)
    if awake_at is not None:
        stmt = stmt.where(or_(col(ActionItem.snoozed_until).is_(None), col(ActionItem.snoozed_until) <= awake_at))
    if created_before is not None:
        stmt = stmt.where(col(ActionItem.created_at) <= created_before)
    return list(session.exec(stmt.order_by(col(ActionItem.created_at), col(ActionItem.id))))


def open_items_by_owner(
    session: Session, pair: Pair, *, awake_at: datetime | None = None, now: datetime | None = None
) -> dict[str, list[ActionItem]]:
    """The pair's open items, mentee's first then mentor's (both keys always present)."""
    grouped: dict[str, list[ActionItem]] = {pair.mentee_id: [], pair.mentor_id: []}
    if pair.id is None:  # not stored: nothing can be open yet
        return grouped
    for item in open_items(session, pair.id, awake_at=awake_at, now=now):
        grouped.setdefault(item.owner_id, []).append(item)
    return grouped


def is_overdue(item: ActionItem, now: datetime) -> bool:
    """Past its own date; an item due "at the next meeting" is carried over instead, never overdue."""
    return (
        item.status == ActionStatus.OPEN and not item.follows_meeting and item.due_at is not None and item.due_at < now
    )


def is_snoozed(item: ActionItem, now: datetime) -> bool:
    return item.status == ActionStatus.OPEN and item.snoozed_until is not None and item.snoozed_until > now


def sync_checkin_items(
    session: Session,
    *,
    checkin: CheckIn,
    owner_id: str,
    lines: Sequence[str],
    due_at: datetime | None,
    now: datetime,
) -> list[ActionItem]:
    """Make the owner's items from this check-in match ``lines``: new lines become items, removed open ones go.

    Done items stay (they are history). Returns the items created now.
    """
    existing = list(
        session.exec(
            select(ActionItem).where(
                ActionItem.checkin_id == checkin.id,
                ActionItem.owner_id == owner_id,
                ActionItem.source == Source.CHECKIN,
            )
        )
    )
    wanted: list[tuple[str, str]] = []
    for line in lines:
        parsed = parse_item_line(line)
        if parsed not in wanted:
            wanted.append(parsed)
    have = {(item.kind, item.text) for item in existing}
    for item in existing:
        if item.status == ActionStatus.OPEN and (item.kind, item.text) not in wanted:
            session.delete(item)
    created = []
    for kind, text in wanted:
        if (kind, text) in have:
            continue
        item = ActionItem(
            team_id=checkin.team_id,
            pair_id=checkin.pair_id,
            owner_id=owner_id,
            text=text,
            kind=kind,
            source=Source.CHECKIN,
            checkin_id=checkin.id,
            due_at=due_at,
            created_at=now,
        )
        session.add(item)
        created.append(item)
    session.flush()
    return created


def add_items(
    session: Session,
    *,
    pair: Pair,
    owner_id: str,
    text: str,
    kind: str,
    due_at: datetime | None,
    now: datetime,
    follows_meeting: bool | None = None,
) -> list[ActionItem] | Problem:
    """Items added by hand, one per line (a line's ``resource:``-style prefix wins over ``kind``).

    ``follows_meeting``: due "at the next meeting" (carried over when it passes), by default when no date is
    given; an item with a date of its own keeps it (and can be overdue).
    """
    if not pair.has_member(owner_id):
        return Problem("Items belong to a member of the pair.")
    if kind not in KINDS:
        return Problem("Pick what kind of item this is.")
    if len(text) > ADD_TEXT_MAX:
        return Problem(f"That's more than {ADD_TEXT_MAX} characters; add fewer items at a time.")
    too_long = [n for n, raw in enumerate(text.splitlines(), 1) if len(_BULLET.sub("", raw).strip()) > ITEM_TEXT_MAX]
    if too_long:
        return Problem(f"Line {too_long[0]} is longer than {ITEM_TEXT_MAX} characters; shorten it or split it.")
    lines = split_lines(text)
    if not lines:
        return Problem("Write at least one item (one per line).")
    if len(lines) > MAX_ITEMS_PER_ADD:
        return Problem(f"That's {len(lines)} items; add at most {MAX_ITEMS_PER_ADD} at a time.")
    assert pair.id is not None
    items = []
    for line in lines:
        item_kind, item_text = parse_item_line(line, kind)
        item = ActionItem(
            team_id=pair.team_id,
            pair_id=pair.id,
            owner_id=owner_id,
            text=item_text,
            kind=item_kind,
            source=Source.MANUAL,
            due_at=due_at,
            follows_meeting=due_at is None if follows_meeting is None else follows_meeting,
            created_at=now,
        )
        session.add(item)
        items.append(item)
    session.flush()
    return items


@dataclass(frozen=True)
class MemberItem:
    item: ActionItem
    pair: Pair


def item_for_member(session: Session, *, team_id: str, item_id: int | str | None, user_id: str) -> MemberItem | Problem:
    """The item named in a button, only if the caller is a member of its (active) pair."""
    try:
        item = session.get(ActionItem, int(item_id)) if item_id is not None else None
    except (TypeError, ValueError):
        item = None
    if item is None or item.team_id != team_id:
        return Problem("I couldn't find that item. It may have been removed.")
    pair = pair_for_member(session, team_id=team_id, pair_id=item.pair_id, user_id=user_id)
    if isinstance(pair, Problem):
        return pair
    return MemberItem(item, pair)


def only_owner(item: ActionItem, user_id: str) -> Problem | None:
    """Only an item's owner closes or snoozes it; the other member sees it and adds their own."""
    if item.owner_id == user_id:
        return None
    return Problem(
        f"Only <@{item.owner_id}> can close or snooze this item — it's theirs. "
        "You can add your own with `/mentor actions`."
    )


def complete_item(session: Session, *, item: ActionItem, now: datetime) -> ActionItem:
    """Mark done (pressing Done again changes nothing)."""
    if item.status != ActionStatus.DONE:
        item.status = ActionStatus.DONE
        item.done_at = now
        item.snoozed_until = None
        session.add(item)
    return item


def snooze_item(session: Session, *, item: ActionItem, now: datetime) -> ActionItem | Problem:
    """Hide from nudges for a week."""
    if item.status == ActionStatus.DONE:
        return Problem("That item is already done.")
    item.snoozed_until = now + SNOOZE
    session.add(item)
    return item


def items_by_ids(session: Session, pair_id: int, ids: Iterable[int]) -> dict[int, ActionItem]:
    wanted = list(ids)
    if not wanted:
        return {}
    rows = session.exec(select(ActionItem).where(ActionItem.pair_id == pair_id, col(ActionItem.id).in_(wanted)))
    return {item.id: item for item in rows if item.id is not None}


def move_items_due_at(session: Session, pair_id: int, old: datetime, new: datetime | None) -> None:
    """Open items due at a meeting that moved (or was skipped) follow it: due at ``new`` instead of ``old``."""
    session.execute(
        update(ActionItem)
        .where(
            col(ActionItem.pair_id) == pair_id,
            col(ActionItem.status) == ActionStatus.OPEN,
            col(ActionItem.due_at) == old,
        )
        .values(due_at=new)
        .execution_options(synchronize_session=False)
    )
