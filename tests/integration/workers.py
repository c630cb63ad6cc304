"""Code that runs in separate processes (spawned, so it must be importable)."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from desktop_auth.core.audit import record_event
from desktop_auth.core.audit_seal import AuditSeal
from desktop_auth.core.passwords import PasswordHasher
from desktop_auth.core.service import AuthService, Session
from desktop_auth.core.throttle import ThrottlePolicy, record_user_failure
from desktop_auth.errors import DesktopAuthError
from desktop_auth.store.db import Store
from desktop_auth.store.keys import KeyFileDataKeyStore
from desktop_auth.store.secretbox import SecretBox
from desktop_auth.vocabulary import AuditEventType
from tests.helpers import FAST_ARGON2, PinnedClock

NO_LOCK = ThrottlePolicy(delay_after=100, lock_after=100)


def fail_and_audit(
    database_url: str, data_key: bytes, user_id: int, rounds: int, worker: int
) -> None:
    """One workstation: count ``rounds`` failures and audit each, each in its own transaction."""
    store = Store.open(database_url)
    seal = AuditSeal(SecretBox(data_key))
    try:
        for round_number in range(rounds):
            with store.transaction() as db:
                record_user_failure(db, user_id, NO_LOCK, datetime.now(UTC))
                record_event(
                    db,
                    seal,
                    event_type=AuditEventType.SIGN_IN_FAILED,
                    actor=f"w{worker}",
                    subject="race@example.nl",
                    workstation=f"WS-{worker}",
                    occurred_at=datetime.now(UTC),
                    details={"round": round_number},
                )
    finally:
        store.dispose()


def race_one_code(
    database_url: str,
    key_file: str,
    email: str,
    password: str,
    kind: str,
    rounds: list[tuple[float, str]],
    barrier: Any,
    results: Any,
) -> None:
    """One workstation: each round, sign in with the password, then on the barrier's
    signal answer with the same code as every other workstation."""
    clock = PinnedClock()
    service = AuthService(
        Store.open(database_url),
        data_keys=KeyFileDataKeyStore(Path(key_file)),
        clock=clock,
        hasher=PasswordHasher(FAST_ARGON2),
        workstation=f"WS-{os.getpid()}",
    )
    try:
        for round_number, (timestamp, code) in enumerate(rounds):
            clock.current = datetime.fromtimestamp(timestamp, UTC)
            ticket = service.sign_in.with_password(email, password).ticket
            assert ticket is not None
            barrier.wait(timeout=120)
            try:
                outcome = service.sign_in.with_second_factor(ticket, kind, code).outcome.value
            except DesktopAuthError as error:
                outcome = error.code
                if error.code == "store_unavailable":  # which database error, for the report
                    cause = error.__cause__
                    origin = getattr(cause, "orig", cause)
                    outcome += f" ({type(origin).__name__}: {str(origin)[:200]})"
            results.put((round_number, outcome))
    finally:
        service.close()


def guess_codes(
    database_url: str,
    key_file: str,
    email: str,
    password: str,
    guesses: list[str],
    barrier: Any,
    results: Any,
) -> None:
    """One workstation of an attacker who knows the password: fire wrong codes at once."""
    service = AuthService(
        Store.open(database_url),
        data_keys=KeyFileDataKeyStore(Path(key_file)),
        hasher=PasswordHasher(FAST_ARGON2),
        workstation=f"WS-{os.getpid()}",
    )
    try:
        ticket = service.sign_in.with_password(email, password).ticket
        assert ticket is not None
        barrier.wait(timeout=120)
        for guess in guesses:
            try:
                service.sign_in.with_second_factor(ticket, "totp", guess)
                results.put("accepted")
            except DesktopAuthError as error:
                results.put(error.code)
    finally:
        service.close()


def replace_codes_at_once(
    database_url: str,
    key_file: str,
    session: Session,
    now: float,
    rounds: int,
    barrier: Any,
    results: Any,
) -> None:
    """One workstation: each round, on the barrier's signal, make new recovery codes
    and then issue a helpdesk backup code, at the same moment as every other one."""
    service = AuthService(
        Store.open(database_url),
        data_keys=KeyFileDataKeyStore(Path(key_file)),
        clock=PinnedClock(datetime.fromtimestamp(now, UTC)),
        hasher=PasswordHasher(FAST_ARGON2),
        workstation=f"WS-{os.getpid()}",
    )
    try:
        for _ in range(rounds):
            barrier.wait(timeout=120)
            batch = service.recovery_codes.generate(session).sheet_id
            barrier.wait(timeout=120)
            service.recovery_codes.issue_backup_code(
                actor=service.accounts.local_administrator(),
                email=session.email,
                remove_methods=False,
            )
            results.put(batch)
    finally:
        service.close()
