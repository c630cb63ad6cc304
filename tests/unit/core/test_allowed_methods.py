"""The organisation's allowed methods: what users may set up (authenticator app, security
key, Windows Hello), checked when a set-up begins and again when it finishes."""

from __future__ import annotations

import dataclasses

import pytest

from desktop_auth.core.policy import Policy
from desktop_auth.core.service import Actor, AuthService, SignInOutcome
from desktop_auth.errors import ConfigError, MethodNotAllowedError
from desktop_auth.vocabulary import Method
from tests.helpers import USER_PASSWORD, PinnedClock, make_user
from tests.totp_helpers import make_user_with_app, phone_code, secret_from_uri, sign_in_ticket
from tests.webauthn_helpers import client_for, hardware_key


def allow(service: AuthService, admin: Actor, *methods: str) -> None:
    service.policy.update(actor=admin, changes={"allowed_methods": list(methods)})


def setup_ticket(service: AuthService, admin: Actor, email: str = "jan@example.nl") -> str:
    make_user(service, admin, email=email)
    setup = service.sign_in.with_password(email, USER_PASSWORD)
    assert setup.outcome is SignInOutcome.SETUP_REQUIRED and setup.ticket
    return setup.ticket


def test_every_method_is_allowed_by_default_and_the_setting_is_kept_in_order() -> None:
    assert Policy().allowed_methods == tuple(Method)
    policy = Policy(allowed_methods=("authenticator_app", "security_key", "security_key"))
    assert policy.allowed_methods == ("security_key", "authenticator_app")
    assert not policy.allows("windows_hello")


@pytest.mark.parametrize("methods", [(), ("sms",), ("security_key", "sms")])
def test_m10_no_method_or_an_unknown_one_is_refused(methods: tuple[str, ...]) -> None:
    """SMS cannot be allowed (a restricted authenticator), and neither can nothing at all."""
    with pytest.raises(ConfigError) as refused:
        Policy(allowed_methods=methods)
    assert refused.value.code == "policy_allowed_methods"


def test_the_change_is_audited_and_read_back_from_the_store(
    service: AuthService, admin: Actor
) -> None:
    allow(service, admin, "security_key")
    assert service.policy.current().allowed_methods == ("security_key",)
    [event] = service.audit.events(event_type="policy.changed", limit=1)
    assert event.details["settings"] == "allowed_methods"


def test_an_authenticator_app_cannot_be_set_up_when_not_allowed(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    allow(service, admin, "security_key", "windows_hello")
    ticket = setup_ticket(service, admin)
    with pytest.raises(MethodNotAllowedError) as refused:
        service.authenticator_apps.begin_setup(ticket, "Telefoon")
    assert refused.value.code == "method_not_allowed"
    allow(service, admin, *Method)
    enrollment = service.authenticator_apps.begin_setup(ticket, "Telefoon")
    # Switched off while the QR code was on screen: the set-up does not finish.
    allow(service, admin, "security_key")
    code = phone_code(secret_from_uri(enrollment.uri), clock)
    with pytest.raises(MethodNotAllowedError):
        service.authenticator_apps.finish_setup(ticket, enrollment.enrollment_id, code)
    assert service.accounts.methods("jan@example.nl") == []
    refused = service.audit.events(event_type="factor.enrollment_refused", limit=None)
    assert [(e.subject, e.details) for e in refused] == [
        ("jan@example.nl", {"kind": "totp", "reason": "method_not_allowed"})
    ] * 2  # at the beginning and at the end


def test_methods_set_up_before_keep_working(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    """Allowing is about new set-ups; switching old ones off is "retire"."""
    user = make_user_with_app(service, admin, clock)
    allow(service, admin, "security_key")
    ticket = sign_in_ticket(service, user.email)
    done = service.sign_in.with_second_factor(ticket, "totp", phone_code(user.secret, clock))
    assert done.session is not None


def test_only_security_keys_asks_the_client_for_a_roaming_key(
    service: AuthService, admin: Actor
) -> None:
    allow(service, admin, "security_key")
    ticket = setup_ticket(service, admin)
    ceremony = service.security_keys.begin_setup(ticket, "YubiKey")
    assert ceremony.options["authenticatorSelection"]["authenticatorAttachment"] == (
        "cross-platform"
    )
    done = service.security_keys.finish_setup(
        ticket, client_for(hardware_key()).register(ceremony.options)
    )
    assert done.session is not None


def test_only_windows_hello_asks_for_the_platform_and_takes_what_windows_answers(
    service: AuthService, admin: Actor
) -> None:
    """Windows' WebAuthn API says "cross-platform", without transports, even for Hello
    (python-fido2's WindowsClient): the answer is not judged by that unsigned field."""
    allow(service, admin, "windows_hello")
    ticket = setup_ticket(service, admin)
    ceremony = service.security_keys.begin_setup(ticket, "Windows Hello")
    assert ceremony.options["authenticatorSelection"]["authenticatorAttachment"] == "platform"
    answer = dict(client_for(hardware_key()).register(ceremony.options))
    answer["authenticatorAttachment"] = "cross-platform"
    answer["response"] = {k: v for k, v in answer["response"].items() if k != "transports"}
    done = service.security_keys.finish_setup(ticket, answer)
    assert done.session is not None


def test_keys_switched_off_while_the_key_was_touched_are_refused(
    service: AuthService, admin: Actor
) -> None:
    ticket = setup_ticket(service, admin)
    ceremony = service.security_keys.begin_setup(ticket, "YubiKey")
    answer = client_for(hardware_key()).register(ceremony.options)
    allow(service, admin, "authenticator_app")
    with pytest.raises(MethodNotAllowedError):
        service.security_keys.finish_setup(ticket, answer)
    assert service.accounts.methods("jan@example.nl") == []
    [refused] = service.audit.events(event_type="factor.enrollment_refused", limit=None)
    assert refused.details == {"kind": "webauthn", "reason": "method_not_allowed"}


def test_no_key_of_either_kind_when_only_apps_are_allowed(
    service: AuthService, admin: Actor
) -> None:
    allow(service, admin, "authenticator_app")
    ticket = setup_ticket(service, admin)
    with pytest.raises(MethodNotAllowedError):
        service.security_keys.begin_setup(ticket, "YubiKey")
    policy = dataclasses.replace(service.policy.current(), allowed_methods=tuple(Method))
    service.policy.replace(actor=admin, policy=policy)
    assert "authenticatorAttachment" not in service.security_keys.begin_setup(
        ticket, "YubiKey"
    ).options.get("authenticatorSelection", {})
