"""Pre-work: what each member wants from the mentoring, brings and expects; shared once both have written."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from mentoring.problems import Problem
from storage.db import rows_matched
from storage.models import Pair, Prework

#: The questions, in order: field name → (question, longest answer in characters).
QUESTIONS: dict[str, tuple[str, int]] = {
    "wants": ("What do I want from this mentoring?", 2000),
    "brings": ("What do I bring?", 2000),
    "expects": ("What do I expect?", 2000),
}
FIELDS = tuple(QUESTIONS)

FieldErrors = dict[str, str]


@dataclass(frozen=True)
class PreworkIn:
    wants: str
    brings: str
    expects: str


def limit(field: str) -> int:
    return QUESTIONS[field][1]


def validate_prework(raw: Mapping[str, object]) -> PreworkIn | FieldErrors:
    """Answers checked field by field: all three are required and have a length limit."""
    errors: FieldErrors = {}
    clean: dict[str, str] = {}
    for field, (_question, longest) in QUESTIONS.items():
        value = raw.get(field)
        text = value.strip() if isinstance(value, str) else ""
        if not text:
            errors[field] = "Please write something here."
        elif len(text) > longest:
            errors[field] = f"Please keep this under {longest:,} characters (it has {len(text):,})."
        clean[field] = text
    return errors if errors else PreworkIn(**clean)


def prework_of(session: Session, *, pair_id: int, user_id: str) -> Prework | None:
    return session.exec(select(Prework).where(Prework.pair_id == pair_id, Prework.user_id == user_id)).first()


def prework_by_member(session: Session, pair: Pair) -> dict[str, Prework]:
    """The pre-work the pair's members have written so far, by user id."""
    rows = session.exec(select(Prework).where(Prework.pair_id == pair.id, col(Prework.user_id).in_(pair.members())))
    return {row.user_id: row for row in rows}


@dataclass(frozen=True)
class SaveOutcome:
    prework: Prework
    created: bool  # the member's first pre-work for this pair
    shared_before: bool  # the pair's pre-work had already been shared when this was saved


def save_prework(
    session: Session, *, pair: Pair, user_id: str, answers: PreworkIn, now: datetime
) -> SaveOutcome | Problem:
    """Create or replace a member's pre-work (one row per member and pair)."""
    if not pair.has_member(user_id) or pair.id is None:
        return Problem("Only the two members of a pair write pre-work for it.")
    shared_before = session.exec(select(Pair.prework_shared_at).where(Pair.id == pair.id)).first() is not None
    for _attempt in range(2):
        row = prework_of(session, pair_id=pair.id, user_id=user_id)
        created = row is None
        if row is None:
            row = Prework(
                team_id=pair.team_id,
                pair_id=pair.id,
                user_id=user_id,
                created_at=now,
                updated_at=now,
                wants=answers.wants,
                brings=answers.brings,
                expects=answers.expects,
            )
        else:
            for field, value in _texts(answers).items():
                setattr(row, field, value)
        row.updated_at = now
        try:
            with session.begin_nested():
                session.add(row)
                session.flush()
        except IntegrityError:  # the same member saved twice at once; update the row that won
            continue
        return SaveOutcome(row, created=created, shared_before=shared_before)
    return Problem("Your pre-work was being saved twice at once. Please submit again.")


def _texts(answers: PreworkIn) -> dict[str, str]:
    return {"wants": answers.wants, "brings": answers.brings, "expects": answers.expects}


def claim_share(session: Session, *, pair_id: int, now: datetime) -> bool:
    """Mark the pair's pre-work as shared; True only for the one caller that made the change."""
    result = session.execute(
        update(Pair)
        .where(col(Pair.id) == pair_id, col(Pair.prework_shared_at).is_(None))
        .values(prework_shared_at=now)
        .execution_options(synchronize_session=False)
    )
    return rows_matched(result) == 1


@dataclass(frozen=True)
class ShareDecision:
    """What to post after a save: the full summary (exactly once), an "updated" note, or nothing yet."""

    action: str  # "summary" | "updated" | "wait"
    by_member: dict[str, Prework]


def after_save(session: Session, *, pair: Pair, outcome: SaveOutcome, now: datetime) -> ShareDecision:
    """Run in a new transaction after the save committed, so two members saving at once both see each other."""
    written = prework_by_member(session, pair)
    if len(written) < 2:
        return ShareDecision("wait", written)
    if pair.id is not None and claim_share(session, pair_id=pair.id, now=now):
        return ShareDecision("summary", written)
    return ShareDecision("updated" if outcome.shared_before else "wait", written)


def release_share(session: Session, *, pair_id: int, claimed_at: datetime) -> None:
    """Undo a claim whose summary could not be posted, so the next save shares it again."""
    session.execute(
        update(Pair)
        .where(col(Pair.id) == pair_id, col(Pair.prework_shared_at) == claimed_at)
        .values(prework_shared_at=None)
        .execution_options(synchronize_session=False)
    )
