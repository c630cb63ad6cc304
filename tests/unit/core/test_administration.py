"""Helpdesk actions on accounts (SECURITY.md P8, S1)."""

from __future__ import annotations

import dataclasses
from urllib.parse import parse_qs, urlparse

import pyotp
import pytest

from desktop_auth.core.passphrase import suggest_passphrase, wordlist
from desktop_auth.core.service import Actor, AuthService, Organisation, SignInOutcome
from desktop_auth.errors import (
    InsufficientAssuranceError,
    InvalidCredentialsError,
    InvalidEmailError,
    InvalidInputError,
    InvalidRoleError,
    LastAdministratorError,
    PermissionDeniedError,
    ReauthenticationRequiredError,
    StoreAlreadyInitializedError,
    UserExistsError,
    UserNotFoundError,
    UserNotLockedError,
)
from tests.conftest import ADMIN_PASSWORD
from tests.helpers import USER_PASSWORD, PinnedClock, make_user


def admin_session_actor(service: AuthService, admin: Actor) -> Actor:
    """The first administrator signed in with password and authenticator app (AAL2)."""
    setup = service.sign_in.with_password("beheer@salariszaken.nl", ADMIN_PASSWORD)
    assert setup.ticket
    enrollment = service.authenticator_apps.begin_setup(setup.ticket, "Telefoon")
    secret = parse_qs(urlparse(enrollment.uri).query)["secret"][0]
    code = pyotp.TOTP(secret).at(service.accounts.now())
    session = service.authenticator_apps.finish_setup(
        setup.ticket, enrollment.enrollment_id, code
    ).session
    assert session is not None
    return Actor.for_session(session)


def test_b3_every_admin_action_needs_the_admins_second_factor(
    service: AuthService, admin: Actor
) -> None:
    """A phished administrator's password alone administers nothing: not a reset, and not
    an unlock either (which, after every ten guesses, would undo the lock)."""
    policy = dataclasses.replace(service.policy.current(), second_factor_required=False)
    service.policy.replace(actor=admin, policy=policy)
    session = service.sign_in.with_password("beheer@salariszaken.nl", ADMIN_PASSWORD).session
    assert session is not None
    email = make_user(service, admin)
    with pytest.raises(InsufficientAssuranceError):
        service.accounts.reset_password(actor=Actor.for_session(session), email=email)
    with pytest.raises(InsufficientAssuranceError):
        service.accounts.unlock(actor=Actor.for_session(session), email=email)
    with pytest.raises(InsufficientAssuranceError):
        service.accounts.create(
            actor=Actor.for_session(session), email="piet@example.nl", display_name="Piet"
        )


def test_initialize_only_once(service: AuthService, admin: Actor) -> None:
    assert service.organisation() == Organisation(name="Salariszaken", rp_id="salariszaken.nl")
    with pytest.raises(StoreAlreadyInitializedError):
        service.initialize(
            actor=admin,
            organisation_name="Ander",
            rp_id="ander.nl",
            admin_email="x@ander.nl",
            admin_display_name="X",
            admin_password="nog een heel lang wachtwoord",
        )
    assert service.organisation() == Organisation(name="Salariszaken", rp_id="salariszaken.nl")


@pytest.mark.parametrize("rp_id", ["not a domain", "", "http://x.nl", "x..nl"])
def test_initialize_refuses_a_bad_relying_party_id(service: AuthService, rp_id: str) -> None:
    with pytest.raises(InvalidInputError):
        service.initialize(
            actor=service.accounts.local_administrator(),
            organisation_name="O",
            rp_id=rp_id,
            admin_email="a@o.nl",
            admin_display_name="A",
            admin_password=ADMIN_PASSWORD,
        )
    assert service.organisation() is None


def test_create_user_rejects_duplicates_and_bad_input(service: AuthService, admin: Actor) -> None:
    service.accounts.create(actor=admin, email="jan@example.nl", display_name="Jan")
    with pytest.raises(UserExistsError):
        service.accounts.create(actor=admin, email="JAN@example.nl", display_name="Jan 2")
    with pytest.raises(InvalidEmailError):
        service.accounts.create(actor=admin, email="jan", display_name="Jan")
    with pytest.raises(InvalidRoleError):
        service.accounts.create(actor=admin, email="piet@example.nl", display_name="P", role="god")
    with pytest.raises(InvalidInputError):
        service.accounts.create(actor=admin, email="piet@example.nl", display_name="   ")
    assert [u.email for u in service.accounts.page()] == [
        "beheer@salariszaken.nl",
        "jan@example.nl",
    ]


def test_p8_reset_gives_a_one_time_temporary_password(service: AuthService, admin: Actor) -> None:
    """P8: the admin never chooses the password; the temporary one must be changed."""
    email = make_user(service, admin)
    issued = service.accounts.reset_password(actor=admin, email=email, language="nl")
    words = issued.temporary_password.split("-")
    assert len(words) >= 6 and all(w in wordlist("nl") for w in words)
    assert issued.user.must_change_password
    with pytest.raises(Exception, match="invalid_credentials"):
        service.sign_in.with_password(email, USER_PASSWORD)
    result = service.sign_in.with_password(email, issued.temporary_password)
    assert result.outcome is SignInOutcome.MUST_CHANGE_PASSWORD


def test_the_last_administrator_cannot_be_demoted_or_disabled(
    service: AuthService, admin: Actor
) -> None:
    with pytest.raises(LastAdministratorError):
        service.accounts.set_role(actor=admin, email="beheer@salariszaken.nl", role="employee")
    with pytest.raises(LastAdministratorError):
        service.accounts.set_disabled(actor=admin, email="beheer@salariszaken.nl", disabled=True)
    make_user(service, admin)
    service.accounts.set_role(actor=admin, email="jan@example.nl", role="admin")
    demoted = service.accounts.set_role(
        actor=admin, email="beheer@salariszaken.nl", role="employee"
    )
    assert demoted.role == "employee"


def test_employees_cannot_do_admin_work(service: AuthService, admin: Actor) -> None:
    policy = dataclasses.replace(service.policy.current(), second_factor_required=False)
    service.policy.replace(actor=admin, policy=policy)
    email = make_user(service, admin)
    session = service.sign_in.with_password(email, USER_PASSWORD).session
    assert session is not None
    with pytest.raises(PermissionDeniedError):
        service.accounts.create(
            actor=Actor.for_session(session), email="x@example.nl", display_name="X"
        )


def test_s1_destructive_admin_actions_need_a_recent_sign_in(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    """S1: re-authentication within 5 minutes before a destructive admin action."""
    email = make_user(service, admin)
    for _ in range(10):  # locked for a quarter of an hour, to be unlocked below
        with pytest.raises(InvalidCredentialsError):
            service.sign_in.with_password(email, "niet het goede wachtwoord")
        clock.advance(seconds=61)
    actor = admin_session_actor(service, admin)
    service.accounts.set_disabled(actor=actor, email=email, disabled=False)
    clock.advance(minutes=6)
    service.accounts.unlock(actor=actor, email=email)  # not destructive: allowed
    with pytest.raises(ReauthenticationRequiredError):
        service.accounts.reset_password(actor=actor, email=email)
    with pytest.raises(ReauthenticationRequiredError):
        service.accounts.set_disabled(actor=actor, email=email, disabled=True)


def test_unlocking_an_account_that_is_not_locked_changes_and_audits_nothing(
    service: AuthService, admin: Actor
) -> None:
    """Issue 19: Unlock on an account that was not locked acted, and was audited."""
    email = make_user(service, admin)
    before = len(service.audit.events(subject=email, actor=admin, limit=None))
    with pytest.raises(UserNotLockedError):
        service.accounts.unlock(actor=admin, email=email)
    assert len(service.audit.events(subject=email, actor=admin, limit=None)) == before


def test_unknown_user_is_reported(service: AuthService, admin: Actor) -> None:
    with pytest.raises(UserNotFoundError):
        service.accounts.get("niemand@example.nl")
    with pytest.raises(UserNotFoundError):
        service.accounts.unlock(actor=admin, email="niemand@example.nl")


def test_the_user_list_searches_email_and_name(service: AuthService, admin: Actor) -> None:
    service.accounts.create(actor=admin, email="jan@example.nl", display_name="Jan de Vries")
    service.accounts.create(actor=admin, email="piet@example.nl", display_name="Piet Jansen")
    assert [u.email for u in service.accounts.page(search="JAN")] == [
        "jan@example.nl",
        "piet@example.nl",
    ]
    assert [u.email for u in service.accounts.page(search="vries")] == ["jan@example.nl"]
    assert [u.email for u in service.accounts.page(role="admin")] == ["beheer@salariszaken.nl"]
    assert len(service.accounts.page(limit=1, offset=1)) == 1


def test_passphrase_suggestions_reach_77_bits_from_the_shipped_lists() -> None:
    """M2-style entropy check: bits follow from list length and word count."""
    for language in ("en", "nl"):
        suggestion = suggest_passphrase(language)
        assert suggestion.bits >= 77
        assert len(suggestion.text.split("-")) == suggestion.words
        assert suggestion.text not in repr(suggestion)
    # The published lists less the words unfit for a workplace (test_passphrase.py).
    assert 7500 < len(wordlist("en")) < 7776
    assert len(wordlist("nl")) > 8000
    assert len({suggest_passphrase("en").text for _ in range(20)}) == 20


def test_method_kinds_names_each_users_confirmed_second_factors(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    """The console's "methods" column: one answer for a page of users, no secrets."""
    from tests.totp_helpers import make_user_with_app

    jan = make_user_with_app(service, admin, clock)
    piet = make_user(service, admin, email="piet@example.nl")
    users = {u.email: u.id for u in service.accounts.page()}
    kinds = service.accounts.method_kinds([users[jan.email], users[piet]])
    assert kinds == {users[jan.email]: ("totp",), users[piet]: ()}
    assert service.accounts.method_kinds([]) == {}


def test_a_policy_update_can_clear_the_enforcement_date_but_not_other_settings(
    service: AuthService, admin: Actor
) -> None:
    """The console's "2FA required from" can be switched back to "now"; audited each time."""
    service.policy.update(actor=admin, changes={"enforcement_date": "2026-09-01"})
    assert service.policy.current().enforcement_date == "2026-09-01"
    service.policy.update(actor=admin, changes={"enforcement_date": None})
    assert service.policy.current().enforcement_date is None
    with pytest.raises(InvalidInputError):
        service.policy.update(actor=admin, changes={"totp_window": None})
    changes = service.audit.events(event_type="policy.changed")
    assert [e.details["settings"] for e in changes[:2]] == ["enforcement_date"] * 2
