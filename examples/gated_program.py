"""A program that runs only for a signed-in employee, and knows who: it verifies the
signed sign-in token that ``desktop-auth gate`` hands it in ``DESKTOP_AUTH_TOKEN``.

    desktop-auth gate -- python3 examples/gated_program.py \\
        --jwks-url https://signin.salariszaken.nl:8443/.well-known/jwks.json

    desktop-auth jwks > /etc/salaris/jwks.json     # embedded: the keys, from the store
    desktop-auth gate -- python3 examples/gated_program.py --jwks-file /etc/salaris/jwks.json

Verifying needs only PyJWT with cryptography, not desktop-auth.  The keys come from a
place the program trusts (the sign-in server over TLS, or a file IT put there), never
from the environment: anyone who starts a program can set its environment.
"""

from __future__ import annotations

import argparse
import json
import os
import ssl
import sys
from pathlib import Path
from typing import Any

import jwt

GATE_AUDIENCE = "desktop-auth-gate"
ASSURANCE_ORDER = ("AAL1", "AAL2", "AAL3")


def key_for(token: str, jwks: dict[str, Any]) -> Any:
    """The public key the token's header names, from the organisation's JWKS."""
    key_id = jwt.get_unverified_header(token).get("kid")
    for jwk in jwks.get("keys", []):
        if jwk.get("kid") == key_id:
            return jwt.PyJWK(jwk).key
    raise jwt.InvalidKeyError(f"no published key {key_id!r}")


def verified_claims(
    token: str,
    key: Any,
    *,
    audience: str = GATE_AUDIENCE,
    issuer: str | None = None,
    at_least: str = "AAL2",
) -> dict[str, Any]:
    """The token's claims once signature, algorithm, audience, issuer, time and assurance
    all hold; ``jwt.InvalidTokenError`` otherwise."""
    claims: dict[str, Any] = jwt.decode(
        token,
        key,
        algorithms=["EdDSA"],  # never "none", never one the token picks for itself
        audience=audience,
        issuer=issuer,
        options={"require": ["exp", "iat", "nbf", "sub", "aud", "iss", "acr", "jti"]},
        leeway=30,
    )
    if ASSURANCE_ORDER.index(claims["acr"]) < ASSURANCE_ORDER.index(at_least):
        raise jwt.InvalidTokenError(f"assurance {claims['acr']} is below {at_least}")
    return claims


def load_jwks(args: argparse.Namespace) -> tuple[str, Any]:
    token = os.environ.get("DESKTOP_AUTH_TOKEN", "")
    if not token:
        raise jwt.InvalidTokenError("no DESKTOP_AUTH_TOKEN: start me through desktop-auth gate")
    if args.jwks_file:
        return token, key_for(token, json.loads(Path(args.jwks_file).read_text()))
    context = ssl.create_default_context(cafile=args.ca_file)
    client = jwt.PyJWKClient(args.jwks_url, ssl_context=context)
    return token, client.get_signing_key_from_jwt(token).key


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--jwks-file", help="the organisation's public keys (desktop-auth jwks)")
    source.add_argument("--jwks-url", help="the sign-in server's /.well-known/jwks.json")
    parser.add_argument("--ca-file", help="the CA that signed the sign-in server's certificate")
    parser.add_argument("--audience", default=GATE_AUDIENCE)
    parser.add_argument("--issuer", help="e.g. desktop-auth:salariszaken.nl")
    parser.add_argument("--at-least", default="AAL2", choices=ASSURANCE_ORDER)
    args = parser.parse_args(argv)
    try:
        token, key = load_jwks(args)
        claims = verified_claims(
            token, key, audience=args.audience, issuer=args.issuer, at_least=args.at_least
        )
    except (jwt.InvalidTokenError, jwt.PyJWKError, OSError) as error:
        print(f"Refused: {error}", file=sys.stderr)
        return 3
    print(f"Signed in: {claims['email']} ({claims['acr']}, {' + '.join(claims['amr'])})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
