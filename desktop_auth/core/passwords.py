"""Password hashing with argon2id (argon2-cffi)."""

from __future__ import annotations

import logging
import threading
import unicodedata

import argon2
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from desktop_auth.core.password_cost import MIN_MEMORY_KIB, MIN_TIME_COST, Argon2Parameters

__all__ = ["MIN_MEMORY_KIB", "MIN_TIME_COST", "Argon2Parameters", "PasswordHasher"]

log = logging.getLogger(__name__)


def normalize_password(password: str) -> str:
    """NFKC, so the same passphrase typed on another keyboard or OS still verifies."""
    return unicodedata.normalize("NFKC", password)


class PasswordHasher:
    """Hashes and verifies passwords; tells when a stored hash needs upgrading."""

    def __init__(self, parameters: Argon2Parameters | None = None) -> None:
        self.parameters = parameters or Argon2Parameters()
        p = self.parameters
        self._hasher = argon2.PasswordHasher(
            time_cost=p.time_cost,
            memory_cost=p.memory_kib,
            parallelism=p.parallelism,
            hash_len=p.hash_len,
            salt_len=p.salt_len,
            type=argon2.Type.ID,
        )
        self._dummy_hash: str | None = None
        self._dummy_lock = threading.Lock()

    def hash(self, password: str) -> str:
        return self._hasher.hash(normalize_password(password))

    def verify(self, stored_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(stored_hash, normalize_password(password))
        except VerifyMismatchError:
            return False
        except (InvalidHashError, VerificationError):
            log.warning("a stored password hash could not be read; treated as a mismatch")
            return False

    def needs_rehash(self, stored_hash: str) -> bool:
        try:
            return self._hasher.check_needs_rehash(stored_hash)
        except InvalidHashError:
            return True

    def prepare_dummy(self) -> None:
        """Make the dummy hash now, so no sign-in pays for making it."""
        with self._dummy_lock:
            if self._dummy_hash is None:
                self._dummy_hash = self._hasher.hash("desktop-auth dummy password")

    def verify_dummy(self, password: str) -> None:
        """Spend the same time as a real verify: unknown accounts must not answer faster."""
        self.prepare_dummy()
        assert self._dummy_hash is not None
        self.verify(self._dummy_hash, password)
