from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from desktop_auth.core.service import Actor, AuthService, RecoverySheet
from desktop_auth.store.db import Store
from tests.helpers import MemoryKeyring, PinnedClock, make_service, make_user
from tests.postgres_server import PostgresServer
from tests.totp_helpers import EnrolledUser, make_user_with_app
from tests.webauthn_helpers import KeyUser, make_user_with_key

ADMIN_PASSWORD = "koffie tafel regen zomer fiets"
ORGANISATION = "Salariszaken"


# Property tests (tests/unit/test_bad_input.py): the same draws on every run, so CI judges
# the code and never the luck of a draw; HYPOTHESIS_PROFILE=explore draws anew, many more,
# to look for what the fixed draws miss (each find becomes a fixed example or a fix).
settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=40,
    deadline=None,  # shared, noisy machines: no timing in tests
    # One store per test on purpose: what an example leaves behind, the next trips over.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "explore", parent=settings.get_profile("ci"), derandomize=False, max_examples=400
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

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
    # A GUI test may end while a worker still holds a connection (the strength meter's
    # last keystroke): dispose() closes only the idle ones, and the other was found by
    # the garbage collector tests later, as a ResourceWarning on PostgreSQL.  Let the
    # workers finish first.
    if "PySide6.QtCore" in sys.modules:
        from PySide6.QtCore import QThreadPool

        QThreadPool.globalInstance().waitForDone(30_000)
    store.dispose()


@pytest.fixture
def service(store: Store, clock: PinnedClock, memory_keyring: MemoryKeyring) -> AuthService:
    return make_service(store, clock=clock, keyring=memory_keyring)


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


# --- people: an initialised organisation (``admin``) and one employee, Jan -------------------


@pytest.fixture
def user(service: AuthService, admin: Actor) -> str:
    """Jan, who has chosen ``USER_PASSWORD`` and has no second factor yet; his address."""
    return make_user(service, admin)


@pytest.fixture
def user_with_app(service: AuthService, admin: Actor, clock: PinnedClock) -> EnrolledUser:
    """Jan with an authenticator app, signed in with it (AAL2)."""
    return make_user_with_app(service, admin, clock)


@pytest.fixture
def user_with_key(service: AuthService, admin: Actor) -> KeyUser:
    """Jan with a hardware security key (the software key, as a YubiKey), signed in with it."""
    return make_user_with_key(service, admin)


@pytest.fixture
def user_with_codes(
    service: AuthService, user_with_app: EnrolledUser
) -> tuple[EnrolledUser, RecoverySheet]:
    """Jan with an app and a fresh sheet of recovery codes."""
    return user_with_app, service.recovery_codes.generate(user_with_app.session)
