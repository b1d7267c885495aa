"""SQLModel tables. Every table carries ``team_id`` so workspaces stay apart.

Times are stored as UTC (see ``storage.types.UTCDateTime``). Schema changes go through
Alembic migrations in ``storage/migrations``; nothing here calls ``create_all`` in production.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


def utcnow() -> datetime:
    return datetime.now(UTC)


def _ts(nullable: bool = True) -> Column:  # type: ignore[type-arg]
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
    is_bot: bool = Field(default=False)
    fetched_at: datetime = Field(sa_column=_ts(nullable=False))


class PairStatus:
    PENDING = "pending"  # created, waiting for both members to accept
    ACTIVE = "active"
    DECLINED = "declined"
    ENDED = "ended"
    LIVE = (PENDING, ACTIVE)


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
