"""Authenticator apps (``AuthService.authenticator_apps``): set up during a sign-in, or
added later from a session (SECURITY.md M7: at the level the account already has)."""

from __future__ import annotations

from sqlalchemy.orm import Session as DbSession

from desktop_auth.core.context import ServiceContext
from desktop_auth.core.flow import SignInResult
from desktop_auth.core.guards import Action, Guard
from desktop_auth.core.second_factor import SecondFactorFlow
from desktop_auth.core.session import Session
from desktop_auth.core.users import lock_user
from desktop_auth.errors import MethodNotAllowedError
from desktop_auth.factors.base import EnrolledMethod
from desktop_auth.factors.totp import TotpEnrollment, TotpFactor
from desktop_auth.store.settings import ORGANISATION_NAME, get_setting
from desktop_auth.vocabulary import AuditEventType, FactorKind, Method, SecurityNotice

DEFAULT_LABEL = "Authenticator app"


class AuthenticatorApps:
    """A QR code and a typed key for the app, then one of its codes to prove it."""

    def __init__(
        self, context: ServiceContext, guard: Guard, flow: SecondFactorFlow, totp: TotpFactor
    ) -> None:
        self._ctx = context
        self._guard = guard
        self._flow = flow
        self._totp = totp

    def _check_allowed(self, db: DbSession) -> None:
        if not self._ctx.policy(db).allows(Method.AUTHENTICATOR_APP):
            raise MethodNotAllowedError()

    def _begin(self, user_id: int, label: str) -> TotpEnrollment:
        ctx = self._ctx
        with self._flow.allowed_by_policy(user_id, FactorKind.TOTP), ctx.store.transaction() as db:
            self._check_allowed(db)
            user = lock_user(db, user_id)  # counting set-ups and adding one: one at a time
            enrollment = self._totp.begin_enrollment(
                db,
                user_id=user.id,
                account=user.email,
                issuer=get_setting(db, ORGANISATION_NAME) or "desktop-auth",
                label=label,
                workstation=ctx.workstation,
                now=ctx.now(),
            )
            ctx.audit(
                db,
                AuditEventType.FACTOR_ENROLLMENT_STARTED,
                actor=user.email,
                subject=user.email,
                details={"kind": FactorKind.TOTP, "method": enrollment.enrollment_id},
            )
            return enrollment

    def _finish(self, user_id: int, enrollment_id: int, code: str) -> EnrolledMethod:
        ctx = self._ctx
        with self._flow.allowed_by_policy(user_id, FactorKind.TOTP), ctx.store.transaction() as db:
            self._check_allowed(db)  # the policy may have changed since the QR code
            user = lock_user(db, user_id)
            method = self._totp.finish_enrollment(
                db, user_id=user_id, enrollment_id=enrollment_id, code=code, now=ctx.now()
            )
            self._flow.factor_added(db, user, method)
        ctx.notify(SecurityNotice.FACTOR_ADDED, user.email)
        return method

    # --- first factor, inside a sign-in -----------------------------------------------

    def begin_setup(self, ticket: str, label: str = DEFAULT_LABEL) -> TotpEnrollment:
        """Answer SETUP_REQUIRED with an app: the ticket proves the password."""
        return self._begin(self._flow.setup_user(ticket).user_id, label)

    def finish_setup(self, ticket: str, enrollment_id: int, code: str) -> SignInResult:
        """A current code proves the app; the sign-in completes at AAL2."""
        method = self._finish(self._flow.setup_user(ticket).user_id, enrollment_id, code)
        return self._flow.finish_setup(ticket, method)

    # --- another app, from a signed-in session ----------------------------------------

    def begin_add(self, session: Session, label: str) -> TotpEnrollment:
        """Another app (a tablet beside the phone)."""
        self._guard.require(Action.ADD_METHOD, session)
        return self._begin(session.user_id, label)

    def finish_add(self, session: Session, enrollment_id: int, code: str) -> EnrolledMethod:
        """A current code from the new app proves it; it is active from now on."""
        self._guard.require(Action.FINISH_ADD_METHOD, session)
        return self._finish(session.user_id, enrollment_id, code)
