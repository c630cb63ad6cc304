"""A software CTAP2 authenticator: the stand-in for a USB security key.

It implements python-fido2's ``CtapDevice`` (one ``call``), so the real
``Fido2Client`` → ``Ctap2`` stack drives it exactly as it drives a YubiKey:
getInfo, makeCredential and getAssertion (with getNextAssertion), ES256 keys,
packed self-attestation, resident (discoverable) credentials, built-in user
verification, and hmac-secret (with hmac-secret-mc), which is WebAuthn's PRF: the
recovery-code vault's way to open with one touch.  It powers demo mode and the
end-to-end tests; its own AAGUID lets the relying party refuse it outside demo mode.
Its keys live in memory only: it is no place for a real secret.

Knobs for tests: ``verifies_user`` (a key without a fingerprint reader),
``uv_flag`` (a lying authenticator: always or never reports user verification),
``next_credential_id`` (a credential id chosen by the test), ``wind_back_counter``
(a cloned key), ``attestation_certificate`` (packed attestation with a certificate
chain, as a real model's batch certificate), ``backup_eligible`` and ``backup_state``
(the flags of a synced passkey), ``supports_prf`` (False: a key without the hmac-secret
extension, so without PRF), ``supports_pin`` (a key that can hold a PIN;
``client_pin`` is its PIN state, see ``soft_pin``), ``fingerprints`` (a fingerprint
sensor, see ``soft_bio``), ``touch`` (called where a real key waits for a touch; return
False to act as if nobody touched it), and ``clock`` with ``replug`` (a reset is allowed
only in the first seconds after the key is plugged in, as on a real key).
"""

from __future__ import annotations

import hashlib
import secrets
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from threading import Event
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from fido2 import cbor
from fido2.cose import ES256
from fido2.ctap import STATUS, CtapDevice, CtapError
from fido2.ctap2.base import Ctap2
from fido2.ctap2.credman import CredentialManagement
from fido2.ctap2.pin import ClientPin
from fido2.hid import CAPABILITY, CTAPHID
from fido2.webauthn import AttestedCredentialData, AuthenticatorData

from desktop_auth.devices.soft_bio import SoftFingerprintSensor
from desktop_auth.devices.soft_pin import SoftClientPin

#: This authenticator's model id.  The relying party refuses it outside demo mode.
SOFT_AAGUID = uuid.UUID("6d44ba9b-f6ec-2e49-b930-0c8fe920cb73")
ES256_ALG = -7
#: Discoverable credentials (passkeys) the key can hold, as a small real key.
MAX_RESIDENT_CREDENTIALS = 25
#: A reset is refused this long after the key was plugged in (CTAP 2.1 §6.6: "within
#: 10 seconds"), so malware cannot wipe a key that sits in its port.
RESET_WINDOW_SECONDS = 10.0
FLAG = AuthenticatorData.FLAG


@dataclass(kw_only=True)
class SoftCredential:
    credential_id: bytes
    rp_id: str
    user_id: bytes
    user_name: str
    private_key: ec.EllipticCurvePrivateKey = field(repr=False)
    resident: bool
    counter: int = 0
    #: hmac-secret's CredRandom, one for uses with user verification and one without
    #: (CTAP 2.1 §12.5); None for a credential made without the extension.
    cred_random_uv: bytes | None = field(default=None, repr=False)
    cred_random_no_uv: bytes | None = field(default=None, repr=False)

    def cred_random(self, *, uv: bool) -> bytes | None:
        return self.cred_random_uv if uv else self.cred_random_no_uv


def _ok(response: Mapping[int, Any] | None = None) -> bytes:
    return b"\x00" + (cbor.encode(response) if response else b"")


class SoftAuthenticator(CtapDevice):
    """A FIDO2 authenticator in memory, speaking CTAP2 over ``call``."""

    def __init__(
        self,
        *,
        aaguid: uuid.UUID = SOFT_AAGUID,
        verifies_user: bool = True,
        supports_pin: bool = False,
        supports_prf: bool = True,
        min_pin_length: int = 4,
        touch: Callable[[], bool] | None = None,
        fingerprints: SoftFingerprintSensor | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.aaguid = aaguid
        self.verifies_user = verifies_user
        self.supports_pin = supports_pin
        self.supports_prf = supports_prf
        self.client_pin = SoftClientPin(min_pin_length=min_pin_length)
        self.uv_flag: bool | None = None
        self.next_credential_id: bytes | None = None
        #: Make the next makeCredential/getAssertion fail so (a wrong PIN, say).
        self.fail_with: int | None = None
        self.touch = touch or (lambda: True)
        self.fingerprints = fingerprints
        self.clock = clock
        self.plugged_in_at = clock()
        self.credentials: list[SoftCredential] = []
        self._pending_assertions: list[bytes] = []
        self._pending_flags = FLAG(0)
        self._pending_extensions: Mapping[str, Any] = {}
        self._pending_uv = False
        #: The leaf's private key and the chain (DER, leaf first) for packed attestation
        #: with ``x5c``; None: self attestation, which proves nothing about the model.
        self.attestation_certificate: tuple[ec.EllipticCurvePrivateKey, list[bytes]] | None = None
        #: The backup flags this authenticator reports (BE, BS): a synced passkey's.
        self.backup_eligible = False
        self.backup_state = False
        self._pending_sites: list[str] = []
        self._pending_stored: list[SoftCredential] = []

    # --- CtapDevice ---------------------------------------------------------------

    @property
    def capabilities(self) -> int:
        return int(CAPABILITY.CBOR | CAPABILITY.NMSG)  # CTAP2 only, no U2F

    def call(
        self,
        cmd: int,
        data: bytes = b"",
        event: Event | None = None,
        on_keepalive: Callable[[STATUS], None] | None = None,
    ) -> bytes:
        if cmd != CTAPHID.CBOR or not data:
            raise CtapError(CtapError.ERR.INVALID_COMMAND)
        command, payload = data[0], data[1:]
        decoded = cbor.decode(payload) if payload else {}
        if not isinstance(decoded, Mapping):
            return bytes([CtapError.ERR.INVALID_CBOR])
        request: Mapping[int, Any] = decoded
        try:
            if command == Ctap2.CMD.GET_INFO:
                return _ok(self._info())
            if command == Ctap2.CMD.MAKE_CREDENTIAL:
                return _ok(self._make_credential(request, event, on_keepalive))
            if command == Ctap2.CMD.GET_ASSERTION:
                return _ok(self._get_assertion(request, event, on_keepalive))
            if command == Ctap2.CMD.GET_NEXT_ASSERTION:
                return _ok(self._next_assertion())
            if (
                command == Ctap2.CMD.CLIENT_PIN
                and request.get(2) == ClientPin.CMD.GET_TOKEN_USING_UV
                and self._issues_tokens
                and self.verifies_user
            ):
                self._wait_for_touch(event, on_keepalive)  # its fingerprint, say
                return _ok(self.client_pin.uv_token(request))
            if command == Ctap2.CMD.CLIENT_PIN and self._pin_capable:
                return _ok(self.client_pin.handle(request))
            # hmac-secret's salts travel under a key agreement even on a key with no PIN.
            if (
                command == Ctap2.CMD.CLIENT_PIN
                and self.supports_prf
                and request.get(2) == ClientPin.CMD.GET_KEY_AGREEMENT
            ):
                return _ok(self.client_pin.handle(request))
            if command == Ctap2.CMD.CREDENTIAL_MGMT and self._pin_capable:
                return _ok(self._credential_management(request))
            if command == Ctap2.CMD.BIO_ENROLLMENT and self.fingerprints is not None:
                return _ok(self._bio_enrollment(request, event, on_keepalive))
            if command == Ctap2.CMD.SELECTION:
                self._wait_for_touch(event, on_keepalive)
                return _ok()
            if command == Ctap2.CMD.RESET:
                self._reset(event, on_keepalive)
                return _ok()
        except CtapError as error:
            return bytes([error.code])
        return bytes([CtapError.ERR.INVALID_COMMAND])

    @classmethod
    def list_devices(cls) -> Iterator[SoftAuthenticator]:
        yield cls()

    # --- test knobs ---------------------------------------------------------------

    @property
    def pin_retries(self) -> int | None:
        """A key with a PIN set: getPINRetries answers this count (None: no PIN)."""
        return self.client_pin.retries

    @pin_retries.setter
    def pin_retries(self, retries: int | None) -> None:
        self.client_pin.retries = retries

    @property
    def _pin_capable(self) -> bool:
        return self.supports_pin or self.client_pin.is_set

    @property
    def _issues_tokens(self) -> bool:
        """CTAP 2.1 tokens with permissions, as keys with a fingerprint sensor give."""
        return self._pin_capable and self.fingerprints is not None

    def _uv_by_token(
        self, request: Mapping[int, Any], param_key: int, message: bytes, permission: int
    ) -> bool:
        """A pinUvAuthParam in makeCredential/getAssertion: the token's proof over the
        client data hash, for this command's permission, stands for user verification."""
        param = request.get(param_key)
        if param is None:
            return False
        self.client_pin.check_token(request.get(param_key + 1), param, message, permission)
        return True

    def replug(self) -> None:
        """The key was unplugged and plugged in again: PIN pauses end, a reset may follow."""
        self.plugged_in_at = self.clock()
        self.client_pin.power_cycle()

    def wind_back_counter(self, credential_id: bytes, counter: int) -> None:
        """Act as a clone made earlier: its counter is behind the original's."""
        self._find(credential_id).counter = counter

    # --- commands -----------------------------------------------------------------

    def _info(self) -> Mapping[int, Any]:
        options = {"rk": True, "up": True, "plat": False}
        if self.verifies_user:
            options["uv"] = True
        info: dict[int, Any] = {
            0x01: ["FIDO_2_0"],
            0x03: self.aaguid.bytes,
            0x04: options,
            0x05: 2048,
            0x06: [2, 1],  # protocols offered; clientPin itself speaks protocol 2 only
            0x09: ["usb"],
            0x0A: [{"type": "public-key", "alg": ES256_ALG}],
        }
        if self.supports_prf:
            info[0x02] = ["hmac-secret", "hmac-secret-mc"]
        if self._pin_capable:
            options["clientPin"] = self.client_pin.is_set
            options["credMgmt"] = True  # its sign-ins listed and deleted, behind the PIN
            if self._issues_tokens:
                options["pinUvAuthToken"] = True
            info[0x0C] = self.client_pin.force_change
            info[0x0D] = self.client_pin.min_pin_length
            stored = sum(1 for c in self.credentials if c.resident)
            info[0x14] = max(0, MAX_RESIDENT_CREDENTIALS - stored)
        if self.fingerprints is not None:
            options["bioEnroll"] = self.fingerprints.has_enrollments
        return info

    def _wait_for_touch(
        self, event: Event | None, on_keepalive: Callable[[STATUS], None] | None
    ) -> None:
        if on_keepalive is not None:
            on_keepalive(STATUS.UPNEEDED)
        if event is not None and event.is_set():
            raise CtapError(CtapError.ERR.KEEPALIVE_CANCEL)
        if not self.touch():
            raise CtapError(CtapError.ERR.USER_ACTION_TIMEOUT)
        if event is not None and event.is_set():
            raise CtapError(CtapError.ERR.KEEPALIVE_CANCEL)

    def _uv(self, options: Mapping[str, bool]) -> bool:
        wants_uv = bool(options.get("uv"))
        if wants_uv and not self.verifies_user:
            raise CtapError(CtapError.ERR.UNSUPPORTED_OPTION)
        return wants_uv

    def _flags(self, *, up: bool, uv: bool) -> AuthenticatorData.FLAG:
        flags = FLAG(0)
        if up:
            flags |= FLAG.UP
        if self.uv_flag if self.uv_flag is not None else uv:
            flags |= FLAG.UV
        if self.backup_eligible:
            flags |= FLAG.BE
        if self.backup_state:
            flags |= FLAG.BS
        return flags

    def _make_credential(
        self,
        request: Mapping[int, Any],
        event: Event | None,
        on_keepalive: Callable[[STATUS], None] | None,
    ) -> Mapping[int, Any]:
        self._fail_if_told()
        client_data_hash, rp, user, params = request[1], request[2], request[3], request[4]
        options: Mapping[str, bool] = request.get(7) or {}
        if not any(p.get("alg") == ES256_ALG for p in params):
            raise CtapError(CtapError.ERR.UNSUPPORTED_ALGORITHM)
        excluded = {d["id"] for d in request.get(5) or []}
        uv = self._uv(options) or self._uv_by_token(
            request, 8, client_data_hash, ClientPin.PERMISSION.MAKE_CREDENTIAL
        )
        if any(c.credential_id in excluded and c.rp_id == rp["id"] for c in self.credentials):
            self._wait_for_touch(event, on_keepalive)  # a real key also waits first
            raise CtapError(CtapError.ERR.CREDENTIAL_EXCLUDED)
        self._wait_for_touch(event, on_keepalive)
        requested: Mapping[str, Any] = request.get(6) or {}
        with_prf = self.supports_prf and requested.get("hmac-secret") is True

        credential = SoftCredential(
            credential_id=self.next_credential_id or secrets.token_bytes(32),
            rp_id=rp["id"],
            user_id=user["id"],
            user_name=user.get("name", ""),
            private_key=ec.generate_private_key(ec.SECP256R1()),
            resident=bool(options.get("rk")),
            cred_random_uv=secrets.token_bytes(32) if with_prf else None,
            cred_random_no_uv=secrets.token_bytes(32) if with_prf else None,
        )
        extensions = self._extension_outputs(credential, requested, uv=uv, made=True)
        if credential.resident:  # one resident credential per account and site
            self.credentials = [
                c
                for c in self.credentials
                if not (c.resident and c.rp_id == credential.rp_id and c.user_id == user["id"])
            ]
        self.credentials.append(credential)
        attested = AttestedCredentialData.create(
            self.aaguid.bytes,
            credential.credential_id,
            ES256.from_cryptography_key(  # type: ignore[no-untyped-call]
                credential.private_key.public_key()
            ),
        )
        auth_data = AuthenticatorData.create(
            hashlib.sha256(credential.rp_id.encode()).digest(),
            self._flags(up=True, uv=uv) | FLAG.AT | (FLAG.ED if extensions else FLAG(0)),
            credential.counter,
            attested,
            extensions or None,
        )
        statement: dict[str, Any] = {"alg": ES256_ALG}
        signer = credential.private_key
        if self.attestation_certificate is not None:
            signer, chain = self.attestation_certificate
            statement["x5c"] = list(chain)
        statement["sig"] = signer.sign(auth_data + client_data_hash, ec.ECDSA(hashes.SHA256()))
        return {1: "packed", 2: auth_data, 3: statement}

    def _get_assertion(
        self,
        request: Mapping[int, Any],
        event: Event | None,
        on_keepalive: Callable[[STATUS], None] | None,
    ) -> Mapping[int, Any]:
        self._fail_if_told()
        rp_id, client_data_hash = request[1], request[2]
        allowed = [d["id"] for d in request.get(3) or []]
        options: Mapping[str, bool] = request.get(5) or {}
        up = options.get("up", True)
        uv = self._uv(options) or self._uv_by_token(
            request, 6, client_data_hash, ClientPin.PERMISSION.GET_ASSERTION
        )
        if allowed:
            found = [c for c in self.credentials if c.rp_id == rp_id and c.credential_id in allowed]
        else:
            found = [c for c in self.credentials if c.rp_id == rp_id and c.resident]
        if not found:
            if up:
                self._wait_for_touch(event, on_keepalive)
            raise CtapError(CtapError.ERR.NO_CREDENTIALS)
        if up:
            self._wait_for_touch(event, on_keepalive)
        self._pending_assertions = [client_data_hash + c.credential_id for c in found[1:]]
        self._pending_flags = self._flags(up=up, uv=uv)
        self._pending_extensions = request.get(4) or {}
        self._pending_uv = uv
        response = dict(self._assert(found[0], client_data_hash, self._pending_flags, up))
        if not allowed and len(found) > 1:
            response[5] = len(found)
        return response

    def _next_assertion(self) -> Mapping[int, Any]:
        if not self._pending_assertions:
            raise CtapError(CtapError.ERR.NOT_ALLOWED)
        pending = self._pending_assertions.pop(0)
        client_data_hash, credential_id = pending[:32], pending[32:]
        return self._assert(
            self._find(credential_id), client_data_hash, self._pending_flags, up=True
        )

    def _assert(
        self,
        credential: SoftCredential,
        client_data_hash: bytes,
        flags: AuthenticatorData.FLAG,
        up: bool,
    ) -> Mapping[int, Any]:
        if up:  # a silent probe (up=False) must not move the counter
            credential.counter += 1
        extensions = self._extension_outputs(
            credential, self._pending_extensions, uv=self._pending_uv, made=False
        )
        auth_data = AuthenticatorData.create(
            hashlib.sha256(credential.rp_id.encode()).digest(),
            flags | (FLAG.ED if extensions else FLAG(0)),
            credential.counter,
            b"",
            extensions or None,
        )
        signature = credential.private_key.sign(
            auth_data + client_data_hash, ec.ECDSA(hashes.SHA256())
        )
        response: dict[int, Any] = {
            1: {"type": "public-key", "id": credential.credential_id},
            2: auth_data,
            3: signature,
        }
        if credential.resident:
            response[4] = {"id": credential.user_id}
        return response

    def _extension_outputs(
        self, credential: SoftCredential, requested: Mapping[str, Any], *, uv: bool, made: bool
    ) -> dict[str, Any]:
        """hmac-secret at makeCredential (``true``, and with hmac-secret-mc the outputs for
        the salts given) and at getAssertion (the outputs).  A credential made without the
        extension answers none, as a real key's does."""
        outputs: dict[str, Any] = {}
        cred_random = credential.cred_random(uv=uv)
        if made and cred_random is not None:
            outputs["hmac-secret"] = True
        salts = requested.get("hmac-secret-mc" if made else "hmac-secret")
        if isinstance(salts, Mapping) and cred_random is not None and self.supports_prf:
            outputs["hmac-secret-mc" if made else "hmac-secret"] = self.client_pin.hmac_secret(
                salts, cred_random
            )
        return outputs

    def _reset(self, event: Event | None, on_keepalive: Callable[[STATUS], None] | None) -> None:
        """authenticatorReset (CTAP 2.1 §6.6): everything gone, only just after plugging in
        and only with a touch."""
        if self.clock() - self.plugged_in_at > RESET_WINDOW_SECONDS:
            raise CtapError(CtapError.ERR.NOT_ALLOWED)
        self._wait_for_touch(event, on_keepalive)
        self.credentials = []
        self.client_pin = SoftClientPin(min_pin_length=self.client_pin.min_pin_length)
        if self.fingerprints is not None:
            self.fingerprints.forget_all()

    def _bio_enrollment(
        self,
        request: Mapping[int, Any],
        event: Event | None,
        on_keepalive: Callable[[STATUS], None] | None,
    ) -> Mapping[int, Any]:
        assert self.fingerprints is not None
        return self.fingerprints.handle(
            request,
            check_token=lambda protocol, param, message: self.client_pin.check_token(
                protocol, param, message, ClientPin.PERMISSION.BIO_ENROLL
            ),
            wait_for_finger=lambda: self._wait_for_touch(event, on_keepalive),
        )

    # --- credential management (CTAP 2.1 §6.8): the sign-ins stored on the key -------

    def _credential_management(self, request: Mapping[int, Any]) -> Mapping[int, Any]:
        sub, params = request.get(1), request.get(2) or {}
        if sub in _AUTHENTICATED_CREDMAN:
            message = bytes([sub]) + (cbor.encode(params) if params else b"")
            self.client_pin.check_token(
                request.get(3), request.get(4), message, ClientPin.PERMISSION.CREDENTIAL_MGMT
            )
        stored = [c for c in self.credentials if c.resident]
        if sub == CredentialManagement.CMD.GET_CREDS_METADATA:
            return {1: len(stored), 2: max(0, MAX_RESIDENT_CREDENTIALS - len(stored))}
        if sub == CredentialManagement.CMD.ENUMERATE_RPS_BEGIN:
            sites = list(dict.fromkeys(c.rp_id for c in stored))
            if not sites:
                raise CtapError(CtapError.ERR.NO_CREDENTIALS)
            self._pending_sites = sites[1:]
            return {**_site(sites[0]), 5: len(sites)}
        if sub == CredentialManagement.CMD.ENUMERATE_RPS_NEXT:
            if not self._pending_sites:
                raise CtapError(CtapError.ERR.NOT_ALLOWED)
            return _site(self._pending_sites.pop(0))
        if sub == CredentialManagement.CMD.ENUMERATE_CREDS_BEGIN:
            site_hash = params.get(1)
            found = [c for c in stored if hashlib.sha256(c.rp_id.encode()).digest() == site_hash]
            if not found:
                raise CtapError(CtapError.ERR.NO_CREDENTIALS)
            self._pending_stored = found[1:]
            return {**_stored(found[0]), 9: len(found)}
        if sub == CredentialManagement.CMD.ENUMERATE_CREDS_NEXT:
            if not self._pending_stored:
                raise CtapError(CtapError.ERR.NOT_ALLOWED)
            return _stored(self._pending_stored.pop(0))
        if sub == CredentialManagement.CMD.DELETE_CREDENTIAL:
            wanted = (params.get(2) or {}).get("id")
            kept = [c for c in self.credentials if not (c.resident and c.credential_id == wanted)]
            if len(kept) == len(self.credentials):
                raise CtapError(CtapError.ERR.NO_CREDENTIALS)
            self.credentials = kept
            return {}
        raise CtapError(CtapError.ERR.INVALID_SUBCOMMAND)

    def _fail_if_told(self) -> None:
        if self.fail_with is not None:
            code, self.fail_with = self.fail_with, None
            raise CtapError(code)

    def _find(self, credential_id: bytes) -> SoftCredential:
        for credential in self.credentials:
            if credential.credential_id == credential_id:
                return credential
        raise CtapError(CtapError.ERR.NO_CREDENTIALS)


#: Credential-management subcommands that carry the PIN token's proof (the "next" ones
#: continue an enumeration the token began).
_AUTHENTICATED_CREDMAN = frozenset(
    {
        CredentialManagement.CMD.GET_CREDS_METADATA,
        CredentialManagement.CMD.ENUMERATE_RPS_BEGIN,
        CredentialManagement.CMD.ENUMERATE_CREDS_BEGIN,
        CredentialManagement.CMD.DELETE_CREDENTIAL,
    }
)


def _site(rp_id: str) -> dict[int, Any]:
    return {3: {"id": rp_id}, 4: hashlib.sha256(rp_id.encode()).digest()}


def _stored(credential: SoftCredential) -> dict[int, Any]:
    return {
        6: {"id": credential.user_id, "name": credential.user_name},
        7: {"type": "public-key", "id": credential.credential_id},
        8: dict(ES256.from_cryptography_key(credential.private_key.public_key())),  # type: ignore[no-untyped-call]
        10: 1,  # credProtect: userVerificationOptional
    }
