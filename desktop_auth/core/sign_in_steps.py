"""The steps every way of signing in shares: what follows a right first factor, sessions.

Internal to the core: ``SignIn``, ``SecurityKeys`` and the second-factor flow use these
so that each outcome (a pending step, a refusal, a session) is made one way only.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session as DbSession

from desktop_auth.core import sessions
from desktop_auth.core.context import ServiceContext
from desktop_auth.core.enforcement import setup_rule
from desktop_auth.core.flow import (
    PendingSignIn,
    PendingSignIns,
    PendingStage,
    SignInOutcome,
    SignInResult,
)
from desktop_auth.core.password_policy import PasswordProblem
from desktop_auth.core.policy import Policy
from desktop_auth.core.session import AssuranceLevel, Session
from desktop_auth.core.throttle import (
    FailureOutcome,
    ThrottlePolicy,
    clear_user_failures,
    reserve_password_attempt,
)
from desktop_auth.errors import (
    AccountDisabledError,
    InvalidCredentialsError,
    InvalidCredentialsHeldError,
    InvalidCredentialsLockedError,
    InvalidCredentialsWaitError,
    InvalidCredentialsWaitSecondsError,
    WeakPasswordError,
)
from desktop_auth.factors.base import EnrolledMethod
from desktop_auth.store.models import User
from desktop_auth.vocabulary import AuditEventType, SecurityNotice

#: A shorter wait is told in seconds: "try again after 20:16" for an 8-second delay sent
#: people to the clock (issue 19).
SHORT_WAIT = timedelta(minutes=2)


def credentials_error(
    outcome: FailureOutcome, throttle: ThrottlePolicy, now: datetime
) -> InvalidCredentialsError:
    """The refusal of a wrong password, the same for an unknown address.

    Once the waits begin it also says how many more wrong tries lock the account
    (``left``): both paths count in ``_closing``, so that number tells no one whether
    the address exists, no more than the waits themselves do.
    """
    if outcome.for_helpdesk:
        return InvalidCredentialsHeldError()
    if outcome.locked and outcome.closed_until is not None:
        return InvalidCredentialsLockedError(until=outcome.closed_until)
    if outcome.closed_until is not None:
        left = throttle.lock_after - outcome.failures
        wait = outcome.closed_until - now
        if wait < SHORT_WAIT:
            return InvalidCredentialsWaitSecondsError(
                seconds=max(1, math.ceil(wait.total_seconds())), left=left
            )
        return InvalidCredentialsWaitError(until=outcome.closed_until, left=left)
    return InvalidCredentialsError()


def closed_result(closed: FailureOutcome, policy: Policy, now: datetime) -> SignInResult:
    """A closed account's (or unknown address's) answer: when to try again, or never
    before the helpdesk unlocks it (``retry_at`` None)."""
    if closed.for_helpdesk:
        return SignInResult(outcome=SignInOutcome.LOCKED, retry_at=None)
    locked = policy.throttle.is_lock(closed.failures)
    outcome = SignInOutcome.LOCKED if locked else SignInOutcome.THROTTLED
    until = closed.closed_until
    seconds = None if until is None else max(1, math.ceil((until - now).total_seconds()))
    return SignInResult(outcome=outcome, retry_at=until, retry_in_seconds=seconds)


def closed_state(user: User, policy: Policy) -> FailureOutcome:
    return FailureOutcome(
        failures=user.failed_attempts,
        closed_until=user.locked_until,
        locked=policy.throttle.is_lock(user.failed_attempts),
        lock_number=user.lock_count,
        for_helpdesk=user.locked_for_helpdesk,
    )


def refuse_if_disabled(user: User) -> None:
    if user.disabled:
        raise AccountDisabledError()


def is_closed(user: User, now: datetime) -> bool:
    return user.locked_for_helpdesk or (user.locked_until is not None and user.locked_until > now)


class SignInSteps:
    def __init__(self, context: ServiceContext) -> None:
        self.ctx = context
        self.pending = PendingSignIns(context.store)

    def check_password(
        self, user: User, password: str, policy: Policy, now: datetime, *, reason: str
    ) -> FailureOutcome | None:
        """Check ``user``'s password under the throttle: None when it is right (the run of
        failures is cleared), the account's closed state when it is closed (nothing was
        checked), ``InvalidCredentialsError`` when it is wrong (counted, audited).

        The attempt is counted before argon2 runs, in the statement that checks the
        account is open (T4: parallel guesses find the delay the first one set), and a
        closed account spends the time of a check on a dummy of the same cost, so the
        answer's timing tells nothing either (T2).
        """
        ctx = self.ctx
        with ctx.store.transaction() as db:
            reserved = reserve_password_attempt(db, user.id, policy.throttle, now)
            closed = (
                None if reserved is not None else closed_state(db.get_one(User, user.id), policy)
            )
        if closed is not None:
            ctx.hasher.verify_dummy(password, like=user.password_hash)
            return closed
        assert reserved is not None
        if not ctx.hasher.verify(user.password_hash, password):
            raise self.wrong_password(user, reserved, policy.throttle, reason=reason)
        with ctx.store.transaction() as db:
            clear_user_failures(db, user.id)
        return None

    def wrong_password(
        self, user: User, outcome: FailureOutcome, throttle: ThrottlePolicy, *, reason: str
    ) -> InvalidCredentialsError:
        """Audit a wrong password and every lock it caused, and tell the owner of each
        lock; the error to raise says when to try again."""
        ctx = self.ctx
        with ctx.store.transaction() as db:
            ctx.audit(
                db,
                AuditEventType.SIGN_IN_FAILED,
                actor=user.email,
                subject=user.email,
                details={"reason": reason, "failures": outcome.failures},
            )
            if outcome.locked:
                ctx.audit(
                    db,
                    AuditEventType.ACCOUNT_LOCKED,
                    actor="system",
                    subject=user.email,
                    details={
                        "failures": outcome.failures,
                        "lock": outcome.lock_number,
                        "until_unlocked": outcome.for_helpdesk,
                    },
                )
        if outcome.locked:
            ctx.notify(SecurityNotice.ACCOUNT_LOCKED, user.email)
        return credentials_error(outcome, throttle, self.ctx.now())

    def after_password(
        self,
        db: DbSession,
        user: User,
        policy: Policy,
        methods_used: list[str],
        *,
        assurance: AssuranceLevel | None = None,
        recovered: bool = False,
    ) -> SignInResult:
        """The next step once the password was right; ``assurance``: what a second factor
        answered since earned (None: none yet), ``recovered``: it was a recovery code.

        The order (issue 16, item 5): the second factor, when the account has one, comes
        before a new password, so a temporary password alone changes nothing; then the
        new password; then setting up again after a recovery code, or the session.
        """
        ctx = self.ctx
        now = ctx.now()
        expires = now + policy.sign_in_step_window
        # Read only before a second factor: after one, the methods decide nothing (three
        # queries less in every code step, issue 15).
        methods = ctx.enrolled_methods(db, user.id) if assurance is None else []
        # An account that had 2FA and lost every method (the helpdesk removed a lost
        # phone) gets in only with a recovery or backup code, never by setting up anew
        # with the password alone (SECURITY.md M8).
        had_second_factor = user.second_factor_enrolled_at is not None
        rule = setup_rule(user, policy, ctx.today())
        if assurance is None and (methods or (had_second_factor and rule.required)):
            return self._continue(
                db,
                user,
                PendingStage.SECOND_FACTOR,
                expires,
                methods_used,
                SignInOutcome.SECOND_FACTOR_REQUIRED,
                tuple(methods),
            )
        if user.must_change_password:
            return self._continue(
                db,
                user,
                PendingStage.CHANGE_PASSWORD,
                expires,
                methods_used,
                SignInOutcome.MUST_CHANGE_PASSWORD,
                recovered=recovered,
                assurance=assurance,
            )
        if recovered:
            return self.continue_to_setup(db, user, policy, methods_used)
        if assurance is not None:
            session = self.open_session(db, user, policy, methods_used, assurance)
            return SignInResult(outcome=SignInOutcome.DONE, session=session)
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
        elif is_closed(user, now):
            reason = "locked"
            result = closed_result(closed_state(user, policy), policy, now)
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
        assurance: AssuranceLevel | None = None,
    ) -> SignInResult:
        refuse_if_disabled(user)  # every step looks again (issue 16, item 5)
        pending = PendingSignIn(
            user_id=user.id,
            stage=stage,
            expires_at=expires,
            methods_used=list(methods_used),
            recovered=recovered,
            deferrable_until=deferrable_until,
            assurance=assurance,
        )
        ticket = self.pending.open(db, pending, self.ctx.now())
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
        refuse_if_disabled(user)  # switched off since an earlier step: no session
        now = self.ctx.now()
        db.execute(update(User).where(User.id == user.id).values(last_sign_in_at=now))
        self.ctx.audit(
            db,
            AuditEventType.SIGN_IN_SUCCEEDED,
            actor=user.email,
            subject=user.email,
            details={"methods": ",".join(methods_used), "assurance": assurance.value},
        )
        return sessions.open_session(
            db,
            user,
            policy,
            methods_used,
            assurance,
            workstation=self.ctx.workstation,
            now=now,
            recovered=recovered,
        )

    def check_new_password(self, db: DbSession, user: User, new_password: str) -> None:
        self.ctx.require_acceptable_password(db, new_password, user.email)
        if self.ctx.hasher.verify(user.password_hash, new_password):
            raise WeakPasswordError(
                (PasswordProblem.SAME_AS_CURRENT.value,),
                min_length=self.ctx.policy(db).passwords.min_length,
            )

    def store_password(
        self, db: DbSession, user: User, new_hash: str, *, actor: str, keep: Session | None = None
    ) -> None:
        """The new password; every session of the account ends but ``keep``, the one that
        changed it (B2)."""
        sessions.end_all(db, user.id, keep=keep)
        user.password_hash = new_hash
        user.password_changed_at = self.ctx.now()
        user.must_change_password = False
        self.ctx.audit(db, AuditEventType.PASSWORD_CHANGED, actor=actor, subject=user.email)
