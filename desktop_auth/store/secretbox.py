"""SecretBox: seals secrets that must be read back (TOTP seeds) with AES-256-GCM,
and hashes under a key those that need only checking (recovery and backup codes).

Associated data binds each ciphertext to the table, row and purpose it was
sealed for, so a ciphertext copied into another row (or another column) does
not open.  Secrets that need only checking are never sealed, only keyed-hashed.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from desktop_auth.errors import SecretUnreadableError

KEY_BYTES = 32
NONCE_BYTES = 12
FORMAT_VERSION = b"\x01"


def _associated_data(table: str, row_id: str | int, purpose: str) -> bytes:
    # Length-prefixed fields: ("ab", "c") and ("a", "bc") can never collide.
    parts = [b"desktop-auth/secretbox/v1", table.encode(), str(row_id).encode(), purpose.encode()]
    return b"".join(len(part).to_bytes(4, "big") + part for part in parts)


def key_fingerprint(key: bytes) -> str:
    """A non-secret name for a data key, kept in the store to detect a wrong key."""
    return hmac.new(key, b"desktop-auth data key fingerprint v1", hashlib.sha256).hexdigest()[:32]


def new_data_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


class SecretBox:
    """Seals and opens small secrets under one 256-bit data key."""

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise ValueError("a SecretBox key has 32 bytes")
        self._aead = AESGCM(key)
        self._key = key
        self._subkeys: dict[str, bytes] = {}
        self.fingerprint = key_fingerprint(key)

    def __repr__(self) -> str:  # never show the key
        return f"SecretBox(fingerprint={self.fingerprint!r})"

    def seal(self, plaintext: bytes, *, table: str, row_id: str | int, purpose: str) -> bytes:
        nonce = secrets.token_bytes(NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, plaintext, _associated_data(table, row_id, purpose))
        return FORMAT_VERSION + nonce + sealed

    def open(self, sealed: bytes, *, table: str, row_id: str | int, purpose: str) -> bytes:
        if len(sealed) < 1 + NONCE_BYTES + 16 or sealed[:1] != FORMAT_VERSION:
            raise SecretUnreadableError(table=table, purpose=purpose)
        nonce, body = sealed[1 : 1 + NONCE_BYTES], sealed[1 + NONCE_BYTES :]
        try:
            return self._aead.decrypt(nonce, body, _associated_data(table, row_id, purpose))
        except InvalidTag as exc:
            raise SecretUnreadableError(table=table, purpose=purpose) from exc

    def keyed_hash(self, data: bytes, *, purpose: str) -> bytes:
        """HMAC-SHA256 under a subkey for ``purpose``, for secrets that need only checking.

        Recovery and backup codes are stored this way (SECURITY.md M3): a stolen
        database without the data key gives nothing to test guesses against.
        """
        return hmac.new(self._subkey(purpose), data, hashlib.sha256).digest()

    def derived_key(self, purpose: str) -> bytes:
        """32 bytes for ``purpose`` alone (HKDF of the data key), e.g. the audit log's
        chain and signing keys: kept as the data key is, and never in the store."""
        return HKDF(
            algorithm=hashes.SHA256(),
            length=32,
            salt=None,
            info=b"desktop-auth/derived-key/v1/" + purpose.encode(),
        ).derive(self._key)

    def _subkey(self, purpose: str) -> bytes:
        if purpose not in self._subkeys:
            hkdf = HKDF(
                algorithm=hashes.SHA256(),
                length=32,
                salt=None,
                info=b"desktop-auth/keyed-hash/v1/" + purpose.encode(),
            )
            self._subkeys[purpose] = hkdf.derive(self._key)
        return self._subkeys[purpose]
