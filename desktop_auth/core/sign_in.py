"""Signing in with a password, and what follows it.

Steps (DESIGN.md "Sign-in flow"): identify → password → (new password) →
second factor or setup → session.  Unknown address and wrong password give
one error in one time: the unknown path verifies a dummy hash.  Every outcome
is audited; failures feed the throttle.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session as DbSession

from desktop_auth.core.audit import AuditEventType
from desktop_auth.core.context import ServiceContext
from desktop_auth.core.enforcement import setup_rule
from desktop_auth.core.flow import (
    PendingSignIn,
    PendingSignIns,
    PendingStage,
    SignInOutcome,
    SignInResult,
)
from desktop_auth.core.identity import normalize_email
from desktop_auth.core.notifications import SecurityNotice
from desktop_auth.core.password_policy import PasswordProblem
from desktop_auth.core.policy import Policy
from desktop_auth.core.session import AssuranceLevel, Session
from desktop_auth.core.throttle import FailureOutcome, clear_user_failures, record_user_failure
from desktop_auth.errors import (
    InvalidCredentialsError,
    InvalidCredentialsLockedError,
    InvalidCredentialsWaitError,
    SessionExpiredError,
    SetupNotDeferrableError,
    WeakPasswordError,
)
from desktop_auth.factors.base import EnrolledMethod
from desktop_auth.store.models import User


def _credentials_error(outcome: FailureOutcome) -> InvalidCredentialsError:
    if outcome.locked and outcome.closed_until is not None:
        return InvalidCredentialsLockedError(until=outcome.closed_until)
    if outcome.closed_until is not None:
        return InvalidCredentialsWaitError(until=outcome.closed_until)
    return InvalidCredentialsError()


def _closed_result(until: datetime, failures: int, policy: Policy) -> SignInResult:
    outcome = SignInOutcome.LOCKED if policy.throttle.is_lock(failures) else SignInOutcome.THROTTLED
    return SignInResult(outcome=outcome, retry_at=until)


class SignInFlow:
    def __init__(self, context: ServiceContext) -> None:
        self.ctx = context
        self.pending = PendingSignIns()

    # --- step 1: password ------------------------------------------------------------

    def sign_in_with_password(self, email: str, password: str) -> SignInResult:
        ctx = self.ctx
        display_email, email_key = normalize_email(email)
        ctx.hasher.prepare_dummy()
        now = ctx.now()
        with ctx.store.transaction() as db:
            policy = ctx.policy(db)
            user = db.execute(select(User).where(User.email_key == email_key)).scalar_one_or_none()
        if user is None:
            return self._unknown_account(display_email, email_key, password, now)

        if user.locked_until is not None and user.locked_until > now:
            with ctx.store.transaction() as db:
                ctx.audit(
                    db,
                    AuditEventType.SIGN_IN_REFUSED,
                    actor=user.email,
                    subject=user.email,
                    details={"reason": "locked"},
                )
            return _closed_result(user.locked_until, user.failed_attempts, policy)

        if not ctx.hasher.verify(user.password_hash, password):
            with ctx.store.transaction() as db:
                outcome = record_user_failure(db, user.id, policy.throttle, now)
                ctx.audit(
                    db,
                    AuditEventType.SIGN_IN_FAILED,
                    actor=user.email,
                    subject=user.email,
                    details={"reason": "wrong_password", "failures": outcome.failures},
                )
                if outcome.failures == policy.throttle.lock_after:
                    ctx.audit(
                        db,
                        AuditEventType.ACCOUNT_LOCKED,
                        actor="system",
                        subject=user.email,
                        details={"failures": outcome.failures},
                    )
            if outcome.failures == policy.throttle.lock_after:
                ctx.notify(SecurityNotice.ACCOUNT_LOCKED, user.email)
            raise _credentials_error(outcome)

        with ctx.store.transaction() as db:
            clear_user_failures(db, user.id)
            if ctx.hasher.needs_rehash(user.password_hash):
                self._rehash(db, user, password)
            if user.disabled:
                ctx.audit(
                    db,
                    AuditEventType.SIGN_IN_REFUSED,
                    actor=user.email,
                    subject=user.email,
                    details={"reason": "disabled"},
                )
                return SignInResult(outcome=SignInOutcome.DISABLED)
            return self._after_password(db, user, policy, ["password"])

    def _unknown_account(
        self, display_email: str, email_key: str, password: str, now: datetime
    ) -> SignInResult:
        ctx = self.ctx
        failures, closed_until = ctx.unknown_accounts.closed_until(email_key, now)
        with ctx.store.transaction() as db:
            policy = ctx.policy(db)
            if closed_until is not None:
                ctx.audit(
                    db,
                    AuditEventType.SIGN_IN_REFUSED,
                    actor=display_email,
                    subject=display_email,
                    details={"reason": "locked", "known": False},
                )
        if closed_until is not None:
            return _closed_result(closed_until, failures, policy)
        ctx.hasher.verify_dummy(password)
        outcome = ctx.unknown_accounts.record_failure(email_key, now)
        with ctx.store.transaction() as db:
            ctx.audit(
                db,
                AuditEventType.SIGN_IN_FAILED,
                actor=display_email,
                subject=display_email,
                details={"reason": "unknown_account", "failures": outcome.failures},
            )
        raise _credentials_error(outcome)

    def _rehash(self, db: DbSession, user: User, password: str) -> None:
        new_hash = self.ctx.hasher.hash(password)
        # Compare-and-set: a password changed meanwhile on another workstation wins.
        db.execute(
            update(User)
            .where(User.id == user.id, User.password_hash == user.password_hash)
            .values(password_hash=new_hash)
        )
        self.ctx.audit(db, AuditEventType.PASSWORD_REHASHED, actor="system", subject=user.email)

    # --- what follows a right password -----------------------------------------------

    def _after_password(
        self, db: DbSession, user: User, policy: Policy, methods_used: list[str]
    ) -> SignInResult:
        ctx = self.ctx
        now = ctx.now()
        expires = now + policy.sign_in_step_window
        if user.must_change_password:
            return self._continue(
                db,
                user,
                PendingStage.CHANGE_PASSWORD,
                expires,
                methods_used,
                SignInOutcome.MUST_CHANGE_PASSWORD,
            )
        methods = ctx.enrolled_methods(db, user.id)
        # An account that had 2FA and lost every method (the helpdesk removed a lost
        # phone) gets in only with a recovery or backup code, never by setting up anew
        # with the password alone (SECURITY.md M8).
        had_second_factor = user.second_factor_enrolled_at is not None
        rule = setup_rule(user, policy, ctx.today())
        if methods or (had_second_factor and rule.required):
            return self._continue(
                db,
                user,
                PendingStage.SECOND_FACTOR,
                expires,
                methods_used,
                SignInOutcome.SECOND_FACTOR_REQUIRED,
                tuple(methods),
            )
        if rule.required:
            return self._continue(
                db,
                user,
                PendingStage.SETUP,
                expires,
                methods_used,
                SignInOutcome.SETUP_REQUIRED,
                deferrable_until=rule.deferrable_until,
            )
        session = self.open_session(db, user, policy, methods_used, AssuranceLevel.AAL1)
        return SignInResult(outcome=SignInOutcome.DONE, session=session)

    def refusal(self, db: DbSession, user: User, policy: Policy) -> SignInResult | None:
        """For sign-ins without a password step: a disabled or locked account stays shut."""
        now = self.ctx.now()
        if user.disabled:
            reason, result = "disabled", SignInResult(outcome=SignInOutcome.DISABLED)
        elif user.locked_until is not None and user.locked_until > now:
            reason = "locked"
            result = _closed_result(user.locked_until, user.failed_attempts, policy)
        else:
            return None
        self.ctx.audit(
            db,
            AuditEventType.SIGN_IN_REFUSED,
            actor=user.email,
            subject=user.email,
            details={"reason": reason},
        )
        return result

    def remind_me_later(self, ticket: str) -> SignInResult:
        """Before the enforcement date: in with the password only (AAL1), reminded next time."""
        ctx = self.ctx
        pending = self.pending.take(ticket, PendingStage.SETUP, ctx.now())
        if pending.deferrable_until is None or ctx.today() >= pending.deferrable_until:
            self.pending.restore(ticket, pending)
            raise SetupNotDeferrableError()
        with ctx.store.transaction() as db:
            user = db.get_one(User, pending.user_id)
            ctx.audit(
                db,
                AuditEventType.SETUP_DEFERRED,
                actor=user.email,
                subject=user.email,
                details={"until": pending.deferrable_until.isoformat()},
            )
            session = self.open_session(
                db, user, ctx.policy(db), pending.methods_used, AssuranceLevel.AAL1
            )
        return SignInResult(outcome=SignInOutcome.DONE, session=session)

    def continue_to_setup(
        self, db: DbSession, user: User, policy: Policy, methods_used: list[str]
    ) -> SignInResult:
        """A recovery or backup code was right: the only way on is setting up 2FA again."""
        expires = self.ctx.now() + policy.sign_in_step_window
        return self._continue(
            db,
            user,
            PendingStage.SETUP,
            expires,
            methods_used,
            SignInOutcome.SETUP_REQUIRED,
            recovered=True,
        )

    def _continue(
        self,
        db: DbSession,
        user: User,
        stage: PendingStage,
        expires: datetime,
        methods_used: list[str],
        outcome: SignInOutcome,
        methods: tuple[EnrolledMethod, ...] = (),
        *,
        recovered: bool = False,
        deferrable_until: date | None = None,
    ) -> SignInResult:
        pending = PendingSignIn(
            user_id=user.id,
            stage=stage,
            expires_at=expires,
            methods_used=list(methods_used),
            recovered=recovered,
            deferrable_until=deferrable_until,
        )
        ticket = self.pending.open(pending, self.ctx.now())
        self.ctx.audit(
            db,
            AuditEventType.SIGN_IN_CONTINUES,
            actor=user.email,
            subject=user.email,
            details={"next": stage.value},
        )
        return SignInResult(
            outcome=outcome,
            ticket=ticket,
            methods=methods,
            setup_deadline=deferrable_until,
            recovered=recovered,
        )

    def open_session(
        self,
        db: DbSession,
        user: User,
        policy: Policy,
        methods_used: list[str],
        assurance: AssuranceLevel,
        *,
        recovered: bool = False,
    ) -> Session:
        now = self.ctx.now()
        db.execute(update(User).where(User.id == user.id).values(last_sign_in_at=now))
        self.ctx.audit(
            db,
            AuditEventType.SIGN_IN_SUCCEEDED,
            actor=user.email,
            subject=user.email,
            details={"methods": ",".join(methods_used), "assurance": assurance.value},
        )
        return Session(
            user_id=user.id,
            email=user.email,
            display_name=user.display_name,
            role=user.role,
            methods=tuple(methods_used),
            assurance=assurance,
            authenticated_at=now,
            expires_at=now + policy.session_lifetime,
            recovered=recovered,
        )

    # --- passwords ---------------------------------------------------------------------

    def complete_password_change(self, ticket: str, new_password: str) -> SignInResult:
        """Replace a temporary password at first sign-in, then go on with the sign-in."""
        ctx = self.ctx
        pending = self.pending.peek(ticket, PendingStage.CHANGE_PASSWORD, ctx.now())
        with ctx.store.transaction() as db:
            user = db.get_one(User, pending.user_id)
            self._check_new_password(db, user, new_password)
        pending = self.pending.take(ticket, PendingStage.CHANGE_PASSWORD, ctx.now())
        new_hash = ctx.hasher.hash(new_password)
        with ctx.store.transaction() as db:
            user = db.get_one(User, pending.user_id)
            self._store_password(db, user, new_hash, actor=user.email)
            return self._after_password(db, user, ctx.policy(db), pending.methods_used)

    def change_password(self, session: Session, current_password: str, new_password: str) -> None:
        """Self-service change: needs the current password (ASVS 6.2.3)."""
        ctx = self.ctx
        now = ctx.now()
        if not session.is_active(now):
            raise SessionExpiredError()
        with ctx.store.transaction() as db:
            policy = ctx.policy(db)
            user = db.get_one(User, session.user_id)
        if not ctx.hasher.verify(user.password_hash, current_password):
            with ctx.store.transaction() as db:
                outcome = record_user_failure(db, user.id, policy.throttle, now)
                ctx.audit(
                    db,
                    AuditEventType.SIGN_IN_FAILED,
                    actor=user.email,
                    subject=user.email,
                    details={"reason": "wrong_current_password", "failures": outcome.failures},
                )
            raise _credentials_error(outcome)
        with ctx.store.transaction() as db:
            self._check_new_password(db, user, new_password)
        new_hash = ctx.hasher.hash(new_password)
        with ctx.store.transaction() as db:
            self._store_password(db, db.get_one(User, user.id), new_hash, actor=user.email)
        ctx.notify(SecurityNotice.PASSWORD_CHANGED, user.email)

    def _check_new_password(self, db: DbSession, user: User, new_password: str) -> None:
        self.ctx.require_acceptable_password(db, new_password, user.email)
        if self.ctx.hasher.verify(user.password_hash, new_password):
            raise WeakPasswordError(
                (PasswordProblem.SAME_AS_CURRENT.value,),
                min_length=self.ctx.policy(db).passwords.min_length,
            )

    def _store_password(self, db: DbSession, user: User, new_hash: str, *, actor: str) -> None:
        user.password_hash = new_hash
        user.password_changed_at = self.ctx.now()
        user.must_change_password = False
        self.ctx.audit(db, AuditEventType.PASSWORD_CHANGED, actor=actor, subject=user.email)
