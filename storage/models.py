"""SQLModel tables. Every table carries ``team_id`` so workspaces stay apart.

Times are stored as UTC (see ``storage.types.UTCDateTime``). Schema changes go through
Alembic migrations in ``storage/migrations``; nothing here calls ``create_all`` in production.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Column, Index, TableClause, Text, UniqueConstraint, inspect, text
from sqlmodel import Field, SQLModel

import storage.oauth_tables  # noqa: F401  (the OAuth install tables live on the same metadata)
from storage.types import UTCDateTime


def utcnow() -> datetime:
    return datetime.now(UTC)


def table_of(model: type[SQLModel]) -> TableClause:
    """The Core table of a table model (its ``__table__``, which SQLModel leaves untyped)."""
    return inspect(model).tables[0]


def _ts(nullable: bool = True) -> Column[datetime]:
    return Column(UTCDateTime(), nullable=nullable)


class SlackUser(SQLModel, table=True):
    """A Slack user as ``users.info`` last described them (cached)."""

    __tablename__ = "slack_user"
    __table_args__ = (UniqueConstraint("team_id", "user_id", name="uq_slack_user_team_user"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    user_id: str = Field(max_length=32)
    display_name: str = Field(default="", max_length=255)
    real_name: str = Field(default="", max_length=255)
    email: str | None = Field(default=None, max_length=320)
    tz: str | None = Field(default=None, max_length=64)
    #: When the cache saw ``tz`` change (a move or travel); None while it never changed. Contact hours follow it.
    tz_since: datetime | None = Field(default=None, sa_column=_ts())
    is_bot: bool = Field(default=False)
    fetched_at: datetime = Field(sa_column=_ts(nullable=False))


class PairStatus:
    PENDING = "pending"  # created, waiting for both members to accept
    ACTIVE = "active"
    DECLINED = "declined"
    ENDED = "ended"
    LIVE = (PENDING, ACTIVE)


class Program(SQLModel, table=True):
    """A named program (cohort) of a workspace, running from ``starts_on`` to ``ends_on`` (both included)."""

    __tablename__ = "program"
    __table_args__ = (UniqueConstraint("team_id", "name", name="uq_program_team_name"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    name: str = Field(max_length=80)
    starts_on: date
    ends_on: date
    created_by: str = Field(max_length=32)
    created_at: datetime = Field(sa_column=_ts(nullable=False))
    updated_by: str | None = Field(default=None, max_length=32)
    updated_at: datetime | None = Field(default=None, sa_column=_ts())


class Pair(SQLModel, table=True):
    """A mentor and a mentee in one workspace, with their group DM."""

    __tablename__ = "pair"
    __table_args__ = (
        # At most one live (pending or active) pairing of the same two people; history is kept.
        Index(
            "uq_pair_live",
            "team_id",
            "mentor_id",
            "mentee_id",
            unique=True,
            sqlite_where=text("status IN ('pending', 'active')"),
            postgresql_where=text("status IN ('pending', 'active')"),
        ),
        Index("ix_pair_team_mentor", "team_id", "mentor_id"),
        Index("ix_pair_team_mentee", "team_id", "mentee_id"),
        Index("ix_pair_channel", "team_id", "channel_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    mentor_id: str = Field(max_length=32)
    mentee_id: str = Field(max_length=32)
    channel_id: str | None = Field(default=None, max_length=32)
    status: str = Field(default=PairStatus.PENDING, max_length=16)
    mentor_accepted: bool = Field(default=False)
    mentee_accepted: bool = Field(default=False)
    created_by: str = Field(max_length=32)
    created_at: datetime = Field(sa_column=_ts(nullable=False))
    ended_at: datetime | None = Field(default=None, sa_column=_ts())
    ended_by: str | None = Field(default=None, max_length=32)
    declined_by: str | None = Field(default=None, max_length=32)
    welcome_ts: str | None = Field(default=None, max_length=32)
    prework_shared_at: datetime | None = Field(default=None, sa_column=_ts())
    #: When both had accepted (the pair became active); the getting-started nudges count from it.
    accepted_at: datetime | None = Field(default=None, sa_column=_ts())
    #: The program (cohort) the pair belongs to; None for a pair made outside any program.
    program_id: int | None = Field(default=None, foreign_key="program.id", index=True)

    def members(self) -> tuple[str, str]:
        return (self.mentor_id, self.mentee_id)

    def has_member(self, user_id: str) -> bool:
        return user_id in (self.mentor_id, self.mentee_id)

    def role_of(self, user_id: str) -> str | None:
        if user_id == self.mentor_id:
            return "mentor"
        if user_id == self.mentee_id:
            return "mentee"
        return None

    def other_member(self, user_id: str) -> str:
        return self.mentee_id if user_id == self.mentor_id else self.mentor_id


class OutboxStatus:
    PENDING = "pending"
    SENDING = "sending"  # claimed by one process; its claim expires after a lease
    SENT = "sent"
    FAILED = "failed"  # gave up after too many attempts


class Outbox(SQLModel, table=True):
    """One message the scheduler must post exactly once, keyed by ``delivery_key``."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("delivery_key", name="uq_outbox_delivery_key"),
        Index("ix_outbox_due", "status", "not_before"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    delivery_key: str = Field(max_length=255)
    kind: str = Field(max_length=64)
    pair_id: int | None = Field(default=None, foreign_key="pair.id")
    channel_id: str = Field(max_length=32)
    text: str = Field(sa_column=Column(Text, nullable=False))
    blocks_json: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    thread_ts: str | None = Field(default=None, max_length=32)
    not_before: datetime = Field(sa_column=_ts(nullable=False))
    status: str = Field(default=OutboxStatus.PENDING, max_length=16)
    attempts: int = Field(default=0)
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    claim_token: str | None = Field(default=None, max_length=64)
    claimed_at: datetime | None = Field(default=None, sa_column=_ts())
    ts: str | None = Field(default=None, max_length=32)
    created_at: datetime = Field(sa_column=_ts(nullable=False))
    sent_at: datetime | None = Field(default=None, sa_column=_ts())


def _text(nullable: bool = False) -> Column[str]:
    return Column(Text, nullable=nullable)


class Prework(SQLModel, table=True):
    """One member's pre-work: what they want, what they bring, what they expect."""

    __tablename__ = "prework"
    __table_args__ = (UniqueConstraint("pair_id", "user_id", name="uq_prework_pair_user"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    pair_id: int = Field(foreign_key="pair.id", index=True)
    user_id: str = Field(max_length=32)
    wants: str = Field(sa_column=_text())
    brings: str = Field(sa_column=_text())
    expects: str = Field(sa_column=_text())
    created_at: datetime = Field(sa_column=_ts(nullable=False))
    updated_at: datetime = Field(sa_column=_ts(nullable=False))


class BoundariesStatus:
    PROPOSED = "proposed"  # waiting for the other member
    AGREED = "agreed"  # in force (the newest agreed version of a pair)
    SUPERSEDED = "superseded"  # a proposal replaced by a newer one before agreement, or an older agreement


class Boundaries(SQLModel, table=True):
    """One version of a pair's boundaries. Proposals and agreements are all kept as history."""

    __tablename__ = "boundaries"
    __table_args__ = (
        UniqueConstraint("pair_id", "version", name="uq_boundaries_pair_version"),
        Index("ix_boundaries_pair_status", "pair_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    pair_id: int = Field(foreign_key="pair.id")
    version: int
    status: str = Field(default=BoundariesStatus.PROPOSED, max_length=16)
    proposed_by: str = Field(max_length=32)
    proposed_at: datetime = Field(sa_column=_ts(nullable=False))
    agreed_by: str | None = Field(default=None, max_length=32)
    agreed_at: datetime | None = Field(default=None, sa_column=_ts())
    proposal_ts: str | None = Field(default=None, max_length=32)  # the proposal message in the pair DM

    frequency: str = Field(max_length=16)  # weekly | biweekly | monthly
    weekday: int  # 0 = Monday … 6 = Sunday
    start_time: str = Field(max_length=5)  # HH:MM, in ``timezone``
    duration_minutes: int
    timezone: str = Field(max_length=64)
    first_meeting_on: date | None = None  # the series' anchor; set when agreed
    location: str = Field(default="", sa_column=_text())
    contact_method: str = Field(default="", max_length=255)
    mentor_contact_start: str = Field(max_length=5)
    mentor_contact_end: str = Field(max_length=5)
    mentor_tz: str = Field(max_length=64)
    mentee_contact_start: str = Field(max_length=5)
    mentee_contact_end: str = Field(max_length=5)
    mentee_tz: str = Field(max_length=64)
    mentor_role: str = Field(default="", sa_column=_text())
    mentee_role: str = Field(default="", sa_column=_text())
    expectations: str = Field(default="", sa_column=_text())
    scope_in: str = Field(default="", sa_column=_text())
    scope_out: str = Field(default="", sa_column=_text())
    notes: str = Field(default="", sa_column=_text())


class GoalStatus:
    ACTIVE = "active"
    DONE = "done"


class Goal(SQLModel, table=True):
    """A SMART goal of a pair."""

    __tablename__ = "goal"

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    pair_id: int = Field(foreign_key="pair.id", index=True)
    title: str = Field(max_length=150)  # Specific: what exactly
    description: str = Field(default="", sa_column=_text())  # Specific: details
    measurable: str = Field(sa_column=_text())
    achievable: str = Field(sa_column=_text())
    relevant: str = Field(sa_column=_text())
    due_on: date  # Time-bound
    progress: int = Field(default=0)  # percent 0..100
    status: str = Field(default=GoalStatus.ACTIVE, max_length=16)
    created_by: str = Field(max_length=32)
    created_at: datetime = Field(sa_column=_ts(nullable=False))
    updated_at: datetime = Field(sa_column=_ts(nullable=False))
    completed_on: date | None = None


class GoalUpdate(SQLModel, table=True):
    """One progress update of a goal (kept as history)."""

    __tablename__ = "goal_update"

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    goal_id: int = Field(foreign_key="goal.id", index=True)
    user_id: str = Field(max_length=32)
    progress: int
    note: str = Field(default="", sa_column=_text())
    created_at: datetime = Field(sa_column=_ts(nullable=False))


class RoadmapItem(SQLModel, table=True):
    """The theme of one meeting (by number, 1-based) of a pair."""

    __tablename__ = "roadmap_item"
    __table_args__ = (UniqueConstraint("pair_id", "meeting_number", name="uq_roadmap_pair_number"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    pair_id: int = Field(foreign_key="pair.id")
    meeting_number: int
    theme: str = Field(max_length=150)  # "" only for a suggestion the pair cleared
    updated_by: str = Field(max_length=32)
    updated_at: datetime = Field(sa_column=_ts(nullable=False))
    #: Whose check-in answer ("what areas do we want to focus on?") suggested it, until the pair changes it.
    suggested_by: str | None = Field(default=None, max_length=32)
    source_checkin_id: int | None = None  # the check-in whose answer suggested it


class MeetingStatus:
    SCHEDULED = "scheduled"
    CONFIRMED = "confirmed"  # someone pressed "We'll meet"
    SKIPPED = "skipped"
    HELD = "held"
    MISSED = "missed"  # someone pressed "We didn't meet" on its questions


class Meeting(SQLModel, table=True):
    """One meeting of a pair's series. ``series_at`` names the slot; ``scheduled_at`` is when it really is."""

    __tablename__ = "meeting"
    __table_args__ = (
        UniqueConstraint("pair_id", "series_at", name="uq_meeting_pair_slot"),
        Index("ix_meeting_scheduled", "scheduled_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    pair_id: int = Field(foreign_key="pair.id", index=True)
    boundaries_id: int | None = Field(default=None, foreign_key="boundaries.id")
    number: int
    series_at: datetime = Field(sa_column=_ts(nullable=False))
    scheduled_at: datetime = Field(sa_column=_ts(nullable=False))
    duration_minutes: int
    status: str = Field(default=MeetingStatus.SCHEDULED, max_length=16)
    updated_by: str | None = Field(default=None, max_length=32)
    updated_at: datetime | None = Field(default=None, sa_column=_ts())


class CheckIn(SQLModel, table=True):
    """The end-of-session questions of one meeting (or of a ``/mentor wrapup``)."""

    __tablename__ = "checkin"
    __table_args__ = (UniqueConstraint("delivery_key", name="uq_checkin_delivery_key"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    pair_id: int = Field(foreign_key="pair.id", index=True)
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id")
    delivery_key: str = Field(max_length=255)  # the outbox row that posts it
    with_relationship_questions: bool = Field(default=False)
    channel_id: str = Field(max_length=32)
    message_ts: str | None = Field(default=None, max_length=32)
    created_at: datetime = Field(sa_column=_ts(nullable=False))
    summary_posted_at: datetime | None = Field(default=None, sa_column=_ts())


class CheckInAnswer(SQLModel, table=True):
    """One member's answers to a check-in (editable; thread replies append)."""

    __tablename__ = "checkin_answer"
    __table_args__ = (UniqueConstraint("checkin_id", "user_id", name="uq_checkin_answer_user"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    checkin_id: int = Field(foreign_key="checkin.id")
    user_id: str = Field(max_length=32)
    useful: str = Field(default="", sa_column=_text())
    next_steps: str = Field(default="", sa_column=_text())
    before_next: str = Field(default="", sa_column=_text())
    changes: str = Field(default="", sa_column=_text())
    focus: str = Field(default="", sa_column=_text())
    created_at: datetime = Field(sa_column=_ts(nullable=False))
    updated_at: datetime = Field(sa_column=_ts(nullable=False))


class CheckInRating(SQLModel, table=True):
    """One member's private answer to "How useful was this conversation?" (1–5) at a check-in.

    Seen by the program lead only as averages per program, never per person.
    """

    __tablename__ = "checkin_rating"
    __table_args__ = (UniqueConstraint("checkin_id", "user_id", name="uq_checkin_rating_user"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    pair_id: int = Field(foreign_key="pair.id", index=True)
    checkin_id: int = Field(foreign_key="checkin.id")
    user_id: str = Field(max_length=32)
    score: int  # 1 (not useful) .. 5 (very useful)
    created_at: datetime = Field(sa_column=_ts(nullable=False))
    updated_at: datetime = Field(sa_column=_ts(nullable=False))


class ActionStatus:
    OPEN = "open"
    DONE = "done"


class ActionItem(SQLModel, table=True):
    """A follow-through item: a mentee's action step or a mentor's commitment (resource, contact, info)."""

    __tablename__ = "action_item"
    __table_args__ = (Index("ix_action_pair_owner_status", "pair_id", "owner_id", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    pair_id: int = Field(foreign_key="pair.id")
    owner_id: str = Field(max_length=32)
    text: str = Field(sa_column=_text())
    kind: str = Field(default="action", max_length=16)  # action | resource | contact | information
    source: str = Field(default="manual", max_length=16)  # checkin | manual
    checkin_id: int | None = Field(default=None, foreign_key="checkin.id")
    due_at: datetime | None = Field(default=None, sa_column=_ts())
    #: Due "at the next meeting": carried over to the following one when that meeting passes, never overdue.
    follows_meeting: bool = Field(default=True)
    carried_over: int = Field(default=0)  # meetings that passed while it was open
    snoozed_until: datetime | None = Field(default=None, sa_column=_ts())
    status: str = Field(default=ActionStatus.OPEN, max_length=16)
    created_at: datetime = Field(sa_column=_ts(nullable=False))
    done_at: datetime | None = Field(default=None, sa_column=_ts())


class ReplySuggestion(SQLModel, table=True):
    """Lines of a member's thread reply that look like commitments, offered to them alone as next steps."""

    __tablename__ = "reply_suggestion"

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    pair_id: int = Field(foreign_key="pair.id", index=True)
    checkin_id: int = Field(foreign_key="checkin.id")
    user_id: str = Field(max_length=32)  # the reply's author: the only one who may use it
    lines: str = Field(sa_column=_text())  # JSON list of the lines offered; emptied once used
    created_at: datetime = Field(sa_column=_ts(nullable=False))
    adopted_at: datetime | None = Field(default=None, sa_column=_ts())


class EventReceipt(SQLModel, table=True):
    """Events API ``event_id``s already handled, so Slack's retries are not processed twice."""

    __tablename__ = "event_receipt"
    __table_args__ = (UniqueConstraint("event_id", name="uq_event_receipt_event_id"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    event_id: str = Field(max_length=64)
    received_at: datetime = Field(sa_column=_ts(nullable=False))


class RequestReceipt(SQLModel, table=True):
    """Signed requests already accepted (a hash of the body), so a replay or a Slack retry is dropped.

    Rows older than Slack's signature window (five minutes) are useless and are pruned by ``received_at``.
    """

    __tablename__ = "request_receipt"
    __table_args__ = (
        UniqueConstraint("request_key", name="uq_request_receipt_key"),
        Index("ix_request_receipt_received_at", "received_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(default="", max_length=32)
    request_key: str = Field(max_length=64)  # sha256 hex of the raw body
    received_at: datetime = Field(sa_column=_ts(nullable=False))


class SurveyResponse(SQLModel, table=True):
    """One member's answers to the end-of-program survey of their pair (editable until the pair ends).

    ``comment`` is private to the pair unless ``share_with_lead`` is ticked.
    """

    __tablename__ = "survey_response"
    __table_args__ = (UniqueConstraint("pair_id", "user_id", name="uq_survey_response_pair_user"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    pair_id: int = Field(foreign_key="pair.id", index=True)
    program_id: int | None = Field(default=None, foreign_key="program.id", index=True)
    user_id: str = Field(max_length=32)
    usefulness: int  # 1..5
    goals_met: str = Field(max_length=8)  # yes | partly | no
    continue_choice: str = Field(max_length=8)  # yes | no
    comment: str = Field(default="", sa_column=_text())
    share_with_lead: bool = Field(default=False)
    answered_at: datetime = Field(sa_column=_ts(nullable=False))


class WorkspaceRole(SQLModel, table=True):
    """Whether a Slack user is an admin or owner of their workspace (``users.info``), cached: in OAuth mode
    they lead the program too (the lead's Home, the weekly digest)."""

    __tablename__ = "workspace_role"
    __table_args__ = (UniqueConstraint("team_id", "user_id", name="uq_workspace_role_team_user"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    user_id: str = Field(max_length=32)
    is_admin: bool = Field(default=False)
    fetched_at: datetime = Field(sa_column=_ts(nullable=False))
