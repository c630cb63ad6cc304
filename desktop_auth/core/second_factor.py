"""The second-factor step, and adding and removing second factors.

The flow is factor-neutral: it finds the provider by kind, lets it check the
answer, and keeps the one second-factor throttle (SECURITY.md T3) and the
audit trail itself.  Binding a factor needs a password-verified setup ticket
(the first factor) or a session at AAL2 or above (SECURITY.md M7); removing one
needs a sign-in within the last minutes (S1) and must not leave an account
without a second factor while policy requires one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session as DbSession

from desktop_auth.core.audit import AuditEventType
from desktop_auth.core.context import ServiceContext
from desktop_auth.core.flow import PendingSignIn, PendingStage, SignInOutcome, SignInResult
from desktop_auth.core.notifications import SecurityNotice
from desktop_auth.core.policy import Policy
from desktop_auth.core.session import AssuranceLevel, Session
from desktop_auth.core.sign_in import SignInFlow
from desktop_auth.core.throttle import clear_second_factor_failures, record_second_factor_failure
from desktop_auth.errors import (
    InsufficientAssuranceError,
    LastFactorError,
    MethodNotFoundError,
    ReauthenticationRequiredError,
    SecondFactorError,
    SecondFactorLockedError,
    SessionExpiredError,
)
from desktop_auth.factors.base import (
    AfterSignIn,
    EnrolledMethod,
    RenamableFactor,
    SecondFactorProvider,
)
from desktop_auth.store.models import User

#: What a second factor of each kind proves, for the session's assurance level.
ASSURANCE_BY_KIND = {"totp": AssuranceLevel.AAL2, "recovery": AssuranceLevel.AAL2}
#: Signing in with a way back in is news the account's owner must hear.
NOTICE_AFTER_SIGN_IN = {
    AfterSignIn.RECOVERED_SESSION: SecurityNotice.RECOVERY_CODE_USED,
    AfterSignIn.SETUP_AGAIN: SecurityNotice.BACKUP_CODE_USED,
}
_AAL_ORDER = [AssuranceLevel.AAL1, AssuranceLevel.AAL2, AssuranceLevel.AAL3]


def at_least(level: AssuranceLevel, minimum: AssuranceLevel) -> bool:
    return _AAL_ORDER.index(level) >= _AAL_ORDER.index(minimum)


class SecondFactorFlow:
    def __init__(self, context: ServiceContext, sign_in: SignInFlow) -> None:
        self.ctx = context
        self.sign_in = sign_in

    def provider(self, kind: str) -> SecondFactorProvider:
        for provider in self.ctx.factors:
            if provider.kind == kind:
                return provider
        raise MethodNotFoundError()

    # --- the sign-in step -------------------------------------------------------------

    def complete(self, ticket: str, kind: str, response: str) -> SignInResult:
        """Check the second factor of a sign-in; a wrong answer keeps the ticket for a retry."""
        ctx = self.ctx
        pending = self.sign_in.pending.peek(ticket, PendingStage.SECOND_FACTOR, ctx.now())
        provider = self.provider(kind)
        with ctx.store.transaction() as db:
            user = db.get_one(User, pending.user_id)
            policy = ctx.policy(db)
            if provider.guessable:
                self.check_not_locked(db, user, policy)
        method = self.checked(
            lambda db: provider.verify(db, user_id=user.id, response=response, now=ctx.now()),
            user,
            policy,
            lockable=provider.guessable,
        )
        pending = self.sign_in.pending.take(ticket, PendingStage.SECOND_FACTOR, ctx.now())
        methods_used = [*pending.methods_used, method.kind]
        with ctx.store.transaction() as db:
            user = db.get_one(User, pending.user_id)
            if provider.after_sign_in is AfterSignIn.SETUP_AGAIN:
                result = self.sign_in.continue_to_setup(db, user, policy, methods_used)
            else:
                session = self.sign_in.open_session(
                    db,
                    user,
                    policy,
                    methods_used,
                    ASSURANCE_BY_KIND.get(method.kind, AssuranceLevel.AAL2),
                    recovered=provider.after_sign_in is AfterSignIn.RECOVERED_SESSION,
                )
                result = SignInResult(outcome=SignInOutcome.DONE, session=session)
        notice = NOTICE_AFTER_SIGN_IN.get(provider.after_sign_in)
        if notice is not None:
            ctx.notify(notice, user.email)
        return result

    def check_not_locked(self, db: DbSession, user: User, policy: Policy) -> None:
        if user.second_factor_failures >= policy.second_factor_lock_after:
            self.ctx.audit(
                db,
                AuditEventType.SIGN_IN_REFUSED,
                actor=user.email,
                subject=user.email,
                details={"reason": "second_factor_locked"},
            )
            raise SecondFactorLockedError()

    def checked(
        self,
        verify: Callable[[DbSession], EnrolledMethod],
        user: User,
        policy: Policy,
        *,
        lockable: bool = True,
    ) -> EnrolledMethod:
        """Run a provider's check in its own transaction; count and audit a wrong answer."""
        ctx = self.ctx
        try:
            with ctx.store.transaction() as db:
                method: EnrolledMethod = verify(db)
                clear_second_factor_failures(db, user.id)
                ctx.audit(
                    db,
                    AuditEventType.SECOND_FACTOR_SUCCEEDED,
                    actor=user.email,
                    subject=user.email,
                    details={"kind": method.kind, "method": method.method_id},
                )
                return method
        except SecondFactorError as wrong:
            with ctx.store.transaction() as db:
                failures = record_second_factor_failure(db, user.id)
                ctx.audit(
                    db,
                    AuditEventType.SECOND_FACTOR_FAILED,
                    actor=user.email,
                    subject=user.email,
                    details={"reason": wrong.code, "failures": failures},
                )
                if failures == policy.second_factor_lock_after:
                    ctx.audit(
                        db,
                        AuditEventType.SECOND_FACTOR_LOCKED,
                        actor="system",
                        subject=user.email,
                        details={"failures": failures},
                    )
            if lockable and failures >= policy.second_factor_lock_after:
                raise SecondFactorLockedError() from wrong
            raise

    # --- who may bind or remove ---------------------------------------------------------

    def setup_user(self, ticket: str) -> PendingSignIn:
        """The password-verified user of a sign-in that must set up a first factor."""
        return self.sign_in.pending.peek(ticket, PendingStage.SETUP, self.ctx.now())

    def require_binding_session(self, session: Session) -> None:
        """M7: bind at the level the account already has.

        With a second factor enrolled, only an AAL2+ session may add another.  A
        password-only account (where policy allows one) may opt in from a fresh
        sign-in: its password is all it has to prove.
        """
        now = self.ctx.now()
        if not session.is_active(now):
            raise SessionExpiredError()
        with self.ctx.store.transaction() as db:
            has_factor = bool(self.ctx.enrolled_methods(db, session.user_id))
            window = self.ctx.policy(db).reauthentication_window
        if has_factor and not at_least(session.assurance, AssuranceLevel.AAL2):
            raise InsufficientAssuranceError()
        if not has_factor and not session.authenticated_within(now, window):
            raise ReauthenticationRequiredError()

    def finish_setup(self, ticket: str, method: EnrolledMethod) -> SignInResult:
        """The first factor is proven: that proof completes the sign-in at its level."""
        ctx = self.ctx
        pending = self.sign_in.pending.take(ticket, PendingStage.SETUP, ctx.now())
        with ctx.store.transaction() as db:
            user = db.get_one(User, pending.user_id)
            session = self.sign_in.open_session(
                db,
                user,
                ctx.policy(db),
                [*pending.methods_used, method.kind],
                ASSURANCE_BY_KIND.get(method.kind, AssuranceLevel.AAL2),
            )
        return SignInResult(outcome=SignInOutcome.DONE, session=session)

    def audit_added(self, db: DbSession, actor: str, subject: str, method: EnrolledMethod) -> None:
        self.ctx.audit(
            db,
            AuditEventType.FACTOR_ADDED,
            actor=actor,
            subject=subject,
            details={"kind": method.kind, "method": method.method_id, "label": method.label},
        )

    def remove(
        self, *, actor_label: str, user_id: int, kind: str, method_id: int, session: Session | None
    ) -> EnrolledMethod:
        ctx = self.ctx
        now = ctx.now()
        provider = self.provider(kind)
        with ctx.store.transaction() as db:
            policy = ctx.policy(db)
            if session is not None:
                self._require_recent(session, policy, now)
            user = db.get_one(User, user_id)
            remaining = [
                m
                for m in ctx.enrolled_methods(db, user_id)
                if (m.kind, m.method_id) != (kind, method_id)
            ]
            method = provider.remove(db, user_id=user_id, method_id=method_id)
            if not remaining and policy.second_factor_required and session is not None:
                raise LastFactorError()
            ctx.audit(
                db,
                AuditEventType.FACTOR_REMOVED,
                actor=actor_label,
                subject=user.email,
                details={"kind": kind, "method": method_id, "label": method.label},
            )
        ctx.notify(SecurityNotice.FACTOR_REMOVED, user.email)
        return method

    def rename(self, session: Session, kind: str, method_id: int, label: str) -> EnrolledMethod:
        """A new nickname for one of the signed-in user's own methods; audited, no re-auth."""
        ctx = self.ctx
        if not session.is_active(ctx.now()):
            raise SessionExpiredError()
        provider = self.provider(kind)
        if not isinstance(provider, RenamableFactor):
            raise MethodNotFoundError()
        with ctx.store.transaction() as db:
            method = provider.rename(db, user_id=session.user_id, method_id=method_id, label=label)
            ctx.audit(
                db,
                AuditEventType.FACTOR_RENAMED,
                actor=f"user:{session.email}",
                subject=session.email,
                details={"kind": kind, "method": method_id, "label": method.label},
            )
        return method

    @staticmethod
    def _require_recent(session: Session, policy: Policy, now: datetime) -> None:
        if not session.is_active(now):
            raise SessionExpiredError()
        if not session.authenticated_within(now, policy.reauthentication_window):
            raise ReauthenticationRequiredError()
