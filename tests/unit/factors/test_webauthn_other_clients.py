"""Responses from a WebAuthn client other than python-fido2's.

A browser sends the W3C JSON forms; this test builds them the way a browser
and a plain authenticator would, with nothing from fido2's client side: its
own clientDataJSON, authenticator data laid out byte by byte, a COSE key and an
ECDSA signature from ``cryptography``.  The relying party must accept them.
"""

from __future__ import annotations

import base64
import hashlib
import json
import struct
import uuid

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from desktop_auth.core.service import Actor, AuthService, SignInOutcome
from tests.helpers import USER_PASSWORD, make_user

ORIGIN = "https://salariszaken.nl"
AAGUID = uuid.UUID("2fc0579f-8113-47ea-b116-bb5a8db9202a")


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def cbor_map(items: list[tuple[int | str, object]]) -> bytes:
    """Just enough canonical CBOR for a COSE EC2 key and a 'none' attestation object."""

    def head(major: int, value: int) -> bytes:
        if value < 24:
            return bytes([major << 5 | value])
        if value < 256:
            return bytes([major << 5 | 24, value])
        return bytes([major << 5 | 25]) + struct.pack(">H", value)

    def item(value: object) -> bytes:
        if isinstance(value, bool):
            raise TypeError
        if isinstance(value, int):
            return head(0, value) if value >= 0 else head(1, -1 - value)
        if isinstance(value, bytes):
            return head(2, len(value)) + value
        if isinstance(value, str):
            return head(3, len(value.encode())) + value.encode()
        if isinstance(value, dict):
            return cbor_map(list(value.items()))
        raise TypeError(type(value))

    encoded = b"".join(item(k) + item(v) for k, v in items)
    return head(5, len(items)) + encoded


class BrowserAuthenticator:
    def __init__(self) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = b"browser-credential-" + uuid.uuid4().bytes
        self.counter = 0

    def _client_data(self, kind: str, challenge: str) -> bytes:
        return json.dumps(
            {"type": kind, "challenge": challenge, "origin": ORIGIN, "crossOrigin": False}
        ).encode()

    def create(self, options: dict) -> dict:
        numbers = self.key.public_key().public_numbers()
        cose = cbor_map(
            [
                (1, 2),
                (3, -7),
                (-1, 1),
                (-2, numbers.x.to_bytes(32, "big")),
                (-3, numbers.y.to_bytes(32, "big")),
            ]
        )
        rp_hash = hashlib.sha256(options["rp"]["id"].encode()).digest()
        attested = AAGUID.bytes + struct.pack(">H", len(self.credential_id)) + self.credential_id
        auth_data = rp_hash + bytes([0x41 | 0x04]) + struct.pack(">I", 0) + attested + cose
        attestation = cbor_map([("fmt", "none"), ("attStmt", {}), ("authData", auth_data)])
        return {
            "id": b64(self.credential_id),
            "rawId": b64(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64(self._client_data("webauthn.create", options["challenge"])),
                "attestationObject": b64(attestation),
                "transports": ["usb"],
            },
            "clientExtensionResults": {"credProps": {"rk": False}},
            "authenticatorAttachment": "cross-platform",
        }

    def get(self, options: dict) -> dict:
        self.counter += 1
        client_data = self._client_data("webauthn.get", options["challenge"])
        rp_hash = hashlib.sha256(options["rpId"].encode()).digest()
        auth_data = rp_hash + bytes([0x01 | 0x04]) + struct.pack(">I", self.counter)
        signature = self.key.sign(
            auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256())
        )
        return {
            "id": b64(self.credential_id),
            "rawId": b64(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64(client_data),
                "authenticatorData": b64(auth_data),
                "signature": b64(signature),
                "userHandle": None,
            },
            "clientExtensionResults": {},
        }


def test_registration_and_sign_in_from_a_browser_style_client(
    service: AuthService, admin: Actor
) -> None:
    make_user(service, admin)
    setup = service.sign_in.with_password("jan@example.nl", USER_PASSWORD)
    assert setup.ticket
    ceremony = service.security_keys.begin_setup(setup.ticket, "Browser key")
    browser = BrowserAuthenticator()
    # Through JSON text, as a browser's PublicKeyCredential.toJSON() would send it.
    response = json.dumps(browser.create(json.loads(json.dumps(dict(ceremony.options)))))
    done = service.security_keys.finish_setup(setup.ticket, response)
    assert done.outcome is SignInOutcome.DONE

    result = service.sign_in.with_password("jan@example.nl", USER_PASSWORD)
    assert result.ticket
    options = json.loads(
        json.dumps(dict(service.security_keys.begin_sign_in(result.ticket).options))
    )
    assert options["allowCredentials"][0]["id"] == b64(browser.credential_id)
    answer = json.dumps(browser.get(options))
    signed_in = service.sign_in.with_second_factor(result.ticket, "webauthn", answer)
    assert signed_in.session is not None and signed_in.session.methods == ("password", "webauthn")
