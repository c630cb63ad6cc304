"""The escrow key is two administrators' keys, one layer inside the other (issue 17,
SECURITY.md V2).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03

``vault_slots.sealed_to`` and ``vault_escrow_requests.escrow_key`` hold two base64 public
keys joined by ":" (89 characters).  An escrow of the earlier form (one key, its private
half in two share files opened at one keyboard) is switched off: its slots and requests go,
and the policy's key is emptied; ``admin vault escrow keygen`` and ``init`` make the new
one, and each vault gets a slot for it the next time its owner opens it.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | None = None
depends_on: str | None = None

#: Two base64 X25519 keys and the separator (``core.escrow_key.ESCROW_KEY_LENGTH``; a
#: migration keeps its own numbers, as the code may change after it).
_WIDE = 89
_NARROW = 44


def _switch_off(stale: Callable[[str], bool]) -> None:
    """Empty the policy's escrow key if it is of the form ``stale`` says the other side
    of this revision cannot read."""
    bind = op.get_bind()
    settings = sa.table("settings", sa.column("key", sa.String), sa.column("value", sa.Text))
    stored = bind.execute(
        sa.select(settings.c.value).where(settings.c.key == "policy")
    ).scalar_one_or_none()
    if stored is None:
        return
    policy = json.loads(stored)
    if policy.get("vault_escrow_key") and stale(policy["vault_escrow_key"]):
        policy["vault_escrow_key"] = ""
        bind.execute(
            settings.update()
            .where(settings.c.key == "policy")
            .values(value=json.dumps(policy, sort_keys=True))
        )


def upgrade() -> None:
    _switch_off(lambda key: ":" not in key)
    op.execute("DELETE FROM vault_escrow_requests")
    op.execute("DELETE FROM vault_slots WHERE kind = 'escrow'")
    with op.batch_alter_table("vault_slots") as batch_op:
        batch_op.alter_column(
            "sealed_to", type_=sa.String(length=_WIDE), existing_type=sa.String(length=_NARROW)
        )
    with op.batch_alter_table("vault_escrow_requests") as batch_op:
        batch_op.alter_column(
            "escrow_key", type_=sa.String(length=_WIDE), existing_type=sa.String(length=_NARROW)
        )


def downgrade() -> None:
    # The earlier form cannot hold a two-key escrow: it is switched off, as upgrading did.
    _switch_off(lambda key: ":" in key)
    op.execute("DELETE FROM vault_escrow_requests")
    op.execute("DELETE FROM vault_slots WHERE kind = 'escrow'")
    with op.batch_alter_table("vault_escrow_requests") as batch_op:
        batch_op.alter_column(
            "escrow_key", type_=sa.String(length=_NARROW), existing_type=sa.String(length=_WIDE)
        )
    with op.batch_alter_table("vault_slots") as batch_op:
        batch_op.alter_column(
            "sealed_to", type_=sa.String(length=_NARROW), existing_type=sa.String(length=_WIDE)
        )
