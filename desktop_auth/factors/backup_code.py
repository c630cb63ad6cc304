"""Helpdesk backup codes: one sign-in, only to set up 2FA again (SECURITY.md M1, M4, M8).

An admin issues one for a user who has lost their authenticator; it is shown
once to the admin, lives 24 hours by default, works once, and a newer code
revokes the older one (at most one live per user).  Like recovery codes it is
stored only as a keyed hash.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session as DbSession

from desktop_auth.errors import (
    BackupCodeExpiredError,
    BackupCodeReplacedError,
    InvalidLookupCodeError,
    LookupCodeUsedError,
    MethodNotFoundError,
)
from desktop_auth.factors import lookup_secrets
from desktop_auth.factors.base import AfterSignIn, EnrolledMethod
from desktop_auth.store.locks import lock_user
from desktop_auth.store.models import BackupCode
from desktop_auth.vocabulary import FactorKind

KIND = FactorKind.BACKUP
HASH_PURPOSE = "backup-code"


@dataclass(frozen=True, kw_only=True)
class IssuedBackupCode:
    """For the admin to pass on, once."""

    email: str
    expires_at: datetime
    code: str = field(repr=False)


def _method(row: BackupCode) -> EnrolledMethod:
    return EnrolledMethod(
        kind=KIND,
        method_id=row.id,
        label=row.issued_by,
        created_at=row.issued_at,
        last_used_at=row.used_at,
        workstation=row.workstation,
        strength=0,
    )


class BackupCodeFactor(lookup_secrets.KeyedCodeFactor):
    hash_purpose = HASH_PURPOSE
    kind = KIND
    after_sign_in = AfterSignIn.SETUP_AGAIN
    used_notice: str | None = "backup_code_used"

    def enrolled_methods(self, db: DbSession, user_id: int, now: datetime) -> list[EnrolledMethod]:
        """A live code counts as a (weakest, single-use) method: while one exists, a
        password alone never leads to setup, even after the helpdesk removed the rest."""
        live = db.execute(
            select(BackupCode).where(
                BackupCode.user_id == user_id,
                BackupCode.used_at.is_(None),
                BackupCode.revoked_at.is_(None),
                BackupCode.expires_at > now,
            )
        ).scalars()
        return [_method(row) for row in live]

    def issue(
        self,
        db: DbSession,
        *,
        user_id: int,
        email: str,
        issued_by: str,
        workstation: str,
        lifetime: timedelta,
        now: datetime,
    ) -> IssuedBackupCode:
        """A new code; any live older one is revoked in the same transaction.

        The user's row lock keeps it at one live code when two helpdesk desks issue
        at once (on PostgreSQL each would otherwise revoke only what it saw).
        """
        lock_user(db, user_id)
        db.execute(
            update(BackupCode)
            .where(
                BackupCode.user_id == user_id,
                BackupCode.used_at.is_(None),
                BackupCode.revoked_at.is_(None),
            )
            .values(revoked_at=now)
        )
        code = lookup_secrets.new_code()
        db.add(
            BackupCode(
                user_id=user_id,
                code_hash=self._hash(db, user_id, lookup_secrets.normalize(code)),
                issued_by=issued_by,
                issued_at=now,
                workstation=workstation,
                expires_at=now + lifetime,
            )
        )
        db.flush()
        return IssuedBackupCode(email=email, expires_at=now + lifetime, code=code)

    def verify(
        self, db: DbSession, *, user_id: int, response: str, now: datetime
    ) -> EnrolledMethod:
        candidate = self._hash(db, user_id, lookup_secrets.normalize(response))
        rows = db.execute(select(BackupCode).where(BackupCode.user_id == user_id)).scalars()
        match = lookup_secrets.find_match(candidate, rows)
        if match is None:
            raise InvalidLookupCodeError()
        if match.revoked_at is not None:
            raise BackupCodeReplacedError()
        if match.expires_at <= now:
            raise BackupCodeExpiredError()
        spent = db.execute(
            update(BackupCode)
            .where(
                BackupCode.id == match.id,
                BackupCode.used_at.is_(None),
                BackupCode.revoked_at.is_(None),  # not replaced meanwhile
                BackupCode.expires_at > now,
            )
            .values(used_at=now)
        )
        if spent.rowcount != 1:  # type: ignore[attr-defined]
            raise LookupCodeUsedError()
        db.refresh(match)
        return _method(match)

    def remove(self, db: DbSession, *, user_id: int, method_id: int) -> EnrolledMethod:
        raise MethodNotFoundError()  # revoked by issuing a new one, or by expiry
