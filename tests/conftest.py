from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_auth.core.passwords import PasswordHasher
from desktop_auth.core.service import Actor, AuthService
from desktop_auth.store.db import Store
from desktop_auth.store.keys import KeyringDataKeyStore
from tests.helpers import FAST_ARGON2, MemoryKeyring, PinnedClock

ADMIN_PASSWORD = "koffie tafel regen zomer fiets"
ORGANISATION = "Salariszaken"


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'store.sqlite3'}"


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
    actor = service.local_administrator()
    service.initialize(
        actor=actor,
        organisation_name=ORGANISATION,
        rp_id="salariszaken.nl",
        admin_email="beheer@salariszaken.nl",
        admin_display_name="Anna Beheer",
        admin_password=ADMIN_PASSWORD,
    )
    return actor
