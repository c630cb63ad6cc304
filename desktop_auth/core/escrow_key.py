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


#: X25519's field: a public key is a number below it, little-endian.  A key at or above it
#: (or with the top bit set, which X25519 ignores) is another spelling of a smaller one.
_FIELD_PRIME: Final = 2**255 - 19


def _canonical_key(text: str) -> bytes | None:
    """One public key in its only spelling, else None: so that "not the same key twice"
    cannot be got round by writing one key two ways, and two equal keys compare equal."""
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
    if len(raw) != PUBLIC_KEY_BYTES or public_key_text(raw) != text:
        return None
    if int.from_bytes(raw, "little") >= _FIELD_PRIME:
        return None
    return raw


def escrow_key_halves(value: str) -> tuple[bytes, bytes] | None:
    """The two public keys (first, second) of an escrow key in its form, else None:
    two 32-byte keys in canonical base64, not the same key twice."""
    parts = value.split(SEPARATOR)
    if len(parts) != 2:
        return None
    first, second = (_canonical_key(part) for part in parts)
    if first is None or second is None or first == second:
        return None
    return first, second


def is_single_key(value: str) -> bool:
    """The form of the escrow key before two administrators' keys (one key, its private
    half in two share files): a configuration may still carry it after an upgrade."""
    return _canonical_key(value) is not None


def escrow_key_of(first: bytes, second: bytes) -> str:
    """The escrow key of two administrators' public keys, the first opening first."""
    return SEPARATOR.join(base64.b64encode(key).decode("ascii") for key in (first, second))


def public_key_text(raw: bytes) -> str:
    """One administrator's public key as ``keygen`` prints it and ``init`` takes it."""
    return base64.b64encode(raw).decode("ascii")
