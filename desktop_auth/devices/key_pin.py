"""A person's own security key: what it is, and its PIN (set, change, tries left).

Most keys come without a PIN, and python-fido2 treats "preferred" user
verification as required on a key that could hold one, so such a key cannot be
registered until it has a PIN.  This module reads the key's ``Ctap2.Info`` and
sets or changes the PIN through python-fido2's own ``ClientPin``; the GUI and
the CLI call it.  A PIN is only ever passed on to the key: never kept, logged or
put in an error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from threading import Event
from typing import TYPE_CHECKING

from fido2.ctap import CtapDevice, CtapError
from fido2.ctap2.base import Ctap2, Info
from fido2.ctap2.bio import FPBioEnrollment
from fido2.ctap2.credman import CredentialManagement
from fido2.ctap2.pin import ClientPin

from desktop_auth.devices.ctap import (
    connected_authenticators,
    key_failure,
    windows_hello_available,
)
from desktop_auth.errors import (
    DesktopAuthError,
    DeviceError,
    NoSecurityKeyError,
    SecurityKeyCancelledError,
    SecurityKeyFingerprintNameError,
    SecurityKeyFingerprintNotFoundError,
    SecurityKeyFingerprintsFullError,
    SecurityKeyOneKeyOnlyError,
    SecurityKeyPinBlockedError,
    SecurityKeyPinNotSetError,
    SecurityKeyPinNotSupportedError,
    SecurityKeyPinPolicyError,
    SecurityKeyPinSetError,
    SecurityKeyPinTooShortError,
    SecurityKeySignInNotFoundError,
    SecurityKeyTimeoutError,
    SecurityKeyWindowsOnlyError,
)

if TYPE_CHECKING:
    from desktop_auth.devices.key_fingerprints import KeyFingerprints
    from desktop_auth.devices.key_sign_ins import KeySignIns

#: CTAP2 caps a PIN at 63 bytes of UTF-8 (CTAP 2.1 §6.5.1).
MAX_PIN_BYTES = 63


class PinState(StrEnum):
    """Where a key's PIN stands, for what the person is told (doctor, the Security key page)."""

    UNSUPPORTED = "unsupported"  # a key that cannot hold one (U2F-only, or no clientPin)
    BLOCKED = "blocked"  # no tries left: only a reset helps
    NOT_SET = "not_set"  # out of the box: set one before registering
    CHANGE_REQUIRED = "change_required"  # forcePINChange
    SET = "set"


@dataclass(frozen=True, kw_only=True)
class KeyInfo:
    """What a security key says about itself (its ``authenticatorGetInfo``)."""

    aaguid: str
    versions: tuple[str, ...]
    pin_supported: bool
    pin_set: bool
    #: PIN tries left before the key blocks it; None when no PIN is set.
    pin_retries: int | None
    min_pin_length: int
    #: The key wants a new PIN before it is used again.
    force_pin_change: bool
    #: Free slots for discoverable credentials (passkeys), when the key reports them.
    remaining_discoverable_credentials: int | None
    #: hmac-secret: what WebAuthn's PRF (vault unlock by key) runs on.
    supports_prf: bool
    #: The sign-ins stored on it can be listed and deleted (credential management).
    manages_sign_ins: bool = False
    #: A fingerprint sensor whose fingers can be enrolled from here (bio enrollment).
    fingerprint_sensor: bool = False

    @property
    def pin_blocked(self) -> bool:
        return self.pin_retries == 0

    @property
    def needs_pin_change(self) -> bool:
        return self.pin_set and self.force_pin_change

    @property
    def pin_state(self) -> PinState:
        if not self.pin_supported:
            return PinState.UNSUPPORTED
        if self.pin_blocked:
            return PinState.BLOCKED
        if not self.pin_set:
            return PinState.NOT_SET
        if self.needs_pin_change:
            return PinState.CHANGE_REQUIRED
        return PinState.SET


def reachable_keys(
    devices: Callable[[], Iterable[CtapDevice]] = connected_authenticators,
) -> list[CtapDevice]:
    """The security keys plugged in (USB, then NFC).  None where only Windows' own WebAuthn
    API may reach keys (Windows without administrator rights): SecurityKeyWindowsOnlyError,
    so the person learns why rather than reading "no key found" with a key in the port."""
    found = list(devices())
    if not found and windows_hides_keys():
        raise SecurityKeyWindowsOnlyError()
    return found


def windows_hides_keys() -> bool:
    """On Windows, a program without elevation cannot talk to a key directly (only through
    Windows Hello's WebAuthn API, which offers no PIN, listing or reset)."""
    if not windows_hello_available():
        return False
    import ctypes

    return not ctypes.windll.shell32.IsUserAnAdmin()  # type: ignore[attr-defined]


def only_key(
    devices: Callable[[], Iterable[CtapDevice]] = connected_authenticators,
) -> CtapDevice:
    """The one security key plugged in, for what sends it the PIN or erases it: with two
    in, a PIN meant for one would cost the other a try (eight, and it is blocked)."""
    found = reachable_keys(devices)
    if not found:
        raise NoSecurityKeyError()
    if len(found) > 1:
        raise SecurityKeyOneKeyOnlyError()
    return found[0]


def pin_stays_usable(error: DesktopAuthError) -> bool:
    """After this error a PIN the person typed may be sent again to the same key: a name
    refused, a sign-in or finger not found, a cancel.  After any other (a wrong PIN, the key
    swapped, a second one plugged in) it must be asked again: sent once more it could cost
    another key a try.  For a window that keeps the PIN while its dialog is open."""
    return isinstance(
        error,
        SecurityKeySignInNotFoundError
        | SecurityKeyFingerprintNotFoundError
        | SecurityKeyFingerprintNameError
        | SecurityKeyFingerprintsFullError
        | SecurityKeyCancelledError
        | SecurityKeyTimeoutError,
    )


def first_key(
    devices: Callable[[], Iterable[CtapDevice]] = connected_authenticators,
) -> CtapDevice:
    """The first security key plugged in (USB, then NFC), or NoSecurityKeyError."""
    for device in reachable_keys(devices):
        return device
    raise NoSecurityKeyError()


def ctap2_of(device: CtapDevice) -> Ctap2:
    try:
        return Ctap2(device)
    except (CtapError, ValueError, OSError) as error:  # a U2F-only key has no CTAP2
        raise SecurityKeyPinNotSupportedError() from error


def key_info_of(ctap: Ctap2, info: Info) -> KeyInfo:
    pin_supported = "clientPin" in info.options
    pin_set = info.options.get("clientPin") is True
    retries = None
    if pin_set:
        try:
            retries = ClientPin(ctap).get_pin_retries()[0]
        except (CtapError, ValueError):
            retries = None
    return KeyInfo(
        aaguid=str(info.aaguid),
        versions=tuple(info.versions),
        pin_supported=pin_supported,
        pin_set=pin_set,
        pin_retries=retries,
        min_pin_length=info.min_pin_length,
        force_pin_change=info.force_pin_change,
        remaining_discoverable_credentials=info.remaining_disc_creds,
        supports_prf="hmac-secret" in info.extensions,
        manages_sign_ins=CredentialManagement.is_supported(info),
        fingerprint_sensor=FPBioEnrollment.is_supported(info),
    )


def read_key_info(device: CtapDevice) -> KeyInfo:
    """The key's model, versions, PIN state and capabilities; it needs no touch."""
    ctap = ctap2_of(device)
    return key_info_of(ctap, ctap.info)


def required_pin_length(info: KeyInfo, policy_minimum: int | None = None) -> int:
    """The shortest PIN allowed: the key's own minimum, or the policy's if higher."""
    return max(info.min_pin_length, policy_minimum or 0)


def check_new_pin(pin: str, info: KeyInfo, policy_minimum: int | None = None) -> None:
    """Refuse a PIN the key would refuse, before it costs anything."""
    minimum = required_pin_length(info, policy_minimum)
    if len(pin) < minimum:
        raise SecurityKeyPinTooShortError(minimum=minimum)
    if len(pin.encode()) > MAX_PIN_BYTES:
        raise SecurityKeyPinPolicyError()


def set_pin(device: CtapDevice, new_pin: str, *, policy_minimum: int | None = None) -> KeyInfo:
    """Give a key without a PIN its first one; returns what the key says afterwards."""
    ctap = ctap2_of(device)
    info = key_info_of(ctap, ctap.info)
    if not info.pin_supported:
        raise SecurityKeyPinNotSupportedError()
    if info.pin_set:
        raise SecurityKeyPinSetError()
    check_new_pin(new_pin, info, policy_minimum)
    try:
        ClientPin(ctap).set_pin(new_pin)
    except (CtapError, ValueError) as error:
        raise pin_failure(error, None) from error
    return read_key_info(device)


def change_pin(
    device: CtapDevice, old_pin: str, new_pin: str, *, policy_minimum: int | None = None
) -> KeyInfo:
    """Replace the key's PIN (old one first); returns what the key says afterwards."""
    ctap = ctap2_of(device)
    info = key_info_of(ctap, ctap.info)
    if not info.pin_supported:
        raise SecurityKeyPinNotSupportedError()
    if not info.pin_set:
        raise SecurityKeyPinNotSetError()
    if info.pin_blocked:
        raise SecurityKeyPinBlockedError()
    check_new_pin(new_pin, info, policy_minimum)
    try:
        ClientPin(ctap).change_pin(old_pin, new_pin)
    except (CtapError, ValueError) as error:
        raise pin_failure(error, device) from error
    return read_key_info(device)


def pin_failure(error: Exception, device: CtapDevice | None) -> DeviceError:
    code = error.code if isinstance(error, CtapError) else None
    if code == CtapError.ERR.PIN_POLICY_VIOLATION:  # setting one: the new PIN refused
        return SecurityKeyPinPolicyError()
    known = key_failure(code, device)
    if known is not None:
        return known
    if isinstance(error, ValueError):
        return SecurityKeyPinNotSupportedError()
    return DeviceError()


class OwnSecurityKey:
    """The person's own key, the first one plugged in: what it is, and its PIN.

    ``SecurityKeyClient.own_key`` gives the key a ceremony would use (the service's
    keys, the software key in demo mode); the CLI makes one for the keys plugged in.
    """

    def __init__(self, devices: Callable[[], Iterable[CtapDevice]] | None = None) -> None:
        self._devices = devices or connected_authenticators

    def info(self) -> KeyInfo:
        """Model, versions, PIN state and capabilities; NoSecurityKeyError without a key."""
        return read_key_info(first_key(self._devices))

    def set_pin(self, new_pin: str, *, policy_minimum: int | None = None) -> KeyInfo:
        """A first PIN on a key that has none."""
        return set_pin(only_key(self._devices), new_pin, policy_minimum=policy_minimum)

    def change_pin(
        self, old_pin: str, new_pin: str, *, policy_minimum: int | None = None
    ) -> KeyInfo:
        """A new PIN in place of the old one."""
        return change_pin(only_key(self._devices), old_pin, new_pin, policy_minimum=policy_minimum)

    def sign_ins(self) -> KeySignIns:
        """The sign-ins stored on this key (listed and deleted behind its PIN)."""
        from desktop_auth.devices.key_sign_ins import KeySignIns

        return KeySignIns(self._devices)

    def fingerprints(self) -> KeyFingerprints:
        """The fingerprints on this key's sensor (behind its PIN)."""
        from desktop_auth.devices.key_fingerprints import KeyFingerprints

        return KeyFingerprints(self._devices)

    def reset(
        self, *, cancel: Event | None = None, on_touch: Callable[[], None] | None = None
    ) -> None:
        """Erase the key (the only one plugged in, just replugged); it waits for a touch."""
        from desktop_auth.devices.key_reset import reset_key

        reset_key(self._devices, cancel=cancel, on_touch=on_touch)
