"""Look-up secrets (NIST SP 800-63B §5.1.2): recovery codes and helpdesk backup codes.

Codes are drawn from ``secrets`` over an alphabet without look-alikes (no 0/O,
1/I/L), shown in groups of four, and typed back in any case with or without
spaces and dashes.  They are stored only as keyed hashes (SECURITY.md M3), with
the user's id in the hashed text so one code never matches another account.
"""

from __future__ import annotations

import hmac
import math
import secrets
import unicodedata
from collections.abc import Callable, Iterable
from typing import Protocol, TypeVar

from sqlalchemy.orm import Session as DbSession

from desktop_auth.errors import LookupCodeFormatError, SecondFactorError
from desktop_auth.store.secretbox import SecretBox

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 16
GROUP = 4
#: What one code is worth to a guesser: 16 symbols of 31, about 79 bits (M3 asks >= 60).
ENTROPY_BITS = LENGTH * math.log2(len(ALPHABET))
_SEPARATORS = {"-", "\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2212", "_", "."}


def new_code() -> str:
    """A fresh code in its display form, such as ``7KQ4-M2XD-9HTR-P3WN``."""
    return grouped("".join(secrets.choice(ALPHABET) for _ in range(LENGTH)))


def grouped(code: str) -> str:
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def normalize(typed: str) -> str:
    """The code as stored: upper case, no spaces or dashes; anything else is refused."""
    text = unicodedata.normalize("NFKC", typed).upper()
    text = "".join(ch for ch in text if not ch.isspace() and ch not in _SEPARATORS)
    if len(text) != LENGTH or any(ch not in ALPHABET for ch in text):
        raise LookupCodeFormatError(length=LENGTH)
    return text


def code_hash(box: SecretBox, *, purpose: str, user_id: int, code: str) -> bytes:
    """The stored form of a normalized code."""
    return box.keyed_hash(f"{user_id}:{code}".encode(), purpose=purpose)


class HasCodeHash(Protocol):
    code_hash: bytes


Row = TypeVar("Row", bound=HasCodeHash)


def matches(candidate: bytes, stored: bytes) -> bool:
    return hmac.compare_digest(candidate, stored)  # SECURITY.md C3


def find_match(candidate: bytes, rows: Iterable[Row]) -> Row | None:
    """The row whose hash is ``candidate``, comparing with every row in constant time
    (not a lookup by hash, whose timing could tell how close a guess came)."""
    found = None
    for row in rows:
        if matches(candidate, row.code_hash):
            found = row
    return found


class KeyedCodeFactor:
    """What recovery and backup codes share: a keyed hash per purpose, and no lock.

    With 60+ bits a guess cannot succeed, so these codes are not ``guessable``:
    they stay usable while the authenticator-code lock is closed.
    """

    hash_purpose: str
    guessable = False

    def __init__(self, secret_box: Callable[[DbSession], SecretBox]) -> None:
        self._secret_box = secret_box

    def _hash(self, db: DbSession, user_id: int, code: str) -> bytes:
        return code_hash(
            self._secret_box(db), purpose=self.hash_purpose, user_id=user_id, code=code
        )

    def after_failure(self, db: DbSession, *, user_id: int, error: SecondFactorError) -> None:
        """Nothing beyond the shared counter."""
