"""Test doubles that are real implementations of our narrow interfaces."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from keyring.backend import KeyringBackend

from desktop_auth.core.passwords import Argon2Parameters
from desktop_auth.core.service import Actor, AuthService

#: Cheap argon2id for tests that are not about hashing cost (the defaults are tested apart).
FAST_ARGON2 = Argon2Parameters(time_cost=1, memory_kib=1024, parallelism=1)


class MemoryKeyring(KeyringBackend):
    """An in-memory keyring backend for unit tests (the real one is tested under dbus)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.entries.pop((service, username), None)


class PinnedClock:
    """A clock that moves only when a test moves it."""

    def __init__(self, start: datetime | None = None) -> None:
        self.current = start or datetime(2026, 7, 1, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


def initialize_organisation(service: AuthService) -> Actor:
    """Salariszaken with its first administrator, as ``admin init`` makes them."""
    actor = service.accounts.local_administrator()
    service.initialize(
        actor=actor,
        organisation_name="Salariszaken",
        rp_id="salariszaken.nl",
        admin_email="beheer@salariszaken.nl",
        admin_display_name="Anna Beheer",
        admin_password="koffie tafel regen zomer fiets",
    )
    return actor
