"""Security keys and Windows Hello (WebAuthn relying party, on python-fido2's Fido2Server).

Options and responses cross this boundary in the W3C JSON forms, so any
conforming client can drive it.  ``Fido2Server`` checks type, challenge, origin,
rp id hash, UP, UV when required and the signature; this module adds what it
leaves to us (SECURITY.md W1-W6): the signature counter, unique credential ids,
the credential belonging to the account, single-use expiring challenges, the
authenticator policy (UV, attestation, AAGUID allow-list, the demo key) and
exact origins.
"""

from __future__ import annotations

import json
import secrets
import struct
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast
from uuid import UUID

from fido2 import cbor
from fido2.cose import CoseKey
from fido2.server import Fido2Server
from fido2.utils import websafe_encode
from fido2.webauthn import (
    AttestationConveyancePreference,
    AttestedCredentialData,
    AuthenticationResponse,
    AuthenticatorAttachment,
    AuthenticatorData,
    PublicKeyCredentialRpEntity,
    PublicKeyCredentialUserEntity,
    RegistrationResponse,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session as DbSession

from desktop_auth.devices.soft import SOFT_AAGUID
from desktop_auth.errors import (
    MethodNotAllowedError,
    MethodNotFoundError,
    SecondFactorError,
    SecurityKeyBackupFlagsError,
    SecurityKeyClonedError,
    SecurityKeyRegisteredError,
    SecurityKeyRejectedError,
    SecurityKeySyncedError,
    SecurityKeyUnknownError,
)
from desktop_auth.factors import attestation
from desktop_auth.factors.attestation import TrustAnchors
from desktop_auth.factors.base import AfterSignIn, EnrolledMethod
from desktop_auth.factors.ceremonies import LIFETIME, Ceremonies, PendingCeremony
from desktop_auth.factors.totp import clean_label
from desktop_auth.store.models import User, WebAuthnCredential
from desktop_auth.vocabulary import CeremonyPurpose, FactorKind, UserVerification

KIND = FactorKind.WEBAUTHN
STRENGTH = 20  # offered first: phishing-resistant


@dataclass(frozen=True, kw_only=True)
class RelyingParty:
    rp_id: str
    name: str
    #: Exact origins accepted in clientDataJSON (W6); the first is ``https://<rp id>``.
    origins: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class KeyPolicy:
    user_verification: str
    attestation_required: bool
    aaguid_allowlist: tuple[str, ...]
    #: Demo mode: the software authenticator is welcome.
    allow_soft_authenticator: bool
    #: Some trust anchor exists (the FIDO metadata, the organisation's roots: A1), so an
    #: attestation can be verified; the anchors themselves are read only to verify one.
    anchors_exist: bool = False
    #: Passkeys that may be copied to other devices (backup eligible, BE=1) are welcome.
    synced_passkeys_allowed: bool = False
    #: What may be set up: "cross-platform" (security keys), "platform" (Windows Hello).
    #: Asked of the client only: what a client says it used is unsigned (and Windows'
    #: WebAuthn API reports "cross-platform" even for Hello), so no response is judged
    #: by it.  The policy's attestation and AAGUID allow-list bind the models themselves.
    attachments: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class Ceremony:
    """Hand ``options`` to a WebAuthn client; the answer comes back with the challenge."""

    ceremony_id: str
    options: Mapping[str, Any]
    expires_at: datetime


def _method(row: WebAuthnCredential, *, aal3: bool = False) -> EnrolledMethod:
    return EnrolledMethod(
        kind=KIND,
        method_id=row.id,
        label=row.nickname,
        created_at=row.created_at,
        last_used_at=row.last_used_at,
        workstation=row.workstation,
        strength=STRENGTH,
        flagged=row.possibly_cloned,
        aal3=aal3,
        model=row.model,
    )


def _attested(row: WebAuthnCredential) -> AttestedCredentialData:
    key = CoseKey.parse(cast(Mapping[int, Any], cbor.decode(row.public_key)))
    return AttestedCredentialData.create(UUID(row.aaguid).bytes, row.credential_id, key)


def _check_backup_flags(flags: AuthenticatorData.FLAG) -> None:
    """Backed up (BS) but not backup-eligible (BE) cannot happen (WebAuthn L3 §6.1)."""
    if flags & AuthenticatorData.FLAG.BS and not flags & AuthenticatorData.FLAG.BE:
        raise SecurityKeyBackupFlagsError()


#: What a malformed answer raises on its way through json and python-fido2's parsers
#: (a list where a mapping belongs, short binary fields, JSON nested thousands deep):
#: each is a refused answer, never a crash (issue 16 item 13).
_UNREADABLE = (
    ValueError,
    KeyError,
    TypeError,
    AttributeError,
    IndexError,
    OverflowError,
    RecursionError,
    struct.error,
)
#: A real answer is a few kilobytes; the server's body limit (64 KiB) holds in-process too.
MAX_RESPONSE_CHARACTERS = 64 * 1024


def _parse(response: str | Mapping[str, Any]) -> Mapping[str, Any]:
    if isinstance(response, str):
        if len(response) > MAX_RESPONSE_CHARACTERS:
            raise SecurityKeyRejectedError()
        try:
            loaded = json.loads(response)
        except _UNREADABLE as exc:
            raise SecurityKeyRejectedError() from exc
        if not isinstance(loaded, dict):
            raise SecurityKeyRejectedError()
        return loaded
    return response


class WebAuthnFactor:
    kind = KIND
    after_sign_in = AfterSignIn.SESSION
    used_notice: str | None = None
    guessable = False  # a signature cannot be guessed

    def __init__(
        self,
        relying_party: Callable[[DbSession], RelyingParty],
        key_policy: Callable[[DbSession], KeyPolicy],
        trust_anchors: Callable[[DbSession], TrustAnchors] = lambda db: TrustAnchors(),
    ) -> None:
        self._relying_party = relying_party
        self._key_policy = key_policy
        self._trust_anchors = trust_anchors
        self.ceremonies = Ceremonies()

    def _server(self, db: DbSession) -> Fido2Server:
        rp = self._relying_party(db)
        policy = self._key_policy(db)
        # Asked for whenever it can count: required, an allow-list, or anchors to earn AAL3.
        wanted = policy.attestation_required or policy.aaguid_allowlist or policy.anchors_exist
        return Fido2Server(
            PublicKeyCredentialRpEntity(id=rp.rp_id, name=rp.name),
            attestation=(
                AttestationConveyancePreference.DIRECT
                if wanted
                else AttestationConveyancePreference.NONE
            ),
            verify_origin=lambda origin: origin in rp.origins,  # exact match only (W6)
        )

    def _rows(self, db: DbSession, user_id: int) -> list[WebAuthnCredential]:
        query = select(WebAuthnCredential).where(WebAuthnCredential.user_id == user_id)
        return list(db.execute(query.order_by(WebAuthnCredential.id)).scalars())

    def enrolled_methods(self, db: DbSession, user_id: int, now: datetime) -> list[EnrolledMethod]:
        return [_method(row) for row in self._rows(db, user_id)]

    # --- registration -----------------------------------------------------------------

    def begin_registration(
        self, db: DbSession, *, user: User, nickname: str, now: datetime
    ) -> Ceremony:
        name = clean_label(nickname)
        if user.webauthn_handle is None:
            user.webauthn_handle = secrets.token_bytes(32)
            db.flush()
        policy = self._key_policy(db)
        if not policy.attachments:
            raise MethodNotAllowedError()
        only = policy.attachments[0] if len(policy.attachments) == 1 else None
        options, state = self._server(db).register_begin(
            PublicKeyCredentialUserEntity(
                id=user.webauthn_handle, name=user.email, display_name=user.display_name
            ),
            credentials=[_attested(row) for row in self._rows(db, user.id)],
            resident_key_requirement=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement(policy.user_verification),
            # Only one kind allowed: the client offers only that kind.
            authenticator_attachment=None if only is None else AuthenticatorAttachment(only),
            # credProps: the client tells whether it became discoverable.  prf: the key makes
            # the credential with hmac-secret, which the recovery-code vault opens with;
            # Windows Hello enables PRF only when it is evaluated at creation, so a throw-away
            # salt goes along (the workstation keeps the output to itself).
            extensions={
                "credProps": True,
                "prf": {"eval": {"first": websafe_encode(secrets.token_bytes(32))}},
            },
        )
        pending = PendingCeremony(
            purpose=CeremonyPurpose.REGISTER,
            user_id=user.id,
            state=state,
            expires_at=now + LIFETIME,
            nickname=name,
        )
        ceremony_id = self.ceremonies.open(db, pending, now)
        return Ceremony(
            ceremony_id=ceremony_id, options=dict(options.public_key), expires_at=pending.expires_at
        )

    def finish_registration(
        self,
        db: DbSession,
        *,
        user_id: int,
        response: str | Mapping[str, Any],
        workstation: str,
        now: datetime,
    ) -> EnrolledMethod:
        """Verify the new credential (it proves possession) and store it."""
        data = _parse(response)
        try:
            registration = RegistrationResponse.from_dict(data)
            challenge = websafe_encode(registration.response.client_data.challenge)
        except _UNREADABLE as exc:
            raise SecurityKeyRejectedError() from exc
        pending = self.ceremonies.take(db, challenge, CeremonyPurpose.REGISTER, user_id, now)
        try:
            return self._register(db, pending, registration, data, user_id, workstation, now)
        except SecondFactorError as refused:
            Ceremonies.mark_spent(refused, challenge)
            raise

    def _register(
        self,
        db: DbSession,
        pending: PendingCeremony,
        registration: RegistrationResponse,
        data: Mapping[str, Any],
        user_id: int,
        workstation: str,
        now: datetime,
    ) -> EnrolledMethod:
        server = self._server(db)
        try:
            auth_data = server.register_complete(pending.state, registration)
        except ValueError as exc:
            raise SecurityKeyRejectedError() from exc
        credential = auth_data.credential_data
        if credential is None:
            raise SecurityKeyRejectedError()
        policy = self._key_policy(db)
        if not policy.attachments:  # switched off since the ceremony began
            raise MethodNotAllowedError()
        flags = auth_data.flags
        _check_backup_flags(flags)
        if flags & AuthenticatorData.FLAG.BE and not policy.synced_passkeys_allowed:
            raise SecurityKeySyncedError()
        attested = attestation.check(
            registration.response.attestation_object,
            registration.response.client_data.hash,
            UUID(bytes=bytes(credential.aaguid)),
            required=policy.attestation_required,
            allowlist=policy.aaguid_allowlist,
            soft_allowed=policy.allow_soft_authenticator,
            soft_aaguid=SOFT_AAGUID,
            anchors=self._trust_anchors(db) if policy.anchors_exist else TrustAnchors(),
        )
        taken = db.execute(
            select(WebAuthnCredential.id).where(
                WebAuthnCredential.credential_id == credential.credential_id
            )
        ).first()
        if taken is not None:
            raise SecurityKeyRegisteredError()
        row = WebAuthnCredential(
            user_id=user_id,
            credential_id=credential.credential_id,
            public_key=cbor.encode(dict(credential.public_key)),
            sign_count=auth_data.counter,
            aaguid=str(UUID(bytes=bytes(credential.aaguid))),
            transports=",".join(data.get("response", {}).get("transports") or []),
            attestation_format=registration.response.attestation_object.fmt,
            user_verified=bool(flags & AuthenticatorData.FLAG.UV),
            backup_eligible=bool(flags & AuthenticatorData.FLAG.BE),
            backup_state=bool(flags & AuthenticatorData.FLAG.BS),
            discoverable=bool(
                (data.get("clientExtensionResults") or {}).get("credProps", {}).get("rk", False)
            ),
            nickname=pending.nickname,
            workstation=workstation,
            created_at=now,
            model=attested.model,
            hardware_attested=attested.hardware,
        )
        db.add(row)
        db.flush()
        return _method(row)

    # --- authentication ---------------------------------------------------------------

    def begin_authentication(
        self, db: DbSession, *, user_id: int | None, now: datetime
    ) -> Ceremony:
        """For a known account (second factor), or for whoever's key answers (passwordless)."""
        if user_id is None:
            purpose, credentials, uv = CeremonyPurpose.PASSWORDLESS, None, UserVerification.REQUIRED
        else:
            rows = [r for r in self._rows(db, user_id) if not r.possibly_cloned]
            if not rows:
                raise MethodNotFoundError()
            purpose, credentials, uv = (
                CeremonyPurpose.AUTHENTICATE,
                [_attested(r) for r in rows],
                None,
            )
        policy = self._key_policy(db)
        options, state = self._server(db).authenticate_begin(
            credentials,
            user_verification=UserVerificationRequirement(uv or policy.user_verification),
        )
        pending = PendingCeremony(
            purpose=purpose, user_id=user_id, state=state, expires_at=now + LIFETIME
        )
        ceremony_id = self.ceremonies.open(db, pending, now)
        return Ceremony(
            ceremony_id=ceremony_id, options=dict(options.public_key), expires_at=pending.expires_at
        )

    def verify(
        self, db: DbSession, *, user_id: int, response: str, now: datetime
    ) -> EnrolledMethod:
        """The second factor: an assertion from one of this user's keys (W3)."""
        assertion = self._assertion(response)
        challenge = self._challenge(assertion)
        pending = self.ceremonies.take(db, challenge, CeremonyPurpose.AUTHENTICATE, user_id, now)
        try:
            return self._check(db, pending, assertion, user_id, now)
        except SecondFactorError as refused:
            Ceremonies.mark_spent(refused, challenge)
            raise

    def identify(
        self, db: DbSession, *, response: str, now: datetime
    ) -> tuple[int, EnrolledMethod]:
        """Passwordless: the user handle names an account, and the key must be its key (W3)."""
        assertion = self._assertion(response)
        challenge = self._challenge(assertion)
        pending = self.ceremonies.take(db, challenge, CeremonyPurpose.PASSWORDLESS, None, now)
        try:
            return self._identified(db, pending, assertion, now)
        except SecondFactorError as refused:
            Ceremonies.mark_spent(refused, challenge)
            raise

    def _identified(
        self,
        db: DbSession,
        pending: PendingCeremony,
        assertion: AuthenticationResponse,
        now: datetime,
    ) -> tuple[int, EnrolledMethod]:
        handle = assertion.response.user_handle
        user = (
            db.execute(select(User).where(User.webauthn_handle == handle)).scalar_one_or_none()
            if handle
            else None
        )
        if user is None:
            raise SecurityKeyUnknownError()
        return user.id, self._check(db, pending, assertion, user.id, now)

    @staticmethod
    def _assertion(response: str | Mapping[str, Any]) -> AuthenticationResponse:
        try:
            return AuthenticationResponse.from_dict(_parse(response))
        except _UNREADABLE as exc:
            raise SecurityKeyRejectedError() from exc

    @staticmethod
    def _challenge(assertion: AuthenticationResponse) -> str:
        return websafe_encode(assertion.response.client_data.challenge)

    def _check(
        self,
        db: DbSession,
        pending: PendingCeremony,
        assertion: AuthenticationResponse,
        user_id: int,
        now: datetime,
    ) -> EnrolledMethod:
        rows = {r.credential_id: r for r in self._rows(db, user_id)}
        row = rows.get(assertion.raw_id)
        if row is None:  # not this account's key (W3)
            raise SecurityKeyUnknownError()
        if row.possibly_cloned:
            raise SecurityKeyClonedError(row.id)
        try:
            self._server(db).authenticate_complete(pending.state, [_attested(row)], assertion)
        except ValueError as exc:
            raise SecurityKeyRejectedError() from exc
        auth_data = assertion.response.authenticator_data
        _check_backup_flags(auth_data.flags)
        # Eligibility is fixed when the credential is made (WebAuthn L3 §6.1.3): a change
        # means another authenticator, or one that lies.
        if bool(auth_data.flags & AuthenticatorData.FLAG.BE) != row.backup_eligible:
            raise SecurityKeyBackupFlagsError()
        new_count = auth_data.counter
        # W1: the counter must move forward whenever either value is non-zero; compare
        # and set in one statement, so two workstations cannot both pass one value.
        moved = db.execute(
            update(WebAuthnCredential)
            .where(
                WebAuthnCredential.id == row.id,
                WebAuthnCredential.possibly_cloned.is_(False),
                or_(
                    WebAuthnCredential.sign_count < new_count,
                    (WebAuthnCredential.sign_count == 0) & (new_count == 0),
                ),
            )
            .values(
                sign_count=new_count,
                last_used_at=now,
                backup_state=bool(auth_data.flags & AuthenticatorData.FLAG.BS),
            )
        )
        if moved.rowcount != 1:  # type: ignore[attr-defined]
            raise SecurityKeyClonedError(row.id)
        db.refresh(row)
        verified = bool(auth_data.flags & AuthenticatorData.FLAG.UV)
        # A2: a model proven to keep its keys in hardware, whose key cannot be copied.
        hardware = (
            row.hardware_attested and not row.backup_eligible and UUID(row.aaguid) != SOFT_AAGUID
        )
        return _method(row, aal3=verified and hardware)

    def after_failure(self, db: DbSession, *, user_id: int, error: SecondFactorError) -> None:
        """A refused answer spends its ceremony (W4); a counter that went backwards blocks
        the key until an admin removes it (W1)."""
        Ceremonies.spend(db, error)
        if isinstance(error, SecurityKeyClonedError):
            db.execute(
                update(WebAuthnCredential)
                .where(WebAuthnCredential.id == error.credential_row)
                .values(possibly_cloned=True)
            )

    # --- nickname and removal ---------------------------------------------------------

    def rename(self, db: DbSession, *, user_id: int, method_id: int, label: str) -> EnrolledMethod:
        row = db.get(WebAuthnCredential, method_id)
        if row is None or row.user_id != user_id:
            raise MethodNotFoundError()
        row.nickname = clean_label(label)
        db.flush()
        return _method(row)

    def remove(self, db: DbSession, *, user_id: int, method_id: int) -> EnrolledMethod:
        row = db.get(WebAuthnCredential, method_id)
        if row is None or row.user_id != user_id:
            raise MethodNotFoundError()
        method = _method(row)
        db.delete(row)
        db.flush()
        return method
