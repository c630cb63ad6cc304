"""A vault remembers that a way in was removed (issue 17, SECURITY.md V3).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04

``vaults.slot_removed_at``: when a security key or a printed key last stopped opening the
vault.  Its slot is gone, but the vault key it unwrapped is the same: whoever holds the
lost key and a copy of the store from before could still open the vault.  Until the owner
makes a new vault key (a new printed key), the vault asks them to.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from desktop_auth.store.types import UTCDateTime

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.add_column("vaults", sa.Column("slot_removed_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("vaults") as batch_op:
        batch_op.drop_column("slot_removed_at")
