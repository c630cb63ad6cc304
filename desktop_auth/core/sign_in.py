"""Signing in: the public sign-in capability (``AuthService.sign_in``).

Steps (DESIGN.md "Sign-in flow"): identify → password → (new password) →
second factor or setup → session.  Unknown address and wrong password give
one error in one time: the unknown path verifies a dummy hash.  Every outcome
is audited; failures feed the throttle.

Example::

    result = service.sign_in.with_password("jan@example.nl", password)
    if result.outcome is SignInOutcome.SECOND_FACTOR_REQUIRED:
        result = service.sign_in.with_second_factor(result.ticket, FactorKind.TOTP, code)
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session as DbSession

from desktop_auth.core import sessions, sign_in_tokens
from desktop_auth.core.context import ServiceContext
from desktop_auth.core.flow import PendingStage, SignInOutcome, SignInResult
from desktop_auth.core.identity import normalize_email
from desktop_auth.core.organisation import current_organisation
from desktop_auth.core.passphrase import Passphrase, suggest_passphrase
from desktop_auth.core.password_policy import PasswordAssessment
from desktop_auth.core.second_factor import SecondFactorFlow, assurance_of
from desktop_auth.core.session import AssuranceLevel, Session
from desktop_auth.core.sign_in_steps import SignInSteps, closed_result, credentials_error
from desktop_auth.core.sign_in_tokens import GATE_AUDIENCE, MAX_AUDIENCE_LENGTH, SignedToken
from desktop_auth.errors import (
    SetupNotDeferrableError,
    StoreNotInitializedError,
    TokenAudienceInvalidError,
)
from desktop_auth.factors.base import AfterSignIn, EnrolledMethod
from desktop_auth.store.models import User
from desktop_auth.vocabulary import AuditEventType, SecurityNotice

#: How often a passphrase suggestion is drawn at most before it is shown as it is.
SUGGESTION_DRAWS = 20


class SignIn:
    """Every way into a session: password, second factor, new password, "remind me later"."""

    def __init__(
        self, context: ServiceContext, steps: SignInSteps, factors: SecondFactorFlow
    ) -> None:
        self._ctx = context
        self._steps = steps
        self._factors = factors

    def with_password(self, email: str, password: str) -> SignInResult:
        """Step one of every sign-in; the result says what comes next."""
        ctx = self._ctx
        display_email, email_key = normalize_email(email)
        ctx.hasher.prepare_dummy()
        now = ctx.now()
        with ctx.store.transaction() as db:
            policy = ctx.policy(db)
            user = db.execute(select(User).where(User.email_key == email_key)).scalar_one_or_none()
        if user is None:
            return self._unknown_account(display_email, email_key, password, now)

        closed = self._steps.check_password(user, password, policy, now, reason="wrong_password")
        if closed is not None:
            with ctx.store.transaction() as db:
                ctx.audit(
                    db,
                    AuditEventType.SIGN_IN_REFUSED,
                    actor=user.email,
                    subject=user.email,
                    details={"reason": "locked"},
                )
            return closed_result(closed, policy, now)

        with ctx.store.transaction() as db:
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
            if user.must_change_password and now >= (
                user.password_changed_at + policy.temporary_password_lifetime
            ):
                ctx.audit(
                    db,
                    AuditEventType.SIGN_IN_REFUSED,
                    actor=user.email,
                    subject=user.email,
                    details={"reason": "temporary_password_expired"},
                )
                return SignInResult(outcome=SignInOutcome.TEMPORARY_PASSWORD_EXPIRED)
            return self._steps.after_password(db, user, policy, ["password"])

    def _unknown_account(
        self, display_email: str, email_key: str, password: str, now: datetime
    ) -> SignInResult:
        ctx = self._ctx
        reserved = ctx.unknown_accounts.reserve(email_key, now)
        with ctx.store.transaction() as db:  # the cost a stored password has now
            like = db.scalar(
                select(User.password_hash)
                .order_by(User.password_changed_at.desc(), User.id.desc())
                .limit(1)
            )
        # Closed or not, the same time as checking a stored password (T2).
        ctx.hasher.verify_dummy(password, like=like)
        with ctx.store.transaction() as db:
            policy = ctx.policy(db)
            if reserved is None:
                ctx.audit(
                    db,
                    AuditEventType.SIGN_IN_REFUSED,
                    actor=display_email,
                    subject=display_email,
                    details={"reason": "locked", "known": False},
                )
            else:
                ctx.audit(
                    db,
                    AuditEventType.SIGN_IN_FAILED,
                    actor=display_email,
                    subject=display_email,
                    details={"reason": "unknown_account", "failures": reserved.failures},
                )
        if reserved is None:
            return closed_result(ctx.unknown_accounts.closed_state(email_key, now), policy, now)
        raise credentials_error(reserved, policy.throttle, now)

    def _rehash(self, db: DbSession, user: User, password: str) -> None:
        new_hash = self._ctx.hasher.hash(password)
        # Compare-and-set: a password changed meanwhile on another workstation wins.
        db.execute(
            update(User)
            .where(User.id == user.id, User.password_hash == user.password_hash)
            .values(password_hash=new_hash)
        )
        self._ctx.audit(db, AuditEventType.PASSWORD_REHASHED, actor="system", subject=user.email)

    def complete_password_change(self, ticket: str, new_password: str) -> SignInResult:
        """Answer MUST_CHANGE_PASSWORD: replace a temporary password, then go on."""
        ctx = self._ctx
        pending = self._steps.pending.peek(ticket, PendingStage.CHANGE_PASSWORD, ctx.now())
        with ctx.store.transaction() as db:
            user = db.get_one(User, pending.user_id)
            self._steps.check_new_password(db, user, new_password)
        pending = self._steps.pending.take(ticket, PendingStage.CHANGE_PASSWORD, ctx.now())
        new_hash = ctx.hasher.hash(new_password)
        with ctx.store.transaction() as db:
            user = db.get_one(User, pending.user_id)
            self._steps.store_password(db, user, new_hash, actor=user.email)
            return self._steps.after_password(
                db,
                user,
                ctx.policy(db),
                pending.methods_used,
                assurance=pending.assurance,
                recovered=pending.recovered,
            )

    def remind_me_later(self, ticket: str) -> SignInResult:
        """Before the enforcement date: in with the password only (AAL1), reminded next time."""
        ctx = self._ctx
        pending = self._steps.pending.take(ticket, PendingStage.SETUP, ctx.now())
        if pending.deferrable_until is None or ctx.today() >= pending.deferrable_until:
            self._steps.pending.restore(ticket, pending)
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
            session = self._steps.open_session(
                db, user, ctx.policy(db), pending.methods_used, AssuranceLevel.AAL1
            )
        return SignInResult(outcome=SignInOutcome.DONE, session=session)

    def with_second_factor(self, ticket: str, kind: str, response: str) -> SignInResult:
        """Answer SECOND_FACTOR_REQUIRED with one method's response; a wrong one gives the
        ticket back.  For ``FactorKind.TOTP`` the code; for ``WEBAUTHN`` the client's
        AuthenticationResponseJSON to ``security_keys.begin_sign_in``.

        The ticket is taken in the check's own transaction, before the check: one ticket
        never carries two answers at once (two workstations racing on it cannot both
        spend a code), and a server that dies half-way leaves the ticket and the code as
        they were, for the workstation to send again to another server.
        """
        ctx = self._ctx
        provider = self._factors.provider(kind)
        with ctx.store.transaction() as db:  # one transaction for what the check needs
            peeked = self._steps.pending.peek_in(db, ticket, PendingStage.SECOND_FACTOR, ctx.now())
            user = db.get_one(User, peeked.user_id)
            policy = ctx.policy(db)

        def answer(db: DbSession) -> EnrolledMethod:
            nonlocal peeked
            peeked = self._steps.pending.take_in(db, ticket, PendingStage.SECOND_FACTOR, ctx.now())
            return provider.verify(db, user_id=user.id, response=response, now=ctx.now())

        def signed_in(db: DbSession, locked: User, method: EnrolledMethod) -> SignInResult:
            # A recovery or backup code: the way back in leads only to setting up again.
            return self._steps.after_password(
                db,
                locked,
                policy,
                [*peeked.methods_used, method.kind],
                assurance=assurance_of(method),
                recovered=provider.after_sign_in is AfterSignIn.SETUP_AGAIN,
            )

        result = self._factors.checked(provider, answer, user, policy, then=signed_in)
        if provider.used_notice is not None:
            ctx.notify(SecurityNotice(provider.used_notice), user.email)
        return result

    def resume(self, token: str) -> Session:
        """The session a token stands for, as the store has it now: for the sign-in
        server, which receives only the token, and for a command line that kept one.
        ``SessionEndedError`` or ``SessionExpiredError`` when it is no (longer a) session."""
        ctx = self._ctx
        with ctx.store.transaction() as db:
            return sessions.by_token(db, token, ctx.policy(db), ctx.now())

    def sign_out(self, session: Session) -> None:
        """End this session: its token works no more, on any workstation.  Signing out
        twice, or a session that already ended, is not an error."""
        ctx = self._ctx
        with ctx.store.transaction() as db:
            if sessions.end(db, session):
                ctx.audit(db, AuditEventType.SIGNED_OUT, actor=session.email, subject=session.email)

    # --- signed tokens, for what the sign-in protects ---------------------------------------

    def signed_token(self, session: Session, audience: str = GATE_AUDIENCE) -> SignedToken:
        """A short-lived JWT (EdDSA) saying who signed in, how and how strongly, for
        ``audience`` alone: what ``gate`` hands a program or web application, which
        verifies it against ``public_keys``.  Only for a live session."""
        if not audience or len(audience) > MAX_AUDIENCE_LENGTH or not audience.isprintable():
            raise TokenAudienceInvalidError()
        ctx = self._ctx
        with ctx.store.transaction() as db:
            live = sessions.live_session(db, session, ctx.policy(db), ctx.now())
            organisation = current_organisation(db)
            if organisation is None:
                raise StoreNotInitializedError()
            signed = sign_in_tokens.sign(
                ctx.secret_box(db), live, audience=audience, rp_id=organisation.rp_id, now=ctx.now()
            )
            ctx.audit(
                db,
                AuditEventType.SIGNED_TOKEN_ISSUED,
                actor=live.email,
                subject=live.email,
                details={"audience": audience, "kid": signed.key_id},
            )
        return signed

    def public_keys(self) -> dict[str, Any]:
        """The JWKS that verifies ``signed_token``'s tokens (public; served at
        ``/.well-known/jwks.json`` and printed by ``desktop-auth jwks``)."""
        ctx = self._ctx
        with ctx.store.transaction() as db:
            return sign_in_tokens.public_keys(ctx.secret_box(db), ctx.now())

    # --- passwords, for the forms --------------------------------------------------------

    def assess_password(self, password: str, email: str) -> PasswordAssessment:
        """For a live strength meter: the policy's verdict on a candidate password."""
        with self._ctx.store.transaction() as db:
            return self._ctx.assess_new_password(db, password, email)

    def suggest_passphrase(self, language: str = "en", email: str = "") -> Passphrase:
        """Random words (>= 77 bits) that the policy accepts as ``email``'s new password.

        Drawn again when the words hold a context word, even across two of them
        ("bikini-nail" holds "nina"): a suggestion the meter then refused would teach
        people to ignore it.  Redrawing the rare refused one costs no real entropy.
        """
        with self._ctx.store.transaction() as db:
            for _ in range(SUGGESTION_DRAWS):
                candidate = suggest_passphrase(language)
                if self._ctx.assess_new_password(db, candidate.text, email).acceptable:
                    break
        return candidate
