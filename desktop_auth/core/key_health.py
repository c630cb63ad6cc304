"""Key health (issue 18): what ``admin doctor`` says of each security key plugged in.

Its PIN (set, tries left, blocked, to be changed), the room for more sign-ins, and
whether it can open the recovery-code vault (PRF).  Read from the key's
``authenticatorGetInfo``, which needs no touch and no PIN; the model's name comes from
the FIDO metadata the organisation imported, where it lists the model.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from fido2.ctap import CtapDevice

from desktop_auth.config import Config
from desktop_auth.core.checks import CheckResult, CheckStatus
from desktop_auth.devices.ctap import connected_authenticators
from desktop_auth.devices.key_pin import KeyInfo, PinState, read_key_info
from desktop_auth.errors import DesktopAuthError

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

NAME = "doctor.key"


def model_in_store(
    config: Config, keyring_backend: KeyringBackend | None = None
) -> Callable[[str], str | None]:
    """Model names from the embedded store's metadata; a server's workstation holds no
    store, and a store that does not open names no model (the AAGUID is shown instead)."""

    def model(aaguid: str) -> str | None:
        if config.server_url:
            return None
        from sqlalchemy.exc import SQLAlchemyError

        from desktop_auth.core.key_trust import key_model_in
        from desktop_auth.store.db import Store

        try:  # looking at a key makes no store (create=False)
            store = Store.open(
                config.database_url,
                keyring_backend=keyring_backend,
                written_in=config.database_url_file,
                create=False,
            )
        except DesktopAuthError:
            return None
        try:
            if store.current_revision() != store.head_revision():
                return None  # not set up, or behind: the database check says so
            with store.transaction() as db:
                return key_model_in(db, aaguid)
        except (DesktopAuthError, SQLAlchemyError):
            return None
        finally:
            store.dispose()

    return model


#: What each PIN state reads as, whether it is a problem, and its fix.
_PIN_LINES: dict[PinState, tuple[str, CheckStatus, str | None]] = {
    PinState.UNSUPPORTED: ("doctor.key.no_pin", CheckStatus.OK, None),
    PinState.BLOCKED: ("doctor.key.pin_blocked", CheckStatus.FAILED, "doctor.fix.key_reset"),
    PinState.NOT_SET: ("doctor.key.pin_not_set", CheckStatus.WARNING, "doctor.fix.key_pin"),
    PinState.CHANGE_REQUIRED: ("doctor.key.pin_change", CheckStatus.WARNING, "doctor.fix.key_pin"),
    PinState.SET: ("doctor.key.pin_set", CheckStatus.OK, None),
}


def key_health(info: KeyInfo, model: str) -> CheckResult:
    room = info.remaining_discoverable_credentials
    params = {"model": model, "slots": "-" if room is None else str(room)}
    detail, status, fix = _PIN_LINES[info.pin_state]
    if info.pin_state is PinState.SET:
        if info.pin_retries is None:  # the key did not say: no count rather than a wrong one
            detail = "doctor.key.pin_set_uncounted"
        else:
            params["left"] = str(info.pin_retries)
        if room == 0:
            status, fix = CheckStatus.WARNING, "doctor.fix.key_full"
    return CheckResult(name_key=NAME, status=status, detail_key=detail, params=params, fix_key=fix)


def vault_unlock(info: KeyInfo, model: str) -> CheckResult:
    return CheckResult(
        name_key="doctor.key_prf",
        status=CheckStatus.OK,
        detail_key="doctor.key_prf.yes" if info.supports_prf else "doctor.key_prf.no",
        params={"model": model},
    )


def check_keys(
    model_of: Callable[[str], str | None],
    devices: Callable[[], Iterable[CtapDevice]] = connected_authenticators,
) -> list[CheckResult]:
    """Two lines per key plugged in: its PIN and room, and whether it opens the vault."""
    results: list[CheckResult] = []
    try:
        found = list(devices())
    except OSError:  # the device check says so already, with its fix
        return results
    for device in found:
        try:
            info = read_key_info(device)
        except (DesktopAuthError, OSError):  # U2F-only, busy, or pulled out mid-read
            results.append(
                CheckResult(
                    name_key=NAME, status=CheckStatus.WARNING, detail_key="doctor.key.unreadable"
                )
            )
            continue
        model = model_of(info.aaguid) or info.aaguid
        results += [key_health(info, model), vault_unlock(info, model)]
    return results
