"""The printed vault recovery key: 160 random bits, typed back in groups that check
themselves.

It is written in Crockford's base32 (no I, L, O or U, so nothing reads as another
character; typing is forgiving of case, of O for 0 and of I or L for 1), as 8 groups
of 4 characters, each followed by a check character.  A typo is caught in the group
where it was made, and the person is told which group to look at again, before any
unwrapping is tried.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from desktop_auth.errors import VaultRecoveryKeyMalformedError, VaultRecoveryKeyTypoError

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
KEY_BYTES = 20  # 160 bits: beyond the 128 bits SECURITY.md V2 asks, in 32 characters
GROUPS = 8
GROUP_DATA = 4
_READS_AS = {"O": "0", "I": "1", "L": "1"}
_SEPARATORS = " -\t\r\n"


@dataclass(frozen=True)
class RecoveryKey:
    """The key's bits.  ``formatted()`` is what the sheet prints; nothing else shows it."""

    material: bytes = field(repr=False)

    @classmethod
    def new(cls) -> RecoveryKey:
        return cls(os.urandom(KEY_BYTES))

    def groups(self) -> list[str]:
        characters = _encode(self.material)
        return [
            data + _check_character(number, data)
            for number, data in enumerate(_chunks(characters, GROUP_DATA), start=1)
        ]

    def formatted(self) -> str:
        return "-".join(self.groups())


def parse_recovery_key(typed: str) -> RecoveryKey:
    """The key as typed (any case, with or without dashes and spaces).

    ``VaultRecoveryKeyTypoError`` names the groups whose check character does not match
    (``groups="2, 5"``); ``VaultRecoveryKeyMalformedError`` is a wrong length itself.
    """
    cleaned = "".join(ch for ch in typed.upper() if ch not in _SEPARATORS)
    cleaned = "".join(_READS_AS.get(ch, ch) for ch in cleaned)
    group_size = GROUP_DATA + 1
    if len(cleaned) != GROUPS * group_size or any(ch not in ALPHABET for ch in cleaned):
        raise VaultRecoveryKeyMalformedError()
    groups = _chunks(cleaned, group_size)
    wrong = [
        str(number)
        for number, group in enumerate(groups, start=1)
        if _check_character(number, group[:GROUP_DATA]) != group[GROUP_DATA]
    ]
    if wrong:
        raise VaultRecoveryKeyTypoError(groups=", ".join(wrong))
    return RecoveryKey(_decode("".join(group[:GROUP_DATA] for group in groups)))


def _chunks(text: str, size: int) -> list[str]:
    return [text[start : start + size] for start in range(0, len(text), size)]


def _check_character(number: int, data: str) -> str:
    # A check, not a secret: the group's characters as a polynomial over GF(32), so any one
    # character changed and any two neighbours swapped always show; the group's number is
    # added in, so a group typed in another group's place shows too.
    check = number
    for position, character in enumerate(data, start=1):
        check ^= _gf32_multiply(ALPHABET.index(character), _gf32_power(2, position))
    return ALPHABET[check]


def _gf32_multiply(a: int, b: int) -> int:
    product = 0
    while b:
        if b & 1:
            product ^= a
        b >>= 1
        a <<= 1
        if a & 0b100000:
            a ^= 0b100101  # x^5 + x^2 + 1, irreducible: GF(2^5) is a field
    return product


def _gf32_power(base: int, exponent: int) -> int:
    result = 1
    for _ in range(exponent):
        result = _gf32_multiply(result, base)
    return result


def _encode(material: bytes) -> str:
    number = int.from_bytes(material, "big")
    length = len(material) * 8 // 5
    return "".join(ALPHABET[(number >> (5 * (length - 1 - i))) & 31] for i in range(length))


def _decode(characters: str) -> bytes:
    number = 0
    for ch in characters:
        number = number << 5 | ALPHABET.index(ch)
    return number.to_bytes(len(characters) * 5 // 8, "big")
