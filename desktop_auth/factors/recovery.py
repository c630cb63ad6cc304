"""Recovery codes: the way in when the phone is lost (SECURITY.md M1, M3, M8).

A batch of codes is made at the end of the first 2FA setup and shown once;
afterwards only how many are left.  Any code works once, in any order: spending
is one compare-and-set UPDATE, so two workstations cannot both spend one.  A new
batch replaces the old inside one transaction, so the old codes stop working
exactly when the new ones start.  Recovery codes are no enrolled method: they
never spare a user the setup, and a right one leads to setting up 2FA again.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session as DbSession

from desktop_auth.errors import (
    InvalidLookupCodeError,
    LookupCodeUsedError,
    MethodNotFoundError,
)
from desktop_auth.factors import lookup_secrets
from desktop_auth.factors.base import AfterSignIn, EnrolledMethod
from desktop_auth.store.locks import lock_user
from desktop_auth.store.models import RecoveryCode
from desktop_auth.vocabulary import FactorKind

KIND = FactorKind.RECOVERY
HASH_PURPOSE = "recovery-code"
#: At this many left or fewer, the user is urged to make new codes.
RUNNING_LOW = 3


@dataclass(frozen=True, kw_only=True)
class RecoveryBatch:
    """A new batch, in display form.  The only time the codes exist outside the user's hands."""

    batch_id: str
    created_at: datetime
    codes: tuple[str, ...] = field(repr=False)


@dataclass(frozen=True, kw_only=True)
class RecoveryStatus:
    batch_id: str | None
    created_at: datetime | None
    total: int
    left: int

    @property
    def running_low(self) -> bool:
        return self.total > 0 and self.left <= RUNNING_LOW


def new_batch_id() -> str:
    return "".join(secrets.choice(lookup_secrets.ALPHABET) for _ in range(8))


class RecoveryCodeFactor(lookup_secrets.KeyedCodeFactor):
    hash_purpose = HASH_PURPOSE
    kind = KIND
    after_sign_in = AfterSignIn.SETUP_AGAIN
    used_notice: str | None = "recovery_code_used"

    def enrolled_methods(self, db: DbSession, user_id: int, now: datetime) -> list[EnrolledMethod]:
        return []  # a fallback, never a method that counts as 2FA set up

    def replace_batch(
        self, db: DbSession, *, user_id: int, count: int, now: datetime
    ) -> RecoveryBatch:
        """Make ``count`` new codes and drop the old batch, in the caller's transaction.

        The user's row is locked first: on PostgreSQL two workstations replacing at
        once would each delete only the rows they saw and leave two live batches.
        """
        lock_user(db, user_id)
        batch_id = new_batch_id()
        codes = tuple(lookup_secrets.new_code() for _ in range(count))
        db.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
        for position, code in enumerate(codes, start=1):
            db.add(
                RecoveryCode(
                    user_id=user_id,
                    batch_id=batch_id,
                    position=position,
                    code_hash=self._hash(db, user_id, lookup_secrets.normalize(code)),
                    created_at=now,
                )
            )
        db.flush()
        return RecoveryBatch(batch_id=batch_id, created_at=now, codes=codes)

    def discard_batch(self, db: DbSession, *, user_id: int, batch_id: str) -> int:
        """The codes of one batch, gone (used or not); how many there were."""
        found = db.execute(
            delete(RecoveryCode).where(
                RecoveryCode.user_id == user_id, RecoveryCode.batch_id == batch_id
            )
        )
        return int(found.rowcount)  # type: ignore[attr-defined]

    def revoke_batch(self, db: DbSession, *, user_id: int) -> None:
        """The helpdesk reset a lost account: the codes may be lost with the phone."""
        db.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))

    def status(self, db: DbSession, user_id: int) -> RecoveryStatus:
        rows = list(
            db.execute(select(RecoveryCode).where(RecoveryCode.user_id == user_id)).scalars()
        )
        if not rows:
            return RecoveryStatus(batch_id=None, created_at=None, total=0, left=0)
        return RecoveryStatus(
            batch_id=rows[0].batch_id,
            created_at=rows[0].created_at,
            total=len(rows),
            left=sum(1 for row in rows if row.used_at is None),
        )

    def verify(
        self, db: DbSession, *, user_id: int, response: str, now: datetime
    ) -> EnrolledMethod:
        typed = lookup_secrets.normalize(response)
        candidate = self._hash(db, user_id, typed)
        rows = db.execute(select(RecoveryCode).where(RecoveryCode.user_id == user_id)).scalars()
        match = lookup_secrets.find_match(candidate, rows)
        if match is None:
            raise InvalidLookupCodeError()
        spent = db.execute(
            update(RecoveryCode)
            .where(RecoveryCode.id == match.id, RecoveryCode.used_at.is_(None))
            .values(used_at=now)
        )
        if spent.rowcount != 1:  # type: ignore[attr-defined]
            raise LookupCodeUsedError()
        return EnrolledMethod(
            kind=KIND,
            method_id=match.position,
            label=match.batch_id,
            created_at=match.created_at,
            last_used_at=now,
            workstation="",
            strength=0,
        )

    def remove(self, db: DbSession, *, user_id: int, method_id: int) -> EnrolledMethod:
        raise MethodNotFoundError()  # a batch is replaced, never removed code by code
