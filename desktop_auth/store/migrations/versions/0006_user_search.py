"""The admin console's user search: case-folded names, a substring index, sort indexes.

``users.name_key`` is the display name case-folded in Python (as ``email_key`` is the
address), so every engine matches "STRAUSS" to "Strauß" alike.  SQLite: an FTS5 table
with the trigram tokenizer (SQLite 3.34+) over both keys, kept by triggers, plus an
fts5vocab view of it that tells how many users each trigram occurs in.  PostgreSQL: the
trusted pg_trgm extension (an ordinary database owner may create it) with GIN indexes.
Where neither can be had, the search still works, by scanning (``store.user_search``).

A later migration that rebuilds ``users`` with Alembic's batch mode on SQLite drops the
triggers with the table: it must make them again (``store.user_search`` scans meanwhile).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | None = None
depends_on: str | None = None

log = logging.getLogger("desktop_auth.store")

# Each value is indexed between spaces: " ja" is then the trigram of every address or
# name word that starts with "ja", and a one-letter word still has a trigram.
_SQLITE_TRIGGERS = (
    """
CREATE TRIGGER user_search_insert AFTER INSERT ON users BEGIN
  INSERT INTO user_search(rowid, email, name)
  VALUES (new.id, ' ' || new.email_key || ' ', ' ' || new.name_key || ' ');
END""",
    """
CREATE TRIGGER user_search_update AFTER UPDATE OF email_key, name_key ON users BEGIN
  UPDATE user_search
  SET email = ' ' || new.email_key || ' ', name = ' ' || new.name_key || ' '
  WHERE rowid = new.id;
END""",
    """
CREATE TRIGGER user_search_delete AFTER DELETE ON users BEGIN
  DELETE FROM user_search WHERE rowid = old.id;
END""",
)


def _sqlite_has_trigram(connection: sa.Connection) -> bool:
    try:
        with connection.begin_nested():
            connection.exec_driver_sql(
                "CREATE VIRTUAL TABLE temp.trigram_probe USING fts5(x, tokenize='trigram')"
            )
            connection.exec_driver_sql("DROP TABLE temp.trigram_probe")
    except sa.exc.OperationalError:
        return False
    return True


def _sqlite_upgrade(connection: sa.Connection) -> None:
    if not _sqlite_has_trigram(connection):
        log.warning("SQLite has no FTS5 trigram tokenizer: the user search scans the table")
        return
    op.execute("CREATE VIRTUAL TABLE user_search USING fts5(email, name, tokenize='trigram')")
    op.execute("CREATE VIRTUAL TABLE user_search_terms USING fts5vocab(user_search, 'row')")
    for trigger in _SQLITE_TRIGGERS:
        op.execute(trigger)
    op.execute(
        "INSERT INTO user_search(rowid, email, name) "
        "SELECT id, ' ' || email_key || ' ', ' ' || name_key || ' ' FROM users"
    )


def _postgres_upgrade(connection: sa.Connection) -> None:
    try:
        with connection.begin_nested():
            connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except sa.exc.DBAPIError:
        log.warning("pg_trgm could not be created: the user search scans the table")
        return
    op.execute("CREATE INDEX ix_users_email_trgm ON users USING gin (email_key gin_trgm_ops)")
    op.execute("CREATE INDEX ix_users_name_trgm ON users USING gin (name_key gin_trgm_ops)")


def upgrade() -> None:
    connection = op.get_bind()
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(
            sa.Column("name_key", sa.String(length=200), nullable=False, server_default="")
        )
    users = sa.table("users", sa.column("id", sa.Integer), sa.column("name_key", sa.String))
    names = connection.execute(sa.text("SELECT id, display_name FROM users")).all()
    for user_id, name in names:  # casefold() is Python's: no engine does it the same way
        connection.execute(
            users.update().where(users.c.id == user_id).values(name_key=name.casefold())
        )
    # The console's sort orders end on the address, so an index on both serves a page.
    op.create_index("ix_users_name_sort", "users", ["name_key", "email_key"])
    op.create_index("ix_users_role_sort", "users", ["role", "email_key"])
    op.create_index("ix_users_last_sign_in_at", "users", ["last_sign_in_at"])
    if connection.dialect.name == "sqlite":
        _sqlite_upgrade(connection)
    elif connection.dialect.name == "postgresql":
        _postgres_upgrade(connection)


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "sqlite":
        for verb in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS user_search_{verb}")
        op.execute("DROP TABLE IF EXISTS user_search_terms")
        op.execute("DROP TABLE IF EXISTS user_search")
    elif connection.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_users_name_trgm")
        op.execute("DROP INDEX IF EXISTS ix_users_email_trgm")
    op.drop_index("ix_users_last_sign_in_at", "users")
    op.drop_index("ix_users_role_sort", "users")
    op.drop_index("ix_users_name_sort", "users")
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("name_key")
