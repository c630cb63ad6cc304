"""The signed-in user's own account (``AuthService.my_account``): methods, password,
sessions.

Adding a method is the capability of its kind (``authenticator_apps``,
``security_keys``); recovery codes are ``recovery_codes``.  Every call's first line is
its guard (``core/guards.py``).
"""

from __future__ import annotations

from desktop_auth.core.context import ServiceContext
from desktop_auth.core.guards import Action, Guard
from desktop_auth.core.second_factor import SecondFactorFlow
from desktop_auth.core.session import Session
from desktop_auth.core.sessions import SessionInfo, end_one, sessions_of
from desktop_auth.core.sign_in_steps import SignInSteps, credentials_error
from desktop_auth.errors import MethodNotFoundError, SessionNotFoundError
from desktop_auth.factors.base import EnrolledMethod, RenamableFactor
from desktop_auth.store.models import User
from desktop_auth.vocabulary import AuditEventType, FactorKind, SecurityNotice


class MyAccount:
    """What a signed-in user may see and change of their own account."""

    def __init__(
        self,
        context: ServiceContext,
        guard: Guard,
        steps: SignInSteps,
        factors: SecondFactorFlow,
    ) -> None:
        self._ctx = context
        self._guard = guard
        self._steps = steps
        self._factors = factors

    def methods(self, session: Session) -> list[EnrolledMethod]:
        """The user's active second factors (no secret in them)."""
        self._guard.require(Action.VIEW_OWN_METHODS, session)
        with self._ctx.store.transaction() as db:
            return self._ctx.enrolled_methods(db, session.user_id)

    def remove_method(self, session: Session, kind: FactorKind, method_id: int) -> EnrolledMethod:
        """Needs a sign-in within the last minutes; never the last method while 2FA is required."""
        self._guard.require(Action.REMOVE_OWN_METHOD, session)
        return self._factors.remove(
            actor_label=f"user:{session.email}",
            user_id=session.user_id,
            kind=kind,
            method_id=method_id,
            by_owner=True,
        )

    def rename_method(
        self, session: Session, kind: FactorKind, method_id: int, label: str
    ) -> EnrolledMethod:
        """A new nickname (at most 60 characters) for one of the user's own methods; audited."""
        self._guard.require(Action.RENAME_OWN_METHOD, session)
        ctx = self._ctx
        provider = self._factors.provider(kind)
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

    def change_password(self, session: Session, current_password: str, new_password: str) -> None:
        """Self-service change: needs the current password (P8, ASVS 6.2.3)."""
        self._guard.require(Action.CHANGE_PASSWORD, session)
        ctx = self._ctx
        now = ctx.now()
        with ctx.store.transaction() as db:
            policy = ctx.policy(db)
            user = db.get_one(User, session.user_id)
        # T1 holds here too: a live session may not guess the password past the lock.
        closed = self._steps.check_password(
            user, current_password, policy, now, reason="wrong_current_password"
        )
        if closed is not None:
            raise credentials_error(closed, policy.throttle, now)
        with ctx.store.transaction() as db:
            self._steps.check_new_password(db, user, new_password)
        new_hash = ctx.hasher.hash(new_password)
        with ctx.store.transaction() as db:
            self._steps.store_password(
                db, db.get_one(User, user.id), new_hash, actor=user.email, keep=session
            )
        ctx.notify(SecurityNotice.PASSWORD_CHANGED, user.email)

    def security_mail(self, session: Session) -> bool:
        """Whether changes to this account are told by security e-mail now: False where
        no mail server is configured (the e-mails then wait in ``admin mail queue``), so
        a screen promises no e-mail that will not come."""
        self._guard.require(Action.VIEW_OWN_NOTICES, session)
        return self._ctx.notices_delivered()

    # --- where the user is signed in ------------------------------------------------

    def sessions(self, session: Session) -> list[SessionInfo]:
        """Every workstation this account is signed in on now, the asking one marked."""
        self._guard.require(Action.VIEW_OWN_SESSIONS, session)
        with self._ctx.store.transaction() as db:
            return sessions_of(db, session, self._ctx.now())

    def end_session(self, session: Session, session_id: int) -> None:
        """Sign one of the user's own sessions out (a workstation left signed in)."""
        self._guard.require(Action.END_OWN_SESSION, session)
        ctx = self._ctx
        with ctx.store.transaction() as db:
            if not end_one(db, session, session_id):
                raise SessionNotFoundError()
            ctx.audit(
                db,
                AuditEventType.SESSION_ENDED,
                actor=session.email,
                subject=session.email,
                details={"session": session_id},
            )
