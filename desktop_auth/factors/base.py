"""What the sign-in flow needs to know about any second factor.

The flow never names a factor: it asks each registered provider which
methods a user has, offers the strongest first, and hands verification back
to the provider.  Adding a factor means adding a provider, not editing the flow.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol, runtime_checkable

from sqlalchemy.orm import Session

from desktop_auth.errors import SecondFactorError
from desktop_auth.vocabulary import FactorKind


@dataclass(frozen=True, kw_only=True)
class EnrolledMethod:
    """One active second factor of a user, safe to show (no secret in it)."""

    kind: FactorKind
    method_id: int
    label: str
    created_at: datetime
    last_used_at: datetime | None
    #: The workstation it was set up on.
    workstation: str
    #: Higher is stronger: the flow offers the strongest enrolled method first.
    strength: int
    #: Needs an admin's eye: a security key whose counter went backwards (possibly cloned).
    flagged: bool = False
    #: This use verified the user on a hardware-bound authenticator (SECURITY.md S2: AAL3).
    aal3: bool = False
    #: A security key's model, as its verified attestation names it (SECURITY.md A1).
    model: str | None = None


class AfterSignIn(StrEnum):
    """Where a right answer of this kind leads."""

    SESSION = "session"  # an everyday second factor
    SETUP_AGAIN = "setup_again"  # a recovery or backup code: only into setting up 2FA again


class SecondFactorProvider(Protocol):
    kind: FactorKind
    after_sign_in: AfterSignIn
    #: The security notice (a ``SecurityNotice`` value) owed to the user when this is used.
    used_notice: str | None
    #: A short code (six digits) that the second-factor lock must guard; look-up
    #: secrets of 60+ bits need no lock and stay usable while it is closed.
    guessable: bool

    def enrolled_methods(self, db: Session, user_id: int, now: datetime) -> list[EnrolledMethod]:
        """Active (proven) methods only; unconfirmed enrollments never count."""
        ...

    def verify(self, db: Session, *, user_id: int, response: str, now: datetime) -> EnrolledMethod:
        """Check one answer (a code, an assertion); raise a ``SecondFactorError`` if wrong."""
        ...

    def remove(self, db: Session, *, user_id: int, method_id: int) -> EnrolledMethod:
        """Delete one method of this user; ``MethodNotFoundError`` if it is not theirs."""
        ...

    def after_failure(self, db: Session, *, user_id: int, error: SecondFactorError) -> None:
        """Record what a wrong answer means for the method (in the failure's transaction)."""
        ...


@runtime_checkable
class RenamableFactor(Protocol):
    """A factor whose methods carry a nickname the user may change (apps, keys)."""

    kind: FactorKind

    def rename(self, db: Session, *, user_id: int, method_id: int, label: str) -> EnrolledMethod:
        """Set a new nickname; ``InvalidLabelError`` or ``MethodNotFoundError`` if not allowed."""
        ...
