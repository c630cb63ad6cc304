"""What every second factor shares: checking an answer, binding and removing a method.

Internal to the core.  The flow is factor-neutral: it finds the provider by kind,
lets it check the answer, and keeps the one second-factor throttle (SECURITY.md T3)
and the audit trail itself.  Who may bind or remove is the guard's to say
(``core/guards.py``); removing must not leave an account without a second factor
while policy requires one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy.orm import Session as DbSession

from desktop_auth.core.context import ServiceContext
from desktop_auth.core.flow import PendingSignIn, PendingStage, SignInOutcome, SignInResult
from desktop_auth.core.policy import Policy
from desktop_auth.core.session import AssuranceLevel
from desktop_auth.core.sign_in_steps import SignInSteps
from desktop_auth.core.throttle import (
    clear_second_factor_failures,
    record_second_factor_failure,
    release_second_factor_attempt,
    reserve_second_factor_attempt,
)
from desktop_auth.core.users import lock_user
from desktop_auth.core.vault_slot_removal import note_key_leaving
from desktop_auth.errors import (
    LastFactorError,
    MethodNotAllowedError,
    MethodNotFoundError,
    SecondFactorError,
    SecondFactorLockedError,
)
from desktop_auth.factors.base import (
    EnrolledMethod,
    SecondFactorProvider,
)
from desktop_auth.store.models import User
from desktop_auth.vocabulary import AuditEventType, FactorKind, SecurityNotice


def assurance_of(method: EnrolledMethod) -> AssuranceLevel:
    """Password plus this method: AAL3 only for a verifying, hardware-bound key (S2)."""
    return AssuranceLevel.AAL3 if method.aal3 else AssuranceLevel.AAL2


#: What ``checked``'s continuation returns.
T = TypeVar("T")


class SecondFactorFlow:
    def __init__(self, context: ServiceContext, steps: SignInSteps) -> None:
        self.ctx = context
        self.steps = steps

    def provider(self, kind: str) -> SecondFactorProvider:
        for provider in self.ctx.factors:
            if provider.kind == kind:
                return provider
        raise MethodNotFoundError()

    # --- the sign-in step -------------------------------------------------------------

    def checked(
        self,
        provider: SecondFactorProvider,
        verify: Callable[[DbSession], EnrolledMethod],
        user: User,
        policy: Policy,
        then: Callable[[DbSession, User, EnrolledMethod], T],
    ) -> T:
        """Run a provider's check in its own transaction; count and audit a wrong answer.

        A guessable code first reserves one attempt under the lock (SECURITY.md T3):
        the reservation is one atomic UPDATE that refuses once the limit is reached,
        so parallel guesses from many workstations still get ``limit`` tries in all.

        ``then`` takes the sign-in on in the same transaction as the check, with the user's
        row as locked here (read once: issue 15): a server
        that dies between the two leaves neither a spent code without a session nor a
        used-up ticket; the store rolls the whole step back and another server can take
        it again (issue 15: 2.7 % of sign-ins failed across a killed server).
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
                locked = lock_user(db, user.id)
                method: EnrolledMethod = verify(db)
                clear_second_factor_failures(db, user.id)
                ctx.audit(
                    db,
                    AuditEventType.SECOND_FACTOR_SUCCEEDED,
                    actor=user.email,
                    subject=user.email,
                    details={"kind": method.kind, "method": method.method_id},
                )
                return then(db, locked, method)
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
            if provider.guessable:
                # Past the password, so the count tells nothing of who exists: say how
                # many guesses remain before the lock (issue 19).
                raise _with_tries_left(wrong, limit - failures) from wrong
            raise
        except BaseException:
            if reserved is not None:  # not an answer (mistyped, store trouble): no guess spent
                with ctx.store.transaction() as db:
                    release_second_factor_attempt(db, user.id)
            raise

    # --- binding and removing ---------------------------------------------------------

    def setup_user(self, ticket: str) -> PendingSignIn:
        """The password-verified user of a sign-in that must set up a first factor."""
        return self.steps.pending.peek(ticket, PendingStage.SETUP, self.ctx.now())

    def finish_setup(self, ticket: str, method: EnrolledMethod) -> SignInResult:
        """The new factor is proven: that proof completes the sign-in at its level.

        After a recovery or backup code the other methods are presumed lost (else
        the user would have used one): the new one replaces them (SECURITY.md M8).
        """
        ctx = self.ctx
        pending = self.steps.pending.take(ticket, PendingStage.SETUP, ctx.now())
        replaced: list[EnrolledMethod] = []
        with ctx.store.transaction() as db:
            user = lock_user(db, pending.user_id)
            if pending.recovered:
                for old in ctx.enrolled_methods(db, user.id):
                    if (old.kind, old.method_id) != (method.kind, method.method_id):
                        replaced.append(self.remove_in(db, user, old, actor=user.email))
            session = self.steps.open_session(
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
            details={
                "kind": method.kind,
                "method": method.method_id,
                "label": method.label,
                # The verified make and model (A1); absent when nothing was proven.
                **({"model": method.model} if method.model else {}),
            },
        )
        if user.second_factor_enrolled_at is None:
            user.second_factor_enrolled_at = self.ctx.now()

    def remove_in(
        self, db: DbSession, user: User, method: EnrolledMethod, *, actor: str
    ) -> EnrolledMethod:
        if method.kind == FactorKind.WEBAUTHN:
            note_key_leaving(db, method.method_id, self.ctx.now())
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
        self, *, actor_label: str, user_id: int, kind: str, method_id: int, by_owner: bool
    ) -> EnrolledMethod:
        """Remove one method, after the caller's guard.  Its owner may not remove the last
        one while policy requires a second factor; the helpdesk may (M5: a lost phone)."""
        ctx = self.ctx
        self.provider(kind)
        with ctx.store.transaction() as db:
            policy = ctx.policy(db)
            # The user's row lock serialises factor changes: two workstations removing
            # the last two methods at once cannot both pass the last-factor rule.
            user = lock_user(db, user_id)
            methods = ctx.enrolled_methods(db, user_id)
            target = next((m for m in methods if (m.kind, m.method_id) == (kind, method_id)), None)
            if target is None:
                raise MethodNotFoundError()
            remaining = [m for m in methods if m is not target]
            if not remaining and policy.second_factor_required and by_owner:
                raise LastFactorError()
            method = self.remove_in(db, user, target, actor=actor_label)
        ctx.notify(SecurityNotice.FACTOR_REMOVED, user.email)
        return method


def _with_tries_left(wrong: SecondFactorError, left: int) -> SecondFactorError:
    """The same refusal, also saying how many more answers the lock allows."""
    told = type(wrong)(**wrong.params, tries_left=left)
    told.spent_ceremony = wrong.spent_ceremony
    return told
