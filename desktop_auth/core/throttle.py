"""Failed-attempt throttling: a growing delay, then a lock.

Known accounts keep their counter in the ``users`` row, changed by one atomic
UPDATE so racing workstations never lose a count.  Unknown e-mail addresses
are throttled the same way in memory (keyed by a per-process HMAC of the
address), without writing rows for names that do not exist — otherwise the
lock would tell an attacker which addresses are real.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, update
from sqlalchemy.orm import Session

from desktop_auth.core.policy_limits import check_limits
from desktop_auth.errors import PolicyThrottleError
from desktop_auth.store.models import User


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
        .values(failed_attempts=User.failed_attempts + 1)
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
    """The same delays and locks for addresses that match no account, kept in memory."""

    def __init__(self, policy: ThrottlePolicy, capacity: int = 10_000) -> None:
        self.policy = policy
        self._key = secrets.token_bytes(32)
        self._entries: OrderedDict[bytes, tuple[int, datetime | None]] = OrderedDict()
        self._capacity = capacity
        self._lock = threading.Lock()

    def _slot(self, email_key: str) -> bytes:
        return hmac.new(self._key, email_key.encode(), hashlib.sha256).digest()

    def closed_until(self, email_key: str, now: datetime) -> tuple[int, datetime | None]:
        with self._lock:
            failures, until = self._entries.get(self._slot(email_key), (0, None))
        return failures, (until if until is not None and until > now else None)

    def record_failure(self, email_key: str, now: datetime) -> FailureOutcome:
        slot = self._slot(email_key)
        with self._lock:
            failures, until = self._entries.pop(slot, (0, None))
            failures += 1
            wait = self.policy.wait_after(failures)
            if wait is not None:
                until = max(until, now + wait) if until else now + wait
            self._entries[slot] = (failures, until)
            while len(self._entries) > self._capacity:
                self._entries.popitem(last=False)
        return FailureOutcome(
            failures=failures,
            closed_until=until if wait is not None else None,
            locked=self.policy.is_lock(failures),
        )
