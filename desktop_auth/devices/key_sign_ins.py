"""The sign-ins stored on a person's own security key (discoverable credentials,
"passkeys"): listed by site and account, and deleted one at a time (issue 18).

Through python-fido2's own ``CredentialManagement``, with a PIN token (the PIN is passed
on to the key, never kept).  A key holds only a few dozen: someone who cannot register a
new passkey needs to see what fills it and make room.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from fido2.ctap import CtapDevice, CtapError
from fido2.ctap2.credman import CredentialManagement
from fido2.ctap2.pin import ClientPin
from fido2.webauthn import PublicKeyCredentialDescriptor, PublicKeyCredentialType

from desktop_auth.devices.ctap import connected_authenticators
from desktop_auth.devices.key_pin import ctap2_of, key_info_of, only_key, pin_failure
from desktop_auth.errors import (
    SecurityKeyPinNotSetError,
    SecurityKeySignInNotFoundError,
    SecurityKeySignInsNotSupportedError,
)

R = CredentialManagement.RESULT


@dataclass(frozen=True, kw_only=True)
class StoredSignIn:
    """One sign-in on the key: the site it is for and the account."""

    rp_id: str
    user_name: str
    credential_id: bytes
    #: This organisation's own sign-in (desktop-auth's relying party).
    ours: bool


@dataclass(frozen=True, kw_only=True)
class StoredSignIns:
    sign_ins: tuple[StoredSignIn, ...]
    #: Room for more, as the key reports it.
    free_slots: int | None


def _manager(device: CtapDevice, pin: str) -> CredentialManagement:
    ctap = ctap2_of(device)
    info = key_info_of(ctap, ctap.info)
    if not CredentialManagement.is_supported(ctap.info):
        raise SecurityKeySignInsNotSupportedError()
    if not info.pin_set:
        raise SecurityKeyPinNotSetError()  # the key shows its sign-ins only behind a PIN
    client_pin = ClientPin(ctap)
    try:
        token = client_pin.get_pin_token(pin, ClientPin.PERMISSION.CREDENTIAL_MGMT)
    except (CtapError, ValueError) as error:
        raise pin_failure(error, device) from error
    return CredentialManagement(ctap, client_pin.protocol, token)


def _listing(manager: CredentialManagement, our_rp_id: str | None) -> StoredSignIns:
    try:
        metadata = manager.get_metadata()
        sign_ins = []
        for site in manager.enumerate_rps():
            rp_id = str(site[R.RP]["id"])
            for stored in manager.enumerate_creds(hashlib.sha256(rp_id.encode()).digest()):
                user = stored[R.USER]
                sign_ins.append(
                    StoredSignIn(
                        rp_id=rp_id,
                        user_name=str(user.get("name") or user.get("displayName") or ""),
                        credential_id=bytes(stored[R.CREDENTIAL_ID]["id"]),
                        ours=rp_id == our_rp_id,
                    )
                )
    except (CtapError, ValueError) as error:
        raise pin_failure(error, None) from error
    return StoredSignIns(
        sign_ins=tuple(sorted(sign_ins, key=lambda s: (not s.ours, s.rp_id, s.user_name))),
        free_slots=metadata.get(R.MAX_REMAINING_COUNT),
    )


class KeySignIns:
    """The sign-ins on the one key plugged in; each call asks the key for a PIN token."""

    def __init__(self, devices: Callable[[], Iterable[CtapDevice]] | None = None) -> None:
        self._devices = devices or connected_authenticators

    def list(self, pin: str, *, our_rp_id: str | None = None) -> StoredSignIns:
        return _listing(_manager(only_key(self._devices), pin), our_rp_id)

    def delete(
        self, pin: str, credential_id: bytes, *, our_rp_id: str | None = None
    ) -> StoredSignIns:
        """Delete one sign-in from the key (it cannot be brought back); the rest after."""
        manager = _manager(only_key(self._devices), pin)
        try:
            manager.delete_cred(
                PublicKeyCredentialDescriptor(
                    type=PublicKeyCredentialType.PUBLIC_KEY, id=credential_id
                )
            )
        except CtapError as error:
            if error.code == CtapError.ERR.NO_CREDENTIALS:
                raise SecurityKeySignInNotFoundError() from error
            raise pin_failure(error, None) from error
        return _listing(manager, our_rp_id)
