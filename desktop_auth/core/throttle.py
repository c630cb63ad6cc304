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
#: An unknown address "locked until the helpdesk unlocks it" stays so this long: no one
#: can unlock it, and it must not open sooner than a real account would seem to.
HELD_MEMORY = timedelta(days=90)


@dataclass(frozen=True, kw_only=True)
class ThrottlePolicy:
    #: From this many consecutive failures on, each further attempt waits.
    delay_after: int = 5
    #: This many consecutive failures lock the account.
    lock_after: int = 10
    lock_minutes: int = 15
    first_delay_seconds: int = 2
    max_delay_seconds: int = 60
    #: After this many temporary locks in one run of failures the account stays locked
    #: until the helpdesk unlocks it (NIST SP 800-63B: at most 100 consecutive failures).
    helpdesk_lock_after: int = 3

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
    #: Which temporary lock of this run this failure caused (0: none).
    lock_number: int = 0
    #: The lock lasts until the helpdesk unlocks the account.
    for_helpdesk: bool = False


def reserve_password_attempt(
    session: Session, user_id: int, policy: ThrottlePolicy, now: datetime
) -> FailureOutcome | None:
    """Count a password attempt as a failure before it is checked, in the same statement
    that checks the account is open; None when it is closed (a delay or a lock).

    Parallel guesses cannot skip the delays: the UPDATE holds the user's row until this
    transaction commits, and every other attempt then finds the delay this one set.  The
    caller commits before verifying the password, and clears the count when it was right.
    """
    row = session.execute(
        update(User)
        .where(
            User.id == user_id,
            User.locked_for_helpdesk.is_(False),
            or_(User.locked_until.is_(None), User.locked_until <= now),
        )
        .values(
            failed_attempts=case(
                (User.last_failure_at < now - FAILURE_MEMORY, 1), else_=User.failed_attempts + 1
            ),
            lock_count=case(
                (User.last_failure_at < now - FAILURE_MEMORY, 0), else_=User.lock_count
            ),
            last_failure_at=now,
        )
        .returning(User.failed_attempts, User.lock_count)
    ).one_or_none()
    if row is None:
        return None
    failures, locks = int(row[0]), int(row[1])
    outcome = _closing(policy, failures, locks, now)
    if outcome.closed_until is not None:
        session.execute(
            update(User)
            .where(User.id == user_id)
            .values(
                locked_until=outcome.closed_until,
                lock_count=outcome.lock_number or locks,
                locked_for_helpdesk=outcome.for_helpdesk,
            )
        )
    return outcome


def _closing(policy: ThrottlePolicy, failures: int, locks: int, now: datetime) -> FailureOutcome:
    """What the ``failures``-th failure in a run closes, after ``locks`` earlier locks."""
    wait = policy.wait_after(failures)
    if wait is None:
        return FailureOutcome(failures=failures, closed_until=None, locked=False)
    if not policy.is_lock(failures):
        return FailureOutcome(failures=failures, closed_until=now + wait, locked=False)
    number = locks + 1
    return FailureOutcome(
        failures=failures,
        closed_until=now + wait,
        locked=True,
        lock_number=number,
        for_helpdesk=number >= policy.helpdesk_lock_after,
    )


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
            and_(
                User.id == user_id,
                or_(
                    User.failed_attempts != 0,
                    User.locked_until.isnot(None),
                    User.locked_for_helpdesk.is_(True),
                ),
            )
        )
        .values(failed_attempts=0, locked_until=None, lock_count=0, locked_for_helpdesk=False)
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

    def closed_state(self, email_key: str, now: datetime) -> FailureOutcome:
        """How the address's slot stands now (after ``reserve`` found it closed)."""
        with self._store.transaction() as db:
            row = db.get(UnknownAccountFailures, self._slot(db, email_key))
        if row is None:
            return FailureOutcome(failures=0, closed_until=None, locked=False)
        until = row.closed_until
        return FailureOutcome(
            failures=row.failures,
            closed_until=until if until is not None and until > now else None,
            locked=self.policy.is_lock(row.failures),
            lock_number=row.lock_count,
            for_helpdesk=row.locked_for_helpdesk,
        )

    def reserve(self, email_key: str, now: datetime) -> FailureOutcome | None:
        """As ``reserve_password_attempt`` for an account: one failure counted in the
        statement that checks the slot is open, or None when it is closed."""
        with self._store.transaction() as db:
            slot = self._slot(db, email_key)
            table = UnknownAccountFailures
            insert = sqlite_insert if db.get_bind().dialect.name == "sqlite" else postgres_insert
            forgotten = table.last_failure_at < now - FAILURE_MEMORY
            row = db.execute(
                insert(table)
                .values(slot=slot, failures=1, closed_until=None, last_failure_at=now)
                .on_conflict_do_update(
                    index_elements=[table.slot],
                    set_={
                        "failures": case((forgotten, 1), else_=table.failures + 1),
                        "lock_count": case((forgotten, 0), else_=table.lock_count),
                        "last_failure_at": now,
                    },
                    where=and_(
                        table.locked_for_helpdesk.is_(False),
                        or_(table.closed_until.is_(None), table.closed_until <= now),
                    ),
                )
                .returning(table.failures, table.lock_count)
            ).one_or_none()
            if row is None:
                return None
            outcome = _closing(self.policy, int(row[0]), int(row[1]), now)
            if outcome.closed_until is not None:
                db.execute(
                    update(table)
                    .where(table.slot == slot)
                    .values(
                        closed_until=outcome.closed_until,
                        lock_count=outcome.lock_number or int(row[1]),
                        locked_for_helpdesk=outcome.for_helpdesk,
                    )
                )
            # Forgotten as an account's run is (FAILURE_MEMORY), and only once open again;
            # a slot "waiting for the helpdesk" is kept as long as one (HELD_MEMORY).
            db.execute(
                delete(table).where(
                    table.last_failure_at < now - FAILURE_MEMORY,
                    or_(table.closed_until.is_(None), table.closed_until < now),
                    or_(
                        table.locked_for_helpdesk.is_(False),
                        table.last_failure_at < now - HELD_MEMORY,
                    ),
                )
            )
        return outcome
