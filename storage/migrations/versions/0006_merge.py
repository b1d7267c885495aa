"""merge the branches built side by side (follow-through, workspace roles, onboarding, programs, ratings)

Revision ID: 0006
Revises: 0005f, 0005h, 0005n, 0005p, 0005r
Create Date: 2026-12-01 23:40:00
"""

from __future__ import annotations

revision = "0006"
down_revision = ("0005f", "0005h", "0005n", "0005p", "0005r")
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing to change: this revision only joins the branches into one head."""


def downgrade() -> None:
    """Nothing to change."""
