"""Test doubles that are real implementations of our narrow interfaces."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from keyring.backend import KeyringBackend
from sqlalchemy import select

from desktop_auth.core.identity import normalize_email
from desktop_auth.core.passwords import Argon2Parameters, PasswordHasher
from desktop_auth.core.policy import load_policy
from desktop_auth.core.service import Actor, AssuranceLevel, AuthService, Session, SignInOutcome
from desktop_auth.core.sessions import open_session
from desktop_auth.store.db import Store
from desktop_auth.store.keys import DataKeyStore, KeyringDataKeyStore
from desktop_auth.store.models import User
from desktop_auth.store.secretbox import SecretBox

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


USER_PASSWORD = "groene appel boven de rivier"


def make_user(service: AuthService, admin: Actor, email: str = "jan@example.nl") -> str:
    """Create a user and let them choose ``USER_PASSWORD`` at first sign-in."""
    issued = service.accounts.create(actor=admin, email=email, display_name="Jan de Vries")
    first = service.sign_in.with_password(email, issued.temporary_password)
    assert first.outcome is SignInOutcome.MUST_CHANGE_PASSWORD
    assert first.ticket is not None
    service.sign_in.complete_password_change(first.ticket, USER_PASSWORD)
    return email


def no_second_factor_required(service: AuthService, admin: Actor) -> None:
    policy = dataclasses.replace(service.policy.current(), second_factor_required=False)
    service.policy.replace(actor=admin, policy=policy)


def tool(name: str) -> str:
    found = shutil.which(name)
    # CI installs poppler-utils (tasks.py); a missing tool must fail, never skip.
    assert found, f"{name} is missing: run 'python3 tasks.py system-deps'"
    return found


def pdf_text(path: Path, *options: str) -> str:
    done = subprocess.run(
        [tool("pdftotext"), *options, str(path), "-"], capture_output=True, text=True, check=True
    )
    return done.stdout


def make_service(
    store: Store,
    *,
    clock: PinnedClock | None = None,
    keyring: KeyringBackend | None = None,
    data_keys: DataKeyStore | None = None,
    argon2: Argon2Parameters = FAST_ARGON2,
    workstation: str = "WS-042",
    **options: Any,
) -> AuthService:
    """The one way tests build a service: a pinned clock, an in-memory keyring, cheap argon2.

    ``options`` go to ``AuthService`` as they are (``notifiers``, ``demo``,
    ``security_keys``, ...).
    """
    return AuthService(
        store,
        data_keys=data_keys or KeyringDataKeyStore(keyring or MemoryKeyring()),
        clock=clock or PinnedClock(),
        hasher=PasswordHasher(argon2),
        workstation=workstation,
        **options,
    )


def secret_box_of(service: AuthService) -> SecretBox:
    """The service's SecretBox, for tests that seal or open directly (no public API has it)."""
    return service._open_secret_box()


def past_sign_in(
    service: AuthService,
    email: str,
    *,
    assurance: AssuranceLevel = AssuranceLevel.AAL2,
    methods: tuple[str, ...] = ("password", "totp"),
    at: datetime | None = None,
) -> Session:
    """A real session of ``email``, as if they had signed in ``at`` with ``methods``: for
    the guard's tests, which need sessions of a given age and level (the store has it, as
    after a sign-in; a hand-made ``Session`` value is refused)."""
    store: Store = service._context.store
    when = at or service.accounts.now()
    with store.transaction() as db:
        user = db.execute(
            select(User).where(User.email_key == normalize_email(email)[1])
        ).scalar_one()
        return open_session(
            db, user, load_policy(db), methods, assurance, workstation="test", now=when
        )
