"""Security keys and platform authenticators (WebAuthn); when 2FA was first set up.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from desktop_auth.store.types import UTCDateTime

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("webauthn_handle", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("second_factor_enrolled_at", UTCDateTime(), nullable=True))
        batch_op.create_unique_constraint("uq_users_webauthn_handle", ["webauthn_handle"])
    op.create_table(
        "webauthn_credentials",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("credential_id", sa.LargeBinary(), nullable=False),
        sa.Column("public_key", sa.LargeBinary(), nullable=False),
        sa.Column("sign_count", sa.BigInteger(), nullable=False),
        sa.Column("aaguid", sa.String(length=36), nullable=False),
        sa.Column("transports", sa.String(length=100), nullable=False),
        sa.Column("attestation_format", sa.String(length=32), nullable=False),
        sa.Column("user_verified", sa.Boolean(), nullable=False),
        sa.Column("backup_eligible", sa.Boolean(), nullable=False),
        sa.Column("backup_state", sa.Boolean(), nullable=False),
        sa.Column("discoverable", sa.Boolean(), nullable=False),
        sa.Column("nickname", sa.String(length=100), nullable=False),
        sa.Column("workstation", sa.String(length=255), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_used_at", UTCDateTime(), nullable=True),
        sa.Column("possibly_cloned", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("credential_id"),
    )
    op.create_index("ix_webauthn_credentials_user_id", "webauthn_credentials", ["user_id"])


def downgrade() -> None:
    op.drop_table("webauthn_credentials")
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_constraint("uq_users_webauthn_handle", type_="unique")
        batch_op.drop_column("second_factor_enrolled_at")
        batch_op.drop_column("webauthn_handle")
