"""What several sign-in servers share through the store (issue 14): pending sign-ins,
WebAuthn ceremonies, sessions and the unknown-address throttle.  Two services on one store
stand for two server processes behind one load balancer."""

from __future__ import annotations

import json

import pytest

from desktop_auth.core.service import Actor, AuthService, SignInOutcome
from desktop_auth.errors import (
    InvalidCredentialsError,
    SecurityKeyRejectedError,
    SessionEndedError,
)
from desktop_auth.store.db import Store
from desktop_auth.vocabulary import FactorKind
from tests.helpers import USER_PASSWORD, MemoryKeyring, PinnedClock, make_service
from tests.totp_helpers import make_user_with_app, phone_code
from tests.webauthn_helpers import client_for, make_user_with_key


@pytest.fixture
def other(store: Store, clock: PinnedClock, memory_keyring: MemoryKeyring) -> AuthService:
    """A second server process on the same store (and data key)."""
    return make_service(store, clock=clock, keyring=memory_keyring, workstation="server-2")


def test_b5_a_sign_in_begun_on_one_server_is_finished_on_another(
    service: AuthService, other: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    user = make_user_with_app(service, admin, clock)
    clock.advance(seconds=31)
    first = service.sign_in.with_password(user.email, USER_PASSWORD)
    assert first.outcome is SignInOutcome.SECOND_FACTOR_REQUIRED and first.ticket
    done = other.sign_in.with_second_factor(
        first.ticket, FactorKind.TOTP, phone_code(user.secret, clock)
    )
    assert done.outcome is SignInOutcome.DONE and done.session is not None
    # The session works on either server, and signing out on one ends it on both.
    assert service.my_account.methods(done.session)
    other.sign_in.sign_out(done.session)
    with pytest.raises(SessionEndedError):
        service.my_account.methods(done.session)


def test_w4_a_ceremony_begun_on_one_server_is_answered_on_another(
    service: AuthService, other: AuthService, admin: Actor
) -> None:
    user = make_user_with_key(service, admin)
    ticket = service.sign_in.with_password(user.email, USER_PASSWORD).ticket
    assert ticket
    ceremony = service.security_keys.begin_sign_in(ticket)
    answer = json.dumps(client_for(user.key).authenticate(ceremony.options))
    done = other.sign_in.with_second_factor(ticket, FactorKind.WEBAUTHN, answer)
    assert done.outcome is SignInOutcome.DONE
    # Spent on the other server: the same answer does not work again on the first.
    again = service.sign_in.with_password(user.email, USER_PASSWORD).ticket
    assert again
    with pytest.raises(SecurityKeyRejectedError) as refused:
        service.sign_in.with_second_factor(again, FactorKind.WEBAUTHN, answer)
    assert refused.value.code == "security_key_challenge"


def test_b5_an_unknown_address_is_counted_once_for_every_server(
    service: AuthService, other: AuthService, admin: Actor, clock: PinnedClock, store: Store
) -> None:
    unknown = "niemand@example.nl"
    policy = service.policy.current().throttle
    for attempt in range(policy.lock_after):
        server = service if attempt % 2 else other
        with pytest.raises(InvalidCredentialsError):
            server.sign_in.with_password(unknown, "verkeerd wachtwoord")
        clock.advance(seconds=policy.max_delay_seconds + 1)
    assert service.sign_in.with_password(unknown, "x").outcome is SignInOutcome.LOCKED
    assert other.sign_in.with_password(unknown, "x").outcome is SignInOutcome.LOCKED
    # The address itself is written nowhere.
    with store.engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT * FROM unknown_account_failures").all()
    assert len(rows) == 1
    assert all(unknown.encode() not in bytes(v) for v in rows[0] if isinstance(v, bytes))
    assert all(unknown not in str(v) for v in rows[0])
