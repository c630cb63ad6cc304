"""`desktop-auth admin doctor`: what is wrong with this workstation, and how to fix it.

Each check returns message keys, never text, so the CLI (and later the GUI)
translate them.  Qt is probed in a child process: a missing platform plugin
aborts the process that loads it, and the core never imports Qt.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

import subprocess
import sys
from collections.abc import Callable, Iterable
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

import keyring
from fido2.ctap import CtapDevice

from desktop_auth.config import Config
from desktop_auth.core.checks import CheckResult, CheckStatus
from desktop_auth.core.clock import Clock, SystemClock
from desktop_auth.core.data_key import DataKeyState, inspect_data_key
from desktop_auth.core.key_health import check_keys, model_in_store
from desktop_auth.devices.ctap import connected_authenticators, list_usb_authenticators
from desktop_auth.errors import DesktopAuthError
from desktop_auth.store.db import Store
from desktop_auth.store.keys import (
    DataKeyStore,
    KeyFileDataKeyStore,
    KeyringDataKeyStore,
    backend_is_usable,
)
from desktop_auth.store.settings import STORE_ID, get_setting

QT_PROBE = (
    "import sys\n"
    "from PySide6.QtWidgets import QApplication\n"
    "app = QApplication(sys.argv[:1])\n"
    "print(app.platformName())\n"
)
QT_PROBE_SECONDS = 30
#: Authenticator codes (30-second steps), sessions and signed sign-in tokens are judged by
#: clocks: a workstation further than this from its server's is told to set its clock.
CLOCK_TOLERANCE_SECONDS = 60


def _check_database(config: Config, keyring_backend: KeyringBackend | None) -> CheckResult:
    name = "doctor.database"
    store = Store.open(
        config.database_url,
        keyring_backend=keyring_backend,
        written_in=config.database_url_file,
    )
    try:
        current, head = store.current_revision(), store.head_revision()
        if current != head:
            return CheckResult(
                name_key=name,
                status=CheckStatus.FAILED,
                detail_key="doctor.database.behind",
                params={"current": current or "-", "head": head or "-"},
                fix_key="doctor.fix.db_upgrade",
            )
        with store.transaction() as db:
            initialized = get_setting(db, STORE_ID) is not None
        if not initialized:
            return CheckResult(
                name_key=name,
                status=CheckStatus.WARNING,
                detail_key="doctor.database.empty",
                fix_key="doctor.fix.init",
            )
        return CheckResult(
            name_key=name,
            status=CheckStatus.OK,
            detail_key="doctor.database.ok",
            params={"head": head or "-"},
        )
    except DesktopAuthError:
        return CheckResult(
            name_key=name,
            status=CheckStatus.FAILED,
            detail_key="doctor.database.unreachable",
            fix_key="doctor.fix.database_url",
        )
    finally:
        store.dispose()


def _data_keys(config: Config, keyring_backend: KeyringBackend | None) -> DataKeyStore:
    if config.data_key_file is not None:
        return KeyFileDataKeyStore(config.data_key_file)
    return KeyringDataKeyStore(keyring_backend)


_DATA_KEY_STATUS = {
    DataKeyState.NOT_INITIALIZED: CheckStatus.WARNING,
    DataKeyState.NOT_CREATED: CheckStatus.OK,
    DataKeyState.PRESENT: CheckStatus.OK,
    DataKeyState.MISSING: CheckStatus.FAILED,
    DataKeyState.MISMATCH: CheckStatus.FAILED,
}


def _check_data_key(config: Config, keyring_backend: KeyringBackend | None) -> CheckResult:
    name = "doctor.data_key"
    keys = _data_keys(config, keyring_backend)
    store = Store.open(
        config.database_url,
        keyring_backend=keyring_backend,
        written_in=config.database_url_file,
    )
    try:
        # A database without the schema (reachable, never set up) holds no key's record:
        # asked for one, it would fail with "no such table" (the database check says so).
        if store.current_revision() is None:
            state = DataKeyState.NOT_INITIALIZED
        else:
            state, _ = inspect_data_key(store, keys)
    except DesktopAuthError as exc:
        return CheckResult(
            name_key=name,
            status=CheckStatus.FAILED,
            detail_key=exc.message_key,
            params={k: str(v) for k, v in exc.params.items()},
        )
    finally:
        store.dispose()
    status = _DATA_KEY_STATUS[state]
    return CheckResult(
        name_key=name,
        status=status,
        detail_key=f"doctor.data_key.{state.value}",
        params={"where": keys.describe()},
        fix_key=None if status is CheckStatus.OK else f"doctor.fix.data_key_{state.value}",
    )


def _check_keyring(keyring_backend: KeyringBackend | None, *, needed: bool = True) -> CheckResult:
    backend = keyring_backend or keyring.get_keyring()
    label = f"{type(backend).__module__}.{type(backend).__name__}"
    if backend_is_usable(backend):
        return CheckResult(
            name_key="doctor.keyring",
            status=CheckStatus.OK,
            detail_key="doctor.keyring.ok",
            params={"backend": label},
        )
    if not needed:  # judged by what is configured: a key file and a SQLite store need none
        return CheckResult(
            name_key="doctor.keyring",
            status=CheckStatus.OK,
            detail_key="doctor.keyring.not_needed",
            params={"backend": label},
        )
    return CheckResult(
        name_key="doctor.keyring",
        status=CheckStatus.FAILED,
        detail_key="doctor.keyring.none",
        params={"backend": label},
        fix_key="error.keyring_unavailable",
    )


def _check_qt() -> CheckResult:
    name = "doctor.qt"
    try:
        probe = subprocess.run(
            [sys.executable, "-c", QT_PROBE],
            capture_output=True,
            text=True,
            timeout=QT_PROBE_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return CheckResult(
            name_key=name,
            status=CheckStatus.FAILED,
            detail_key="doctor.qt.hung",
            fix_key="doctor.fix.qt_libraries",
        )
    if probe.returncode == 0:
        return CheckResult(
            name_key=name,
            status=CheckStatus.OK,
            detail_key="doctor.qt.ok",
            params={"platform": probe.stdout.strip()},
        )
    lines = [line for line in probe.stderr.strip().splitlines() if line.strip()]
    return CheckResult(
        name_key=name,
        status=CheckStatus.FAILED,
        detail_key="doctor.qt.failed",
        params={"reason": lines[-1][:200] if lines else "-"},
        fix_key="doctor.fix.qt_libraries",
    )


def _check_fido_devices() -> CheckResult:
    name = "doctor.fido"
    try:
        devices = list_usb_authenticators()
    except OSError as exc:
        return CheckResult(
            name_key=name,
            status=CheckStatus.WARNING,
            detail_key="doctor.fido.unreadable",
            params={"reason": type(exc).__name__},
            fix_key="doctor.fix.fido_udev",
        )
    if not devices:
        return CheckResult(name_key=name, status=CheckStatus.WARNING, detail_key="doctor.fido.none")
    return CheckResult(
        name_key=name,
        status=CheckStatus.OK,
        detail_key="doctor.fido.found",
        params={"devices": ", ".join(devices)},
    )


def compare_clocks(server_date: str, local_now: datetime) -> CheckResult | None:
    """This workstation's clock against the server's, from its answer's HTTP ``Date``
    header (whole seconds, so a second or two apart is no news); None without one."""
    try:
        server_now = parsedate_to_datetime(server_date)
    except (TypeError, ValueError):
        return None
    if server_now.tzinfo is None:  # "-0000": RFC 5322's UTC of unknown origin
        return None
    apart = (local_now - server_now).total_seconds()
    seconds = str(round(abs(apart)))
    if abs(apart) <= CLOCK_TOLERANCE_SECONDS:
        return CheckResult(
            name_key="doctor.clock",
            status=CheckStatus.OK,
            detail_key="doctor.clock.ok",
            params={"seconds": str(CLOCK_TOLERANCE_SECONDS)},
        )
    return CheckResult(
        name_key="doctor.clock",
        status=CheckStatus.WARNING,
        detail_key="doctor.clock.ahead" if apart > 0 else "doctor.clock.behind",
        params={"seconds": seconds},
        fix_key="doctor.fix.clock",
    )


def _check_server(url: str, ca_file: Path | None, clock: Clock) -> list[CheckResult]:
    """A workstation of a sign-in server: the server answers, over verified TLS, and the
    two clocks agree."""
    import ssl

    import httpx

    name = "doctor.server"
    verify: ssl.SSLContext | bool = (
        ssl.create_default_context(cafile=str(ca_file)) if ca_file is not None else True
    )
    failure: str | None = None
    clocks: CheckResult | None = None
    try:
        answer = httpx.get(
            f"{url.rstrip('/')}/v1/organisation", verify=verify, timeout=10, trust_env=False
        )
        clocks = compare_clocks(answer.headers.get("date", ""), clock.now())
        organisation = answer.json() if answer.status_code == 200 else None
    except httpx.ConnectError as exc:
        certificate = "CERTIFICATE" in str(exc).upper()
        failure = "doctor.server.certificate" if certificate else "doctor.server.unreachable"
    except (httpx.HTTPError, ValueError):
        failure = "doctor.server.unreachable"
    if failure is not None:
        result = CheckResult(
            name_key=name,
            status=CheckStatus.FAILED,
            detail_key=failure,
            params={"url": url},
            fix_key="doctor.fix.server",
        )
    elif not isinstance(organisation, dict):
        result = CheckResult(
            name_key=name,
            status=CheckStatus.WARNING,
            detail_key="doctor.server.empty",
            params={"url": url},
            fix_key="doctor.fix.server_init",
        )
    else:
        result = CheckResult(
            name_key=name,
            status=CheckStatus.OK,
            detail_key="doctor.server.ok",
            params={"url": url, "organisation": str(organisation.get("name", ""))},
        )
    return [result] if clocks is None else [result, clocks]


def _needs_keyring(config: Config) -> bool:
    """The embedded store needs the keyring for its data key unless a key file holds it,
    and for a database password (C4) unless the store is a SQLite file."""
    return config.data_key_file is None or not config.database_url.startswith("sqlite")


def run_checks(
    config: Config,
    keyring_backend: KeyringBackend | None = None,
    clock: Clock | None = None,
    devices: Callable[[], Iterable[CtapDevice]] | None = None,
) -> list[CheckResult]:
    results: list[CheckResult]
    if config.server_url:
        # A server's workstation has no store and no data key: the server is checked instead.
        results = _check_server(config.server_url, config.server_ca_file, clock or SystemClock())
        results.append(_check_keyring(keyring_backend))
    else:
        results = [
            _check_database(config, keyring_backend),
            _check_keyring(keyring_backend, needed=_needs_keyring(config)),
            _check_data_key(config, keyring_backend),
        ]
    keys = check_keys(model_in_store(config, keyring_backend), devices or connected_authenticators)
    return [*results, _check_qt(), _check_fido_devices(), *keys]
