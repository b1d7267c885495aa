"""check-in ratings: a member's private "How useful was this conversation?" (1–5), averaged per program

Revision ID: 0005r
Revises: 0004
Create Date: 2026-12-01 23:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision = "0005r"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "checkin_rating",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("pair_id", sa.Integer(), nullable=False),
        sa.Column("checkin_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", storage.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["checkin_id"], ["checkin.id"]),
        sa.ForeignKeyConstraint(["pair_id"], ["pair.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("checkin_id", "user_id", name="uq_checkin_rating_user"),
    )
    with op.batch_alter_table("checkin_rating", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_checkin_rating_pair_id"), ["pair_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("checkin_rating", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_checkin_rating_pair_id"))
    op.drop_table("checkin_rating")
