"""The recovery-code vault (issue 17): vaults, their slots and their sealed entries.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02

Only ids, wrapped keys and ciphertext: the vault key and the codes never reach the store.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from desktop_auth.store.types import UTCDateTime

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "vaults",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "user_id",
            sa.Integer(),
            sa.ForeignKey("users.id", ondelete="CASCADE"),
            nullable=False,
            unique=True,
        ),
        sa.Column("vault_id", sa.String(length=36), nullable=False, unique=True),
        sa.Column("write_check", sa.LargeBinary(length=32), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "vault_slots",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "vault_id", sa.Integer(), sa.ForeignKey("vaults.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("slot_id", sa.String(length=36), nullable=False, unique=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column(
            "credential_row_id",
            sa.Integer(),
            sa.ForeignKey("webauthn_credentials.id", ondelete="CASCADE"),
            nullable=True,
            unique=True,
        ),
        sa.Column("salt", sa.LargeBinary(), nullable=True),
        sa.Column("wrapped_key", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_vault_slots_vault_id", "vault_slots", ["vault_id"])
    op.create_table(
        "vault_entries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "vault_id", sa.Integer(), sa.ForeignKey("vaults.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("entry_id", sa.String(length=36), nullable=False, unique=True),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_vault_entries_vault_id", "vault_entries", ["vault_id"])


def downgrade() -> None:
    op.drop_table("vault_entries")
    op.drop_table("vault_slots")
    op.drop_table("vaults")
