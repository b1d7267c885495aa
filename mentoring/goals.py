"""SMART goals of a pair and their progress: create, edit, record progress, mark done, list and count."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from math import ceil
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, update
from sqlmodel import Session, SQLModel, col, select

from mentoring.dates import too_far_ahead
from mentoring.problems import Problem
from storage.db import rows_matched
from storage.models import Goal, GoalStatus, GoalUpdate, Pair, Prework

#: How many goals a pair may have active at once (``max_active`` parameters default to it).
MAX_ACTIVE_GOALS = 10
TITLE_MAX = 150  # the column's limit
TEXT_MAX = 1000  # description, measurable, achievable, relevant
NOTE_MAX = 1000  # a progress note
PERCENT = re.compile(r"[0-9]{1,3}")
PAGE_SIZE = 8  # goals per page of the list
HISTORY_SHOWN = 20  # progress updates shown in a goal's detail

#: The SMART fields of a goal, in form order (``title`` and ``description`` are *Specific*).
GOAL_FIELDS = ("title", "description", "measurable", "achievable", "relevant", "due_on")
REQUIRED_TEXT = ("title", "measurable", "achievable", "relevant")


@dataclass(frozen=True)
class Invalid(Problem):
    """Bad input, field by field (field name → what to fix); nothing was changed."""

    fields: Mapping[str, str] = field(default_factory=dict)


def invalid(fields: Mapping[str, str]) -> Invalid:
    return Invalid(" ".join(fields.values()), dict(fields))


GOAL_NOT_FOUND = Problem("I couldn't find that goal in this pair. It may have been removed.")
GOAL_DONE = Problem("That goal is already done.")


class GoalCreate(SQLModel):
    """What the add-goal form gives: one value per SMART letter (text as typed, the date parsed or None)."""

    title: str = ""
    description: str = ""
    measurable: str = ""
    achievable: str = ""
    relevant: str = ""
    due_on: date | None = None


class GoalUpdateIn(SQLModel):
    """A partial edit: only the fields that were set are changed."""

    title: str | None = None
    description: str | None = None
    measurable: str | None = None
    achievable: str | None = None
    relevant: str | None = None
    due_on: date | None = None


def local_today(now: datetime, tz: str) -> date:
    """The calendar date at ``now`` in the IANA zone ``tz``."""
    return now.astimezone(ZoneInfo(tz)).date()


def validate_goal(values: Mapping[str, object], *, today: date, check_due: bool = True) -> dict[str, str]:
    """Field errors of a goal's values: required fields, lengths, a due date after ``today``."""
    errors: dict[str, str] = {}
    for name in ("title", "description", "measurable", "achievable", "relevant"):
        text = str(values.get(name) or "")
        longest = TITLE_MAX if name == "title" else TEXT_MAX
        if name in REQUIRED_TEXT and not text:
            errors[name] = {
                "title": "Say what exactly the goal is.",
                "measurable": "Say how you will know it is done (a metric or evidence).",
                "achievable": "Say what makes it realistic (resources, time).",
                "relevant": "Say why it matters to the mentee's aims.",
            }[name]
        elif len(text) > longest:
            errors[name] = f"Please keep this under {longest:,} characters (it has {len(text):,})."
    due = values.get("due_on")
    if not isinstance(due, date):
        errors["due_on"] = "Pick a due date."
    elif check_due and due <= today:
        errors["due_on"] = f"Pick a date after today ({today:%a %d %b %Y} where you are)."
    elif check_due and (far := too_far_ahead(due, today)):
        errors["due_on"] = far
    return errors


def _clean(goal_in: SQLModel, *, exclude_unset: bool = False) -> dict[str, object]:
    return {
        name: value.strip() if isinstance(value, str) else value
        for name, value in goal_in.model_dump(exclude_unset=exclude_unset).items()
    }


def active_goals(session: Session, pair_id: int) -> list[Goal]:
    """The pair's goals not yet done, soonest due first."""
    return list(
        session.exec(
            select(Goal)
            .where(Goal.pair_id == pair_id, Goal.status == GoalStatus.ACTIVE)
            .order_by(col(Goal.due_on), col(Goal.id))
        )
    )


def count_active(session: Session, pair_id: int) -> int:
    return int(
        session.exec(
            select(func.count()).select_from(Goal).where(Goal.pair_id == pair_id, Goal.status == GoalStatus.ACTIVE)
        ).one()
    )


def create_goal(
    *,
    session: Session,
    pair: Pair,
    goal_in: GoalCreate,
    by: str,
    now: datetime,
    tz: str = "UTC",
    max_active: int = MAX_ACTIVE_GOALS,
) -> Goal | Problem:
    """A new active goal of ``pair``; the due date must be after today in ``tz`` (the author's zone)."""
    values = _clean(goal_in)
    errors = validate_goal(values, today=local_today(now, tz))
    if errors:
        return invalid(errors)
    # Lock the pair row (PostgreSQL) so two people adding at once cannot pass the limit together.
    session.exec(select(Pair).where(Pair.id == pair.id).with_for_update()).first()
    if count_active(session, pair.id or 0) >= max_active:
        return invalid({"title": f"You already have {max_active} active goals. Mark one done before adding another."})
    due_on = values["due_on"]
    assert isinstance(due_on, date)  # validate_goal refused a missing or unparsed date
    goal = Goal(
        team_id=pair.team_id,
        pair_id=pair.id or 0,
        title=str(values["title"]),
        description=str(values["description"] or ""),
        measurable=str(values["measurable"]),
        achievable=str(values["achievable"]),
        relevant=str(values["relevant"]),
        due_on=due_on,
        created_by=by,
        created_at=now,
        updated_at=now,
    )
    session.add(goal)
    session.flush()
    return goal


def goal_of_pair(session: Session, *, pair: Pair, goal_id: int | str | None) -> Goal | Problem:
    """The goal ``goal_id`` only if it belongs to ``pair`` (guards crafted payloads naming another pair's goal)."""
    try:
        goal = session.get(Goal, int(goal_id)) if goal_id is not None else None
    except (TypeError, ValueError):
        goal = None
    if goal is None or goal.pair_id != pair.id or goal.team_id != pair.team_id:
        return GOAL_NOT_FOUND
    return goal


def update_goal(
    *,
    session: Session,
    pair: Pair,
    goal_id: int | str | None,
    goal_in: GoalUpdateIn,
    by: str,
    now: datetime,
    tz: str = "UTC",
) -> Goal | Problem:
    """Change the fields set in ``goal_in``. A changed due date must be after today in ``tz``."""
    goal = goal_of_pair(session, pair=pair, goal_id=goal_id)
    if isinstance(goal, Problem):
        return goal
    if goal.status != GoalStatus.ACTIVE:
        return GOAL_DONE
    changes = _clean(goal_in, exclude_unset=True)
    merged = {name: getattr(goal, name) for name in GOAL_FIELDS} | changes
    moved = merged["due_on"] != goal.due_on
    errors = validate_goal(merged, today=local_today(now, tz), check_due=moved)
    if errors:
        return invalid(errors)
    for name, value in changes.items():
        setattr(goal, name, "" if value is None else value)
    goal.updated_at = now
    session.add(goal)
    session.flush()
    return goal


def parse_percent(raw: object) -> int | None:
    """A whole percent 0..100 from the form's text, else None."""
    text = str(raw if raw is not None else "").strip().removesuffix("%").strip()
    if not PERCENT.fullmatch(text):  # ASCII digits only, and few: int() of 5000 digits raises
        return None
    value = int(text)
    return value if 0 <= value <= 100 else None


def record_progress(
    *,
    session: Session,
    pair: Pair,
    goal_id: int | str | None,
    progress: object,
    note: str,
    by: str,
    now: datetime,
) -> Goal | Problem:
    """Set the goal's progress (0–100 %) and keep the update, with its note, as history."""
    errors: dict[str, str] = {}
    percent = parse_percent(progress)
    if percent is None:
        errors["progress"] = "Enter a whole number from 0 to 100."
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        errors["note"] = f"Please keep the note under {NOTE_MAX:,} characters (it has {len(note):,})."
    if errors:
        return invalid(errors)
    goal = goal_of_pair(session, pair=pair, goal_id=goal_id)
    if isinstance(goal, Problem):
        return goal
    if goal.status != GoalStatus.ACTIVE:
        return GOAL_DONE
    assert percent is not None
    goal.progress = percent
    goal.updated_at = now
    session.add(goal)
    session.add(
        GoalUpdate(team_id=goal.team_id, goal_id=goal.id or 0, user_id=by, progress=percent, note=note, created_at=now)
    )
    session.flush()
    return goal


def mark_done(
    *, session: Session, pair: Pair, goal_id: int | str | None, by: str, now: datetime, tz: str = "UTC"
) -> Goal | Problem:
    """Complete the goal: status done, progress 100 %, ``completed_on`` today in ``tz``; kept in the history."""
    goal = goal_of_pair(session, pair=pair, goal_id=goal_id)
    if isinstance(goal, Problem):
        return goal
    if goal.status == GoalStatus.DONE:
        return GOAL_DONE
    # Both members may press Done at the same moment: only the press whose UPDATE matched records it.
    result = session.execute(
        update(Goal)
        .where(col(Goal.id) == goal.id, col(Goal.status) == GoalStatus.ACTIVE)
        .values(status=GoalStatus.DONE, completed_on=local_today(now, tz), progress=100, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if rows_matched(result) != 1:
        return GOAL_DONE
    session.refresh(goal)
    session.add(
        GoalUpdate(
            team_id=goal.team_id, goal_id=goal.id or 0, user_id=by, progress=100, note="Marked done.", created_at=now
        )
    )
    session.flush()
    return goal


def is_overdue(goal: Goal, today: date) -> bool:
    """An active goal whose due date has passed."""
    return goal.status == GoalStatus.ACTIVE and goal.due_on < today


def history(session: Session, goal_id: int, limit: int | None = None) -> list[GoalUpdate]:
    """The goal's progress updates, newest first."""
    query = (
        select(GoalUpdate)
        .where(GoalUpdate.goal_id == goal_id)
        .order_by(col(GoalUpdate.created_at).desc(), col(GoalUpdate.id).desc())
    )
    if limit is not None:
        query = query.limit(limit)
    return list(session.exec(query))


def count_history(session: Session, goal_id: int) -> int:
    return int(session.exec(select(func.count()).select_from(GoalUpdate).where(GoalUpdate.goal_id == goal_id)).one())


@dataclass(frozen=True)
class GoalPage:
    goals: list[Goal]
    page: int  # 0-based, clamped to the pages there are
    pages: int  # at least 1
    total: int


def goals_page(session: Session, pair_id: int, page: int = 0, per_page: int = PAGE_SIZE) -> GoalPage:
    """One page of the pair's goals: active ones first (soonest due first), then done ones."""
    total = int(session.exec(select(func.count()).select_from(Goal).where(Goal.pair_id == pair_id)).one())
    pages = max(1, ceil(total / per_page))
    page = min(max(page, 0), pages - 1)
    done_last = case((col(Goal.status) == GoalStatus.ACTIVE, 0), else_=1)
    goals = session.exec(
        select(Goal)
        .where(Goal.pair_id == pair_id)
        .order_by(done_last, col(Goal.due_on), col(Goal.id))
        .offset(page * per_page)
        .limit(per_page)
    )
    return GoalPage(list(goals), page, pages, total)


@dataclass(frozen=True)
class GoalCounts:
    active: int
    done: int
    overdue: int


def goal_counts(session: Session, pair_id: int, *, today: date) -> GoalCounts:
    """How many goals the pair has active, done and overdue (what admins may see; never titles)."""
    rows = session.exec(select(col(Goal.status), col(Goal.due_on)).where(Goal.pair_id == pair_id)).all()
    active = [due for status, due in rows if status == GoalStatus.ACTIVE]
    return GoalCounts(active=len(active), done=len(rows) - len(active), overdue=sum(1 for due in active if due < today))


def mentee_wants(session: Session, pair: Pair) -> str | None:
    """What the mentee wrote they want from the mentoring (pre-work), to relate goals to; None if not written."""
    row = session.exec(select(Prework).where(Prework.pair_id == pair.id, Prework.user_id == pair.mentee_id)).first()
    return (row.wants.strip() or None) if row else None
