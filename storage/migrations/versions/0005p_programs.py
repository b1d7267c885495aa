"""programs: named cohorts with start and end dates, the pair's program, end-of-program survey answers

Revision ID: 0005p
Revises: 0004
Create Date: 2026-12-01 23:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision = "0005p"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "program",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(), nullable=False),
        sa.Column("updated_by", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("updated_at", storage.types.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "name", name="uq_program_team_name"),
    )
    with op.batch_alter_table("pair", schema=None) as batch_op:
        batch_op.add_column(sa.Column("program_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_pair_program_id"), ["program_id"], unique=False)
        batch_op.create_foreign_key("fk_pair_program_id_program", "program", ["program_id"], ["id"])
    op.create_table(
        "survey_response",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("pair_id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("usefulness", sa.Integer(), nullable=False),
        sa.Column("goals_met", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("continue_choice", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("share_with_lead", sa.Boolean(), nullable=False),
        sa.Column("answered_at", storage.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["pair_id"], ["pair.id"]),
        sa.ForeignKeyConstraint(["program_id"], ["program.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("pair_id", "user_id", name="uq_survey_response_pair_user"),
    )
    with op.batch_alter_table("survey_response", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_survey_response_pair_id"), ["pair_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_survey_response_program_id"), ["program_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("survey_response", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_response_program_id"))
        batch_op.drop_index(batch_op.f("ix_survey_response_pair_id"))
    op.drop_table("survey_response")
    with op.batch_alter_table("pair", schema=None) as batch_op:
        batch_op.drop_constraint("fk_pair_program_id_program", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_pair_program_id"))
        batch_op.drop_column("program_id")
    op.drop_table("program")
