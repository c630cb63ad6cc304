"""Alembic environment: runs on the connection ``Store.upgrade`` hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from desktop_auth.store.models import Base, is_modelled

connection: Connection | None = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `desktop-auth admin db upgrade`")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite cannot ALTER most things; batch mode rebuilds tables instead.  Rebuilding
    # "users" drops the user search's triggers (not its plain indexes, which it copies):
    # such a migration must make them again (see 0006_user_search.py).
    render_as_batch=True,
    compare_type=True,
    include_name=is_modelled,
)
with context.begin_transaction():
    context.run_migrations()
