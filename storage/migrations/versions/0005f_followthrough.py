"""follow-through: items carried over to the next meeting, themes suggested from check-in answers, reply suggestions

Revision ID: 0005f
Revises: 0004
Create Date: 2026-12-01 23:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision = "0005f"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("action_item", schema=None) as batch_op:
        # Every item so far was due "at the next meeting" (there was no other way to set a due date).
        batch_op.add_column(sa.Column("follows_meeting", sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column("carried_over", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("roadmap_item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("suggested_by", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
        batch_op.add_column(sa.Column("source_checkin_id", sa.Integer(), nullable=True))
    op.create_table(
        "reply_suggestion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("pair_id", sa.Integer(), nullable=False),
        sa.Column("checkin_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("lines", sa.Text(), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(), nullable=False),
        sa.Column("adopted_at", storage.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["checkin_id"], ["checkin.id"]),
        sa.ForeignKeyConstraint(["pair_id"], ["pair.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("reply_suggestion", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reply_suggestion_pair_id"), ["pair_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("reply_suggestion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reply_suggestion_pair_id"))
    op.drop_table("reply_suggestion")
    with op.batch_alter_table("roadmap_item", schema=None) as batch_op:
        batch_op.drop_column("source_checkin_id")
        batch_op.drop_column("suggested_by")
    with op.batch_alter_table("action_item", schema=None) as batch_op:
        batch_op.drop_column("carried_over")
        batch_op.drop_column("follows_meeting")
