"""Request budgets per network address and per account, in the store (SECURITY.md B5).

The sign-in server counts, for each window of ``RateLimitPolicy.window``, the requests
that need no session from one network address, and the password attempts for one
account from anywhere.  The counts live in the store, so every server process counts
against the same budget; each is one atomic upsert.  What is counted is written only as
an HMAC under a key derived from the data key: the database learns no address.

These budgets sit above the per-account delays and locks (T1–T4), which stay the real
defence against guessing; the budgets stop one address from spraying many accounts and
keep floods off argon2 and the audit log.  An office behind one NAT address signs in
through one address, hence the generous default.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import case, delete
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session as DbSession

from desktop_auth.core.clock import Clock
from desktop_auth.core.identity import MAX_EMAIL_LENGTH, normalize_email
from desktop_auth.errors import InvalidEmailError
from desktop_auth.store.db import Store
from desktop_auth.store.models import RateLimitBucket
from desktop_auth.store.secretbox import SecretBox
from desktop_auth.vocabulary import AuditEventType

BUCKET_KEY_PURPOSE = "rate-limit-buckets"


@dataclass(frozen=True, kw_only=True)
class RateLimitPolicy:
    #: Requests without a session from one network address, per window.
    per_address: int = 300
    #: Password attempts for one account, from any address, per window.
    per_account: int = 20
    window: timedelta = timedelta(minutes=1)


@dataclass(frozen=True, kw_only=True)
class Verdict:
    allowed: bool
    requests: int
    #: Seconds until the window ends (for ``Retry-After``).
    retry_after: int
    #: The first request over the budget in this window: the one that is audited.
    first_refusal: bool


class RateLimits:
    """Counts one request against a budget; the server refuses what is over it."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        secret_box: Callable[[DbSession], SecretBox],
        audit: Callable[..., None],
    ) -> None:
        self._store = store
        self._clock = clock
        self._secret_box = secret_box
        self._audit = audit

    def take_address(self, address: str, policy: RateLimitPolicy) -> Verdict:
        """Count one request without a session from ``address``."""
        return self._take("address", address, limit=policy.per_address, window=policy.window)

    def take_account(self, email: str, policy: RateLimitPolicy) -> Verdict:
        """Count one password attempt for ``email``'s account, from anywhere."""
        try:
            key = normalize_email(email)[1]
        except InvalidEmailError:  # refused further on; counted all the same
            key = email.strip().casefold()[:MAX_EMAIL_LENGTH]
        return self._take("account", key, limit=policy.per_account, window=policy.window)

    def record_refusal(self, reason: str, status: int) -> None:
        """A request the server refused as sent (malformed, too large, from a browser)."""
        with self._store.transaction() as db:
            self._audit(
                db,
                AuditEventType.REQUEST_REFUSED,
                actor="server",
                subject=None,
                details={"reason": reason, "status": status},
            )

    def _take(self, kind: str, identity: str, *, limit: int, window: timedelta) -> Verdict:
        now = self._clock.now().timestamp()
        length = window.total_seconds()
        number = int(now // length)
        with self._store.transaction() as db:
            key = self._secret_box(db).derived_key(BUCKET_KEY_PURPOSE)
            bucket = hmac.new(key, f"{kind}:{identity}".encode(), hashlib.sha256).digest()
            table = RateLimitBucket
            insert = sqlite_insert if db.get_bind().dialect.name == "sqlite" else postgres_insert
            requests = db.execute(
                insert(table)
                .values(bucket=bucket, window_number=number, requests=1)
                .on_conflict_do_update(
                    index_elements=[table.bucket],
                    set_={
                        "requests": case(
                            (table.window_number == number, table.requests + 1), else_=1
                        ),
                        "window_number": number,
                    },
                )
                .returning(table.requests)
            ).scalar_one()
            if requests == 1:  # a new window for this bucket: a good moment to tidy up
                db.execute(delete(table).where(table.window_number < number - 1))
            first_refusal = requests == limit + 1
            if first_refusal:
                self._audit(
                    db,
                    AuditEventType.REQUESTS_LIMITED,
                    actor="server",
                    subject=identity if kind == "account" else None,
                    details={"budget": kind, "limit": limit},
                )
        return Verdict(
            allowed=requests <= limit,
            requests=requests,
            retry_after=max(1, math.ceil((number + 1) * length - now)),
            first_refusal=first_refusal,
        )
