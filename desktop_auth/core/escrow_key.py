"""The form of the organisation's vault escrow key, known to the policy, the workstation's
configuration and the vault alike.

The escrow key is two administrators' X25519 public keys, each made on that
administrator's own workstation (``admin vault escrow keygen``), in base64, joined by
``:``.  A vault key is sealed to the second, and that to the first: the first
administrator's key opens only a layer that the second's alone can open.  No imports
beyond the standard library: the configuration reads this on every start.
"""

from __future__ import annotations

import base64
import binascii
from typing import Final

#: An X25519 public key.
PUBLIC_KEY_BYTES: Final = 32
#: Between the two public keys: not a base64 character.
SEPARATOR: Final = ":"
#: The longest escrow key: two base64 keys and the separator (the store's column width).
ESCROW_KEY_LENGTH: Final = 2 * 44 + 1


def escrow_key_halves(value: str) -> tuple[bytes, bytes] | None:
    """The two public keys (first, second) of an escrow key in its form, else None:
    two 32-byte keys in base64, not the same key twice."""
    parts = value.split(SEPARATOR)
    if len(parts) != 2:
        return None
    try:
        first, second = (base64.b64decode(part, validate=True) for part in parts)
    except (binascii.Error, ValueError):
        return None
    if len(first) != PUBLIC_KEY_BYTES or len(second) != PUBLIC_KEY_BYTES or first == second:
        return None
    return first, second


def escrow_key_of(first: bytes, second: bytes) -> str:
    """The escrow key of two administrators' public keys, the first opening first."""
    return SEPARATOR.join(base64.b64encode(key).decode("ascii") for key in (first, second))


def public_key_text(raw: bytes) -> str:
    """One administrator's public key as ``keygen`` prints it and ``init`` takes it."""
    return base64.b64encode(raw).decode("ascii")
