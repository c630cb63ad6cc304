"""Setting up authenticator apps: as the first factor during sign-in, or added later."""

from __future__ import annotations

from sqlalchemy.orm import Session as DbSession

from desktop_auth.core.audit import AuditEventType
from desktop_auth.core.context import ServiceContext
from desktop_auth.core.flow import SignInResult
from desktop_auth.core.methods import AUTHENTICATOR_APP
from desktop_auth.core.notifications import SecurityNotice
from desktop_auth.core.second_factor import SecondFactorFlow
from desktop_auth.core.session import Session
from desktop_auth.core.users import lock_user
from desktop_auth.errors import MethodNotAllowedError
from desktop_auth.factors.base import EnrolledMethod
from desktop_auth.factors.totp import TotpEnrollment, TotpFactor
from desktop_auth.store.models import User
from desktop_auth.store.settings import ORGANISATION_NAME, get_setting

DEFAULT_LABEL = "Authenticator app"


class AuthenticatorApps:
    def __init__(self, context: ServiceContext, flow: SecondFactorFlow, totp: TotpFactor) -> None:
        self.ctx = context
        self.flow = flow
        self.totp = totp

    def _check_allowed(self, db: DbSession) -> None:
        if not self.ctx.policy(db).allows(AUTHENTICATOR_APP):
            raise MethodNotAllowedError()

    def _begin(self, user_id: int, label: str) -> TotpEnrollment:
        ctx = self.ctx
        with self.flow.allowed_by_policy(user_id, "totp"), ctx.store.transaction() as db:
            self._check_allowed(db)
            user = db.get_one(User, user_id)
            enrollment = self.totp.begin_enrollment(
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
                details={"kind": "totp", "method": enrollment.enrollment_id},
            )
            return enrollment

    def _finish(self, user_id: int, enrollment_id: int, code: str) -> EnrolledMethod:
        ctx = self.ctx
        with self.flow.allowed_by_policy(user_id, "totp"), ctx.store.transaction() as db:
            self._check_allowed(db)  # the policy may have changed since the QR code
            user = lock_user(db, user_id)
            method = self.totp.finish_enrollment(
                db, user_id=user_id, enrollment_id=enrollment_id, code=code, now=ctx.now()
            )
            self.flow.factor_added(db, user, method)
        ctx.notify(SecurityNotice.FACTOR_ADDED, user.email)
        return method

    # --- first factor, inside a sign-in -----------------------------------------------

    def begin_setup(self, ticket: str, label: str = DEFAULT_LABEL) -> TotpEnrollment:
        return self._begin(self.flow.setup_user(ticket).user_id, label)

    def finish_setup(self, ticket: str, enrollment_id: int, code: str) -> SignInResult:
        method = self._finish(self.flow.setup_user(ticket).user_id, enrollment_id, code)
        return self.flow.finish_setup(ticket, method)

    # --- another app, from a signed-in session ----------------------------------------

    def begin_add(self, session: Session, label: str) -> TotpEnrollment:
        self.flow.require_binding_session(session)
        return self._begin(session.user_id, label)

    def finish_add(self, session: Session, enrollment_id: int, code: str) -> EnrolledMethod:
        self.flow.require_binding_session(session)
        return self._finish(session.user_id, enrollment_id, code)
