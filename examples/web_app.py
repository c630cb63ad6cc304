"""A small web application that lets in whoever ``desktop-auth gate --url`` sends,
after verifying the signed sign-in token it brings.

The gate opens ``https://salaris.salariszaken.nl/#desktop_auth_token=…``.  A URL's
fragment never leaves the browser, so the token is in no server's access log and no
``Referer``; this page's script takes it out of the address bar and posts it to
``/session``, which verifies it (EdDSA, the audience is this application's origin,
each token only once) and sets the application's own session cookie.

    DESKTOP_AUTH_JWKS_URL=https://signin.salariszaken.nl:8443/.well-known/jwks.json \\
    WEB_APP_ORIGIN=https://salaris.salariszaken.nl \\
    uvicorn examples.web_app:app --host 127.0.0.1 --port 8080     # behind your TLS proxy

Starlette and PyJWT are all it needs.
"""

from __future__ import annotations

import json
import os
import secrets
import ssl
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jwt
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from examples.gated_program import key_for, verified_claims

SESSION_COOKIE = "salaris_session"

PAGE = """<!doctype html>
<meta charset="utf-8"><title>Salarisadministratie</title>
<p id="status">Signing you in…</p>
<script>
const hash = new URLSearchParams(location.hash.slice(1));
const token = hash.get("desktop_auth_token");
history.replaceState(null, "", location.pathname + location.search);  // out of the history
if (token) {
  fetch("/session", {method: "POST", headers: {"Content-Type": "application/json"},
                     body: JSON.stringify({token})})
    .then(r => r.ok ? location.reload() :
          (document.getElementById("status").textContent = "Sign in through desktop-auth."));
} else {
  document.getElementById("status").textContent = "Sign in through desktop-auth.";
}
</script>
"""


def create_app(jwks: Callable[[], dict[str, Any]], origin: str) -> Starlette:
    """``jwks`` returns the organisation's public keys; ``origin`` is this application's
    own (the token's audience)."""
    seen: dict[str, float] = {}  # jti -> expiry: each token is taken once
    sessions: dict[str, dict[str, Any]] = {}

    async def home(request: Request) -> Response:
        person = sessions.get(request.cookies.get(SESSION_COOKIE, ""))
        if person is None:
            return HTMLResponse(PAGE)
        return HTMLResponse(f"<p>Welcome, {_escape(person['name'])} ({person['acr']}).</p>")

    async def start_session(request: Request) -> Response:
        try:
            body = await request.json()
            token = str(body["token"])
            claims = verified_claims(token, key_for(token, jwks()), audience=origin)
        except (ValueError, KeyError, TypeError, jwt.InvalidTokenError, jwt.PyJWKError):
            return JSONResponse({"error": "invalid_token"}, status_code=401)
        now = time.time()
        for jti in [j for j, until in seen.items() if until < now]:
            del seen[jti]
        if claims["jti"] in seen:
            return JSONResponse({"error": "token_already_used"}, status_code=401)
        seen[claims["jti"]] = float(claims["exp"]) + 60
        session_id = secrets.token_urlsafe(32)
        sessions[session_id] = {
            "email": claims["email"],
            "name": claims["name"],
            "acr": claims["acr"],
        }
        response = JSONResponse({"email": claims["email"]})
        response.set_cookie(
            SESSION_COOKIE, session_id, httponly=True, secure=True, samesite="strict"
        )
        return response

    return Starlette(routes=[Route("/", home), Route("/session", start_session, methods=["POST"])])


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _jwks_from_environment() -> Callable[[], dict[str, Any]]:
    if "DESKTOP_AUTH_JWKS_FILE" in os.environ:
        keys = json.loads(Path(os.environ["DESKTOP_AUTH_JWKS_FILE"]).read_text())
        return lambda: keys
    context = ssl.create_default_context(cafile=os.environ.get("DESKTOP_AUTH_CA_FILE"))
    client = jwt.PyJWKClient(os.environ["DESKTOP_AUTH_JWKS_URL"], ssl_context=context)
    return lambda: dict(client.fetch_data())


if "WEB_APP_ORIGIN" in os.environ:  # uvicorn examples.web_app:app
    app = create_app(_jwks_from_environment(), os.environ["WEB_APP_ORIGIN"])
