"""Least privilege on PostgreSQL: what the sign-in server's own role may do.

The owner role creates and migrates the tables; the server runs as a role that
only reads and writes rows: no DDL (so no ``ALTER TABLE … DISABLE TRIGGER``), no
TRUNCATE, no TRIGGER, and on the audit tables only INSERT and SELECT, so even
with the append-only triggers gone it cannot UPDATE or DELETE an event.
"""

from __future__ import annotations

from sqlalchemy import inspect

from desktop_auth.errors import RuntimeRoleNeedsPostgresError
from desktop_auth.store.db import Store

#: Rows are only ever added: the audit log and its signed checkpoints.
APPEND_ONLY_TABLES = frozenset({"audit_events", "audit_checkpoints"})
#: Read by the server to see the schema is current; written only by migrations.
READ_ONLY_TABLES = frozenset({"alembic_version"})


def grant_runtime_access(store: Store, role: str) -> list[str]:
    """Give ``role`` exactly the rights the server needs on every table there is now;
    run as the owner after each upgrade.  Returns the tables, in order."""
    if store.engine.dialect.name != "postgresql":
        raise RuntimeRoleNeedsPostgresError()
    quote = store.engine.dialect.identifier_preparer.quote
    grantee = quote(role)
    with store.engine.begin() as conn:
        schema = str(conn.exec_driver_sql("SELECT current_schema()").scalar_one())
        tables = sorted(inspect(conn).get_table_names(schema=schema))
        conn.exec_driver_sql(f"GRANT USAGE ON SCHEMA {quote(schema)} TO {grantee}")
        conn.exec_driver_sql(f"REVOKE ALL ON ALL TABLES IN SCHEMA {quote(schema)} FROM {grantee}")
        for table in tables:
            if table in APPEND_ONLY_TABLES:
                rights = "SELECT, INSERT"
            elif table in READ_ONLY_TABLES:
                rights = "SELECT"
            else:
                rights = "SELECT, INSERT, UPDATE, DELETE"
            conn.exec_driver_sql(f"GRANT {rights} ON {quote(schema)}.{quote(table)} TO {grantee}")
        conn.exec_driver_sql(
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {quote(schema)} TO {grantee}"
        )
    return tables
