"""Code that runs in separate processes (spawned, so it must be importable)."""

from __future__ import annotations

from datetime import UTC, datetime

from desktop_auth.core.audit import AuditEventType, append_event
from desktop_auth.core.throttle import ThrottlePolicy, record_user_failure
from desktop_auth.store.db import Store

NO_LOCK = ThrottlePolicy(delay_after=100, lock_after=100)


def fail_and_audit(database_url: str, user_id: int, rounds: int, worker: int) -> None:
    """One workstation: count ``rounds`` failures and audit each, each in its own transaction."""
    store = Store.open(database_url)
    try:
        for round_number in range(rounds):
            with store.transaction() as db:
                record_user_failure(db, user_id, NO_LOCK, datetime.now(UTC))
                append_event(
                    db,
                    event_type=AuditEventType.SIGN_IN_FAILED,
                    actor=f"w{worker}",
                    subject="race@example.nl",
                    workstation=f"WS-{worker}",
                    occurred_at=datetime.now(UTC),
                    details={"round": round_number},
                )
    finally:
        store.dispose()
