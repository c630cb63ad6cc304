"""Security keys as a person would use them: the real fido2 client over our software key."""

from __future__ import annotations

import dataclasses
import json
import uuid
from typing import Any

from desktop_auth.core.service import Actor, AuthService, Session, SignInOutcome
from desktop_auth.devices.ctap import SecurityKeyClient
from desktop_auth.devices.soft import SoftAuthenticator
from tests.helpers import USER_PASSWORD, make_user

ORIGIN = "https://salariszaken.nl"
#: A stand-in for a hardware key model (the demo key's own AAGUID is refused outside demo).
HARDWARE_AAGUID = uuid.UUID("cb69481e-8ff7-4039-93ec-0a2729a154a8")


def hardware_key(**knobs: Any) -> SoftAuthenticator:
    return SoftAuthenticator(aaguid=HARDWARE_AAGUID, **knobs)


def trusted_hardware_key(service: AuthService, admin: Actor, **knobs: Any) -> SoftAuthenticator:
    """A key whose attestation leads to one of the organisation's roots (SECURITY.md A1):
    a verified hardware model, which with user verification earns AAL3 (A2)."""
    from tests.attestation_helpers import attested_key, root

    authority = root("Salariszaken Key Root")
    service.policy.set_attestation_roots(authority.pem, actor=admin)
    return attested_key(authority, HARDWARE_AAGUID, **knobs)


def client_for(key: SoftAuthenticator, origin: str = ORIGIN) -> SecurityKeyClient:
    return SecurityKeyClient(origin, devices=lambda: [key])


@dataclasses.dataclass
class KeyUser:
    email: str
    key: SoftAuthenticator
    method_id: int
    session: Session


def make_user_with_key(
    service: AuthService,
    admin: Actor,
    key: SoftAuthenticator | None = None,
    email: str = "jan@example.nl",
) -> KeyUser:
    key = key or hardware_key()
    make_user(service, admin, email=email)
    setup = service.sign_in.with_password(email, USER_PASSWORD)
    assert setup.outcome is SignInOutcome.SETUP_REQUIRED and setup.ticket
    ceremony = service.security_keys.begin_setup(setup.ticket, "YubiKey 5")
    response = client_for(key).register(ceremony.options)
    done = service.security_keys.finish_setup(setup.ticket, response)
    assert done.session is not None
    [method] = [m for m in service.accounts.methods(email) if m.kind == "webauthn"]
    return KeyUser(email=email, key=key, method_id=method.method_id, session=done.session)


def key_ticket(service: AuthService, email: str) -> str:
    result = service.sign_in.with_password(email, USER_PASSWORD)
    assert result.outcome is SignInOutcome.SECOND_FACTOR_REQUIRED and result.ticket
    return result.ticket


def touch_key(service: AuthService, ticket: str, key: SoftAuthenticator) -> str:
    """The second-factor step's answer, as JSON text."""
    ceremony = service.security_keys.begin_sign_in(ticket)
    return json.dumps(client_for(key).authenticate(ceremony.options))


class KeyClock:
    """A software key's clock a test moves by hand (``SoftAuthenticator(clock=…)``): how
    long ago the key was plugged in decides whether it allows a reset."""

    def __init__(self, now: float = 0.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now
