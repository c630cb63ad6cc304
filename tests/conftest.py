from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_auth.core.passwords import PasswordHasher
from desktop_auth.core.service import Actor, AuthService
from desktop_auth.store.db import Store
from desktop_auth.store.keys import KeyringDataKeyStore
from tests.helpers import FAST_ARGON2, MemoryKeyring, PinnedClock
from tests.postgres_server import PostgresServer

ADMIN_PASSWORD = "koffie tafel regen zomer fiets"
ORGANISATION = "Salariszaken"


#: Both engines the product supports; modules that must hold on both say
#: ``pytestmark = pytest.mark.parametrize("engine", ENGINES, indirect=True)``.
ENGINES = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One real PostgreSQL server for the whole run; a missing PostgreSQL fails, never skips."""
    try:
        server = PostgresServer()
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)
    yield server
    server.destroy()


@pytest.fixture
def engine(request: pytest.FixtureRequest) -> str:
    """The store's engine: SQLite unless a test is parametrised over ``ENGINES``.

    ``DESKTOP_AUTH_TEST_ENGINE=postgresql`` runs every other store test on PostgreSQL.
    """
    return str(getattr(request, "param", os.environ.get("DESKTOP_AUTH_TEST_ENGINE", "sqlite")))


@pytest.fixture
def database_url(engine: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A fresh, empty store: a SQLite file, or a new database on the test PostgreSQL server."""
    if engine == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite3'}"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.url(server.new_database())


@pytest.fixture
def clock() -> PinnedClock:
    return PinnedClock()


@pytest.fixture
def memory_keyring() -> MemoryKeyring:
    return MemoryKeyring()


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    store = Store.open(database_url)
    store.upgrade()
    yield store
    store.dispose()


@pytest.fixture
def service(store: Store, clock: PinnedClock, memory_keyring: MemoryKeyring) -> AuthService:
    return AuthService(
        store,
        data_keys=KeyringDataKeyStore(memory_keyring),
        clock=clock,
        hasher=PasswordHasher(FAST_ARGON2),
        workstation="WS-042",
    )


@pytest.fixture
def admin(service: AuthService) -> Actor:
    actor = service.accounts.local_administrator()
    service.initialize(
        actor=actor,
        organisation_name=ORGANISATION,
        rp_id="salariszaken.nl",
        admin_email="beheer@salariszaken.nl",
        admin_display_name="Anna Beheer",
        admin_password=ADMIN_PASSWORD,
    )
    return actor


@pytest.fixture
def own_server() -> Iterator[PostgresServer]:
    """A server of this test's own: stopping the shared one would fail other tests."""
    try:
        server = PostgresServer()
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)
    yield server
    server.destroy()
