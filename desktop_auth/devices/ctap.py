"""FIDO2 authenticators on this workstation (USB HID for now; Windows Hello with its issue)."""

from __future__ import annotations

from fido2.hid import CtapHidDevice


def list_usb_authenticators() -> list[str]:
    """Product names of the FIDO2 keys plugged in; nothing is sent to them."""
    names = []
    for device in CtapHidDevice.list_devices():
        descriptor = device.descriptor
        names.append(descriptor.product_name or f"{descriptor.vid:04x}:{descriptor.pid:04x}")
    return names
