"""Security keys and Windows Hello (``AuthService.security_keys``): setting them up, the
second-factor step, passwordless, and the client that talks to the key.

The relying-party rules are ``factors/webauthn.py``'s; this module adds the set-up
steps (a password-verified setup ticket, or a session the guard lets bind: M7), the
audit trail, the notices, and the passwordless sign-in ("one tap or your
fingerprint"), which yields a session on its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from desktop_auth.devices.ctap import KeyPrompts, SecurityKeyClient

import uuid
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy.orm import Session as DbSession

from desktop_auth.core.context import ServiceContext
from desktop_auth.core.flow import PendingStage, SignInOutcome, SignInResult
from desktop_auth.core.guards import Action, Guard
from desktop_auth.core.key_trust import key_model_in
from desktop_auth.core.policy import Policy
from desktop_auth.core.second_factor import SecondFactorFlow, assurance_of
from desktop_auth.core.session import Session
from desktop_auth.core.sign_in_steps import SignInSteps
from desktop_auth.core.users import lock_user
from desktop_auth.errors import InvalidInputError, PasswordlessDisabledError, SecondFactorError
from desktop_auth.factors.base import EnrolledMethod
from desktop_auth.factors.webauthn import Ceremony, KeyPolicy, RelyingParty, WebAuthnFactor
from desktop_auth.store.models import User
from desktop_auth.vocabulary import METHODS, AuditEventType, SecurityNotice

Response = str | Mapping[str, Any]


def key_policy(policy: Policy, *, demo: bool, anchors_exist: bool = False) -> KeyPolicy:
    """What the relying party asks of and accepts from authenticators, by the policy (W5):
    user verification, attestation, the AAGUID allow-list, synced passkeys, and the kinds
    of key the allowed methods name (a platform one for Windows Hello, a roaming one for a
    key); ``anchors_exist``: attestation can be verified (A1)."""
    return KeyPolicy(
        user_verification=policy.webauthn_user_verification,
        attestation_required=policy.attestation_required,
        aaguid_allowlist=policy.aaguid_allowlist,
        allow_soft_authenticator=demo,
        anchors_exist=anchors_exist,
        synced_passkeys_allowed=policy.synced_passkeys_allowed,
        attachments=tuple(
            info.attachment
            for info in METHODS
            if info.attachment is not None and policy.allows(info.method)
        ),
    )


class SecurityKeys:
    """WebAuthn ceremonies: this side is the relying party; ``client()`` is the other side."""

    def __init__(
        self,
        context: ServiceContext,
        guard: Guard,
        steps: SignInSteps,
        flow: SecondFactorFlow,
        webauthn: WebAuthnFactor,
        relying_party: Callable[[DbSession], RelyingParty],
        client: Callable[[str, KeyPrompts | None], SecurityKeyClient],
    ) -> None:
        self._ctx = context
        self._guard = guard
        self._steps = steps
        self._flow = flow
        self._webauthn = webauthn
        self._relying_party = relying_party
        self._client = client

    # --- registration -----------------------------------------------------------------

    def _begin(self, user_id: int, nickname: str) -> Ceremony:
        ctx = self._ctx
        kind = self._webauthn.kind
        with self._flow.allowed_by_policy(user_id, kind), ctx.store.transaction() as db:
            user = db.get_one(User, user_id)
            ceremony = self._webauthn.begin_registration(
                db, user=user, nickname=nickname, now=ctx.now()
            )
            ctx.audit(
                db,
                AuditEventType.FACTOR_ENROLLMENT_STARTED,
                actor=user.email,
                subject=user.email,
                details={"kind": self._webauthn.kind},
            )
            return ceremony

    def _finish(self, user_id: int, response: Response) -> EnrolledMethod:
        ctx = self._ctx
        kind = self._webauthn.kind
        try:
            with self._flow.allowed_by_policy(user_id, kind), ctx.store.transaction() as db:
                user = lock_user(db, user_id)
                method = self._webauthn.finish_registration(
                    db,
                    user_id=user.id,
                    response=response,
                    workstation=ctx.workstation,
                    now=ctx.now(),
                )
                self._flow.factor_added(db, user, method)
        except SecondFactorError as refused:
            with ctx.store.transaction() as db:
                self._webauthn.after_failure(db, user_id=user_id, error=refused)
            raise
        ctx.notify(SecurityNotice.FACTOR_ADDED, user.email)
        return method

    def begin_setup(self, ticket: str, nickname: str) -> Ceremony:
        """Answer SETUP_REQUIRED with a key: hand ``options`` to ``client().register``."""
        return self._begin(self._flow.setup_user(ticket).user_id, nickname)

    def finish_setup(self, ticket: str, response: Response) -> SignInResult:
        """The RegistrationResponseJSON; the new key completes the sign-in."""
        method = self._finish(self._flow.setup_user(ticket).user_id, response)
        return self._flow.finish_setup(ticket, method)

    def begin_add(self, session: Session, nickname: str) -> Ceremony:
        """A spare key, or Windows Hello beside a key."""
        self._guard.require(Action.ADD_METHOD, session)
        return self._begin(session.user_id, nickname)

    def finish_add(self, session: Session, response: Response) -> EnrolledMethod:
        """The client's RegistrationResponseJSON for ``begin_add``; active from now on."""
        self._guard.require(Action.FINISH_ADD_METHOD, session)
        return self._finish(session.user_id, response)

    # --- signing in -------------------------------------------------------------------

    def begin_sign_in(self, ticket: str) -> Ceremony:
        """Answer SECOND_FACTOR_REQUIRED with a key: options for "Touch your security key";
        the client's answer goes to ``sign_in.with_second_factor(ticket, WEBAUTHN, …)``."""
        ctx = self._ctx
        pending = self._steps.pending.peek(ticket, PendingStage.SECOND_FACTOR, ctx.now())
        with ctx.store.transaction() as db:
            return self._webauthn.begin_authentication(db, user_id=pending.user_id, now=ctx.now())

    def begin_passwordless(self) -> Ceremony:
        """ "Sign in with security key or fingerprint": no e-mail, no password."""
        ctx = self._ctx
        with ctx.store.transaction() as db:
            if not ctx.policy(db).passwordless_allowed:
                raise PasswordlessDisabledError()
            return self._webauthn.begin_authentication(db, user_id=None, now=ctx.now())

    def finish_passwordless(self, response: str) -> SignInResult:
        """A discoverable credential with user verification: a session without a password."""
        ctx = self._ctx
        now = ctx.now()
        try:
            with ctx.store.transaction() as db:
                policy = ctx.policy(db)
                if not policy.passwordless_allowed:
                    raise PasswordlessDisabledError()
                user_id, method = self._webauthn.identify(db, response=response, now=now)
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
                self._webauthn.after_failure(db, user_id=0, error=wrong)
                ctx.audit(
                    db,
                    AuditEventType.SIGN_IN_FAILED,
                    actor="unknown",
                    subject=None,
                    details={"reason": wrong.code, "kind": self._webauthn.kind},
                )
            raise
        with ctx.store.transaction() as db:
            user = db.get_one(User, user_id)
            refused = self._steps.refusal(db, user, policy)
            if refused is not None:
                return refused
            session = self._steps.open_session(
                db, user, policy, [method.kind], assurance_of(method)
            )
        return SignInResult(outcome=SignInOutcome.DONE, session=session)

    # --- the client side ----------------------------------------------------------------

    def note_key_erased(self, session: Session, aaguid: str) -> None:
        """The employee erased a security key on this workstation (its PIN and every
        sign-in on it are gone): recorded, so the helpdesk can tell why that key stopped
        working.  The key's registration stays listed until it is removed."""
        self._guard.require(Action.VIEW_OWN_METHODS, session)
        try:
            model = str(uuid.UUID(aaguid))  # the key's model id: nothing of the key's secrets
        except ValueError as error:
            raise InvalidInputError() from error
        with self._ctx.store.transaction() as db:
            self._ctx.audit(
                db,
                AuditEventType.SECURITY_KEY_ERASED,
                actor=session.email,
                subject=session.email,
                details={"aaguid": model},
            )

    def model_name(self, session: Session, aaguid: str) -> str | None:
        """A security key's model by its AAGUID, as the FIDO metadata the organisation
        imported names it ("YubiKey 5 Series with NFC"); None where it is not listed."""
        self._guard.require(Action.VIEW_OWN_METHODS, session)
        with self._ctx.store.transaction() as db:
            return key_model_in(db, aaguid)

    def client(self, prompts: KeyPrompts | None = None) -> SecurityKeyClient:
        """The client for this relying party: the first key found (the software key in
        demo mode), or Windows Hello where Windows offers it; ``prompts`` shows touch, PIN
        and fingerprint requests to the person."""
        return self._client(f"https://{self.relying_party().rp_id}", prompts)

    def relying_party(self) -> RelyingParty:
        """This organisation as a WebAuthn relying party: its id, name and origins."""
        with self._ctx.store.transaction() as db:
            return self._relying_party(db)
