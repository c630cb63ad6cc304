"""Signed sign-in tokens: what a gated program or web application can verify.

After a complete sign-in the service issues a short-lived JWT signed with EdDSA
(Ed25519, RFC 8037) through PyJWT: who (``sub``, ``email``, ``name``), how
(``amr`` as RFC 8176 names it, ``acr`` the NIST assurance level, ``methods`` as
desktop-auth names them), for whom (``aud``), issued, not before and expiry, and a
unique ``jti`` so a receiver can take each token once.  Unlike environment
variables, which anyone who starts a program can set, a token verifies only
against the organisation's public keys (``public_keys``: a JWKS).

The signing keys derive from the data key by HKDF, one per ``KEY_PERIOD``: every
server host computes the same key without sharing a file, keys rotate on their
own, and the JWKS publishes the previous, the current and the next period's
public keys, so receivers that cache it keep verifying across a rotation.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import OKPAlgorithm

from desktop_auth.core.session import Session
from desktop_auth.store.secretbox import SecretBox
from desktop_auth.vocabulary import FactorKind

ALGORITHM = "EdDSA"
TOKEN_LIFETIME = timedelta(minutes=5)
KEY_PERIOD = timedelta(days=30)
#: The audience ``desktop-auth gate`` asks for unless told another.
GATE_AUDIENCE = "desktop-auth-gate"
MAX_AUDIENCE_LENGTH = 200

#: RFC 8176 authentication method references for desktop-auth's method names.
_AMR: Mapping[str, tuple[str, ...]] = {
    "password": ("pwd",),
    FactorKind.TOTP.value: ("otp",),
    FactorKind.WEBAUTHN.value: ("hwk",),
    FactorKind.RECOVERY.value: ("otp",),
    FactorKind.BACKUP.value: ("otp",),
}


@dataclass(frozen=True, kw_only=True)
class SignedToken:
    """A signed sign-in token (a JWT) and what it says on its face."""

    #: A bearer value for its audience: kept out of ``repr`` and so out of logs.
    token: str = field(repr=False)
    audience: str
    key_id: str
    expires_at: datetime


def issuer(rp_id: str) -> str:
    return f"desktop-auth:{rp_id}"


def _period(moment: datetime) -> int:
    return int(moment.timestamp() // KEY_PERIOD.total_seconds())


def _key(box: SecretBox, period: int) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(box.derived_key(f"sign-in-token/{period}"))


def _key_id(box: SecretBox, period: int) -> str:
    # A name, not a secret: the period and a fingerprint of the public key.
    public = _key(box, period).public_key()
    thumbprint = json.loads(OKPAlgorithm.to_jwk(public))["x"][:12]
    return f"{period}-{thumbprint}"


def amr(methods: tuple[str, ...]) -> list[str]:
    names = [name for method in methods for name in _AMR.get(method, ())]
    if len(set(methods)) >= 2:
        names.append("mfa")
    return list(dict.fromkeys(names))


def sign(
    box: SecretBox, session: Session, *, audience: str, rp_id: str, now: datetime
) -> SignedToken:
    period = _period(now)
    key_id = _key_id(box, period)
    expires = min(now + TOKEN_LIFETIME, session.expires_at)
    claims: dict[str, Any] = {
        "iss": issuer(rp_id),
        "sub": f"user:{session.user_id}",
        "email": session.email,
        "name": session.display_name,
        "aud": audience,
        "iat": int(now.timestamp()),
        "nbf": int(now.timestamp()),
        "exp": int(expires.timestamp()),
        "auth_time": int(session.authenticated_at.timestamp()),
        "acr": session.assurance.value,
        "amr": amr(session.methods),
        "methods": list(session.methods),
        "jti": secrets.token_urlsafe(16),
    }
    token = jwt.encode(claims, _key(box, period), algorithm=ALGORITHM, headers={"kid": key_id})
    return SignedToken(token=token, audience=audience, key_id=key_id, expires_at=expires)


def public_keys(box: SecretBox, now: datetime) -> dict[str, Any]:
    """The JWKS: the previous, the current and the next period's public keys."""
    current = _period(now)
    keys = []
    for period in (current - 1, current, current + 1):
        jwk = json.loads(OKPAlgorithm.to_jwk(_key(box, period).public_key()))
        jwk.update({"kid": _key_id(box, period), "use": "sig", "alg": ALGORITHM})
        keys.append(jwk)
    return {"keys": keys}
