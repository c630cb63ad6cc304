"""Each escrow slot names the escrow key it was sealed to, and a vault remembers that the
escrow opened it (issue 17, SECURITY.md V2).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03

``vault_slots.sealed_to``: the escrow public key (base64) an escrow slot was sealed to, so
that a new escrow key, or escrow switched off, takes the old slots away and a slot sealed
to a key the policy no longer has is never handed out.  Escrow slots made before this
revision name no key: the workstation replaces them the next time the vault opens.

``vaults.escrow_opened_at``: when administrators last gave the vault a printed key with
the escrow; until the owner makes a new vault key, the vault asks them to.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from desktop_auth.store.types import UTCDateTime

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.add_column("vault_slots", sa.Column("sealed_to", sa.String(length=44), nullable=True))
    op.add_column("vaults", sa.Column("escrow_opened_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("vaults") as batch_op:
        batch_op.drop_column("escrow_opened_at")
    with op.batch_alter_table("vault_slots") as batch_op:
        batch_op.drop_column("sealed_to")
