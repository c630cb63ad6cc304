"""A person's own key: info, set a PIN, change it, tries left, blocked (issue 18).

Every call goes through python-fido2's real ``Ctap2``/``ClientPin`` (PIN/UV
protocol 2) to the software authenticator, as it would to a USB key.
"""

from __future__ import annotations

import pytest
from fido2.ctap2.base import Ctap2
from fido2.ctap2.pin import ClientPin

from desktop_auth.core.service import Actor, AuthService
from desktop_auth.devices.ctap import SecurityKeyClient, SilentPrompts
from desktop_auth.devices.key_pin import change_pin, read_key_info, set_pin
from desktop_auth.devices.soft import SOFT_AAGUID, SoftAuthenticator
from desktop_auth.errors import (
    DeviceError,
    SecurityKeyPinBlockedError,
    SecurityKeyPinChangeRequiredError,
    SecurityKeyPinNotSetError,
    SecurityKeyPinNotSupportedError,
    SecurityKeyPinPausedError,
    SecurityKeyPinSetError,
    SecurityKeyPinTooShortError,
    SecurityKeyPinWrongLeftError,
)
from desktop_auth.messages import translate
from tests.helpers import USER_PASSWORD, make_user
from tests.webauthn_helpers import ORIGIN, client_for, hardware_key


def fresh_key(**knobs: object) -> SoftAuthenticator:
    """A key as it comes out of the box: it can hold a PIN but has none."""
    return SoftAuthenticator(supports_pin=True, **knobs)  # type: ignore[arg-type]


def test_a_fresh_key_reports_that_it_can_hold_a_pin_but_has_none() -> None:
    info = read_key_info(fresh_key(min_pin_length=6))
    assert info.aaguid == str(SOFT_AAGUID)
    assert "FIDO_2_0" in info.versions
    assert (info.pin_supported, info.pin_set, info.pin_retries) == (True, False, None)
    assert info.min_pin_length == 6
    assert not info.needs_pin_change


def test_setting_a_pin_goes_through_python_fido2_and_the_key_then_has_one() -> None:
    key = fresh_key()
    info = set_pin(key, "4823917")
    assert (info.pin_set, info.pin_retries) == (True, 8)
    assert Ctap2(key).info.options["clientPin"] is True
    # the key knows the PIN: python-fido2 gets a PIN token with it
    assert ClientPin(Ctap2(key)).get_pin_token("4823917")


def test_a_pin_below_the_keys_minimum_is_refused_before_the_key_is_asked() -> None:
    key = fresh_key(min_pin_length=6)
    with pytest.raises(SecurityKeyPinTooShortError) as short:
        set_pin(key, "12345")
    assert short.value.params["minimum"] == 6
    assert "6" in translate(short.value.message_key, "nl", **short.value.params)
    assert not key.client_pin.is_set


def test_the_policy_minimum_counts_when_it_is_above_the_keys() -> None:
    with pytest.raises(SecurityKeyPinTooShortError) as short:
        set_pin(fresh_key(), "123456", policy_minimum=8)
    assert short.value.params["minimum"] == 8


def test_a_pin_is_set_once_and_changed_afterwards() -> None:
    key = fresh_key()
    set_pin(key, "4823917")
    with pytest.raises(SecurityKeyPinSetError):
        set_pin(key, "5555555")
    change_pin(key, "4823917", "7713954")
    assert ClientPin(Ctap2(key)).get_pin_token("7713954")


def test_changing_needs_a_pin_to_change() -> None:
    with pytest.raises(SecurityKeyPinNotSetError):
        change_pin(fresh_key(), "4823917", "7713954")


def test_a_wrong_old_pin_says_how_many_tries_are_left() -> None:
    key = fresh_key()
    set_pin(key, "4823917")
    with pytest.raises(SecurityKeyPinWrongLeftError) as wrong:
        change_pin(key, "0000000", "7713954")
    assert wrong.value.params["left"] == 7
    assert read_key_info(key).pin_retries == 7


def test_a_blocked_pin_says_to_reset_the_key_which_removes_its_sign_ins() -> None:
    key = fresh_key()
    key.client_pin.preset("4823917")
    key.pin_retries = 1
    with pytest.raises(SecurityKeyPinBlockedError) as blocked:
        change_pin(key, "0000000", "7713954")
    assert read_key_info(key).pin_blocked
    with pytest.raises(SecurityKeyPinBlockedError):  # asked no further
        change_pin(key, "4823917", "7713954")
    for language, words in (("en", ("reset", "removes")), ("nl", ("gewist", "verwijdert"))):
        text = translate(blocked.value.message_key, language)
        assert all(word in text for word in words)


def test_a_key_asking_for_a_new_pin_says_so_and_stops_after_the_change() -> None:
    key = fresh_key()
    key.client_pin.preset("4823917")
    key.client_pin.force_change = True
    assert read_key_info(key).needs_pin_change
    assert not change_pin(key, "4823917", "7713954").needs_pin_change


def test_a_key_that_cannot_hold_a_pin_says_so() -> None:
    key = SoftAuthenticator()
    assert not read_key_info(key).pin_supported
    with pytest.raises(SecurityKeyPinNotSupportedError):
        set_pin(key, "4823917")


def test_no_pin_reaches_the_error_text() -> None:
    key = fresh_key()
    set_pin(key, "4823917")
    with pytest.raises(SecurityKeyPinWrongLeftError) as wrong:
        change_pin(key, "9182736", "7713954")
    assert "9182736" not in str(wrong.value) and "7713954" not in str(wrong.value)
    assert "9182736" not in repr(wrong.value.params)


class PinPrompts(SilentPrompts):
    def __init__(self, pin: str) -> None:
        self.answer = pin

    def pin(self) -> str | None:
        return self.answer


def test_a_key_out_of_the_box_registers_once_its_pin_is_set(
    service: AuthService, admin: Actor
) -> None:
    """Issue 18: no PIN and no fingerprint reader → refused; after set_pin → registered."""
    key = hardware_key(supports_pin=True, verifies_user=False)
    make_user(service, admin)
    ticket = service.sign_in.with_password("jan@example.nl", USER_PASSWORD).ticket
    assert ticket is not None
    ceremony = service.security_keys.begin_setup(ticket, "YubiKey 5")
    with pytest.raises(DeviceError) as refused:
        client_for(key).register(ceremony.options)
    set_pin(key, "4823917")
    client = SecurityKeyClient(ORIGIN, prompts=PinPrompts("4823917"), devices=lambda: [key])
    done = service.security_keys.finish_setup(ticket, client.register(ceremony.options))
    assert done.session is not None
    assert refused.value.code == "security_key_unsupported"  # "set up a PIN"


def test_three_wrong_pins_in_a_row_say_to_unplug_the_key_not_to_reset_it() -> None:
    """CTAP PIN_AUTH_BLOCKED: tries are left; the key wants a power cycle first."""
    key = fresh_key()
    key.client_pin.preset("4823917")
    for left in (7, 6):
        with pytest.raises(SecurityKeyPinWrongLeftError) as wrong:
            change_pin(key, "0000000", "7713954")
        assert wrong.value.params["left"] == left
    with pytest.raises(SecurityKeyPinPausedError) as paused:
        change_pin(key, "0000000", "7713954")
    assert "Unplug" in translate(paused.value.message_key, "en")
    assert not isinstance(paused.value, SecurityKeyPinBlockedError)
    with pytest.raises(SecurityKeyPinPausedError):  # even the right PIN, until unplugged
        change_pin(key, "4823917", "7713954")
    key.client_pin.power_cycle()
    assert change_pin(key, "4823917", "7713954").pin_retries == 8


def test_a_key_that_wants_a_new_pin_is_refused_with_change_it_until_it_is_changed(
    service: AuthService, admin: Actor
) -> None:
    """forcePINChange: the key refuses its PIN token; the person is told to change the PIN."""
    key = hardware_key(supports_pin=True, verifies_user=False)
    key.client_pin.preset("4823917")
    key.client_pin.force_change = True
    make_user(service, admin)
    ticket = service.sign_in.with_password("jan@example.nl", USER_PASSWORD).ticket
    assert ticket is not None
    ceremony = service.security_keys.begin_setup(ticket, "YubiKey 5")
    prompts = PinPrompts("4823917")
    client = SecurityKeyClient(ORIGIN, prompts=prompts, devices=lambda: [key])
    with pytest.raises(SecurityKeyPinChangeRequiredError):
        client.register(ceremony.options)
    change_pin(key, "4823917", "7713954")
    prompts.answer = "7713954"
    assert service.security_keys.finish_setup(ticket, client.register(ceremony.options)).session
