"""Where the SecretBox's data key lives: the OS keyring, or a key file IT deploys."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

import base64
import binascii
import os
import stat
from pathlib import Path
from typing import Protocol

from desktop_auth.errors import (
    DataKeyFileExistsError,
    DataKeyFilePermissionsError,
    DataKeyMalformedError,
    KeyringUnavailableError,
)
from desktop_auth.store.secretbox import KEY_BYTES

KEYRING_SERVICE = "desktop-auth"


def _keyring_username(store_id: str) -> str:
    return f"data-key/{store_id}"


class DataKeyStore(Protocol):
    """Keeps one data key per store (a store is named by its random ``store_id``)."""

    def describe(self) -> str: ...

    def load(self, store_id: str) -> bytes | None: ...

    def save(self, store_id: str, key: bytes) -> None: ...


def _decode_key(text: str, source: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise DataKeyMalformedError(source=source) from exc
    if len(key) != KEY_BYTES:
        raise DataKeyMalformedError(source=source)
    return key


def backend_is_usable(backend: KeyringBackend) -> bool:
    """False for keyring's "fail" and "null" stand-ins, which keep nothing."""
    module = type(backend).__module__
    return not (module.endswith(".fail") or module.endswith(".null"))


def _default_keyring() -> KeyringBackend:
    import keyring  # here, not at start: importing it costs the window's start ~50 ms

    return keyring.get_keyring()


def _keyring_errors() -> type[Exception]:
    import keyring.errors

    return keyring.errors.KeyringError


class KeyringDataKeyStore:
    """The data key in the OS keyring (Secret Service, Windows Credential Locker, Keychain)."""

    def __init__(self, backend: KeyringBackend | None = None) -> None:
        self._backend = backend

    def _usable_backend(self) -> KeyringBackend:
        backend = self._backend or _default_keyring()
        if not backend_is_usable(backend):
            raise KeyringUnavailableError(backend=type(backend).__name__)
        return backend

    def describe(self) -> str:
        backend = self._backend or _default_keyring()
        return f"keyring: {type(backend).__module__}.{type(backend).__name__}"

    def load(self, store_id: str) -> bytes | None:
        backend = self._usable_backend()
        try:
            text = backend.get_password(KEYRING_SERVICE, _keyring_username(store_id))
        except _keyring_errors() as exc:
            raise KeyringUnavailableError(backend=type(backend).__name__) from exc
        return None if text is None else _decode_key(text, "keyring")

    def save(self, store_id: str, key: bytes) -> None:
        backend = self._usable_backend()
        try:
            backend.set_password(
                KEYRING_SERVICE, _keyring_username(store_id), base64.b64encode(key).decode()
            )
        except _keyring_errors() as exc:
            raise KeyringUnavailableError(backend=type(backend).__name__) from exc


class KeyFileDataKeyStore:
    """The data key in a file readable by its owner only (mode 0600, checked on POSIX).

    One file holds one store's key; it is created on first use when absent, or written
    into when it is there but empty (IT made it 0600 in advance, as the README advises).
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    def describe(self) -> str:
        return f"key file: {self.path}"

    def _check_permissions(self) -> None:
        if os.name != "posix":
            return
        info = self.path.stat()
        if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO) or info.st_uid != os.geteuid():
            raise DataKeyFilePermissionsError(path=str(self.path))

    def load(self, store_id: str) -> bytes | None:
        if not self.path.exists():
            return None
        self._check_permissions()
        text = self.path.read_text(encoding="ascii")
        if not text.strip():
            return None  # made ready for a key, none in it yet
        return _decode_key(text, str(self.path))

    def _open_empty(self, exists: FileExistsError) -> int:
        """The file IT made ready: written only while it holds nothing, is no link, and
        only its owner may read it."""
        nofollow = getattr(os, "O_NOFOLLOW", 0)
        try:
            fd = os.open(self.path, os.O_WRONLY | nofollow)
        except OSError:
            raise DataKeyFileExistsError(path=str(self.path)) from exists
        info = os.fstat(fd)
        private = os.name != "posix" or not (
            info.st_mode & (stat.S_IRWXG | stat.S_IRWXO) or info.st_uid != os.geteuid()
        )
        if info.st_size != 0 or not stat.S_ISREG(info.st_mode) or not private:
            os.close(fd)
            raise DataKeyFileExistsError(path=str(self.path)) from exists
        return fd

    def save(self, store_id: str, key: bytes) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # O_EXCL: never overwrite a key that might still seal data elsewhere.
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError as exc:
            fd = self._open_empty(exc)
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(base64.b64encode(key).decode() + "\n")
