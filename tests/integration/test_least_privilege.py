"""The sign-in server's own database role has row rights only (SECURITY.md B1, L2).

The owner migrates and grants (``admin db grant``); the server then runs as a
role that cannot change the schema, switch the audit log's triggers off, or
change and remove an event even with them gone.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from desktop_auth.core.service import AuthService
from desktop_auth.errors import RuntimeRoleNeedsPostgresError, StoreUpgradeNotAllowedError
from desktop_auth.store.db import Store
from desktop_auth.store.privileges import APPEND_ONLY_TABLES
from tests.helpers import MemoryKeyring, PinnedClock, initialize_organisation, make_service
from tests.postgres_server import PostgresServer
from tests.totp_helpers import make_user_with_app, phone_code, sign_in_ticket


@pytest.fixture
def owner_store(postgres_server: PostgresServer) -> Iterator[Store]:
    store = Store.open(postgres_server.url(postgres_server.new_database()))
    store.upgrade()
    yield store
    store.dispose()


@pytest.fixture
def server_store(owner_store: Store, postgres_server: PostgresServer) -> Iterator[Store]:
    role, password = postgres_server.server_role()
    owner = owner_store.engine.url
    service = make_service(owner_store)
    service.operations.grant_server_role(role, actor=service.accounts.local_administrator())
    store = Store.open(postgres_server.url_as(str(owner.database), role, password))
    store.upgrade()  # at head already: reads the revision and changes nothing
    yield store
    store.dispose()


def test_b1_the_server_role_signs_people_in_but_cannot_touch_the_audit_log(
    server_store: Store,
) -> None:
    clock = PinnedClock()
    keyring = MemoryKeyring()
    service = make_service(server_store, clock=clock, keyring=keyring)
    admin = initialize_organisation(service)
    user = make_user_with_app(service, admin, clock)
    ticket = sign_in_ticket(service, user.email)
    code = phone_code(user.secret, clock)
    assert service.sign_in.with_second_factor(ticket, "totp", code).session
    assert service.audit.verify().ok

    refused = [
        "ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only",
        "ALTER TABLE audit_events DISABLE TRIGGER ALL",
        "UPDATE audit_events SET actor = 'x' WHERE id = 2",
        "DELETE FROM audit_events WHERE id = 2",
        "TRUNCATE audit_events",
        "INSERT INTO audit_events SELECT * FROM audit_events WHERE id = 2"
        " ON CONFLICT (id) DO UPDATE SET actor = 'x'",
        "UPDATE audit_checkpoints SET event_count = 0",
        "DELETE FROM audit_checkpoints",
        "DROP TRIGGER audit_events_append_only ON audit_events",
        "CREATE TABLE escape_hatch (id integer)",
        "ALTER TABLE users ADD COLUMN nothing integer",
        "CREATE TRIGGER t BEFORE INSERT ON users FOR EACH ROW"
        " EXECUTE FUNCTION audit_events_append_only()",
        "UPDATE alembic_version SET version_num = '0001'",
    ]
    for statement in refused:
        with pytest.raises(DatabaseError) as caught, server_store.engine.begin() as conn:
            conn.exec_driver_sql(statement)
        # Refused for want of rights, not by a trigger the owner could switch off.
        assert getattr(caught.value.orig, "sqlstate", None) == "42501", statement
    assert service.audit.verify().ok


def test_b1_the_grants_are_exactly_rows_and_add_only_on_the_audit_tables(
    server_store: Store, owner_store: Store
) -> None:
    role = server_store.engine.url.username
    with owner_store.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT table_name, string_agg(privilege_type, ',' ORDER BY privilege_type)"
                " FROM information_schema.role_table_grants WHERE grantee = :role"
                " GROUP BY table_name"
            ),
            {"role": role},
        ).all()
    grants = {table: set(rights.split(",")) for table, rights in rows}
    for table in APPEND_ONLY_TABLES:
        assert grants.pop(table) == {"INSERT", "SELECT"}
    assert grants.pop("alembic_version") == {"SELECT"}
    assert grants  # every other table: rows, and nothing else
    assert {frozenset(rights) for rights in grants.values()} == {
        frozenset({"SELECT", "INSERT", "UPDATE", "DELETE"})
    }


def test_b1_a_store_behind_says_the_owner_must_upgrade_it(
    server_store: Store, owner_store: Store
) -> None:
    with owner_store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0007'")
        conn.exec_driver_sql("DROP TABLE audit_checkpoints")
    with pytest.raises(StoreUpgradeNotAllowedError):
        server_store.upgrade()


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_b1_granting_on_sqlite_says_roles_are_postgresql_s(store: Store) -> None:
    service: AuthService = make_service(store)
    with pytest.raises(RuntimeRoleNeedsPostgresError):
        service.operations.grant_server_role("x", actor=service.accounts.local_administrator())
