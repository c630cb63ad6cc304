"""Setting users up with an authenticator app, as a person with a phone would."""

from __future__ import annotations

import base64
import dataclasses
from urllib.parse import parse_qs, urlparse

import pyotp

from desktop_auth.core.service import Actor, AuthService, Session, SignInOutcome
from tests.helpers import USER_PASSWORD, PinnedClock, make_user


def secret_from_uri(uri: str) -> str:
    """What the phone app reads from the QR code."""
    return parse_qs(urlparse(uri).query)["secret"][0]


def phone_code(secret_b32: str, clock: PinnedClock, steps_ahead: int = 0) -> str:
    return pyotp.TOTP(secret_b32).at(clock.now().timestamp() + 30 * steps_ahead)


def secret_bytes(secret_b32: str) -> bytes:
    return base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))


@dataclasses.dataclass
class EnrolledUser:
    email: str
    secret: str
    method_id: int
    session: Session


def make_user_with_app(
    service: AuthService, admin: Actor, clock: PinnedClock, email: str = "jan@example.nl"
) -> EnrolledUser:
    make_user(service, admin, email=email)
    setup = service.sign_in.with_password(email, USER_PASSWORD)
    assert setup.outcome is SignInOutcome.SETUP_REQUIRED and setup.ticket
    enrollment = service.authenticator_apps.begin_setup(setup.ticket, "Telefoon")
    secret = secret_from_uri(enrollment.uri)
    done = service.authenticator_apps.finish_setup(
        setup.ticket, enrollment.enrollment_id, phone_code(secret, clock)
    )
    assert done.session is not None
    clock.advance(seconds=30)  # the proving code is spent; the next sign-in uses a new step
    return EnrolledUser(
        email=email, secret=secret, method_id=enrollment.enrollment_id, session=done.session
    )


def sign_in_ticket(service: AuthService, email: str) -> str:
    result = service.sign_in.with_password(email, USER_PASSWORD)
    assert result.outcome is SignInOutcome.SECOND_FACTOR_REQUIRED and result.ticket
    return result.ticket
