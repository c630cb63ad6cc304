"""Two administrators, not one with two share files, open a vault with the escrow: one
asks, another approves (issue 17, SECURITY.md V2).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03

``vault_escrow_requests``: a request to open one user's vault with the escrow, who asked
and who approved it (they must differ), for which escrow key, until when it holds, when
the escrow slot was handed out on it and when the printed key made with it was added; the
slot leaves the store only on an approved, unused request for the key in force.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from desktop_auth.store.types import UTCDateTime

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "vault_escrow_requests",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("request_id", sa.String(length=16), nullable=False, unique=True),
        sa.Column(
            "vault_id", sa.Integer(), sa.ForeignKey("vaults.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("escrow_key", sa.String(length=44), nullable=False),
        sa.Column("requested_by", sa.String(length=320), nullable=False),
        sa.Column("requester", sa.String(length=320), nullable=False),
        sa.Column("requested_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("approved_by", sa.String(length=320), nullable=True),
        sa.Column("approver", sa.String(length=320), nullable=True),
        sa.Column("approved_at", UTCDateTime(), nullable=True),
        sa.Column("used_at", UTCDateTime(), nullable=True),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_vault_escrow_requests_vault_id", "vault_escrow_requests", ["vault_id"])


def downgrade() -> None:
    op.drop_index("ix_vault_escrow_requests_vault_id", table_name="vault_escrow_requests")
    op.drop_table("vault_escrow_requests")
