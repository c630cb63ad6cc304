"""A tamper-evident audit log: a signed head, signed checkpoints, and no way to
replace an event on SQLite.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02

The chain values become HMACs under a key derived from the data key, which the
database never holds (``core/audit_seal.py``); the head and the checkpoints carry
Ed25519 signatures under a second derived key.  ``keyed_from`` is the id of the
event from which the chain is keyed (0: not yet; an older store's events before
it keep their SHA-256 links).  ``INSERT OR REPLACE`` on SQLite deletes the old row
without firing the DELETE trigger; the BEFORE INSERT trigger refuses any id that
is already there, which covers it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from desktop_auth.store.types import UTCDateTime

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | None = None
depends_on: str | None = None

_SQLITE_NO_REPLACE = """
CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table}
WHEN EXISTS (SELECT 1 FROM {table} WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END
"""

_SQLITE_APPEND_ONLY = """
CREATE TRIGGER audit_checkpoints_no_{verb} BEFORE {verb} ON audit_checkpoints
BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only'); END
"""

_POSTGRES_APPEND_ONLY_TRIGGER = """
CREATE TRIGGER audit_checkpoints_append_only
BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_checkpoints
FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()
"""


def upgrade() -> None:
    op.add_column(
        "audit_head",
        sa.Column("keyed_from", sa.Integer(), nullable=False, server_default="0"),
    )
    op.add_column("audit_head", sa.Column("signature", sa.String(length=128), nullable=True))
    op.create_table(
        "audit_checkpoints",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("event_count", sa.Integer(), nullable=False),
        sa.Column("head_hash", sa.String(length=64), nullable=False),
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(_SQLITE_NO_REPLACE.format(table="audit_events"))
        op.execute(_SQLITE_NO_REPLACE.format(table="audit_checkpoints"))
        op.execute(_SQLITE_APPEND_ONLY.format(verb="UPDATE"))
        op.execute(_SQLITE_APPEND_ONLY.format(verb="DELETE"))
    elif dialect == "postgresql":
        op.execute(_POSTGRES_APPEND_ONLY_TRIGGER)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER audit_events_no_replace")
    op.drop_table("audit_checkpoints")
    with op.batch_alter_table("audit_head") as batch_op:
        batch_op.drop_column("signature")
        batch_op.drop_column("keyed_from")
