"""The software authenticator's side of CTAP2 clientPin (PIN/UV auth protocol 2).

Just enough of CTAP 2.1 §6.5 for the app to set, change and count a PIN through
python-fido2's real ``ClientPin``: getPINRetries, getKeyAgreement, setPIN and
changePIN; and the hmac-secret extension's salts, which travel under the same shared
secret (§12.5).  The PIN itself is never kept, only the first 16 bytes of its SHA-256
(as a real key does); the shared-secret derivation and ciphers are python-fido2's
own ``PinProtocolV2`` so both ends of the exchange cannot drift apart.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec
from fido2.ctap import CtapError
from fido2.ctap2.pin import ClientPin, PinProtocolV2
from fido2.utils import bytes2int, int2bytes

ERR = CtapError.ERR
CMD = ClientPin.CMD
#: What a fresh key allows before it blocks the PIN (CTAP 2.1 §6.5.2.2).
MAX_PIN_RETRIES = 8


class SoftClientPin:
    """PIN state and the clientPin subcommands of one software authenticator."""

    def __init__(self, *, min_pin_length: int = 4) -> None:
        self.min_pin_length = min_pin_length
        #: Tries left; None while no PIN is set.
        self.retries: int | None = None
        #: The key asks for a new PIN before anything else (CTAP 2.1 forcePINChange).
        self.force_change = False
        self._pin_hash: bytes | None = None
        # Three wrong PINs in a row block PIN use until the key is unplugged (§6.5.5.5).
        self._wrong_in_a_row = 0
        self.needs_power_cycle = False
        self._protocol = PinProtocolV2()
        self._key_agreement = ec.generate_private_key(ec.SECP256R1())
        #: The token the last right PIN bought (credential management checks it), and what
        #: it may be used for (CTAP 2.1 permissions; a legacy token may do anything, as
        #: on the CTAP 2.0 keys that hand them out).
        self._token: bytes | None = None
        self._token_permissions = 0

    @property
    def token_permissions(self) -> int:
        """What the last token handed out may do (a test looks)."""
        return self._token_permissions

    @property
    def is_set(self) -> bool:
        return self.retries is not None

    def handle(self, request: Mapping[int, Any]) -> Mapping[int, Any]:
        subcommand = request.get(2)
        if subcommand == CMD.GET_PIN_RETRIES:
            if self.retries is None:
                raise CtapError(ERR.PIN_NOT_SET)
            return {3: self.retries, 4: self.needs_power_cycle}
        if request.get(1) != PinProtocolV2.VERSION:
            raise CtapError(ERR.INVALID_PARAMETER)
        if subcommand == CMD.GET_KEY_AGREEMENT:
            numbers = self._key_agreement.public_key().public_numbers()
            return {
                1: {1: 2, 3: -25, -1: 1, -2: int2bytes(numbers.x, 32), -3: int2bytes(numbers.y, 32)}
            }
        if subcommand == CMD.SET_PIN:
            self._set_pin(request)
            return {}
        if subcommand == CMD.CHANGE_PIN:
            self._change_pin(request)
            return {}
        if subcommand == CMD.GET_TOKEN_USING_PIN_LEGACY:
            return {2: self._pin_token(request, ~0)}
        if subcommand == CMD.GET_TOKEN_USING_PIN:  # CTAP 2.1: a token for what it asks
            return {2: self._pin_token(request, _permissions_asked(request))}
        raise CtapError(ERR.INVALID_SUBCOMMAND)

    def _shared_secret(self, platform_key: Mapping[int, Any]) -> bytes:
        try:
            peer = ec.EllipticCurvePublicNumbers(
                bytes2int(platform_key[-2]), bytes2int(platform_key[-3]), ec.SECP256R1()
            ).public_key()
        except (KeyError, ValueError) as error:
            raise CtapError(ERR.INVALID_PARAMETER) from error
        return bytes(self._protocol.kdf(self._key_agreement.exchange(ec.ECDH(), peer)))  # type: ignore[no-untyped-call]

    def _check_auth(self, secret: bytes, message: bytes, pin_uv_param: bytes) -> None:
        if not hmac.compare_digest(self._protocol.authenticate(secret, message), pin_uv_param):  # type: ignore[no-untyped-call]
            raise CtapError(ERR.PIN_AUTH_INVALID)

    def _new_pin_hash(self, secret: bytes, new_pin_enc: bytes) -> bytes:
        padded = self._protocol.decrypt(secret, new_pin_enc)  # type: ignore[no-untyped-call]
        if len(padded) < 64:
            raise CtapError(ERR.PIN_POLICY_VIOLATION)
        pin = padded.rstrip(b"\0")
        if len(pin.decode("utf-8", "replace")) < self.min_pin_length or len(pin) > 63:
            raise CtapError(ERR.PIN_POLICY_VIOLATION)
        return hashlib.sha256(pin).digest()[:16]

    def _set_pin(self, request: Mapping[int, Any]) -> None:
        if self.is_set:
            raise CtapError(ERR.NOT_ALLOWED)
        secret = self._shared_secret(request[3])
        new_pin_enc = request[5]
        self._check_auth(secret, new_pin_enc, request[4])
        self._pin_hash = self._new_pin_hash(secret, new_pin_enc)
        self.retries = MAX_PIN_RETRIES

    def _change_pin(self, request: Mapping[int, Any]) -> None:
        if self.retries is None:
            raise CtapError(ERR.PIN_NOT_SET)
        if self.retries == 0:
            raise CtapError(ERR.PIN_BLOCKED)
        secret = self._shared_secret(request[3])
        new_pin_enc, pin_hash_enc = request[5], request[6]
        self._check_auth(secret, new_pin_enc + pin_hash_enc, request[4])
        self._check_pin_hash(secret, pin_hash_enc)
        new_hash = self._new_pin_hash(secret, new_pin_enc)
        self.retries = MAX_PIN_RETRIES
        self._pin_hash = new_hash
        self.force_change = False

    def _check_pin_hash(self, secret: bytes, pin_hash_enc: bytes) -> None:
        if self.retries is None:
            raise CtapError(ERR.PIN_NOT_SET)
        if self.retries == 0:
            raise CtapError(ERR.PIN_BLOCKED)
        if self.needs_power_cycle:
            raise CtapError(ERR.PIN_AUTH_BLOCKED)
        self.retries -= 1
        given = self._protocol.decrypt(secret, pin_hash_enc)  # type: ignore[no-untyped-call]
        if not hmac.compare_digest(given, self._pin_hash or b""):
            self._key_agreement = ec.generate_private_key(ec.SECP256R1())
            self._wrong_in_a_row += 1
            if self.retries == 0:
                raise CtapError(ERR.PIN_BLOCKED)
            if self._wrong_in_a_row >= 3:
                self.needs_power_cycle = True
                raise CtapError(ERR.PIN_AUTH_BLOCKED)
            raise CtapError(ERR.PIN_INVALID)
        self.retries = MAX_PIN_RETRIES
        self._wrong_in_a_row = 0

    def uv_token(self, request: Mapping[int, Any]) -> Mapping[int, Any]:
        """getPinUvAuthTokenUsingUvWithPermissions (CTAP 2.1 §6.5.5.7.3), once the key's
        own check (its fingerprint) passed: a token for the permissions asked."""
        if request.get(1) != PinProtocolV2.VERSION:
            raise CtapError(ERR.INVALID_PARAMETER)
        permissions = _permissions_asked(request)
        return {2: self._new_token(self._shared_secret(request[3]), permissions)}

    def _pin_token(self, request: Mapping[int, Any], permissions: int) -> bytes:
        """A fresh token for a right PIN, good for ``permissions``."""
        secret = self._shared_secret(request[3])
        self._check_pin_hash(secret, request[6])
        if self.force_change:
            raise CtapError(ERR.PIN_POLICY_VIOLATION)  # CTAP 2.1: a forced change first
        return self._new_token(secret, permissions)

    def _new_token(self, secret: bytes, permissions: int) -> bytes:
        """A fresh token good for ``permissions``, encrypted to the platform."""
        self._token = secrets.token_bytes(32)
        self._token_permissions = permissions
        return bytes(self._protocol.encrypt(secret, self._token))  # type: ignore[no-untyped-call]

    def check_token(
        self, protocol: object, pin_uv_param: object, message: bytes, permission: int
    ) -> None:
        """A command authenticated with the PIN token (CTAP 2.1 §6.5.5.7): the token's
        HMAC over ``message``; without a token, with another, or with one not given
        ``permission`` (credential management, bio enrollment), refused."""
        if pin_uv_param is None:
            raise CtapError(ERR.PUAT_REQUIRED)
        if protocol != PinProtocolV2.VERSION or not isinstance(pin_uv_param, bytes):
            raise CtapError(ERR.INVALID_PARAMETER)
        if self._token is None:
            raise CtapError(ERR.PIN_AUTH_INVALID)
        self._check_auth(self._token, message, pin_uv_param)
        if not self._token_permissions & permission:
            raise CtapError(ERR.PIN_AUTH_INVALID)

    def hmac_secret(self, extension: Mapping[int, Any], cred_random: bytes) -> bytes:
        """The hmac-secret output (CTAP 2.1 §12.5): the platform's salts, decrypted under
        the shared secret of its key agreement and checked by their saltAuth, each HMACed
        with the credential's CredRandom; the outputs encrypted back."""
        if extension.get(4, 1) != PinProtocolV2.VERSION:
            raise CtapError(ERR.INVALID_PARAMETER)
        try:
            key_agreement, salt_enc, salt_auth = extension[1], extension[2], extension[3]
        except KeyError as error:
            raise CtapError(ERR.MISSING_PARAMETER) from error
        secret = self._shared_secret(key_agreement)
        self._check_auth(secret, salt_enc, salt_auth)
        salts = bytes(self._protocol.decrypt(secret, salt_enc))  # type: ignore[no-untyped-call]
        if len(salts) not in (32, 64):
            raise CtapError(ERR.INVALID_LENGTH)
        outputs = b"".join(
            hmac.new(cred_random, salts[start : start + 32], hashlib.sha256).digest()
            for start in range(0, len(salts), 32)
        )
        return bytes(self._protocol.encrypt(secret, outputs))  # type: ignore[no-untyped-call]

    def power_cycle(self) -> None:
        """The key was unplugged and plugged in again."""
        self.needs_power_cycle = False
        self._wrong_in_a_row = 0

    def preset(self, pin: str) -> None:
        """Give the key a PIN directly, as if set elsewhere (a test or demo knob)."""
        self._pin_hash = hashlib.sha256(pin.encode()).digest()[:16]
        self.retries = MAX_PIN_RETRIES


def _permissions_asked(request: Mapping[int, Any]) -> int:
    """A CTAP 2.1 token request's permissions (its key 9); none is a missing parameter."""
    permissions = request.get(9)
    if not isinstance(permissions, int) or permissions == 0:
        raise CtapError(ERR.MISSING_PARAMETER)
    return permissions
