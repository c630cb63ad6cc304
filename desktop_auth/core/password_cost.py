"""How much work an argon2id hash costs: a plain value, apart from the hashing library.

The configuration names it; importing argon2 for that would slow the window's first paint.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop_auth.errors import Argon2TooWeakError

# OWASP Password Storage Cheat Sheet's floor for argon2id: 19 MiB, t=2, p=1.
MIN_MEMORY_KIB = 19 * 1024
MIN_TIME_COST = 2


@dataclass(frozen=True, kw_only=True)
class Argon2Parameters:
    """argon2id cost.  The default is RFC 9106's second recommended set."""

    time_cost: int = 3
    memory_kib: int = 64 * 1024
    parallelism: int = 4
    hash_len: int = 32
    salt_len: int = 16

    def check_minimum(self) -> None:
        """Refuse parameters below the OWASP floor (configuration, not tests, calls this)."""
        if self.memory_kib < MIN_MEMORY_KIB or self.time_cost < MIN_TIME_COST:
            raise Argon2TooWeakError(memory_kib=MIN_MEMORY_KIB, time_cost=MIN_TIME_COST)
        if self.parallelism < 1 or self.salt_len < 16 or self.hash_len < 16:
            raise Argon2TooWeakError(memory_kib=MIN_MEMORY_KIB, time_cost=MIN_TIME_COST)
