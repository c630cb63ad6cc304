"""Failed-attempt throttling: a growing delay, then a lock.

Known accounts keep their counter in the ``users`` row, changed by one atomic
UPDATE so racing workstations never lose a count.  Unknown e-mail addresses
are throttled the same way, in rows keyed by an HMAC of the address (under a
store-wide random key), so the lock does not tell an attacker which addresses are
real and the address itself is never written.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, case, delete, or_, update
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from desktop_auth.core.policy_limits import check_limits
from desktop_auth.errors import PolicyThrottleError
from desktop_auth.store.db import Store
from desktop_auth.store.models import UnknownAccountFailures, User
from desktop_auth.store.settings import UNKNOWN_ACCOUNT_KEY, get_setting, insert_setting

#: A run of failures is forgotten after this long without another: for accounts and for
#: unknown addresses alike, so that a day later neither tells which addresses exist (T2).
FAILURE_MEMORY = timedelta(days=1)


@dataclass(frozen=True, kw_only=True)
class ThrottlePolicy:
    #: From this many consecutive failures on, each further attempt waits.
    delay_after: int = 5
    #: This many consecutive failures lock the account.
    lock_after: int = 10
    lock_minutes: int = 15
    first_delay_seconds: int = 2
    max_delay_seconds: int = 60

    def __post_init__(self) -> None:
        # Each number within its bounds ("throttle.…" in POLICY_LIMITS), then together.
        check_limits("throttle", self)
        if self.delay_after > self.lock_after:
            raise PolicyThrottleError()

    def wait_after(self, failures: int) -> timedelta | None:
        """How long the account stays closed after its ``failures``-th consecutive failure."""
        if failures >= self.lock_after:
            return timedelta(minutes=self.lock_minutes)
        if failures >= self.delay_after:
            seconds = self.first_delay_seconds * 2 ** (failures - self.delay_after)
            return timedelta(seconds=min(seconds, self.max_delay_seconds))
        return None

    def is_lock(self, failures: int) -> bool:
        return failures >= self.lock_after


@dataclass(frozen=True, kw_only=True)
class FailureOutcome:
    failures: int
    closed_until: datetime | None
    locked: bool


def record_user_failure(
    session: Session, user_id: int, policy: ThrottlePolicy, now: datetime
) -> FailureOutcome:
    """Count one failure for a user atomically and close the account if due."""
    failures = session.execute(
        update(User)
        .where(User.id == user_id)
        .values(
            failed_attempts=case(
                (User.last_failure_at < now - FAILURE_MEMORY, 1), else_=User.failed_attempts + 1
            ),
            last_failure_at=now,
        )
        .returning(User.failed_attempts)
    ).scalar_one()
    wait = policy.wait_after(failures)
    closed_until = None
    if wait is not None:
        closed_until = now + wait
        # Only ever extend: a racing writer with a shorter wait must not shorten a lock.
        session.execute(
            update(User)
            .where(
                and_(
                    User.id == user_id,
                    or_(User.locked_until.is_(None), User.locked_until < closed_until),
                )
            )
            .values(locked_until=closed_until)
        )
    return FailureOutcome(
        failures=failures, closed_until=closed_until, locked=policy.is_lock(failures)
    )


def clear_user_failures(session: Session, user_id: int) -> None:
    session.execute(
        update(User)
        .where(
            and_(User.id == user_id, or_(User.failed_attempts != 0, User.locked_until.isnot(None)))
        )
        .values(failed_attempts=0, locked_until=None)
    )


def record_second_factor_failure(session: Session, user_id: int) -> int:
    """Count one wrong second-factor answer atomically; returns the new count."""
    return int(
        session.execute(
            update(User)
            .where(User.id == user_id)
            .values(second_factor_failures=User.second_factor_failures + 1)
            .returning(User.second_factor_failures)
        ).scalar_one()
    )


def reserve_second_factor_attempt(session: Session, user_id: int, limit: int) -> int | None:
    """Count one attempt before it is checked, unless ``limit`` is reached (then None)."""
    reserved = session.execute(
        update(User)
        .where(User.id == user_id, User.second_factor_failures < limit)
        .values(second_factor_failures=User.second_factor_failures + 1)
        .returning(User.second_factor_failures)
    ).scalar_one_or_none()
    return None if reserved is None else int(reserved)


def release_second_factor_attempt(session: Session, user_id: int) -> None:
    """Give back a reserved attempt that turned out not to be an answer."""
    session.execute(
        update(User)
        .where(User.id == user_id, User.second_factor_failures > 0)
        .values(second_factor_failures=User.second_factor_failures - 1)
    )


def clear_second_factor_failures(session: Session, user_id: int) -> None:
    session.execute(
        update(User)
        .where(User.id == user_id, User.second_factor_failures != 0)
        .values(second_factor_failures=0)
    )


class UnknownAccountThrottle:
    """The same delays and locks for addresses that match no account, in the store (one
    row per keyed hash of the address, shared by every server; forgotten as an account's
    run of failures is, ``FAILURE_MEMORY``)."""

    def __init__(self, store: Store, policy: ThrottlePolicy) -> None:
        self.policy = policy
        self._store = store
        self._key: bytes | None = None

    def _slot(self, db: Session, email_key: str) -> bytes:
        if self._key is None:
            insert_setting(db, UNKNOWN_ACCOUNT_KEY, secrets.token_hex(32))
            self._key = bytes.fromhex(get_setting(db, UNKNOWN_ACCOUNT_KEY))
        return hmac.new(self._key, email_key.encode(), hashlib.sha256).digest()

    def closed_until(self, email_key: str, now: datetime) -> tuple[int, datetime | None]:
        with self._store.transaction() as db:
            row = db.get(UnknownAccountFailures, self._slot(db, email_key))
        if row is None:
            return 0, None
        until = row.closed_until
        return row.failures, (until if until is not None and until > now else None)

    def record_failure(self, email_key: str, now: datetime) -> FailureOutcome:
        with self._store.transaction() as db:
            slot = self._slot(db, email_key)
            table = UnknownAccountFailures
            insert = sqlite_insert if db.get_bind().dialect.name == "sqlite" else postgres_insert
            failures = db.execute(
                insert(table)
                .values(slot=slot, failures=1, closed_until=None, last_failure_at=now)
                .on_conflict_do_update(
                    index_elements=[table.slot],
                    set_={
                        "failures": case(
                            (table.last_failure_at < now - FAILURE_MEMORY, 1),
                            else_=table.failures + 1,
                        ),
                        "last_failure_at": now,
                    },
                )
                .returning(table.failures)
            ).scalar_one()
            wait = self.policy.wait_after(failures)
            until = None
            if wait is not None:
                until = now + wait
                db.execute(
                    update(table)
                    .where(
                        table.slot == slot,
                        or_(table.closed_until.is_(None), table.closed_until < until),
                    )
                    .values(closed_until=until)
                )
            # Forgotten as an account's run is (FAILURE_MEMORY), and only once open again.
            db.execute(
                delete(table).where(
                    table.last_failure_at < now - FAILURE_MEMORY,
                    or_(table.closed_until.is_(None), table.closed_until < now),
                )
            )
        return FailureOutcome(
            failures=failures, closed_until=until, locked=self.policy.is_lock(failures)
        )
