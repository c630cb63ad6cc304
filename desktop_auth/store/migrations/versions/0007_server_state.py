"""Server-side state: sessions, pending sign-ins, WebAuthn ceremonies, unknown-address
throttling — in the store, so that any number of sign-in servers share them.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from desktop_auth.store.types import UTCDateTime

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | None = None
depends_on: str | None = None


def _user() -> sa.ForeignKey:
    return sa.ForeignKey("users.id", ondelete="CASCADE")


def upgrade() -> None:
    # A plain ADD COLUMN: a batch rebuild of ``users`` on SQLite would drop 0006's triggers.
    op.add_column("users", sa.Column("last_failure_at", UTCDateTime(), nullable=True))
    op.create_table(
        "sign_in_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), _user(), nullable=False),
        sa.Column("methods", sa.String(length=200), nullable=False),
        sa.Column("assurance", sa.String(length=4), nullable=False),
        sa.Column("recovered", sa.Boolean(), nullable=False),
        sa.Column("workstation", sa.String(length=255), nullable=False),
        sa.Column("authenticated_at", UTCDateTime(), nullable=False),
        sa.Column("last_used_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_sign_in_sessions_user_id", "sign_in_sessions", ["user_id"])
    op.create_index("ix_sign_in_sessions_expires_at", "sign_in_sessions", ["expires_at"])
    op.create_table(
        "pending_sign_ins",
        sa.Column("ticket_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), _user(), nullable=False),
        sa.Column("stage", sa.String(length=32), nullable=False),
        sa.Column("methods_used", sa.String(length=200), nullable=False),
        sa.Column("recovered", sa.Boolean(), nullable=False),
        sa.Column("deferrable_until", sa.Date(), nullable=True),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("ticket_hash"),
    )
    op.create_index("ix_pending_sign_ins_user_id", "pending_sign_ins", ["user_id"])
    op.create_index("ix_pending_sign_ins_expires_at", "pending_sign_ins", ["expires_at"])
    op.create_table(
        "webauthn_ceremonies",
        sa.Column("challenge", sa.String(length=128), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), _user(), nullable=True),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("nickname", sa.String(length=100), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("challenge"),
    )
    op.create_index("ix_webauthn_ceremonies_expires_at", "webauthn_ceremonies", ["expires_at"])
    op.create_table(
        "unknown_account_failures",
        sa.Column("slot", sa.LargeBinary(length=32), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("closed_until", UTCDateTime(), nullable=True),
        sa.Column("last_failure_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("slot"),
    )
    op.create_index(
        "ix_unknown_account_failures_last_failure_at",
        "unknown_account_failures",
        ["last_failure_at"],
    )


def downgrade() -> None:
    op.drop_table("unknown_account_failures")
    op.drop_table("webauthn_ceremonies")
    op.drop_table("pending_sign_ins")
    op.drop_table("sign_in_sessions")
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("last_failure_at")
