"""The data key in a passphrase-protected file, for bringing it to another workstation.

Every workstation on one shared store needs the same data key.  ``admin key
export`` seals it in a small JSON file: scrypt (RFC 7914; n = 2^17, r = 8,
p = 1, 128 MiB) turns the passphrase into a 256-bit key, and AES-256-GCM seals
the data key with the file's header (format, parameters, salt, the key's
fingerprint) as associated data, so no header field can be changed unnoticed.
The fingerprint is not secret: the store keeps it too, and it lets ``import``
say "this file belongs to another store" before anything is written.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from desktop_auth.errors import (
    KeyFileInvalidError,
    KeyFileWrongPassphraseError,
    KeyPassphraseShortError,
)
from desktop_auth.store.secretbox import KEY_BYTES, NONCE_BYTES, key_fingerprint

FORMAT = "desktop-auth-data-key"
VERSION = 1
#: A passphrase guards a key that opens every seed in the store: no short ones.
MIN_PASSPHRASE_CHARS = 12
SCRYPT_N = 2**17
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
#: Refuse absurd parameters from a file before spending memory on them.
_MAX_SCRYPT_N = 2**20


@dataclass(frozen=True, kw_only=True)
class OpenedKey:
    key: bytes
    fingerprint: str

    def __repr__(self) -> str:  # never show the key
        return f"OpenedKey(fingerprint={self.fingerprint!r})"


def _derive(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


def _associated_data(header: dict[str, Any]) -> bytes:
    return json.dumps(header, sort_keys=True, separators=(",", ":")).encode()


def check_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE_CHARS:
        raise KeyPassphraseShortError(minimum=MIN_PASSPHRASE_CHARS)


def seal_key(key: bytes, passphrase: str, *, file_format: str = FORMAT) -> bytes:
    """The file's content: the data key (or another 32-byte key, in a ``file_format`` of
    its own, such as an administrator's vault escrow key) sealed under ``passphrase``."""
    if len(key) != KEY_BYTES:
        raise ValueError("a data key has 32 bytes")
    check_passphrase(passphrase)
    salt = secrets.token_bytes(SALT_BYTES)
    header: dict[str, Any] = {
        "format": file_format,
        "version": VERSION,
        "kdf": {"name": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P},
        "salt": base64.b64encode(salt).decode(),
        "fingerprint": key_fingerprint(key),
    }
    nonce = secrets.token_bytes(NONCE_BYTES)
    wrapping = AESGCM(_derive(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P))
    sealed = wrapping.encrypt(nonce, key, _associated_data(header))
    document = {
        **header,
        "nonce": base64.b64encode(nonce).decode(),
        "sealed_key": base64.b64encode(sealed).decode(),
    }
    return (json.dumps(document, indent=2, sort_keys=True) + "\n").encode()


def _parse(
    content: bytes, file_format: str
) -> tuple[dict[str, Any], bytes, bytes, bytes, tuple[int, int, int]]:
    try:
        document = json.loads(content.decode("utf-8"))
        header = {k: document[k] for k in ("format", "version", "kdf", "salt", "fingerprint")}
        kdf = header["kdf"]
        params = (int(kdf["n"]), int(kdf["r"]), int(kdf["p"]))
        salt = base64.b64decode(header["salt"], validate=True)
        nonce = base64.b64decode(document["nonce"], validate=True)
        sealed = base64.b64decode(document["sealed_key"], validate=True)
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, binascii.Error) as exc:
        raise KeyFileInvalidError() from exc
    if (
        header["format"] != file_format
        or header["version"] != VERSION
        or kdf.get("name") != "scrypt"
        or not 2**14 <= params[0] <= _MAX_SCRYPT_N
        or params[1:] != (SCRYPT_R, SCRYPT_P)
        or len(nonce) != NONCE_BYTES
    ):
        raise KeyFileInvalidError()
    return header, salt, nonce, sealed, params


def open_key(content: bytes, passphrase: str, *, file_format: str = FORMAT) -> OpenedKey:
    """The key from a file made by ``seal_key`` in ``file_format``; a wrong passphrase
    opens nothing, a file of another format is ``KeyFileInvalidError``."""
    header, salt, nonce, sealed, (n, r, p) = _parse(content, file_format)
    try:
        key = AESGCM(_derive(passphrase, salt, n, r, p)).decrypt(
            nonce, sealed, _associated_data(header)
        )
    except InvalidTag as exc:
        raise KeyFileWrongPassphraseError() from exc
    if len(key) != KEY_BYTES or key_fingerprint(key) != header["fingerprint"]:
        raise KeyFileInvalidError()
    return OpenedKey(key=key, fingerprint=header["fingerprint"])
