"""The sign-in state machine's values: outcomes, results and the pending sign-ins.

A sign-in that needs another step (second factor, setup, a new password) is
kept server-side, in the store, under a random ticket; the caller holds only the
ticket.  A forged or replayed ticket finds nothing.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session as DbSession

from desktop_auth.core.session import AssuranceLevel, Session
from desktop_auth.errors import SignInExpiredError
from desktop_auth.factors.base import EnrolledMethod
from desktop_auth.store.db import Store
from desktop_auth.store.models import PendingSignInRow


class SignInOutcome(StrEnum):
    DONE = "done"
    SECOND_FACTOR_REQUIRED = "second_factor_required"
    SETUP_REQUIRED = "setup_required"
    MUST_CHANGE_PASSWORD = "must_change_password"  # noqa: S105 - an outcome name
    THROTTLED = "throttled"
    LOCKED = "locked"
    DISABLED = "disabled"
    #: The right temporary password, too late: the helpdesk makes a new one (issue 16).
    TEMPORARY_PASSWORD_EXPIRED = "temporary_password_expired"  # noqa: S105 - an outcome name


@dataclass(frozen=True, kw_only=True)
class SignInResult:
    """What comes next.  Only DONE carries a session; the middle steps carry a ticket."""

    outcome: SignInOutcome
    session: Session | None = None
    ticket: str | None = None
    #: For SECOND_FACTOR_REQUIRED: the user's methods, strongest first.
    methods: tuple[EnrolledMethod, ...] = ()
    #: For THROTTLED and LOCKED: when to try again.
    retry_at: datetime | None = None
    #: The same as a wait in whole seconds, by the store's clock: a short wait is told
    #: as "in 8 seconds", not as a time of day.
    retry_in_seconds: int | None = None
    #: For SETUP_REQUIRED before the enforcement date: "Remind me later" is allowed
    #: (``AuthService.remind_me_later``) until this day.
    setup_deadline: date | None = None
    #: For SETUP_REQUIRED after a recovery or backup code: the new method will replace
    #: the old ones (the setup screen says so).
    recovered: bool = False

    def __repr__(self) -> str:  # the ticket is a bearer value; keep it out of logs
        return f"SignInResult(outcome={self.outcome.value!r})"


class PendingStage(StrEnum):
    CHANGE_PASSWORD = "change_password"  # noqa: S105 - a stage name
    SECOND_FACTOR = "second_factor"
    SETUP = "setup"


@dataclass(kw_only=True)
class PendingSignIn:
    user_id: int
    stage: PendingStage
    expires_at: datetime
    methods_used: list[str] = field(default_factory=lambda: ["password"])
    #: Came in with a recovery or backup code: the setup replaces the old methods.
    recovered: bool = False
    #: Setup may still wait until this day ("Remind me later").
    deferrable_until: date | None = None
    #: What the second factor earned, when it was answered before this step.
    assurance: AssuranceLevel | None = None


class PendingSignIns:
    """Sign-ins between steps, in the store, each under a one-use ticket (only its hash is
    kept), so that any sign-in server can take the next step."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def open(self, db: DbSession, pending: PendingSignIn, now: datetime) -> str:
        """In the caller's transaction, beside the audit event of the step."""
        ticket = secrets.token_urlsafe(32)
        db.execute(delete(PendingSignInRow).where(PendingSignInRow.expires_at <= now))
        db.add(_row(_ticket_hash(ticket), pending))
        return ticket

    def peek(self, ticket: str, stage: PendingStage, now: datetime) -> PendingSignIn:
        """Return the pending sign-in without using the ticket up (to check input first)."""
        with self._store.transaction() as db:
            return self.peek_in(db, ticket, stage, now)

    def peek_in(
        self, db: DbSession, ticket: str, stage: PendingStage, now: datetime
    ) -> PendingSignIn:
        """``peek``, in the caller's transaction."""
        row = db.get(PendingSignInRow, _ticket_hash(ticket))
        if row is None or row.stage != stage.value or row.expires_at <= now:
            raise SignInExpiredError()
        return _pending(row)

    def take(self, ticket: str, stage: PendingStage, now: datetime) -> PendingSignIn:
        """Remove and return the pending sign-in, in a transaction of its own."""
        with self._store.transaction() as db:
            return self.take_in(db, ticket, stage, now)

    def take_in(
        self, db: DbSession, ticket: str, stage: PendingStage, now: datetime
    ) -> PendingSignIn:
        """Remove and return the pending sign-in, in the caller's transaction (rolled back
        with it, the ticket works again); a ticket works once.  One DELETE … RETURNING: of
        two servers racing on one ticket, only one gets it, the other waits for the row."""
        table = PendingSignInRow.__table__
        row = db.execute(
            delete(PendingSignInRow)
            .where(
                PendingSignInRow.ticket_hash == _ticket_hash(ticket),
                PendingSignInRow.stage == stage.value,
            )
            .returning(*table.columns)
        ).one_or_none()
        if row is None or row.expires_at <= now:
            raise SignInExpiredError()
        return _pending(row)

    def restore(self, ticket: str, pending: PendingSignIn) -> None:
        """Give a taken ticket back after an answer that was not accepted."""
        with self._store.transaction() as db:
            db.add(_row(_ticket_hash(ticket), pending))


def _ticket_hash(ticket: str) -> bytes:
    return hashlib.sha256(ticket.encode()).digest()


def _row(ticket_hash: bytes, pending: PendingSignIn) -> PendingSignInRow:
    return PendingSignInRow(
        ticket_hash=ticket_hash,
        user_id=pending.user_id,
        stage=pending.stage.value,
        methods_used=",".join(pending.methods_used),
        recovered=pending.recovered,
        deferrable_until=pending.deferrable_until,
        expires_at=pending.expires_at,
        assurance=pending.assurance.value if pending.assurance else None,
    )


def _pending(row: Any) -> PendingSignIn:
    return PendingSignIn(
        user_id=row.user_id,
        stage=PendingStage(row.stage),
        expires_at=row.expires_at,
        methods_used=[m for m in row.methods_used.split(",") if m],
        recovered=row.recovered,
        deferrable_until=row.deferrable_until,
        assurance=AssuranceLevel(row.assurance) if row.assurance else None,
    )
