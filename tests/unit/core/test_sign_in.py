"""The password step of the sign-in flow (DESIGN.md "Sign-in flow", SECURITY.md P, T, S)."""

from __future__ import annotations

import pytest

from desktop_auth.core.service import (
    Actor,
    AssuranceLevel,
    AuthService,
    SignInOutcome,
    UserStatus,
)
from desktop_auth.core.sign_in_steps import SignInSteps
from desktop_auth.errors import (
    InvalidCredentialsError,
    InvalidEmailError,
    SessionExpiredError,
    SignInExpiredError,
    StoreUnavailableError,
    WeakPasswordError,
)
from desktop_auth.vocabulary import FactorKind
from tests.helpers import USER_PASSWORD, PinnedClock, make_user, no_second_factor_required
from tests.totp_helpers import EnrolledUser, phone_code, sign_in_ticket


def test_temporary_password_must_be_changed_then_setup_is_required(
    service: AuthService, admin: Actor
) -> None:
    """P8: a temporary password leads to a change first; with 2FA required, then to setup."""
    issued = service.accounts.create(actor=admin, email="jan@example.nl", display_name="Jan")
    first = service.sign_in.with_password("jan@example.nl", issued.temporary_password)
    assert first.outcome is SignInOutcome.MUST_CHANGE_PASSWORD
    assert first.session is None
    assert first.ticket
    after = service.sign_in.complete_password_change(first.ticket, USER_PASSWORD)
    assert after.outcome is SignInOutcome.SETUP_REQUIRED
    assert after.session is None and after.ticket
    # The temporary password no longer works; the new one does.
    with pytest.raises(InvalidCredentialsError):
        service.sign_in.with_password("jan@example.nl", issued.temporary_password)
    again = service.sign_in.with_password("jan@example.nl", USER_PASSWORD)
    assert again.outcome is SignInOutcome.SETUP_REQUIRED


def test_password_change_ticket_works_once(service: AuthService, admin: Actor) -> None:
    issued = service.accounts.create(actor=admin, email="jan@example.nl", display_name="Jan")
    first = service.sign_in.with_password("jan@example.nl", issued.temporary_password)
    assert first.ticket
    service.sign_in.complete_password_change(first.ticket, USER_PASSWORD)
    with pytest.raises(SignInExpiredError):
        service.sign_in.complete_password_change(first.ticket, "een ander lang wachtwoord hier")


def test_weak_new_password_keeps_the_ticket_for_another_try(
    service: AuthService, admin: Actor
) -> None:
    issued = service.accounts.create(actor=admin, email="jan@example.nl", display_name="Jan")
    first = service.sign_in.with_password("jan@example.nl", issued.temporary_password)
    assert first.ticket
    with pytest.raises(WeakPasswordError) as weak:
        service.sign_in.complete_password_change(first.ticket, "kort")
    assert weak.value.reasons == ("too_short",)
    with pytest.raises(WeakPasswordError) as same:
        service.sign_in.complete_password_change(first.ticket, issued.temporary_password)
    assert same.value.reasons == ("same_as_current",)
    assert service.sign_in.complete_password_change(first.ticket, USER_PASSWORD).outcome is (
        SignInOutcome.SETUP_REQUIRED
    )


def test_ticket_expires(service: AuthService, admin: Actor, clock: PinnedClock) -> None:
    issued = service.accounts.create(actor=admin, email="jan@example.nl", display_name="Jan")
    first = service.sign_in.with_password("jan@example.nl", issued.temporary_password)
    assert first.ticket
    clock.advance(minutes=6)
    with pytest.raises(SignInExpiredError):
        service.sign_in.complete_password_change(first.ticket, USER_PASSWORD)


def test_password_only_session_is_aal1_when_policy_allows(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    """S2: a session carries its assurance level; password alone is AAL1."""
    no_second_factor_required(service, admin)
    make_user(service, admin)
    result = service.sign_in.with_password("Jan@Example.NL", USER_PASSWORD)
    assert result.outcome is SignInOutcome.DONE
    session = result.session
    assert session is not None
    assert session.assurance is AssuranceLevel.AAL1
    assert session.methods == ("password",)
    assert session.email == "jan@example.nl"
    assert session.authenticated_at == clock.now()
    assert session.expires_at > clock.now()
    assert service.accounts.get("jan@example.nl").last_sign_in_at == clock.now()


def test_email_is_case_insensitive_and_unicode_normalised(
    service: AuthService, admin: Actor
) -> None:
    no_second_factor_required(service, admin)
    make_user(
        service, admin, email="jose\u0301@example.nl"
    )  # "josé" written with a combining accent
    for typed in ("JOSÉ@example.nl", "jos\u00e9@EXAMPLE.nl", " josé@example.nl "):
        assert service.sign_in.with_password(typed, USER_PASSWORD).outcome is SignInOutcome.DONE


def test_malformed_email_gets_its_own_clear_error(service: AuthService, admin: Actor) -> None:
    with pytest.raises(InvalidEmailError):
        service.sign_in.with_password("not an address", USER_PASSWORD)


def test_unknown_user_and_wrong_password_give_the_same_error(
    service: AuthService, admin: Actor
) -> None:
    """T2: same message key, same parameters, for unknown e-mail and wrong password."""
    make_user(service, admin)
    with pytest.raises(InvalidCredentialsError) as wrong_password:
        service.sign_in.with_password("jan@example.nl", "niet het goede wachtwoord")
    with pytest.raises(InvalidCredentialsError) as unknown:
        service.sign_in.with_password("niemand@example.nl", "niet het goede wachtwoord")
    assert type(wrong_password.value) is type(unknown.value)
    assert dict(wrong_password.value.params) == dict(unknown.value.params)
    assert wrong_password.value.code == unknown.value.code == "invalid_credentials"


def test_disabled_account_is_refused_only_after_the_right_password(
    service: AuthService, admin: Actor
) -> None:
    make_user(service, admin)
    service.accounts.set_disabled(actor=admin, email="jan@example.nl", disabled=True)
    with pytest.raises(InvalidCredentialsError):
        service.sign_in.with_password("jan@example.nl", "niet het goede wachtwoord")
    assert service.sign_in.with_password("jan@example.nl", USER_PASSWORD).outcome is (
        SignInOutcome.DISABLED
    )
    service.accounts.set_disabled(actor=admin, email="jan@example.nl", disabled=False)
    assert service.sign_in.with_password("jan@example.nl", USER_PASSWORD).outcome is (
        SignInOutcome.SETUP_REQUIRED
    )


def test_change_password_needs_the_current_one(service: AuthService, admin: Actor) -> None:
    """P8 / ASVS 6.2.3: self-service change needs the current password."""
    no_second_factor_required(service, admin)
    make_user(service, admin)
    session = service.sign_in.with_password("jan@example.nl", USER_PASSWORD).session
    assert session is not None
    new_password = "zeven zwanen zwemmen zuidwaarts"
    with pytest.raises(InvalidCredentialsError):
        service.my_account.change_password(session, "niet het goede wachtwoord", new_password)
    assert service.accounts.get("jan@example.nl").failed_attempts == 1
    service.my_account.change_password(session, USER_PASSWORD, new_password)
    with pytest.raises(InvalidCredentialsError):
        service.sign_in.with_password("jan@example.nl", USER_PASSWORD)
    assert service.sign_in.with_password("jan@example.nl", new_password).session is not None


def test_change_password_refuses_an_expired_session(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    no_second_factor_required(service, admin)
    make_user(service, admin)
    session = service.sign_in.with_password("jan@example.nl", USER_PASSWORD).session
    assert session is not None
    clock.advance(hours=11)
    with pytest.raises(SessionExpiredError):
        service.my_account.change_password(
            session, USER_PASSWORD, "zeven zwanen zwemmen zuidwaarts"
        )


def test_result_repr_hides_the_ticket(service: AuthService, admin: Actor) -> None:
    issued = service.accounts.create(actor=admin, email="jan@example.nl", display_name="Jan")
    result = service.sign_in.with_password("jan@example.nl", issued.temporary_password)
    assert result.ticket and result.ticket not in repr(result)
    assert issued.temporary_password not in repr(issued)


def test_t1_a_locked_account_cannot_change_its_password_from_a_live_session(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    """T1: the lock holds for a password change too: no guessing past it, no change."""
    no_second_factor_required(service, admin)
    make_user(service, admin)
    session = service.sign_in.with_password("jan@example.nl", USER_PASSWORD).session
    assert session is not None
    lock_after = service.policy.current().throttle.lock_after
    for _ in range(lock_after):
        with pytest.raises(InvalidCredentialsError):
            service.sign_in.with_password("jan@example.nl", "niet het goede wachtwoord")
        if service.accounts.get("jan@example.nl").failed_attempts < lock_after:
            clock.advance(minutes=1)  # past each delay, so every guess is checked
    with pytest.raises(InvalidCredentialsError) as refused:
        service.my_account.change_password(session, USER_PASSWORD, "zeven zwanen zwemmen zuid")
    assert refused.value.params["until"]  # says when, as the sign-in does
    assert service.accounts.get("jan@example.nl").failed_attempts == lock_after  # not counted


def test_p10_a_temporary_password_expires_and_the_helpdesk_sees_it(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    """P10: a temporary password works for the policy's days (7), then only a new one does."""
    issued = service.accounts.create(actor=admin, email="jan@example.nl", display_name="Jan")
    lifetime = service.policy.current().temporary_password_lifetime
    summary = issued.user
    assert summary.temporary_password_expires_at == summary.password_changed_at + lifetime
    assert service.accounts.get("jan@example.nl") == summary
    clock.advance(days=6, hours=23)
    assert service.sign_in.with_password("jan@example.nl", issued.temporary_password).ticket
    clock.advance(hours=1)
    late = service.sign_in.with_password("jan@example.nl", issued.temporary_password)
    assert late.outcome is SignInOutcome.TEMPORARY_PASSWORD_EXPIRED
    assert late.ticket is None and late.session is None
    [refused] = service.audit.events(event_type="sign_in.refused", limit=1)
    assert refused.details == {"reason": "temporary_password_expired"}
    now = service.accounts.now()
    assert (
        service.accounts.get("jan@example.nl").status(now) is UserStatus.TEMPORARY_PASSWORD_EXPIRED
    )
    fresh = service.accounts.reset_password(actor=admin, email="jan@example.nl")
    again = service.sign_in.with_password("jan@example.nl", fresh.temporary_password)
    assert again.outcome is SignInOutcome.MUST_CHANGE_PASSWORD


def test_p10_a_chosen_password_never_expires(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    """P7: no periodic change; only the temporary one expires."""
    no_second_factor_required(service, admin)
    make_user(service, admin)
    clock.advance(days=400)
    assert service.sign_in.with_password("jan@example.nl", USER_PASSWORD).session is not None
    assert service.accounts.get("jan@example.nl").temporary_password_expires_at is None


def test_a_code_step_cut_off_half_way_can_be_sent_again(
    service: AuthService,
    user_with_app: EnrolledUser,
    clock: PinnedClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A server that dies after checking the code but before the session is made (its
    connection to the store cut) leaves the ticket and the code as they were: the
    workstation sends the same code again, to another server, and is signed in.  Tried
    across a killed server (issue 15): the ticket had been used up in a transaction of its
    own, and the sign-in failed."""
    clock.advance(seconds=30)
    ticket = sign_in_ticket(service, user_with_app.email)
    code = phone_code(user_with_app.secret, clock)
    real = SignInSteps.after_password

    def cut_off(*_args: object, **_kwargs: object) -> object:
        raise StoreUnavailableError()

    monkeypatch.setattr(SignInSteps, "after_password", cut_off)
    with pytest.raises(StoreUnavailableError):
        service.sign_in.with_second_factor(ticket, FactorKind.TOTP, code)
    monkeypatch.setattr(SignInSteps, "after_password", real)
    done = service.sign_in.with_second_factor(ticket, FactorKind.TOTP, code)
    assert done.outcome is SignInOutcome.DONE and done.session is not None
    with pytest.raises(SignInExpiredError):  # and the ticket works once, as before
        service.sign_in.with_second_factor(ticket, FactorKind.TOTP, code)
