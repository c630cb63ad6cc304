"""The second-factor step, and adding and removing second factors.

The flow is factor-neutral: it finds the provider by kind, lets it check the
answer, and keeps the one second-factor throttle (SECURITY.md T3) and the
audit trail itself.  Binding a factor needs a password-verified setup ticket
(the first factor) or a session at AAL2 or above (SECURITY.md M7); removing one
needs a sign-in within the last minutes (S1) and must not leave an account
without a second factor while policy requires one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy.orm import Session as DbSession

from desktop_auth.core.audit import AuditEventType
from desktop_auth.core.context import ServiceContext
from desktop_auth.core.flow import PendingSignIn, PendingStage, SignInOutcome, SignInResult
from desktop_auth.core.notifications import SecurityNotice
from desktop_auth.core.policy import Policy
from desktop_auth.core.session import AssuranceLevel, Session
from desktop_auth.core.sign_in import SignInFlow
from desktop_auth.core.throttle import (
    clear_second_factor_failures,
    record_second_factor_failure,
    release_second_factor_attempt,
    reserve_second_factor_attempt,
)
from desktop_auth.core.users import lock_user
from desktop_auth.errors import (
    InsufficientAssuranceError,
    LastFactorError,
    MethodNotAllowedError,
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

_AAL_ORDER = [AssuranceLevel.AAL1, AssuranceLevel.AAL2, AssuranceLevel.AAL3]


def assurance_of(method: EnrolledMethod) -> AssuranceLevel:
    """Password plus this method: AAL3 only for a verifying, hardware-bound key (S2)."""
    return AssuranceLevel.AAL3 if method.aal3 else AssuranceLevel.AAL2


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
        """Check the second factor of a sign-in; a wrong answer gives the ticket back.

        The ticket is taken before the check, so one ticket never carries two
        answers at once (two workstations racing on it cannot both spend a code).
        """
        ctx = self.ctx
        provider = self.provider(kind)
        pending = self.sign_in.pending.take(ticket, PendingStage.SECOND_FACTOR, ctx.now())
        try:
            with ctx.store.transaction() as db:
                user = db.get_one(User, pending.user_id)
                policy = ctx.policy(db)
            method = self.checked(
                provider,
                lambda db: provider.verify(db, user_id=user.id, response=response, now=ctx.now()),
                user,
                policy,
            )
        except BaseException:
            self.sign_in.pending.restore(ticket, pending)
            raise
        methods_used = [*pending.methods_used, method.kind]
        with ctx.store.transaction() as db:
            user = db.get_one(User, pending.user_id)
            if provider.after_sign_in is AfterSignIn.SETUP_AGAIN:
                # A recovery or backup code: the way back in leads only to setting up again.
                result = self.sign_in.continue_to_setup(db, user, policy, methods_used)
            else:
                session = self.sign_in.open_session(
                    db, user, policy, methods_used, assurance_of(method)
                )
                result = SignInResult(outcome=SignInOutcome.DONE, session=session)
        if provider.used_notice is not None:
            ctx.notify(SecurityNotice(provider.used_notice), user.email)
        return result

    def checked(
        self,
        provider: SecondFactorProvider,
        verify: Callable[[DbSession], EnrolledMethod],
        user: User,
        policy: Policy,
    ) -> EnrolledMethod:
        """Run a provider's check in its own transaction; count and audit a wrong answer.

        A guessable code first reserves one attempt under the lock (SECURITY.md T3):
        the reservation is one atomic UPDATE that refuses once the limit is reached,
        so parallel guesses from many workstations still get ``limit`` tries in all.
        """
        ctx = self.ctx
        limit = policy.second_factor_lock_after
        reserved: int | None = None
        if provider.guessable:
            with ctx.store.transaction() as db:
                reserved = reserve_second_factor_attempt(db, user.id, limit)
                if reserved is None:
                    ctx.audit(
                        db,
                        AuditEventType.SIGN_IN_REFUSED,
                        actor=user.email,
                        subject=user.email,
                        details={"reason": "second_factor_locked"},
                    )
            if reserved is None:
                raise SecondFactorLockedError()
        try:
            with ctx.store.transaction() as db:
                # One user's answers queue (user row, then factor rows, then the audit
                # head): the same lock order as removing a method, so no deadlock.
                lock_user(db, user.id)
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
                provider.after_failure(db, user_id=user.id, error=wrong)
                failures = reserved or record_second_factor_failure(db, user.id)
                ctx.audit(
                    db,
                    AuditEventType.SECOND_FACTOR_FAILED,
                    actor=user.email,
                    subject=user.email,
                    details={"reason": wrong.code, "failures": failures},
                )
                if provider.guessable and failures == limit:
                    ctx.audit(
                        db,
                        AuditEventType.SECOND_FACTOR_LOCKED,
                        actor="system",
                        subject=user.email,
                        details={"failures": failures},
                    )
            if provider.guessable and failures == limit:
                ctx.notify(SecurityNotice.ACCOUNT_LOCKED, user.email)
            if provider.guessable and failures >= limit:
                raise SecondFactorLockedError() from wrong
            raise
        except BaseException:
            if reserved is not None:  # not an answer (mistyped, store trouble): no guess spent
                with ctx.store.transaction() as db:
                    release_second_factor_attempt(db, user.id)
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
        """The new factor is proven: that proof completes the sign-in at its level.

        After a recovery or backup code the other methods are presumed lost (else
        the user would have used one): the new one replaces them (SECURITY.md M8).
        """
        ctx = self.ctx
        pending = self.sign_in.pending.take(ticket, PendingStage.SETUP, ctx.now())
        replaced: list[EnrolledMethod] = []
        with ctx.store.transaction() as db:
            user = lock_user(db, pending.user_id)
            if pending.recovered:
                for old in ctx.enrolled_methods(db, user.id):
                    if (old.kind, old.method_id) != (method.kind, method.method_id):
                        replaced.append(self.remove_in(db, user, old, actor=user.email))
            session = self.sign_in.open_session(
                db,
                user,
                ctx.policy(db),
                [*pending.methods_used, method.kind],
                assurance_of(method),
                recovered=pending.recovered,
            )
        if replaced:
            ctx.notify(SecurityNotice.FACTOR_REMOVED, user.email)
        return SignInResult(outcome=SignInOutcome.DONE, session=session)

    @contextmanager
    def allowed_by_policy(self, user_id: int, kind: str) -> Iterator[None]:
        """Around a set-up step: a refusal by the policy's allowed methods is audited (in a
        transaction of its own: the refused step's is rolled back) and raised again."""
        try:
            yield
        except MethodNotAllowedError:
            ctx = self.ctx
            with ctx.store.transaction() as db:
                email = db.get_one(User, user_id).email
                ctx.audit(
                    db,
                    AuditEventType.FACTOR_ENROLLMENT_REFUSED,
                    actor=email,
                    subject=email,
                    details={"kind": kind, "reason": MethodNotAllowedError.code},
                )
            raise

    def factor_added(self, db: DbSession, user: User, method: EnrolledMethod) -> None:
        """Audit a proven new factor and remember that this account has had 2FA."""
        self.ctx.audit(
            db,
            AuditEventType.FACTOR_ADDED,
            actor=user.email,
            subject=user.email,
            details={"kind": method.kind, "method": method.method_id, "label": method.label},
        )
        if user.second_factor_enrolled_at is None:
            user.second_factor_enrolled_at = self.ctx.now()

    def remove_in(
        self, db: DbSession, user: User, method: EnrolledMethod, *, actor: str
    ) -> EnrolledMethod:
        removed = self.provider(method.kind).remove(db, user_id=user.id, method_id=method.method_id)
        self.ctx.audit(
            db,
            AuditEventType.FACTOR_REMOVED,
            actor=actor,
            subject=user.email,
            details={"kind": method.kind, "method": method.method_id, "label": removed.label},
        )
        return removed

    def remove(
        self, *, actor_label: str, user_id: int, kind: str, method_id: int, session: Session | None
    ) -> EnrolledMethod:
        ctx = self.ctx
        now = ctx.now()
        self.provider(kind)
        with ctx.store.transaction() as db:
            policy = ctx.policy(db)
            if session is not None:
                self._require_recent(session, policy, now)
            # The user's row lock serialises factor changes: two workstations removing
            # the last two methods at once cannot both pass the last-factor rule.
            user = lock_user(db, user_id)
            methods = ctx.enrolled_methods(db, user_id)
            target = next((m for m in methods if (m.kind, m.method_id) == (kind, method_id)), None)
            if target is None:
                raise MethodNotFoundError()
            remaining = [m for m in methods if m is not target]
            if not remaining and policy.second_factor_required and session is not None:
                raise LastFactorError()
            method = self.remove_in(db, user, target, actor=actor_label)
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
