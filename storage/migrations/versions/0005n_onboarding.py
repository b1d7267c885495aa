"""onboarding: when a pair became active (both accepted), so getting-started nudges can wait for it;
and since when a Slack user's time zone has been what it is, so contact hours follow a move

Revision ID: 0005n
Revises: 0004
Create Date: 2026-12-01 23:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0005n"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("pair", schema=None) as batch_op:
        batch_op.add_column(sa.Column("accepted_at", storage.types.UTCDateTime(), nullable=True))
    with op.batch_alter_table("slack_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tz_since", storage.types.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("slack_user", schema=None) as batch_op:
        batch_op.drop_column("tz_since")
    with op.batch_alter_table("pair", schema=None) as batch_op:
        batch_op.drop_column("accepted_at")
