"""Seed a program the way members fill it in, with a marker in everything a member can type.

``seed_member_text`` writes, for one member of a pair, a row in every table where a member's own words
are kept (pre-work, boundaries they proposed, goals and progress notes, roadmap themes, check-in answers,
thread-reply suggestions, follow-through items, the end-of-program survey, their cached Slack profile, and
a delivered post quoting them). Report and deletion tests assert the marker never leaks or stays.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Engine
from sqlalchemy import select as core_select
from sqlmodel import Session, SQLModel, select

from mentoring.deletion import holds_text
from storage.db import session_scope
from storage.models import (
    ActionItem,
    ActionStatus,
    Boundaries,
    BoundariesStatus,
    CheckIn,
    CheckInAnswer,
    CheckInRating,
    Goal,
    GoalStatus,
    GoalUpdate,
    Meeting,
    Outbox,
    OutboxStatus,
    Pair,
    Prework,
    Program,
    ReplySuggestion,
    RoadmapItem,
    SlackUser,
    SurveyResponse,
)

TEAM = "T0001"


@dataclass(frozen=True)
class Seeded:
    """What ``seed_member_text`` wrote for a pair (the ids tests count on)."""

    checkin_ids: tuple[int, ...]


def add_program(engine: Engine, name: str, *, starts_on: date, ends_on: date, by: str, now: datetime) -> int:
    with session_scope(engine) as session:
        program = Program(team_id=TEAM, name=name, starts_on=starts_on, ends_on=ends_on, created_by=by, created_at=now)
        session.add(program)
        session.flush()
        assert program.id is not None
        return program.id


def put_in_program(engine: Engine, pair_id: int, program_id: int) -> None:
    with session_scope(engine) as session:
        pair = session.get(Pair, pair_id)
        assert pair is not None
        pair.program_id = program_id
        session.add(pair)


def add_meetings(engine: Engine, pair_id: int, first: datetime, statuses: list[str]) -> None:
    """Stored meetings of a pair, a week apart from ``first``, with these statuses."""
    with session_scope(engine) as session:
        for n, status in enumerate(statuses, start=1):
            at = first + timedelta(weeks=n - 1)
            session.add(
                Meeting(
                    team_id=TEAM,
                    pair_id=pair_id,
                    number=n,
                    series_at=at,
                    scheduled_at=at,
                    duration_minutes=60,
                    status=status,
                )
            )


def add_checkin(session: Session, pair: Pair, key: str, at: datetime) -> CheckIn:
    checkin = CheckIn(
        team_id=TEAM, pair_id=pair.id or 0, delivery_key=key, channel_id=pair.channel_id or "G", created_at=at
    )
    session.add(checkin)
    session.flush()
    return checkin


def add_answer(session: Session, checkin: CheckIn, user: str, text: str, at: datetime) -> None:
    session.add(
        CheckInAnswer(
            team_id=TEAM,
            checkin_id=checkin.id or 0,
            user_id=user,
            useful=f"useful {text}",
            next_steps=f"next {text}",
            before_next=f"before {text}",
            changes=f"changes {text}",
            focus=f"focus {text}",
            created_at=at,
            updated_at=at,
        )
    )


def seed_member_text(
    engine: Engine, pair_id: int, user: str, marker: str, *, at: datetime, checkin_key: str | None = None
) -> Seeded:
    """Everything ``user`` can type in pair ``pair_id``, each text containing ``marker``."""
    with session_scope(engine) as session:
        pair = session.get(Pair, pair_id)
        assert pair is not None
        text = f"{marker} said by {user}"
        if session.exec(select(SlackUser).where(SlackUser.user_id == user)).first() is None:
            session.add(
                SlackUser(
                    team_id=TEAM,
                    user_id=user,
                    display_name=f"{marker} display",
                    real_name=f"{marker} real",
                    email=f"{marker}@example.com",
                    tz="Europe/Berlin",
                    fetched_at=at,
                )
            )
        session.add(
            Prework(
                team_id=TEAM,
                pair_id=pair_id,
                user_id=user,
                wants=text,
                brings=text,
                expects=text,
                created_at=at,
                updated_at=at,
            )
        )
        version = len(list(session.exec(select(Boundaries).where(Boundaries.pair_id == pair_id)))) + 1
        session.add(
            Boundaries(
                team_id=TEAM,
                pair_id=pair_id,
                version=version,
                status=BoundariesStatus.SUPERSEDED,
                proposed_by=user,
                proposed_at=at,
                frequency="weekly",
                weekday=3,
                start_time="10:00",
                duration_minutes=60,
                timezone="Europe/Berlin",
                location=text,
                contact_method=text[:255],
                mentor_contact_start="09:00",
                mentor_contact_end="17:00",
                mentor_tz="Europe/Berlin",
                mentee_contact_start="09:00",
                mentee_contact_end="17:00",
                mentee_tz="Europe/Berlin",
                mentor_role=text,
                mentee_role=text,
                expectations=text,
                scope_in=text,
                scope_out=text,
                notes=text,
            )
        )
        goal = Goal(
            team_id=TEAM,
            pair_id=pair_id,
            title=text[:150],
            description=text,
            measurable=text,
            achievable=text,
            relevant=text,
            due_on=date(2027, 3, 1),
            progress=100,
            status=GoalStatus.DONE,
            created_by=user,
            created_at=at,
            updated_at=at,
            completed_on=at.date(),
        )
        session.add(goal)
        session.flush()
        session.add(
            GoalUpdate(team_id=TEAM, goal_id=goal.id or 0, user_id=user, progress=100, note=text, created_at=at)
        )
        numbers = [r.meeting_number for r in session.exec(select(RoadmapItem).where(RoadmapItem.pair_id == pair_id))]
        session.add(
            RoadmapItem(
                team_id=TEAM,
                pair_id=pair_id,
                meeting_number=max(numbers, default=0) + 1,
                theme=text[:150],
                updated_by=user,
                updated_at=at,
                suggested_by=user,
            )
        )
        checkin = add_checkin(session, pair, checkin_key or f"wrapup:{pair_id}:{user}", at)
        add_answer(session, checkin, user, text, at)
        session.add(
            CheckInRating(
                team_id=TEAM,
                pair_id=pair_id,
                checkin_id=checkin.id or 0,
                user_id=user,
                score=4,
                created_at=at,
                updated_at=at,
            )
        )
        session.add(
            ReplySuggestion(
                team_id=TEAM,
                pair_id=pair_id,
                checkin_id=checkin.id or 0,
                user_id=user,
                lines=f'["{text}"]',
                created_at=at,
            )
        )
        session.add(
            ActionItem(
                team_id=TEAM,
                pair_id=pair_id,
                owner_id=user,
                text=text,
                source="checkin",
                checkin_id=checkin.id,
                status=ActionStatus.OPEN,
                created_at=at,
                carried_over=1,
            )
        )
        session.add(
            SurveyResponse(
                team_id=TEAM,
                pair_id=pair_id,
                program_id=pair.program_id,
                user_id=user,
                usefulness=4,
                goals_met="yes",
                continue_choice="no",
                comment=text,
                share_with_lead=False,
                answered_at=at,
            )
        )
        session.add(
            Outbox(
                team_id=TEAM,
                delivery_key=f"summary:{pair_id}:{user}",
                kind="checkin_summary",
                pair_id=pair_id,
                channel_id=pair.channel_id or "G",
                text=f"<@{user}> wrote: {text}",
                blocks_json=f'[{{"type": "section", "text": {{"type": "mrkdwn", "text": "{text}"}}}}]',
                not_before=at,
                status=OutboxStatus.SENT,
                created_at=at,
                sent_at=at,
            )
        )
        session.add(
            Outbox(
                team_id=TEAM,
                delivery_key=f"nudge:{user}:{pair_id}:{at:%Y-%m-%d}",
                kind="nudge",
                channel_id=f"D{user[1:]}",
                text=f"Your open steps: {text}",
                not_before=at,
                status=OutboxStatus.FAILED,
                created_at=at,
            )
        )
        return Seeded(checkin_ids=(checkin.id or 0,))


def text_columns() -> list[tuple[str, str]]:
    """Every (table, column) of the schema that can hold text — tables added later included."""
    return [
        (table.name, column.name)
        for table in SQLModel.metadata.sorted_tables
        for column in table.columns
        if holds_text(column)
    ]


def where_text_is(engine: Engine, needle: str) -> set[tuple[str, str]]:
    """The (table, column) pairs where some row holds ``needle``."""
    found = set()
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            for column in table.columns:
                if holds_text(column):
                    hit = conn.execute(core_select(column).where(column.contains(needle)).limit(1)).first()
                    if hit is not None:
                        found.add((table.name, column.name))
    return found
