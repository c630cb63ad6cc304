"""Authenticator apps (TOTP) and the second-factor failure counter.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from desktop_auth.store.types import UTCDateTime

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(
            sa.Column("second_factor_failures", sa.Integer(), nullable=False, server_default="0")
        )
    op.create_table(
        "totp_credentials",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("sealed_secret", sa.LargeBinary(), nullable=False),
        sa.Column("algorithm", sa.String(length=10), nullable=False),
        sa.Column("digits", sa.Integer(), nullable=False),
        sa.Column("period", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("workstation", sa.String(length=255), nullable=False),
        sa.Column("confirmed_at", UTCDateTime(), nullable=True),
        sa.Column("enrollment_expires_at", UTCDateTime(), nullable=True),
        sa.Column("last_used_step", sa.BigInteger(), nullable=True),
        sa.Column("last_used_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("totp_credentials") as batch_op:
        batch_op.create_index("ix_totp_credentials_user_id", ["user_id"])


def downgrade() -> None:
    op.drop_table("totp_credentials")
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("second_factor_failures")
