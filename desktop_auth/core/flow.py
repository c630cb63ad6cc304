"""The sign-in state machine's values: outcomes, results and the pending sign-ins.

A sign-in that needs another step (second factor, setup, a new password) is
kept here, server-side, under a random ticket; the caller holds only the
ticket.  A forged or replayed ticket finds nothing.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from desktop_auth.core.session import Session
from desktop_auth.errors import SignInExpiredError
from desktop_auth.factors.base import EnrolledMethod


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


class PendingSignIns:
    """Sign-ins between steps, in this process's memory, each under a one-use ticket."""

    def __init__(self) -> None:
        self._pending: dict[str, PendingSignIn] = {}
        self._lock = threading.Lock()

    def open(self, pending: PendingSignIn, now: datetime) -> str:
        ticket = secrets.token_urlsafe(32)
        with self._lock:
            self._forget_expired(now)
            self._pending[ticket] = pending
        return ticket

    def peek(self, ticket: str, stage: PendingStage, now: datetime) -> PendingSignIn:
        """Return the pending sign-in without using the ticket up (to check input first)."""
        with self._lock:
            return self._find(ticket, stage, now)

    def take(self, ticket: str, stage: PendingStage, now: datetime) -> PendingSignIn:
        """Remove and return the pending sign-in; a ticket works once."""
        with self._lock:
            pending = self._find(ticket, stage, now)
            del self._pending[ticket]
            return pending

    def restore(self, ticket: str, pending: PendingSignIn) -> None:
        """Give a taken ticket back after an answer that was not accepted."""
        with self._lock:
            self._pending[ticket] = pending

    def _find(self, ticket: str, stage: PendingStage, now: datetime) -> PendingSignIn:
        pending = self._pending.get(ticket)
        if pending is None or pending.stage is not stage or pending.expires_at <= now:
            raise SignInExpiredError()
        return pending

    def _forget_expired(self, now: datetime) -> None:
        for ticket in [t for t, p in self._pending.items() if p.expires_at <= now]:
            del self._pending[ticket]
