"""The sign-ins stored on a person's own key: listed by site and account, one deleted
(issue 18), through python-fido2's real ``CredentialManagement`` and PIN token."""

from __future__ import annotations

import os
from typing import Any

import pytest
from fido2.client import DefaultClientDataCollector, Fido2Client, UserInteraction
from fido2.utils import websafe_encode

from desktop_auth.devices.key_sign_ins import KeySignIns
from desktop_auth.devices.soft import SoftAuthenticator
from desktop_auth.errors import (
    SecurityKeyPinNotSetError,
    SecurityKeyPinWrongLeftError,
    SecurityKeySignInNotFoundError,
    SecurityKeySignInsNotSupportedError,
)

PIN = "4823917"


class GivesPin(UserInteraction):
    def request_pin(self, permissions: Any, rp_id: str | None) -> str:
        return PIN

    def request_uv(self, permissions: Any, rp_id: str | None) -> bool:
        return True


def store_passkey(key: SoftAuthenticator, rp_id: str, account: str) -> bytes:
    client = Fido2Client(key, DefaultClientDataCollector(f"https://{rp_id}"), GivesPin())
    made = client.make_credential(
        {
            "rp": {"id": rp_id, "name": rp_id},
            "user": {
                "id": websafe_encode(account.encode()),
                "name": account,
                "displayName": account,
            },
            "challenge": websafe_encode(os.urandom(32)),
            "pubKeyCredParams": [{"type": "public-key", "alg": -7}],
            "authenticatorSelection": {"residentKey": "required", "userVerification": "required"},
        }
    )
    return bytes(made.raw_id)


@pytest.fixture
def key() -> SoftAuthenticator:
    key = SoftAuthenticator(supports_pin=True)
    key.client_pin.preset(PIN)
    return key


def test_the_sign_ins_are_listed_by_site_and_account_ours_first(key: SoftAuthenticator) -> None:
    store_passkey(key, "github.com", "jan-dev")
    store_passkey(key, "salariszaken.nl", "jan@salariszaken.nl")
    store_passkey(key, "github.com", "jan-work")
    found = KeySignIns(lambda: [key]).list(PIN, our_rp_id="salariszaken.nl")
    assert [(s.rp_id, s.user_name, s.ours) for s in found.sign_ins] == [
        ("salariszaken.nl", "jan@salariszaken.nl", True),
        ("github.com", "jan-dev", False),
        ("github.com", "jan-work", False),
    ]
    assert found.free_slots == 22
    assert PIN not in repr(found)


def test_one_sign_in_is_deleted_and_the_others_stay(key: SoftAuthenticator) -> None:
    kept = store_passkey(key, "github.com", "jan-dev")
    gone = store_passkey(key, "google.com", "jan@gmail.com")
    after = KeySignIns(lambda: [key]).delete(PIN, gone)
    assert [s.credential_id for s in after.sign_ins] == [kept]
    assert after.free_slots == 24
    with pytest.raises(SecurityKeySignInNotFoundError):
        KeySignIns(lambda: [key]).delete(PIN, gone)


def test_an_empty_key_lists_nothing(key: SoftAuthenticator) -> None:
    found = KeySignIns(lambda: [key]).list(PIN)
    assert found.sign_ins == () and found.free_slots == 25


def test_a_wrong_pin_costs_a_try_and_a_key_without_pin_or_credman_is_told(
    key: SoftAuthenticator,
) -> None:
    with pytest.raises(SecurityKeyPinWrongLeftError) as raised:
        KeySignIns(lambda: [key]).list("0000000")
    assert raised.value.params["left"] == 7
    with pytest.raises(SecurityKeyPinNotSetError):
        KeySignIns(lambda: [SoftAuthenticator(supports_pin=True)]).list(PIN)
    with pytest.raises(SecurityKeySignInsNotSupportedError):  # a key with no PIN at all
        KeySignIns(lambda: [SoftAuthenticator()]).list(PIN)


def test_credential_management_without_the_pin_token_is_refused(key: SoftAuthenticator) -> None:
    """The soft key checks the token's proof as a real key does: a forged one fails."""
    from fido2.ctap import CtapError
    from fido2.ctap2.base import Ctap2

    with pytest.raises(CtapError) as raised:
        Ctap2(key).credential_mgmt(1, pin_uv_protocol=2, pin_uv_param=os.urandom(32))
    assert raised.value.code == CtapError.ERR.PIN_AUTH_INVALID
