"""Password hashing with argon2id (argon2-cffi)."""

from __future__ import annotations

import logging
import threading
import unicodedata
from collections.abc import Callable
from typing import Protocol, TypeVar

import argon2
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from desktop_auth.core.password_cost import MIN_MEMORY_KIB, MIN_TIME_COST, Argon2Parameters

__all__ = ["MIN_MEMORY_KIB", "MIN_TIME_COST", "Argon2Parameters", "PasswordHasher"]

log = logging.getLogger(__name__)

T = TypeVar("T")


class HashRunner(Protocol):
    """Runs one argon2 call somewhere and gives back its result (or its exception)."""

    def __call__(self, hashing: Callable[[], T]) -> T: ...


def _here(hashing: Callable[[], T]) -> T:
    return hashing()


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
        #: Where argon2 itself runs: here, or (the sign-in server) in threads of lower
        #: priority, so that only the hashing yields to the cheap steps, not the Python
        #: around it, which holds the interpreter's lock (issue 15).
        self.run_hashing: HashRunner = _here
        self._dummy_hash: str | None = None
        #: Dummies made with the cost of stored hashes, by that cost (see ``verify_dummy``).
        self._dummies: dict[tuple[int, int, int, int], str] = {}
        self._dummy_lock = threading.Lock()

    def hash(self, password: str) -> str:
        normalized = normalize_password(password)
        return self.run_hashing(lambda: self._hasher.hash(normalized))

    def verify(self, stored_hash: str, password: str) -> bool:
        # A lone surrogate (undecodable input, JSON's "\\ud800") cannot be anyone's
        # password, which UTF-8 stored; kept as bytes it is a wrong password like any
        # other, counted, audited and as slow (T1, T2), where strict UTF-8 crashed.
        candidate = normalize_password(password).encode("utf-8", "surrogatepass")
        try:
            return self.run_hashing(lambda: self._hasher.verify(stored_hash, candidate))
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
                self._dummy_hash = self.hash("desktop-auth dummy password")

    def verify_dummy(self, password: str, like: str | None = None) -> None:
        """Spend the same time as a real verify: unknown accounts must not answer faster.

        ``like``: a stored hash whose cost the dummy takes, so that a store whose hashes
        were made at another cost than the configured one (a cost changed since, and
        not everyone signed in again) answers an unknown address in the time of a known
        one (T2).  Without it, or when it cannot be read, the configured cost.
        """
        dummy = self._dummy_like(like) if like is not None else None
        if dummy is None:
            self.prepare_dummy()
            dummy = self._dummy_hash
        assert dummy is not None
        self.verify(dummy, password)

    def _dummy_like(self, stored_hash: str) -> str | None:
        try:
            cost = argon2.extract_parameters(stored_hash)
        except InvalidHashError:
            return None
        key = (cost.time_cost, cost.memory_cost, cost.parallelism, cost.hash_len)
        with self._dummy_lock:
            if key not in self._dummies:
                hasher = argon2.PasswordHasher.from_parameters(cost)
                self._dummies[key] = hasher.hash("desktop-auth dummy password")
            return self._dummies[key]
