"""Resetting a person's own key (issue 18): everything on it gone, only in the seconds after
plugging it in, only with a touch, and never a guess between two keys; through
python-fido2's real ``Ctap2.reset``."""

from __future__ import annotations

from threading import Event

import pytest

from desktop_auth.devices import key_pin
from desktop_auth.devices.key_pin import OwnSecurityKey
from desktop_auth.devices.soft import RESET_WINDOW_SECONDS, SoftAuthenticator
from desktop_auth.devices.soft_bio import SoftFingerprintSensor
from desktop_auth.errors import (
    NoSecurityKeyError,
    SecurityKeyCancelledError,
    SecurityKeyOneKeyOnlyError,
    SecurityKeyResetTooLateError,
    SecurityKeyTimeoutError,
    SecurityKeyWindowsOnlyError,
)
from tests.unit.devices.test_key_sign_ins import PIN, store_passkey
from tests.webauthn_helpers import KeyClock


@pytest.fixture
def clock() -> KeyClock:
    return KeyClock(1000.0)


@pytest.fixture
def key(clock: KeyClock) -> SoftAuthenticator:
    """A key in use: a PIN, two passkeys and a fingerprint."""
    key = SoftAuthenticator(supports_pin=True, fingerprints=SoftFingerprintSensor(), clock=clock)
    key.client_pin.preset(PIN)
    store_passkey(key, "github.com", "jan-dev")
    store_passkey(key, "salariszaken.nl", "jan@salariszaken.nl")
    assert key.fingerprints is not None
    key.fingerprints.templates[b"\x01\x02"] = "Right index"
    return key


def test_a_reset_just_after_plugging_in_erases_pin_sign_ins_and_fingerprints(
    key: SoftAuthenticator, clock: KeyClock
) -> None:
    touches: list[str] = []
    clock.now += RESET_WINDOW_SECONDS - 1
    OwnSecurityKey(lambda: [key]).reset(on_touch=lambda: touches.append("touch"))
    assert touches == ["touch"]
    assert key.credentials == []
    assert key.fingerprints is not None and key.fingerprints.templates == {}
    info = OwnSecurityKey(lambda: [key]).info()
    assert info.pin_supported and not info.pin_set
    assert info.remaining_discoverable_credentials == 25


def test_too_long_after_plugging_in_the_key_refuses_until_it_is_replugged(
    key: SoftAuthenticator, clock: KeyClock
) -> None:
    clock.now += RESET_WINDOW_SECONDS + 1
    with pytest.raises(SecurityKeyResetTooLateError):
        OwnSecurityKey(lambda: [key]).reset()
    assert len(key.credentials) == 2 and key.client_pin.is_set
    key.replug()
    OwnSecurityKey(lambda: [key]).reset()
    assert key.credentials == []


def test_without_a_touch_or_when_cancelled_nothing_is_erased(key: SoftAuthenticator) -> None:
    key.touch = lambda: False
    with pytest.raises(SecurityKeyTimeoutError):
        OwnSecurityKey(lambda: [key]).reset()
    key.touch = lambda: True
    cancelled = Event()
    cancelled.set()
    with pytest.raises(SecurityKeyCancelledError):
        OwnSecurityKey(lambda: [key]).reset(cancel=cancelled)
    assert len(key.credentials) == 2 and key.client_pin.is_set


def test_with_two_keys_plugged_in_neither_is_erased(key: SoftAuthenticator) -> None:
    other = SoftAuthenticator(supports_pin=True)
    store_passkey(other, "google.com", "jan@gmail.com")
    with pytest.raises(SecurityKeyOneKeyOnlyError):
        OwnSecurityKey(lambda: [key, other]).reset()
    assert len(key.credentials) == 2 and len(other.credentials) == 1
    with pytest.raises(NoSecurityKeyError):
        OwnSecurityKey(lambda: []).reset()


def test_where_only_windows_reaches_keys_the_person_is_told_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(key_pin, "windows_hides_keys", lambda: True)
    for action in (OwnSecurityKey(lambda: []).info, OwnSecurityKey(lambda: []).reset):
        with pytest.raises(SecurityKeyWindowsOnlyError):
            action()
