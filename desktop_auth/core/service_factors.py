"""AuthService's second-factor methods: apps, security keys, recovery and backup codes.

A part of the ``AuthService`` facade (``core/service.py``), kept apart so that each
module reads at once; callers use ``AuthService``, never this class.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from fido2.ctap import CtapDevice
from sqlalchemy.orm import Session as DbSession

from desktop_auth.core.administration import UserAdministration
from desktop_auth.core.authenticator_apps import DEFAULT_LABEL, AuthenticatorApps
from desktop_auth.core.context import ServiceContext
from desktop_auth.core.flow import SignInResult
from desktop_auth.core.methods import SECURITY_KEY, WINDOWS_HELLO
from desktop_auth.core.policy import load_policy
from desktop_auth.core.recovery_codes import BackupCodeSlip, RecoveryCodes, RecoverySheet
from desktop_auth.core.second_factor import SecondFactorFlow
from desktop_auth.core.security_keys import SecurityKeys
from desktop_auth.core.session import Session
from desktop_auth.core.users import Actor
from desktop_auth.devices.ctap import (
    KeyPrompts,
    SecurityKeyClient,
    windows_hello_available,
)
from desktop_auth.errors import StoreNotInitializedError
from desktop_auth.factors.backup_code import IssuedBackupCode
from desktop_auth.factors.base import EnrolledMethod
from desktop_auth.factors.recovery import RecoveryStatus
from desktop_auth.factors.totp import TotpEnrollment
from desktop_auth.factors.webauthn import Ceremony, KeyPolicy, RelyingParty
from desktop_auth.store.settings import ORGANISATION_NAME, RP_ID, get_setting


class FactorMethods:
    """Mixed into ``AuthService``, which sets these up."""

    _context: ServiceContext
    _second_factor: SecondFactorFlow
    _apps: AuthenticatorApps
    _keys: SecurityKeys
    _recovery: RecoveryCodes
    _admin: UserAdministration
    _demo: bool
    _extra_origins: tuple[str, ...]
    _security_keys: Callable[[], Iterable[CtapDevice]]

    # --- second factors ----------------------------------------------------------------

    def verify_second_factor(self, ticket: str, kind: str, response: str) -> SignInResult:
        """Answer SECOND_FACTOR_REQUIRED with one method's response (for "totp": the code)."""
        return self._second_factor.complete(ticket, kind, response)

    def begin_totp_setup(self, ticket: str, label: str = DEFAULT_LABEL) -> TotpEnrollment:
        """Answer SETUP_REQUIRED with an authenticator app: a QR code and the typed key."""
        return self._apps.begin_setup(ticket, label)

    def finish_totp_setup(self, ticket: str, enrollment_id: int, code: str) -> SignInResult:
        """A current code proves the app; the sign-in completes at AAL2."""
        return self._apps.finish_setup(ticket, enrollment_id, code)

    def begin_add_totp(self, session: Session, label: str) -> TotpEnrollment:
        """Another app (a tablet beside the phone), from a session at AAL2 or above."""
        return self._apps.begin_add(session, label)

    def finish_add_totp(self, session: Session, enrollment_id: int, code: str) -> EnrolledMethod:
        return self._apps.finish_add(session, enrollment_id, code)

    def my_methods(self, session: Session) -> list[EnrolledMethod]:
        with self._context.store.transaction() as db:
            return self._context.enrolled_methods(db, session.user_id)

    def remove_my_method(self, session: Session, kind: str, method_id: int) -> EnrolledMethod:
        """Needs a sign-in within the last minutes; never the last method while 2FA is required."""
        return self._second_factor.remove(
            actor_label=f"user:{session.email}",
            user_id=session.user_id,
            kind=kind,
            method_id=method_id,
            session=session,
        )

    # --- security keys and Windows Hello (WebAuthn) ------------------------------------

    def begin_security_key_setup(self, ticket: str, nickname: str) -> Ceremony:
        """Answer SETUP_REQUIRED with a security key: hand ``options`` to a WebAuthn client."""
        return self._keys.begin_setup(ticket, nickname)

    def finish_security_key_setup(
        self, ticket: str, response: str | Mapping[str, Any]
    ) -> SignInResult:
        """The RegistrationResponseJSON; the new key completes the sign-in."""
        return self._keys.finish_setup(ticket, response)

    def begin_add_security_key(self, session: Session, nickname: str) -> Ceremony:
        return self._keys.begin_add(session, nickname)

    def finish_add_security_key(
        self, session: Session, response: str | Mapping[str, Any]
    ) -> EnrolledMethod:
        return self._keys.finish_add(session, response)

    def begin_security_key_sign_in(self, ticket: str) -> Ceremony:
        """Answer SECOND_FACTOR_REQUIRED with a key; pass the client's AuthenticationResponseJSON
        to ``verify_second_factor(ticket, "webauthn", response)``."""
        return self._keys.begin_second_factor(ticket)

    def begin_passwordless_sign_in(self) -> Ceremony:
        """ "Sign in with security key or fingerprint": no e-mail, no password."""
        return self._keys.begin_passwordless()

    def complete_passwordless_sign_in(self, response: str) -> SignInResult:
        return self._keys.complete_passwordless(response)

    def security_key_client(self, prompts: KeyPrompts | None = None) -> SecurityKeyClient:
        """The client side for this relying party: the first key found (the software key in
        demo mode), or Windows Hello where Windows offers it; ``prompts`` shows touch, PIN
        and fingerprint requests to the person."""
        return SecurityKeyClient(
            f"https://{self.relying_party().rp_id}",
            prompts=prompts,
            devices=self._security_keys,
            use_windows_hello=not self._demo and windows_hello_available(),
        )

    def relying_party(self) -> RelyingParty:
        with self._context.store.transaction() as db:
            return self._relying_party(db)

    def _relying_party(self, db: DbSession) -> RelyingParty:
        name, rp_id = get_setting(db, ORGANISATION_NAME), get_setting(db, RP_ID)
        if name is None or rp_id is None:
            raise StoreNotInitializedError()
        return RelyingParty(
            rp_id=rp_id, name=name, origins=(f"https://{rp_id}", *self._extra_origins)
        )

    def _key_policy(self, db: DbSession) -> KeyPolicy:
        policy = load_policy(db)
        return KeyPolicy(
            user_verification=policy.webauthn_user_verification,
            attestation_required=policy.attestation_required,
            aaguid_allowlist=policy.aaguid_allowlist,
            allow_soft_authenticator=self._demo,
            attachments=tuple(
                attachment
                for method, attachment in (
                    (SECURITY_KEY, "cross-platform"),
                    (WINDOWS_HELLO, "platform"),
                )
                if policy.allows(method)
            ),
        )

    def rename_my_method(
        self, session: Session, kind: str, method_id: int, label: str
    ) -> EnrolledMethod:
        """A new nickname (at most 60 characters) for one of the user's own methods."""
        return self._second_factor.rename(session, kind, method_id, label)

    # --- recovery codes and backup codes -----------------------------------------------

    def generate_recovery_codes(self, session: Session) -> RecoverySheet:
        """A new batch (the old stops working at once); needs a sign-in within 5 minutes.

        The codes exist only in the returned sheet: show, print or save them now.
        """
        return self._recovery.generate(session)

    def recovery_codes_left(self, session: Session) -> RecoveryStatus:
        """How many are left (``running_low`` at 3 or fewer); never the codes."""
        return self._recovery.status(session.user_id)

    def issue_backup_code(
        self, *, actor: Actor, email: str, remove_methods: bool = True
    ) -> IssuedBackupCode:
        """Helpdesk: a one-time code (24 h) that leads only to setting up 2FA again.

        By default the user's methods and recovery codes stop working at once (they
        may be lost with the phone); ``remove_methods=False`` keeps them until the
        user has set up again, when the new method replaces them anyway.
        """
        self._admin.authorize(actor, destructive=True)
        return self._recovery.issue_backup_code(
            actor=actor, email=email, remove_methods=remove_methods
        )

    def backup_code_slip(self, issued: IssuedBackupCode) -> BackupCodeSlip:
        """What the helpdesk prints for the user: the code, until when, and what to do."""
        with self._context.store.transaction() as db:
            organisation = get_setting(db, ORGANISATION_NAME)
        if organisation is None:
            raise StoreNotInitializedError()
        return BackupCodeSlip(
            organisation=organisation,
            email=issued.email,
            expires_at=issued.expires_at,
            code=issued.code,
        )
