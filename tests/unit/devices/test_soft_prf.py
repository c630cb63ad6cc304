"""The software key's hmac-secret, through python-fido2's real client (WebAuthn PRF)."""

from __future__ import annotations

import hashlib
import hmac
import os
import threading
from typing import Any

import pytest
from fido2.client import DefaultClientDataCollector, Fido2Client
from fido2.ctap import CtapError
from fido2.ctap2.base import Ctap2
from fido2.utils import websafe_encode

from desktop_auth.devices.ctap import SecurityKeyClient
from desktop_auth.devices.soft import SoftAuthenticator
from desktop_auth.errors import (
    SecurityKeyCancelledError,
    SecurityKeyNoPrfError,
    SecurityKeyNoUserVerificationError,
)

ORIGIN = "https://salariszaken.nl"
RP = {"id": "salariszaken.nl", "name": "Salariszaken"}


def register(key: SoftAuthenticator, extensions: dict[str, Any] | None = None) -> Any:
    client = Fido2Client(key, DefaultClientDataCollector(ORIGIN))
    return client.make_credential(
        {
            "rp": RP,
            "user": {"id": websafe_encode(b"jan"), "name": "jan@example.nl", "displayName": "Jan"},
            "challenge": websafe_encode(os.urandom(32)),
            "pubKeyCredParams": [{"type": "public-key", "alg": -7}],
            "authenticatorSelection": {"userVerification": "required"},
            "extensions": {"prf": {}} if extensions is None else extensions,
        }
    )


def prf(key: SoftAuthenticator, credential: bytes, first: bytes, second: bytes | None = None):  # type: ignore[no-untyped-def]
    return SecurityKeyClient(ORIGIN, devices=lambda: [key]).evaluate_prf(
        "salariszaken.nl", {credential: (first, second)}
    )


def test_the_same_salt_gives_the_same_output_and_another_salt_another() -> None:
    key = SoftAuthenticator()
    credential = bytes(register(key).raw_id)
    salt, other = os.urandom(32), os.urandom(32)
    once, again, elsewhere = (
        prf(key, credential, salt),
        prf(key, credential, salt),
        prf(key, credential, other),
    )
    assert len(once.first) == 32 and once.first == again.first != elsewhere.first
    assert once.credential_id == credential
    assert once.first.hex() not in repr(once)


def test_an_answer_without_user_verification_is_refused() -> None:
    """A key that reports no UV (a lying or misconfigured one) gives no vault secret."""
    key = SoftAuthenticator()
    credential = bytes(register(key).raw_id)
    key.uv_flag = False
    with pytest.raises(SecurityKeyNoUserVerificationError):
        prf(key, credential, os.urandom(32))


def test_two_salts_in_one_touch() -> None:
    key = SoftAuthenticator()
    credential = bytes(register(key).raw_id)
    salt, next_salt = os.urandom(32), os.urandom(32)
    both = prf(key, credential, salt, next_salt)
    assert both.second is not None
    assert both.first == prf(key, credential, salt).first
    assert both.second == prf(key, credential, next_salt).first


def test_each_credential_has_its_own_outputs() -> None:
    key = SoftAuthenticator()
    first_credential = bytes(register(key).raw_id)
    second_credential = bytes(register(SoftAuthenticator()).raw_id)
    salt = os.urandom(32)
    key_b = SoftAuthenticator()
    third = bytes(register(key_b).raw_id)
    assert prf(key, first_credential, salt).first != prf(key_b, third, salt).first
    assert second_credential != first_credential


def test_with_user_verification_the_output_is_the_uv_credrandoms() -> None:
    """CTAP 2.1 §12.5: two CredRandoms, so a touch without UV never gives the vault's key;
    the client hashes the PRF input as WebAuthn says (SHA-256 of "WebAuthn PRF", 0, salt)."""
    key = SoftAuthenticator()
    credential = bytes(register(key).raw_id)
    [made] = key.credentials
    assert made.cred_random_uv and made.cred_random_no_uv
    assert made.cred_random_uv != made.cred_random_no_uv
    salt = os.urandom(32)
    hashed = hashlib.sha256(b"WebAuthn PRF\x00" + salt).digest()
    output = prf(key, credential, salt).first
    assert output == hmac.new(made.cred_random_uv, hashed, hashlib.sha256).digest()
    assert output != hmac.new(made.cred_random_no_uv, hashed, hashlib.sha256).digest()


def test_outputs_at_registration_equal_the_later_assertions() -> None:
    """hmac-secret-mc: the PRF is evaluated in the registration's own touch."""
    key = SoftAuthenticator()
    salt = os.urandom(32)
    made = register(key, {"prf": {"eval": {"first": websafe_encode(salt)}}})
    at_registration = made.client_extension_results["prf"]["results"]["first"]
    later = prf(key, bytes(made.raw_id), salt).first
    assert at_registration in (later, websafe_encode(later))


def test_a_credential_made_without_prf_or_a_key_without_it_gives_none() -> None:
    key = SoftAuthenticator()
    plain = bytes(register(key, extensions={}).raw_id)
    with pytest.raises(SecurityKeyNoPrfError):
        prf(key, plain, os.urandom(32))
    without = SoftAuthenticator(supports_prf=False)
    credential = bytes(register(without).raw_id)
    assert "hmac-secret" not in Ctap2(without).info.extensions
    with pytest.raises(SecurityKeyNoPrfError):
        prf(without, credential, os.urandom(32))


def test_a_wrong_salt_auth_is_refused_as_a_real_key_does() -> None:
    key = SoftAuthenticator()
    register(key)
    [made] = key.credentials
    with pytest.raises(CtapError) as refused:
        key.client_pin.hmac_secret(
            {1: {}, 2: os.urandom(32), 3: os.urandom(32), 4: 2}, made.cred_random_uv or b""
        )
    assert refused.value.code in (CtapError.ERR.INVALID_PARAMETER, CtapError.ERR.PIN_AUTH_INVALID)


def test_cancel_before_the_touch() -> None:
    key = SoftAuthenticator()
    credential = bytes(register(key).raw_id)
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(SecurityKeyCancelledError):
        SecurityKeyClient(ORIGIN, devices=lambda: [key]).evaluate_prf(
            "salariszaken.nl", {credential: (os.urandom(32), None)}, cancel
        )
