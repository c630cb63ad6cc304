"""The client side of security keys: USB/NFC keys and Windows Hello, through python-fido2.

``SecurityKeyClient`` takes the relying party's options (W3C JSON), finds an
authenticator, asks the person for a touch, PIN or fingerprint through
``KeyPrompts`` (which the GUI implements; this module never knows Qt), and
returns the W3C JSON response for ``AuthService``.  Cancellation is a
``threading.Event``; every fido2 failure becomes one of our ``DeviceError``s
with a calm, translated message.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from threading import Event
from typing import TYPE_CHECKING, Any, Protocol

from fido2.client import (
    ClientError,
    DefaultClientDataCollector,
    Fido2Client,
    PinRequiredError,
    UserInteraction,
    WebAuthnClient,
)
from fido2.ctap import CtapDevice, CtapError
from fido2.ctap2.base import Ctap2
from fido2.ctap2.pin import ClientPin
from fido2.hid import CtapHidDevice
from fido2.utils import websafe_decode, websafe_encode
from fido2.webauthn import AuthenticationResponse

from desktop_auth.errors import (
    DeviceError,
    NoSecurityKeyError,
    SecurityKeyCancelledError,
    SecurityKeyNoPrfError,
    SecurityKeyNotRegisteredError,
    SecurityKeyNoUserVerificationError,
    SecurityKeyPinBlockedError,
    SecurityKeyPinChangeRequiredError,
    SecurityKeyPinPausedError,
    SecurityKeyPinWrongError,
    SecurityKeyPinWrongLeftError,
    SecurityKeyRegisteredError,
    SecurityKeyTimeoutError,
    SecurityKeyUnsupportedError,
)

if TYPE_CHECKING:
    from desktop_auth.devices.key_pin import OwnSecurityKey


def connected_authenticators() -> Iterator[CtapDevice]:
    """USB keys, then NFC keys on a PC/SC reader (when pyscard is installed)."""
    yield from CtapHidDevice.list_devices()
    try:
        from fido2.pcsc import CtapPcscDevice
    except ImportError:  # no pyscard: no NFC readers, USB keys still work
        return
    yield from CtapPcscDevice.list_devices()


def list_usb_authenticators() -> list[str]:
    """Product names of the FIDO2 keys plugged in; nothing is sent to them."""
    names = []
    for device in CtapHidDevice.list_devices():
        descriptor = device.descriptor
        names.append(descriptor.product_name or f"{descriptor.vid:04x}:{descriptor.pid:04x}")
    return names


#: How often ``wait_for_key`` looks for a key plugged in.
KEY_POLL_SECONDS = 0.25


class KeyPrompts(Protocol):
    """What a security key may need from the person in front of it."""

    def touch(self) -> None:
        """The key waits for a touch ("Touch your security key")."""

    def pin(self) -> str | None:
        """The key's PIN, or None to cancel."""

    def verify_user(self) -> bool:
        """The key will read a fingerprint or face; False cancels."""


class SilentPrompts:
    """For keys that need nothing but a touch the person gives unasked."""

    def touch(self) -> None:
        return None

    def pin(self) -> str | None:
        return None

    def verify_user(self) -> bool:
        return True


class _Bridge(UserInteraction):
    def __init__(self, prompts: KeyPrompts) -> None:
        self._prompts = prompts

    def prompt_up(self) -> None:
        self._prompts.touch()

    def request_pin(self, permissions: ClientPin.PERMISSION, rp_id: str | None) -> str | None:
        return self._prompts.pin()

    def request_uv(self, permissions: ClientPin.PERMISSION, rp_id: str | None) -> bool:
        return self._prompts.verify_user()


def windows_hello_available() -> bool:
    """True on Windows 10+ where the WebAuthn API (Windows Hello) can be used."""
    return sys.platform == "win32" and _windows_api_present()


def _windows_api_present() -> bool:
    from fido2.client.windows import WindowsClient

    return bool(WindowsClient.is_available())


def key_failure(code: int | None, device: CtapDevice | None) -> DeviceError | None:
    """What a key's CTAP error means to the person, in any operation with the key (a
    ceremony, setting its PIN): a blocked or paused PIN, a wrong one with the tries left,
    a cancel or a timeout.  None for the answers that mean something else per operation."""
    if code == CtapError.ERR.PIN_BLOCKED:
        return SecurityKeyPinBlockedError()
    if code == CtapError.ERR.PIN_AUTH_BLOCKED:
        return SecurityKeyPinPausedError()
    if code == CtapError.ERR.PIN_INVALID:
        left = _pin_retries(device)
        if left == 0:
            return SecurityKeyPinBlockedError()
        return SecurityKeyPinWrongLeftError(left=left) if left else SecurityKeyPinWrongError()
    if code == CtapError.ERR.KEEPALIVE_CANCEL:
        return SecurityKeyCancelledError()
    if code in (CtapError.ERR.USER_ACTION_TIMEOUT, CtapError.ERR.ACTION_TIMEOUT):
        return SecurityKeyTimeoutError()
    return None


def _device_error(
    error: Exception, device: CtapDevice | None, *, registering: bool
) -> DeviceError | SecurityKeyRegisteredError:
    if isinstance(error, PinRequiredError):
        return SecurityKeyCancelledError()
    cause = error.cause if isinstance(error, ClientError) else error
    code = cause.code if isinstance(cause, CtapError) else None
    if code == CtapError.ERR.PIN_POLICY_VIOLATION:  # the key's answer while forcePINChange
        return SecurityKeyPinChangeRequiredError()
    known = key_failure(code, device)
    if known is not None:
        return known
    if isinstance(error, ClientError):
        if error.code == ClientError.ERR.DEVICE_INELIGIBLE:
            return SecurityKeyRegisteredError() if registering else SecurityKeyNotRegisteredError()
        if error.code == ClientError.ERR.TIMEOUT:
            return SecurityKeyTimeoutError()
        if error.code == ClientError.ERR.CONFIGURATION_UNSUPPORTED:
            return SecurityKeyUnsupportedError()
    return DeviceError()


def _pin_retries(device: CtapDevice | None) -> int | None:
    """How many PIN tries the key has left, or None when it cannot say."""
    if device is None:
        return None
    try:
        return ClientPin(Ctap2(device)).get_pin_retries()[0]
    except (CtapError, ValueError, OSError):
        return None


@dataclass(frozen=True)
class PrfOutput:
    """What a credential's PRF gave for the salts asked: secrets, kept out of ``repr``."""

    credential_id: bytes
    first: bytes = field(repr=False)
    second: bytes | None = field(default=None, repr=False)


class SecurityKeyClient:
    """Registers and uses credentials on the first authenticator found."""

    def __init__(
        self,
        origin: str,
        *,
        prompts: KeyPrompts | None = None,
        devices: Callable[[], Iterable[CtapDevice]] = connected_authenticators,
        use_windows_hello: bool = False,
    ) -> None:
        self._origin = origin
        self._prompts = prompts or SilentPrompts()
        self._devices = devices
        self._use_windows_hello = use_windows_hello

    @property
    def own_key(self) -> OwnSecurityKey:
        """The key this client would use, for its PIN (set, change, tries left)."""
        from desktop_auth.devices.key_pin import OwnSecurityKey

        return OwnSecurityKey(self._devices)

    def wait_for_key(self, cancel: Event, seconds: float) -> bool:
        """Wait up to ``seconds`` for a key to be plugged in (at once True where Windows
        Hello answers instead); False when none came or ``cancel`` was set.  A person told
        "plug in your key" needs a moment to find it: "No security key found" at once read
        as a fault."""
        if self._use_windows_hello and windows_hello_available():
            return True
        deadline = time.monotonic() + seconds
        while not cancel.is_set():
            if next(iter(self._devices()), None) is not None:
                return True
            if time.monotonic() >= deadline:
                return False
            cancel.wait(KEY_POLL_SECONDS)
        return False

    def _client(self) -> tuple[WebAuthnClient, CtapDevice | None]:
        collector = DefaultClientDataCollector(self._origin)
        if self._use_windows_hello and windows_hello_available():
            from fido2.client.windows import WindowsClient

            return WindowsClient(collector), None
        for device in self._devices():
            return Fido2Client(device, collector, _Bridge(self._prompts)), device
        raise NoSecurityKeyError()

    @staticmethod
    def _failure(
        error: Exception, device: CtapDevice | None, *, registering: bool
    ) -> DeviceError | SecurityKeyRegisteredError:
        return _device_error(error, device, registering=registering)

    def register(self, options: Mapping[str, Any], cancel: Event | None = None) -> dict[str, Any]:
        """PublicKeyCredentialCreationOptionsJSON in, RegistrationResponseJSON out."""
        client, device = self._client()
        try:
            response = client.make_credential(options, event=cancel)  # type: ignore[arg-type]
        except (ClientError, CtapError) as error:
            raise self._failure(error, device, registering=True) from error
        return _without_prf_outputs(dict(response))

    def authenticate(
        self, options: Mapping[str, Any], cancel: Event | None = None
    ) -> dict[str, Any]:
        """PublicKeyCredentialRequestOptionsJSON in, AuthenticationResponseJSON out.

        A key holding several discoverable credentials for this site answers
        with the first; the relying party then tells whose it is.
        """
        # A relying party never gets a PRF evaluated: its salt could be a vault slot's, and
        # the output the vault's wrapping key (the reviewer's finding: a server could ask).
        return _without_prf_outputs(dict(self._assertion(_without_prf_inputs(options), cancel)))

    def _assertion(
        self, options: Mapping[str, Any], cancel: Event | None
    ) -> AuthenticationResponse:
        client, device = self._client()
        try:
            selection = client.get_assertion(options, event=cancel)  # type: ignore[arg-type]
            return selection.get_response(0)
        except (ClientError, CtapError) as error:
            raise self._failure(error, device, registering=False) from error

    def evaluate_prf(
        self,
        rp_id: str,
        salts: Mapping[bytes, tuple[bytes, bytes | None]],
        cancel: Event | None = None,
    ) -> PrfOutput:
        """One touch, with user verification, of a key holding one of ``salts``'
        credentials: its PRF (WebAuthn's prf extension, CTAP2 hmac-secret) for that
        credential's first and optional second salt.

        The assertion is made for this workstation only (a random challenge; it goes to
        no relying party) and nothing of it but the PRF outputs is kept.  The same JSON
        works through ``WindowsClient`` (Windows Hello and keys there).  A key or
        credential without PRF is ``SecurityKeyNoPrfError``: the vault's printed key
        serves instead.
        """
        by_credential = {
            websafe_encode(credential): {
                "first": websafe_encode(first),
                **({"second": websafe_encode(second)} if second is not None else {}),
            }
            for credential, (first, second) in salts.items()
        }
        options = {
            "challenge": websafe_encode(os.urandom(32)),
            "rpId": rp_id,
            "allowCredentials": [
                {"type": "public-key", "id": websafe_encode(credential)} for credential in salts
            ],
            "userVerification": "required",
            "extensions": {"prf": {"evalByCredential": by_credential}},
        }
        response = self._assertion(options, cancel)
        if not response.response.authenticator_data.is_user_verified():
            # hmac-secret gives another output without UV (so the slot would not open
            # anyway); said plainly rather than as a wrong key.
            raise SecurityKeyNoUserVerificationError()
        credential_id = bytes(response.raw_id)
        results = _member(_member(response.client_extension_results, "prf"), "results")
        if results is None or credential_id not in salts:
            raise SecurityKeyNoPrfError()
        first = _prf_bytes(_member(results, "first"))
        second = _prf_bytes(_member(results, "second"))
        if first is None or (salts[credential_id][1] is not None and second is None):
            raise SecurityKeyNoPrfError()
        return PrfOutput(credential_id=credential_id, first=first, second=second)


def _without_prf_inputs(options: Mapping[str, Any]) -> dict[str, Any]:
    """A relying party's request options without PRF or hmac-secret inputs."""
    cleaned = dict(options)
    extensions = {
        name: value
        for name, value in dict(cleaned.get("extensions") or {}).items()
        if name not in ("prf", "hmacGetSecret", "hmacCreateSecret")
    }
    cleaned["extensions"] = extensions
    return cleaned


def _without_prf_outputs(response: dict[str, Any]) -> dict[str, Any]:
    """The response for the relying party, without PRF outputs: registration asks for PRF
    (Windows Hello enables it only then) and a key may evaluate it in the same touch, but
    what it gives stays on this workstation (SECURITY.md V1)."""
    extensions = dict(response.get("clientExtensionResults") or {})
    prf = extensions.get("prf")
    if prf is not None:
        extensions["prf"] = {k: v for k, v in dict(prf).items() if k != "results"}
        response["clientExtensionResults"] = extensions
    return response


def _member(values: object, name: str) -> object:
    """A field of python-fido2's extension outputs: a dataclass from ``Fido2Client``, a
    mapping of JSON from ``WindowsClient``."""
    if values is None:
        return None
    if hasattr(values, name):  # fido2's dataclasses are Mappings of their JSON form too
        return getattr(values, name)
    if isinstance(values, Mapping):
        return values.get(name)
    return None


def _prf_bytes(value: object) -> bytes | None:
    if value is None:
        return None
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    if isinstance(value, str):
        return websafe_decode(value)
    raise SecurityKeyNoPrfError()
