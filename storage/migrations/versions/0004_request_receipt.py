"""request receipts: signed requests already accepted, so replays and Slack retries are dropped

Revision ID: 0004
Revises: 0003oauth
Create Date: 2026-12-01 22:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision = "0004"
down_revision = "0003oauth"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "request_receipt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("request_key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("received_at", storage.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("request_key", name="uq_request_receipt_key"),
    )
    with op.batch_alter_table("request_receipt", schema=None) as batch_op:
        batch_op.create_index("ix_request_receipt_received_at", ["received_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("request_receipt", schema=None) as batch_op:
        batch_op.drop_index("ix_request_receipt_received_at")
    op.drop_table("request_receipt")
