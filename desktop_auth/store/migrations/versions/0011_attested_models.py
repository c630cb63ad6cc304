"""Security keys remember what their attestation proved: the model's name and whether it
keeps its keys in hardware, the condition of AAL3 (issue 16, items 1 and 2).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02

Keys registered before have no verified attestation: they stay usable, at AAL2.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.add_column("webauthn_credentials", sa.Column("model", sa.String(length=200), nullable=True))
    op.add_column(
        "webauthn_credentials",
        sa.Column("hardware_attested", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    with op.batch_alter_table("webauthn_credentials") as batch_op:
        batch_op.drop_column("hardware_attested")
        batch_op.drop_column("model")
