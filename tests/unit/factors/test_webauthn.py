"""Security keys end to end: fido2's client stack over the software authenticator.

SECURITY.md W1-W6, S2, M5, M7.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
from threading import Event

import pytest

from desktop_auth.core.service import Actor, AssuranceLevel, AuthService, SignInOutcome
from desktop_auth.devices.ctap import SecurityKeyClient
from desktop_auth.devices.soft import SoftAuthenticator
from desktop_auth.errors import (
    LastFactorError,
    MethodNotFoundError,
    NoSecurityKeyError,
    PasswordlessDisabledError,
    SecurityKeyCancelledError,
    SecurityKeyClonedError,
    SecurityKeyNotAllowedError,
    SecurityKeyNotRegisteredError,
    SecurityKeyRegisteredError,
    SecurityKeyRejectedError,
    SecurityKeyTimeoutError,
    SecurityKeyUnsupportedError,
)
from desktop_auth.store.db import Store
from desktop_auth.vocabulary import FactorKind
from tests.helpers import (
    USER_PASSWORD,
    MemoryKeyring,
    PinnedClock,
    make_service,
    make_user,
)
from tests.webauthn_helpers import (
    HARDWARE_AAGUID,
    client_for,
    hardware_key,
    key_ticket,
    make_user_with_key,
    touch_key,
    trusted_hardware_key,
)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# --- registration ------------------------------------------------------------------------


def test_setup_with_a_security_key_signs_in_and_stores_what_admins_need(
    service: AuthService, admin: Actor
) -> None:
    user = make_user_with_key(service, admin)
    assert user.session.methods == ("password", "webauthn")
    [method] = service.accounts.methods(user.email)
    assert (method.kind, method.label, method.workstation) == ("webauthn", "YubiKey 5", "WS-042")
    assert not method.flagged
    events = [e.event_type for e in service.audit.events(subject=user.email, limit=None)]
    assert "factor.added" in events


def test_options_are_the_w3c_json_forms(service: AuthService, admin: Actor) -> None:
    """W4: >= 16 random bytes of challenge; the user's existing keys are excluded."""
    user = make_user_with_key(service, admin)
    ceremony = service.security_keys.begin_add(user.session, "Reserve")
    options = dict(ceremony.options)
    assert options["rp"] == {"id": "salariszaken.nl", "name": "Salariszaken"}
    assert len(unb64(options["challenge"])) >= 16
    assert options["authenticatorSelection"]["residentKey"] == "preferred"
    assert {p["alg"] for p in options["pubKeyCredParams"]} >= {-7, -8, -257}
    assert len(options["excludeCredentials"]) == 1
    assert options["user"]["name"] == user.email
    assert user.email.encode() not in unb64(options["user"]["id"])  # the handle is random
    json.dumps(options)  # plain JSON, for any WebAuthn client


def test_w2_an_excluded_key_cannot_be_registered_twice(service: AuthService, admin: Actor) -> None:
    user = make_user_with_key(service, admin)
    ceremony = service.security_keys.begin_add(user.session, "Again")
    with pytest.raises(SecurityKeyRegisteredError):
        client_for(user.key).register(ceremony.options)


def test_w2_a_credential_id_registered_to_anyone_is_refused(
    service: AuthService, admin: Actor
) -> None:
    first = hardware_key()
    first.next_credential_id = b"\x42" * 32
    make_user_with_key(service, admin, first, "jan@example.nl")
    copy = hardware_key()
    copy.next_credential_id = b"\x42" * 32
    with pytest.raises(SecurityKeyRegisteredError):
        make_user_with_key(service, admin, copy, "piet@example.nl")
    assert service.accounts.methods("piet@example.nl") == []


def test_w5_the_demo_key_is_refused_outside_demo_mode(
    service: AuthService,
    admin: Actor,
    store: Store,
    clock: PinnedClock,
    memory_keyring: MemoryKeyring,
) -> None:
    with pytest.raises(SecurityKeyNotAllowedError) as refused:
        make_user_with_key(service, admin, SoftAuthenticator())
    assert refused.value.code == "security_key_demo_only"
    demo = make_service(store, clock=clock, keyring=memory_keyring, demo=True)
    user = make_user_with_key(demo, admin, SoftAuthenticator(), "demo@example.nl")
    ticket = key_ticket(demo, user.email)
    done = demo.sign_in.with_second_factor(ticket, "webauthn", touch_key(demo, ticket, user.key))
    # Software is not hardware-bound: never AAL3 (S2).
    assert done.session is not None and done.session.assurance is AssuranceLevel.AAL2


def test_w5_a1_aaguid_allowlist_and_required_attestation(
    service: AuthService, admin: Actor
) -> None:
    policy = dataclasses.replace(
        service.policy.current(), aaguid_allowlist=("00000000-0000-0000-0000-000000000001",)
    )
    service.policy.replace(actor=admin, policy=policy)
    with pytest.raises(SecurityKeyNotAllowedError):
        make_user_with_key(service, admin, email="a@example.nl")
    policy = dataclasses.replace(policy, aaguid_allowlist=(str(HARDWARE_AAGUID).upper(),))
    service.policy.replace(actor=admin, policy=policy)
    # An AAGUID is the key's own claim: on an allow-list only a proven one counts (A1).
    with pytest.raises(SecurityKeyNotAllowedError) as refused:
        make_user_with_key(service, admin, email="b@example.nl")
    assert refused.value.code == "security_key_attestation"
    make_user_with_key(service, admin, trusted_hardware_key(service, admin), "c@example.nl")
    # Self attestation proves nothing about the model: refused when attestation is required.
    service.policy.replace(
        actor=admin,
        policy=dataclasses.replace(policy, aaguid_allowlist=(), attestation_required=True),
    )
    with pytest.raises(SecurityKeyNotAllowedError) as refused:
        make_user_with_key(service, admin, email="d@example.nl")
    assert refused.value.code == "security_key_attestation"


def test_w5_required_user_verification(service: AuthService, admin: Actor) -> None:
    policy = dataclasses.replace(service.policy.current(), webauthn_user_verification="required")
    service.policy.replace(actor=admin, policy=policy)
    # A key without PIN or fingerprint cannot do it: the client says so calmly.
    with pytest.raises(SecurityKeyUnsupportedError):
        make_user_with_key(service, admin, hardware_key(verifies_user=False), "a@example.nl")
    # A key that claims to verify but does not set the UV flag: the relying party refuses.
    liar = hardware_key()
    liar.uv_flag = False
    with pytest.raises(SecurityKeyRejectedError):
        make_user_with_key(service, admin, liar, "b@example.nl")
    user = make_user_with_key(service, admin, hardware_key(), "c@example.nl")
    user.key.uv_flag = False
    ticket = key_ticket(service, user.email)
    with pytest.raises(SecurityKeyRejectedError):
        service.sign_in.with_second_factor(ticket, "webauthn", touch_key(service, ticket, user.key))


# --- signing in --------------------------------------------------------------------------


def test_a2_password_and_a_verified_hardware_key_with_user_verification_is_aal3(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    user = make_user_with_key(service, admin, trusted_hardware_key(service, admin))
    result = service.sign_in.with_password(user.email, USER_PASSWORD)
    assert [m.kind for m in result.methods] == ["webauthn"]
    assert result.ticket
    clock.advance(minutes=1)
    done = service.sign_in.with_second_factor(
        result.ticket, "webauthn", touch_key(service, result.ticket, user.key)
    )
    assert done.session is not None and done.session.assurance is AssuranceLevel.AAL3
    [method] = service.accounts.methods(user.email)
    assert method.last_used_at == clock.now()


def test_key_without_user_verification_is_aal2(service: AuthService, admin: Actor) -> None:
    user = make_user_with_key(
        service, admin, trusted_hardware_key(service, admin, verifies_user=False)
    )
    ticket = key_ticket(service, user.email)
    done = service.sign_in.with_second_factor(
        ticket, "webauthn", touch_key(service, ticket, user.key)
    )
    assert done.session is not None and done.session.assurance is AssuranceLevel.AAL2


def test_keys_are_offered_before_apps(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    from tests.totp_helpers import phone_code, secret_from_uri

    user = make_user_with_key(service, admin)
    enrollment = service.authenticator_apps.begin_add(user.session, "Telefoon")
    secret = secret_from_uri(enrollment.uri)
    service.authenticator_apps.finish_add(
        user.session, enrollment.enrollment_id, phone_code(secret, clock)
    )
    result = service.sign_in.with_password(user.email, USER_PASSWORD)
    assert [m.kind for m in result.methods] == ["webauthn", "totp"]


def test_w1_a_cloned_key_is_rejected_flagged_and_audited(
    service: AuthService, admin: Actor
) -> None:
    user = make_user_with_key(service, admin)
    ticket = key_ticket(service, user.email)
    assert service.sign_in.with_second_factor(
        ticket, "webauthn", touch_key(service, ticket, user.key)
    )
    ticket = key_ticket(service, user.email)
    assert service.sign_in.with_second_factor(
        ticket, "webauthn", touch_key(service, ticket, user.key)
    )
    [credential] = user.key.credentials
    user.key.wind_back_counter(credential.credential_id, 1)  # a copy made after first use
    ticket = key_ticket(service, user.email)
    with pytest.raises(SecurityKeyClonedError):
        service.sign_in.with_second_factor(ticket, "webauthn", touch_key(service, ticket, user.key))
    [method] = service.accounts.methods(user.email)
    assert method.flagged  # shown to admins
    failed = [
        e
        for e in service.audit.events(subject=user.email)
        if e.event_type == "second_factor.failed"
    ]
    assert failed[0].details["reason"] == "security_key_cloned"
    # Blocked from now on, even with a counter that moves forward again: not even offered.
    user.key.wind_back_counter(credential.credential_id, 100)
    with pytest.raises(MethodNotFoundError):
        service.security_keys.begin_sign_in(ticket)


def test_w4_a_challenge_works_once(service: AuthService, admin: Actor) -> None:
    user = make_user_with_key(service, admin)
    ticket = key_ticket(service, user.email)
    answer = touch_key(service, ticket, user.key)
    assert service.sign_in.with_second_factor(ticket, "webauthn", answer).session
    ticket = key_ticket(service, user.email)
    with pytest.raises(SecurityKeyRejectedError) as error:
        service.sign_in.with_second_factor(ticket, "webauthn", answer)
    assert error.value.code == "security_key_challenge"


def test_w4_a_challenge_expires(service: AuthService, admin: Actor, clock: PinnedClock) -> None:
    user = make_user_with_key(service, admin)
    ticket = key_ticket(service, user.email)
    answer = touch_key(service, ticket, user.key)
    clock.advance(minutes=2, seconds=1)
    with pytest.raises(SecurityKeyRejectedError):
        service.sign_in.with_second_factor(ticket, "webauthn", answer)


def test_a_tampered_signature_is_rejected(service: AuthService, admin: Actor) -> None:
    user = make_user_with_key(service, admin)
    ticket = key_ticket(service, user.email)
    answer = json.loads(touch_key(service, ticket, user.key))
    signature = bytearray(unb64(answer["response"]["signature"]))
    signature[-5] ^= 0x01
    answer["response"]["signature"] = b64(bytes(signature))
    with pytest.raises(SecurityKeyRejectedError):
        service.sign_in.with_second_factor(ticket, "webauthn", json.dumps(answer))


@pytest.mark.parametrize("answer", ["not json", "[]", "{}", '{"response": {}}'])
def test_garbage_is_rejected_calmly(service: AuthService, admin: Actor, answer: str) -> None:
    user = make_user_with_key(service, admin)
    ticket = key_ticket(service, user.email)
    with pytest.raises(SecurityKeyRejectedError):
        service.sign_in.with_second_factor(ticket, "webauthn", answer)


def test_w6_an_origin_not_on_the_list_is_rejected(service: AuthService, admin: Actor) -> None:
    """login.salariszaken.nl may use the rp id, but only listed origins are accepted."""
    user = make_user_with_key(service, admin)
    ticket = key_ticket(service, user.email)
    ceremony = service.security_keys.begin_sign_in(ticket)
    answer = client_for(user.key, "https://login.salariszaken.nl").authenticate(ceremony.options)
    with pytest.raises(SecurityKeyRejectedError):
        service.sign_in.with_second_factor(ticket, "webauthn", json.dumps(answer))


def test_w6_a_response_for_another_rp_id_is_rejected(service: AuthService, admin: Actor) -> None:
    """The authenticator data names the rp id by its hash; another site's hash is refused."""
    user = make_user_with_key(service, admin)
    ticket = key_ticket(service, user.email)
    answer = json.loads(touch_key(service, ticket, user.key))
    auth_data = unb64(answer["response"]["authenticatorData"])
    evil = hashlib.sha256(b"evil.example").digest()
    answer["response"]["authenticatorData"] = b64(evil + auth_data[32:])
    with pytest.raises(SecurityKeyRejectedError):
        service.sign_in.with_second_factor(ticket, "webauthn", json.dumps(answer))


def test_w3_another_accounts_key_does_not_sign_in_this_account(
    service: AuthService, admin: Actor
) -> None:
    jan = make_user_with_key(service, admin, email="jan@example.nl")
    piet = make_user_with_key(service, admin, email="piet@example.nl")
    ticket = key_ticket(service, piet.email)
    ceremony = service.security_keys.begin_sign_in(ticket)
    # Jan's key answers Piet's challenge without an allow-list match: no credential.
    options = {**ceremony.options, "allowCredentials": []}
    jan.key.credentials[0].resident = True
    answer = client_for(jan.key).authenticate(options)
    with pytest.raises(SecurityKeyRejectedError) as error:
        service.sign_in.with_second_factor(ticket, "webauthn", json.dumps(answer))
    assert error.value.code == "security_key_unknown"


def test_w4_an_answer_in_another_sign_in_leaves_the_ceremony_to_its_owner(
    service: AuthService, admin: Actor
) -> None:
    """Jan's answer handed in through Piet's sign-in fails, and Jan can still use it."""
    jan = make_user_with_key(service, admin, email="jan@example.nl")
    piet = make_user_with_key(service, admin, email="piet@example.nl")
    jan_ticket = key_ticket(service, jan.email)
    jan_answer = touch_key(service, jan_ticket, jan.key)
    piet_ticket = key_ticket(service, piet.email)
    with pytest.raises(SecurityKeyRejectedError):
        service.sign_in.with_second_factor(piet_ticket, FactorKind.WEBAUTHN, jan_answer)
    done = service.sign_in.with_second_factor(jan_ticket, FactorKind.WEBAUTHN, jan_answer)
    assert done.session is not None and done.session.email == jan.email


# --- passwordless ------------------------------------------------------------------------


def test_passwordless_sign_in_with_one_touch(service: AuthService, admin: Actor) -> None:
    user = make_user_with_key(service, admin, trusted_hardware_key(service, admin))
    ceremony = service.security_keys.begin_passwordless()
    assert "allowCredentials" not in ceremony.options or not ceremony.options["allowCredentials"]
    assert ceremony.options["userVerification"] == "required"
    answer = client_for(user.key).authenticate(ceremony.options)
    done = service.security_keys.finish_passwordless(json.dumps(answer))
    assert done.outcome is SignInOutcome.DONE and done.session is not None
    assert done.session.email == user.email and done.session.methods == ("webauthn",)
    assert done.session.assurance is AssuranceLevel.AAL3


def test_passwordless_for_a_disabled_account_is_refused(service: AuthService, admin: Actor) -> None:
    user = make_user_with_key(service, admin)
    service.accounts.set_disabled(actor=admin, email=user.email, disabled=True)
    answer = client_for(user.key).authenticate(service.security_keys.begin_passwordless().options)
    assert service.security_keys.finish_passwordless(json.dumps(answer)).outcome is (
        SignInOutcome.DISABLED
    )


def test_passwordless_needs_a_known_user_handle(service: AuthService, admin: Actor) -> None:
    stranger = hardware_key()
    make_user(service, admin, email="x@example.nl")
    client_for(stranger).register(
        {
            "rp": {"id": "salariszaken.nl", "name": "Salariszaken"},
            "user": {"id": b64(b"\x07" * 32), "name": "x", "displayName": "x"},
            "challenge": b64(b"\x01" * 32),
            "pubKeyCredParams": [{"type": "public-key", "alg": -7}],
            "authenticatorSelection": {"residentKey": "required"},
        }
    )
    answer = client_for(stranger).authenticate(service.security_keys.begin_passwordless().options)
    with pytest.raises(SecurityKeyRejectedError) as error:
        service.security_keys.finish_passwordless(json.dumps(answer))
    assert error.value.code == "security_key_unknown"


def test_policy_can_switch_passwordless_off(service: AuthService, admin: Actor) -> None:
    service.policy.replace(
        actor=admin,
        policy=dataclasses.replace(service.policy.current(), passwordless_allowed=False),
    )
    with pytest.raises(PasswordlessDisabledError):
        service.security_keys.begin_passwordless()


# --- the client side ---------------------------------------------------------------------


def test_client_errors_are_calm(service: AuthService, admin: Actor) -> None:
    user = make_user_with_key(service, admin)
    ticket = key_ticket(service, user.email)
    options = service.security_keys.begin_sign_in(ticket).options
    with pytest.raises(NoSecurityKeyError):
        SecurityKeyClient("https://salariszaken.nl", devices=list).authenticate(options)
    cancelled = Event()
    cancelled.set()
    with pytest.raises(SecurityKeyCancelledError):
        client_for(user.key).authenticate(options, cancelled)
    user.key.touch = lambda: False
    with pytest.raises(SecurityKeyTimeoutError):
        client_for(user.key).authenticate(options)


def test_touch_prompt_reaches_the_person(service: AuthService, admin: Actor) -> None:
    asked: list[str] = []

    class Prompts:
        def touch(self) -> None:
            asked.append("touch")

        def pin(self) -> str | None:
            return None

        def verify_user(self) -> bool:
            asked.append("uv")
            return True

    user = make_user_with_key(service, admin)
    ticket = key_ticket(service, user.email)
    options = service.security_keys.begin_sign_in(ticket).options
    client = SecurityKeyClient(
        "https://salariszaken.nl", prompts=Prompts(), devices=lambda: [user.key]
    )
    service.sign_in.with_second_factor(ticket, "webauthn", json.dumps(client.authenticate(options)))
    assert asked == ["uv", "touch"]


# --- removal -----------------------------------------------------------------------------


def test_m5_several_keys_and_the_last_one_stays(service: AuthService, admin: Actor) -> None:
    user = make_user_with_key(service, admin)
    spare = hardware_key()
    ceremony = service.security_keys.begin_add(user.session, "Reserve")
    service.security_keys.finish_add(user.session, client_for(spare).register(ceremony.options))
    assert sorted(m.label for m in service.accounts.methods(user.email)) == ["Reserve", "YubiKey 5"]
    service.my_account.remove_method(user.session, "webauthn", user.method_id)
    [left] = service.accounts.methods(user.email)
    with pytest.raises(LastFactorError):
        service.my_account.remove_method(user.session, "webauthn", left.method_id)
    ticket = key_ticket(service, user.email)
    with pytest.raises(SecurityKeyNotRegisteredError):  # the removed key is not asked
        touch_key(service, ticket, user.key)


def test_a_wrong_pin_says_how_many_tries_are_left(service: AuthService, admin: Actor) -> None:
    """The key is asked how many PIN tries remain (CTAP2 getPINRetries), and says so."""
    from fido2.ctap import CtapError

    from desktop_auth.errors import SecurityKeyPinError
    from desktop_auth.messages import translate

    user = make_user_with_key(service, admin)
    user.key.pin_retries = 3
    ticket = key_ticket(service, user.email)
    options = service.security_keys.begin_sign_in(ticket).options
    user.key.fail_with = CtapError.ERR.PIN_INVALID
    with pytest.raises(SecurityKeyPinError) as wrong:
        client_for(user.key).authenticate(options)
    assert wrong.value.code == "security_key_pin_wrong_left"
    assert wrong.value.params["left"] == 3
    assert "3 more tries" in translate(wrong.value.message_key, "en", **wrong.value.params)
    user.key.fail_with = CtapError.ERR.PIN_BLOCKED
    with pytest.raises(SecurityKeyPinError) as blocked:
        client_for(user.key).authenticate(options)
    assert blocked.value.code == "security_key_pin_blocked"


def test_a_wrong_pin_on_a_key_that_keeps_its_count_to_itself(
    service: AuthService, admin: Actor
) -> None:
    """The PIN outcomes are classes: wrong (count unknown), wrong with tries left, blocked."""
    from fido2.ctap import CtapError

    from desktop_auth.errors import (
        SecurityKeyPinBlockedError,
        SecurityKeyPinWrongError,
        SecurityKeyPinWrongLeftError,
    )

    user = make_user_with_key(service, admin)
    assert user.key.pin_retries is None  # getPINRetries is not answered
    options = service.security_keys.begin_sign_in(key_ticket(service, user.email)).options
    user.key.fail_with = CtapError.ERR.PIN_INVALID
    with pytest.raises(SecurityKeyPinWrongError) as wrong:
        client_for(user.key).authenticate(options)
    assert type(wrong.value) is SecurityKeyPinWrongError and not wrong.value.params
    assert not isinstance(wrong.value, SecurityKeyPinWrongLeftError)
    assert not issubclass(SecurityKeyPinBlockedError, SecurityKeyPinWrongError)


def test_connected_authenticators_lists_usb_then_nfc(monkeypatch: pytest.MonkeyPatch) -> None:
    """USB keys, then NFC keys on PC/SC readers; without pyscard, USB keys still work."""
    import sys
    import types

    from fido2.hid import CtapHidDevice

    from desktop_auth.devices import ctap

    usb, nfc = hardware_key(), hardware_key()
    monkeypatch.setattr(CtapHidDevice, "list_devices", classmethod(lambda cls: iter([usb])))
    reader = types.ModuleType("fido2.pcsc")
    reader.CtapPcscDevice = types.SimpleNamespace(list_devices=lambda: iter([nfc]))  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "fido2.pcsc", reader)
    assert list(ctap.connected_authenticators()) == [usb, nfc]
    monkeypatch.setitem(sys.modules, "fido2.pcsc", None)  # as if pyscard were missing
    assert list(ctap.connected_authenticators()) == [usb]
