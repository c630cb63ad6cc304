"""Server-side sessions (SECURITY.md B2): a session is a token the store knows, and every
call re-reads it and its account.  The red team's cases from issue 14, each refused."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from desktop_auth.core.service import (
    Actor,
    AssuranceLevel,
    AuthService,
    Session,
)
from desktop_auth.errors import (
    PermissionDeniedError,
    SessionEndedError,
    SessionExpiredError,
    SessionNotFoundError,
    SignInExpiredError,
)
from desktop_auth.vocabulary import AuditEventType, FactorKind, Role
from tests.helpers import USER_PASSWORD, PinnedClock, make_user, past_sign_in
from tests.totp_helpers import EnrolledUser, make_user_with_app, phone_code, sign_in_ticket

ADMIN_EMAIL = "beheer@salariszaken.nl"


def _signed_in_admin(service: AuthService, clock: PinnedClock, admin: Actor) -> Actor:
    """The first administrator with an authenticator app, signed in with it."""
    enrolled = make_user_with_app(service, admin, clock, email="hulp@salariszaken.nl")
    service.accounts.set_role(actor=admin, email=enrolled.email, role=Role.ADMIN)
    # The role change ended the old session: sign in again, as an administrator.
    clock.advance(seconds=31)
    ticket = sign_in_ticket(service, enrolled.email)
    done = service.sign_in.with_second_factor(
        ticket, FactorKind.TOTP, phone_code(enrolled.secret, clock)
    )
    assert done.session is not None
    return Actor.for_session(done.session)


def test_b2_a_session_is_a_random_token_kept_only_hashed(
    service: AuthService, user_with_app: EnrolledUser
) -> None:
    token = user_with_app.session.token
    assert len(token) >= 43  # 32 random bytes, base64url
    assert token not in repr(user_with_app.session)
    with service._context.store.engine.connect() as connection:
        stored = connection.exec_driver_sql("SELECT token_hash FROM sign_in_sessions").all()
    assert stored
    assert all(token.encode() not in bytes(row[0]) for row in stored)


def test_b2_a_session_made_by_hand_is_refused(
    service: AuthService, user_with_app: EnrolledUser, admin: Actor
) -> None:
    victim = service.accounts.get(ADMIN_EMAIL)
    now = service.accounts.now()
    forged = Session(
        token="x" * 43,
        user_id=victim.id,
        email=victim.email,
        display_name=victim.display_name,
        role=Role.ADMIN,
        methods=("password", "totp"),
        assurance=AssuranceLevel.AAL2,
        authenticated_at=now,
        expires_at=now + timedelta(hours=8),
    )
    with pytest.raises(SessionEndedError):
        service.recovery_codes.generate(forged)
    with pytest.raises(SessionEndedError):
        service.accounts.create(
            actor=Actor.for_session(forged), email="x@example.nl", display_name="X"
        )


@pytest.mark.parametrize(
    "change",
    [
        {"user_id": 1},
        {"assurance": AssuranceLevel.AAL3},
        {"role": Role.ADMIN},
        {"methods": ("password", "webauthn")},
        {"expires_at": None},
    ],
    ids=["user", "assurance", "role", "methods", "expiry"],
)
def test_b2_a_real_session_with_a_field_changed_is_refused_or_ignored(
    service: AuthService, user_with_app: EnrolledUser, change: dict[str, object]
) -> None:
    """dataclasses.replace of a real session: the token no longer matches what it claims.
    A changed role is not refused but ignored: the store's role counts."""
    real = user_with_app.session
    if change == {"expires_at": None}:
        change = {"expires_at": real.expires_at + timedelta(days=30)}
    if "user_id" in change:
        change = {"user_id": service.accounts.get(ADMIN_EMAIL).id}
    altered = dataclasses.replace(real, **change)  # type: ignore[arg-type]
    if "role" in change:
        with pytest.raises(PermissionDeniedError):
            service.rollout.report(actor=Actor.for_session(altered))
        return
    with pytest.raises(SessionEndedError):
        service.recovery_codes.generate(altered)
    with pytest.raises(SessionEndedError):
        service.authenticator_apps.begin_add(altered, "Telefoon")
    with pytest.raises(SessionEndedError):
        service.my_account.remove_method(altered, FactorKind.TOTP, user_with_app.method_id)
    assert service.my_account.methods(real)  # the real one still works


def test_b2_a_demoted_and_disabled_administrators_session_creates_no_one(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    helpdesk = _signed_in_admin(service, clock, admin)
    assert service.accounts.create(actor=helpdesk, email="a@example.nl", display_name="A")
    service.accounts.set_role(actor=admin, email="hulp@salariszaken.nl", role=Role.EMPLOYEE)
    with pytest.raises(SessionEndedError):
        service.accounts.create(actor=helpdesk, email="b@example.nl", display_name="B")
    # Disabling ends the sessions too, and a disabled account's session is refused anyway.
    helpdesk = _signed_in_admin_again(service, clock, admin)
    service.accounts.set_disabled(actor=admin, email="hulp@salariszaken.nl", disabled=True)
    clock.advance(hours=9)
    with pytest.raises((SessionEndedError, SessionExpiredError)):
        service.accounts.create(actor=helpdesk, email="c@example.nl", display_name="C")
    assert service.accounts.count(search="c@example") == 0


def _signed_in_admin_again(service: AuthService, clock: PinnedClock, admin: Actor) -> Actor:
    service.accounts.set_role(actor=admin, email="hulp@salariszaken.nl", role=Role.ADMIN)
    return Actor.for_session(past_sign_in(service, "hulp@salariszaken.nl"))


def test_b2_a_password_change_ends_the_other_sessions(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    enrolled = make_user_with_app(service, admin, clock)
    other = past_sign_in(service, enrolled.email)  # the same person, another workstation
    here = enrolled.session
    service.my_account.change_password(here, USER_PASSWORD, "een heel ander nieuw wachtwoord")
    with pytest.raises(SessionEndedError):
        service.my_account.methods(other)
    assert service.my_account.methods(here)  # the one that changed it goes on
    service.accounts.reset_password(actor=admin, email=enrolled.email)
    with pytest.raises(SessionEndedError):
        service.my_account.methods(here)


def test_b2_sign_out_ends_the_session_everywhere(
    service: AuthService, user_with_app: EnrolledUser
) -> None:
    session = user_with_app.session
    service.sign_in.sign_out(session)
    with pytest.raises(SessionEndedError):
        service.my_account.methods(session)
    service.sign_in.sign_out(session)  # twice is not an error
    events = service.audit.events(event_type=AuditEventType.SIGNED_OUT)
    assert len(events) == 1


def test_b2_a_session_ends_when_unused_for_the_idle_minutes(
    service: AuthService, user_with_app: EnrolledUser, clock: PinnedClock
) -> None:
    session = user_with_app.session
    idle = service.policy.current().session_idle_minutes
    clock.advance(minutes=idle - 1)
    assert service.my_account.methods(session)  # used: the idle time starts again
    clock.advance(minutes=idle - 1)
    assert service.my_account.methods(session)
    clock.advance(minutes=idle + 1)
    with pytest.raises(SessionExpiredError):
        service.my_account.methods(session)


def test_b2_a_user_lists_and_ends_their_own_sessions(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    enrolled = make_user_with_app(service, admin, clock)
    elsewhere = past_sign_in(service, enrolled.email)
    listed = service.my_account.sessions(enrolled.session)
    assert len(listed) == 2
    assert [s.current for s in listed].count(True) == 1
    other = next(s for s in listed if not s.current)
    service.my_account.end_session(enrolled.session, other.session_id)
    with pytest.raises(SessionEndedError):
        service.my_account.methods(elsewhere)
    assert len(service.my_account.sessions(enrolled.session)) == 1
    # Someone else's session is not theirs to end.
    make_user(service, admin, "piet@example.nl")
    piet = past_sign_in(service, "piet@example.nl", assurance=AssuranceLevel.AAL1)
    piets = service.my_account.sessions(piet)[0].session_id
    with pytest.raises(SessionNotFoundError):
        service.my_account.end_session(enrolled.session, piets)
    assert service.my_account.sessions(piet)


def test_b2_a_sign_in_under_way_does_not_outlive_a_reset_or_disabling(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    """A ticket from before the helpdesk's reset, or before disabling, finishes nothing."""
    enrolled = make_user_with_app(service, admin, clock)
    clock.advance(seconds=31)
    ticket = sign_in_ticket(service, enrolled.email)
    service.accounts.reset_password(actor=admin, email=enrolled.email)
    with pytest.raises(SignInExpiredError):
        service.sign_in.with_second_factor(
            ticket, FactorKind.TOTP, phone_code(enrolled.secret, clock)
        )
    other = make_user_with_app(service, admin, clock, email="piet@example.nl")
    clock.advance(seconds=31)
    ticket = sign_in_ticket(service, other.email)
    service.accounts.set_disabled(actor=admin, email=other.email, disabled=True)
    with pytest.raises(SignInExpiredError):
        service.sign_in.with_second_factor(ticket, FactorKind.TOTP, phone_code(other.secret, clock))
