"""Request budgets per network address and per account, shared by every server process.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "rate_limit_buckets",
        # A keyed hash of what is counted ("address:…", "account:…"): never the value.
        sa.Column("bucket", sa.LargeBinary(length=32), nullable=False),
        sa.Column("window_number", sa.Integer(), nullable=False),
        sa.Column("requests", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("bucket"),
    )
    with op.batch_alter_table("rate_limit_buckets") as batch_op:
        batch_op.create_index("ix_rate_limit_buckets_window_number", ["window_number"])


def downgrade() -> None:
    op.drop_table("rate_limit_buckets")
