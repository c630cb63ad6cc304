"""Signed sign-in tokens end to end (SECURITY.md B4): issued through the sign-in server,
verified against its JWKS endpoint, taken once by the example web application."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from desktop_auth.core.service import AuthService, Session
from desktop_auth.remote.server import JWKS_PATH
from desktop_auth.store.db import Store
from examples.web_app import SESSION_COOKIE, create_app
from tests.helpers import MemoryKeyring, PinnedClock, initialize_organisation, make_service
from tests.remote_helpers import serving
from tests.totp_helpers import make_user_with_app

ORIGIN = "https://salaris.salariszaken.nl"


@pytest.fixture
def live_service(store: Store, memory_keyring: MemoryKeyring) -> AuthService:
    return make_service(
        store, clock=PinnedClock(datetime.now(UTC) - timedelta(minutes=1)), keyring=memory_keyring
    )


@pytest.fixture
def session(live_service: AuthService) -> Session:
    clock = live_service._context.clock
    assert isinstance(clock, PinnedClock)
    admin = initialize_organisation(live_service)
    return make_user_with_app(live_service, admin, clock).session


def test_b4_the_server_issues_tokens_and_publishes_the_keys_that_verify_them(
    live_service: AuthService, session: Session
) -> None:
    with serving(live_service) as remote:
        signed = remote.sign_in.signed_token(session, ORIGIN)
        published = httpx.get(remote.url + JWKS_PATH).json()
    assert published == live_service.sign_in.public_keys()
    key = jwt.PyJWKSet.from_dict(published)[jwt.get_unverified_header(signed.token)["kid"]]
    claims = jwt.decode(signed.token, key.key, algorithms=["EdDSA"], audience=ORIGIN)
    assert claims["email"] == session.email and claims["acr"] == "AAL2"


def test_b4_the_example_web_application_takes_each_genuine_token_once(
    live_service: AuthService, session: Session
) -> None:
    asyncio.run(a_browser_visits(live_service, session))


async def a_browser_visits(live_service: AuthService, session: Session) -> None:
    app = create_app(live_service.sign_in.public_keys, ORIGIN)
    transport = httpx.ASGITransport(app=app)
    async with (
        httpx.AsyncClient(transport=transport, base_url=ORIGIN) as browser,
        httpx.AsyncClient(transport=transport, base_url=ORIGIN) as stranger,
    ):
        assert "Sign in through desktop-auth" in (await browser.get("/")).text

        genuine = live_service.sign_in.signed_token(session, ORIGIN).token
        answer = await browser.post("/session", json={"token": genuine})
        assert answer.status_code == 200 and SESSION_COOKIE in answer.cookies
        assert "Welcome, Jan de Vries (AAL2)" in (await browser.get("/")).text

        claims = jwt.decode(genuine, options={"verify_signature": False})
        forged = jwt.encode(
            {**claims, "jti": "new", "email": "directeur@salariszaken.nl"},
            Ed25519PrivateKey.generate(),
            algorithm="EdDSA",
            headers={"kid": jwt.get_unverified_header(genuine)["kid"]},
        )
        for token, error in (
            (genuine, "token_already_used"),  # replayed
            (forged, "invalid_token"),
            (live_service.sign_in.signed_token(session).token, "invalid_token"),  # the gate's
            ("not a token", "invalid_token"),
        ):
            refused = await stranger.post("/session", json={"token": token})
            assert (refused.status_code, refused.json()) == (401, {"error": error})
        assert "Welcome" not in (await stranger.get("/")).text
