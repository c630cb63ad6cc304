"""Locks that escalate: after so many temporary locks, only the helpdesk opens the account;
and a sign-in between steps remembers the assurance its second factor earned, so that a
temporary password is changed only after the second factor (issue 16, item 5).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02

Plain ADD COLUMNs: a batch rebuild of ``users`` on SQLite would drop 0006's triggers.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    for table in ("users", "unknown_account_failures"):
        op.add_column(
            table, sa.Column("lock_count", sa.Integer(), nullable=False, server_default="0")
        )
        op.add_column(
            table,
            sa.Column(
                "locked_for_helpdesk", sa.Boolean(), nullable=False, server_default=sa.false()
            ),
        )

    op.add_column("pending_sign_ins", sa.Column("assurance", sa.String(length=4), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("pending_sign_ins") as batch_op:
        batch_op.drop_column("assurance")
    for table in ("users", "unknown_account_failures"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("locked_for_helpdesk")
            batch_op.drop_column("lock_count")
