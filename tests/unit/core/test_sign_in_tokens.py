"""Signed sign-in tokens (SECURITY.md B4): EdDSA JWTs a receiver verifies with the JWKS."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from desktop_auth.core.service import Actor, AuthService
from desktop_auth.core.sign_in_tokens import GATE_AUDIENCE, KEY_PERIOD, TOKEN_LIFETIME
from desktop_auth.errors import SessionEndedError, TokenAudienceInvalidError
from desktop_auth.store.db import Store
from tests.helpers import MemoryKeyring, PinnedClock, make_service
from tests.totp_helpers import make_user_with_app, phone_code, sign_in_ticket

NO_CLOCK = {"verify_exp": False, "verify_nbf": False, "verify_iat": False}


def verify(token: str, jwks: dict[str, Any], audience: str = GATE_AUDIENCE) -> dict[str, Any]:
    """What a receiver does: the key named by ``kid`` from the JWKS, EdDSA only."""
    key_id = jwt.get_unverified_header(token)["kid"]
    jwk = next(k for k in jwks["keys"] if k["kid"] == key_id)
    # The test's clock is pinned in the past: the time claims are checked by hand below.
    return jwt.decode(
        token,
        jwt.PyJWK(jwk).key,
        algorithms=["EdDSA"],
        audience=audience,
        issuer="desktop-auth:salariszaken.nl",
        options=NO_CLOCK,
    )


@pytest.fixture
def signed_in(service: AuthService, admin: Actor, clock: PinnedClock) -> Any:
    user = make_user_with_app(service, admin, clock)
    ticket = sign_in_ticket(service, user.email)
    result = service.sign_in.with_second_factor(ticket, "totp", phone_code(user.secret, clock))
    assert result.session is not None
    return result.session


def test_b4_the_token_says_who_how_and_for_whom_and_verifies_with_the_jwks(
    service: AuthService, signed_in: Any, clock: PinnedClock
) -> None:
    signed = service.sign_in.signed_token(signed_in)
    claims = verify(signed.token, service.sign_in.public_keys())
    now = int(clock.now().timestamp())
    assert claims["sub"] == f"user:{signed_in.user_id}"
    assert (claims["email"], claims["aud"], claims["acr"]) == (
        "jan@example.nl",
        GATE_AUDIENCE,
        "AAL2",
    )
    assert claims["amr"] == ["pwd", "otp", "mfa"]
    assert claims["methods"] == ["password", "totp"]
    assert claims["iat"] == now and claims["exp"] == now + int(TOKEN_LIFETIME.total_seconds())
    assert signed.token not in repr(signed)
    # Another audience's receiver refuses it.
    with pytest.raises(jwt.InvalidAudienceError):
        verify(signed.token, service.sign_in.public_keys(), audience="salarisadministratie")


def test_b4_a_token_signed_with_any_other_key_or_changed_is_refused(
    service: AuthService, signed_in: Any
) -> None:
    jwks = service.sign_in.public_keys()
    genuine = service.sign_in.signed_token(signed_in).token
    claims = verify(genuine, jwks)
    header = jwt.get_unverified_header(genuine)
    forged = jwt.encode(
        {**claims, "email": "directeur@salariszaken.nl"},
        Ed25519PrivateKey.generate(),
        algorithm="EdDSA",
        headers={"kid": header["kid"]},
    )
    with pytest.raises(jwt.InvalidSignatureError):
        verify(forged, jwks)
    head, _body, signature = genuine.split(".")
    changed = jwt.utils.base64url_encode(json.dumps({**claims, "acr": "AAL3"}).encode()).decode()
    with pytest.raises(jwt.InvalidSignatureError):
        verify(f"{head}.{changed}.{signature}", jwks)
    unsigned = jwt.encode(claims, None, algorithm="none", headers={"kid": header["kid"]})
    with pytest.raises(jwt.InvalidAlgorithmError):
        verify(unsigned, jwks)


def test_b4_keys_rotate_and_the_jwks_keeps_the_neighbours(
    service: AuthService, signed_in: Any, clock: PinnedClock
) -> None:
    first = service.sign_in.signed_token(signed_in)
    before = {k["kid"] for k in service.sign_in.public_keys()["keys"]}
    assert first.key_id in before and len(before) == 3
    clock.advance(seconds=KEY_PERIOD.total_seconds())
    after = {k["kid"] for k in service.sign_in.public_keys()["keys"]}
    assert first.key_id in after  # a cached token's key is still published
    assert len(before & after) == 2


def test_b4_every_server_host_signs_with_the_same_keys(
    store: Store, service: AuthService, signed_in: Any, memory_keyring: MemoryKeyring
) -> None:
    other_host = make_service(store, keyring=memory_keyring, workstation="SERVER-2")
    assert other_host.sign_in.public_keys() == service.sign_in.public_keys()
    verify(other_host.sign_in.signed_token(signed_in).token, service.sign_in.public_keys())


def test_b4_no_token_for_an_ended_session_and_none_in_the_audit_log(
    service: AuthService, signed_in: Any
) -> None:
    signed = service.sign_in.signed_token(signed_in, "salarisadministratie")
    event = service.audit.events(limit=1)[0]
    assert event.event_type == "session.signed_token_issued"
    assert dict(event.details) == {"audience": "salarisadministratie", "kid": signed.key_id}
    assert signed.token not in json.dumps([dict(e.details) for e in service.audit.events()])
    for audience in ("", "x" * 201, "a\nb"):
        with pytest.raises(TokenAudienceInvalidError):
            service.sign_in.signed_token(signed_in, audience)
    service.sign_in.sign_out(signed_in)
    with pytest.raises(SessionEndedError):
        service.sign_in.signed_token(signed_in)


def test_b4_a_token_never_outlives_its_session(
    service: AuthService, signed_in: Any, clock: PinnedClock
) -> None:
    ends = signed_in.expires_at
    while (ends - clock.now()).total_seconds() > 3600:
        clock.advance(hours=1)
        service.sign_in.resume(signed_in.token)  # in use: never idle
    clock.advance(seconds=(ends - clock.now()).total_seconds() - 60)
    signed = service.sign_in.signed_token(signed_in)
    assert signed.expires_at == ends
    assert datetime.fromtimestamp(
        verify(signed.token, service.sign_in.public_keys())["exp"], UTC
    ) == ends.replace(microsecond=0)
