"""Resetting a person's own security key: every sign-in, the PIN and the fingerprints gone.

A key allows a reset only in the seconds after it is plugged in, and only with a touch
(CTAP 2.1 §6.6), so a program cannot wipe a key that just sits in its port.  The caller
asks the person to unplug and replug the key first; this module then sends python-fido2's
``Ctap2.reset`` to the one key plugged in.  With two keys in, it refuses: resetting the
wrong one cannot be undone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from threading import Event

from fido2.ctap import STATUS, CtapDevice, CtapError

from desktop_auth.devices.ctap import connected_authenticators, key_failure
from desktop_auth.devices.key_pin import ctap2_of, only_key
from desktop_auth.errors import DeviceError, SecurityKeyResetTooLateError


def reset_key(
    devices: Callable[[], Iterable[CtapDevice]] = connected_authenticators,
    *,
    cancel: Event | None = None,
    on_touch: Callable[[], None] | None = None,
) -> None:
    """Reset the only key plugged in; it waits for the touch that confirms."""
    ctap = ctap2_of(only_key(devices))

    def keepalive(status: int) -> None:
        if status == STATUS.UPNEEDED and on_touch is not None:
            on_touch()

    try:
        ctap.reset(event=cancel, on_keepalive=keepalive)
    except CtapError as error:
        if error.code == CtapError.ERR.NOT_ALLOWED:  # too long after plugging in
            raise SecurityKeyResetTooLateError() from error
        raise key_failure(error.code, None) or DeviceError() from error
