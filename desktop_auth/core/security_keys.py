"""Security keys and Windows Hello: setting them up, the second-factor step, passwordless.

The relying-party rules are ``factors/webauthn.py``'s; this module adds who may
register a key (a password-verified setup ticket, or a session at the account's
level: SECURITY.md M7), the audit trail, the notices, and the passwordless
sign-in ("one tap or your fingerprint"), which yields a session on its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from desktop_auth.core.audit import AuditEventType
from desktop_auth.core.context import ServiceContext
from desktop_auth.core.flow import PendingStage, SignInOutcome, SignInResult
from desktop_auth.core.notifications import SecurityNotice
from desktop_auth.core.second_factor import SecondFactorFlow, assurance_of
from desktop_auth.core.session import Session
from desktop_auth.core.users import lock_user
from desktop_auth.errors import PasswordlessDisabledError, SecondFactorError
from desktop_auth.factors.base import EnrolledMethod
from desktop_auth.factors.webauthn import Ceremony, WebAuthnFactor
from desktop_auth.store.models import User

Response = str | Mapping[str, Any]


class SecurityKeys:
    def __init__(
        self, context: ServiceContext, flow: SecondFactorFlow, webauthn: WebAuthnFactor
    ) -> None:
        self.ctx = context
        self.flow = flow
        self.webauthn = webauthn

    # --- registration -----------------------------------------------------------------

    def _begin(self, user_id: int, nickname: str) -> Ceremony:
        ctx = self.ctx
        kind = self.webauthn.kind
        with self.flow.allowed_by_policy(user_id, kind), ctx.store.transaction() as db:
            user = db.get_one(User, user_id)
            ceremony = self.webauthn.begin_registration(
                db, user=user, nickname=nickname, now=ctx.now()
            )
            ctx.audit(
                db,
                AuditEventType.FACTOR_ENROLLMENT_STARTED,
                actor=user.email,
                subject=user.email,
                details={"kind": self.webauthn.kind},
            )
            return ceremony

    def _finish(self, user_id: int, response: Response) -> EnrolledMethod:
        ctx = self.ctx
        kind = self.webauthn.kind
        with self.flow.allowed_by_policy(user_id, kind), ctx.store.transaction() as db:
            user = lock_user(db, user_id)
            method = self.webauthn.finish_registration(
                db, user_id=user.id, response=response, workstation=ctx.workstation, now=ctx.now()
            )
            self.flow.factor_added(db, user, method)
        ctx.notify(SecurityNotice.FACTOR_ADDED, user.email)
        return method

    def begin_setup(self, ticket: str, nickname: str) -> Ceremony:
        return self._begin(self.flow.setup_user(ticket).user_id, nickname)

    def finish_setup(self, ticket: str, response: Response) -> SignInResult:
        method = self._finish(self.flow.setup_user(ticket).user_id, response)
        return self.flow.finish_setup(ticket, method)

    def begin_add(self, session: Session, nickname: str) -> Ceremony:
        self.flow.require_binding_session(session)
        return self._begin(session.user_id, nickname)

    def finish_add(self, session: Session, response: Response) -> EnrolledMethod:
        self.flow.require_binding_session(session)
        return self._finish(session.user_id, response)

    # --- signing in -------------------------------------------------------------------

    def begin_second_factor(self, ticket: str) -> Ceremony:
        """Options for "Touch your security key"; the answer goes to verify_second_factor."""
        ctx = self.ctx
        pending = self.flow.sign_in.pending.peek(ticket, PendingStage.SECOND_FACTOR, ctx.now())
        with ctx.store.transaction() as db:
            return self.webauthn.begin_authentication(db, user_id=pending.user_id, now=ctx.now())

    def begin_passwordless(self) -> Ceremony:
        ctx = self.ctx
        with ctx.store.transaction() as db:
            if not ctx.policy(db).passwordless_allowed:
                raise PasswordlessDisabledError()
            return self.webauthn.begin_authentication(db, user_id=None, now=ctx.now())

    def complete_passwordless(self, response: str) -> SignInResult:
        """A discoverable credential with user verification: a session without a password."""
        ctx = self.ctx
        now = ctx.now()
        try:
            with ctx.store.transaction() as db:
                policy = ctx.policy(db)
                if not policy.passwordless_allowed:
                    raise PasswordlessDisabledError()
                user_id, method = self.webauthn.identify(db, response=response, now=now)
                user = db.get_one(User, user_id)
                ctx.audit(
                    db,
                    AuditEventType.SECOND_FACTOR_SUCCEEDED,
                    actor=user.email,
                    subject=user.email,
                    details={"kind": method.kind, "method": method.method_id},
                )
        except SecondFactorError as wrong:
            with ctx.store.transaction() as db:
                self.webauthn.after_failure(db, user_id=0, error=wrong)
                ctx.audit(
                    db,
                    AuditEventType.SIGN_IN_FAILED,
                    actor="unknown",
                    subject=None,
                    details={"reason": wrong.code, "kind": self.webauthn.kind},
                )
            raise
        with ctx.store.transaction() as db:
            user = db.get_one(User, user_id)
            refused = self.flow.sign_in.refusal(db, user, policy)
            if refused is not None:
                return refused
            session = self.flow.sign_in.open_session(
                db, user, policy, [method.kind], assurance_of(method)
            )
        return SignInResult(outcome=SignInOutcome.DONE, session=session)
