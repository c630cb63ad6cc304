"""Threads of their own, at a lower CPU priority, for argon2 on the sign-in server.

A password step costs a quarter of a second of CPU by design; a code or a key's touch costs
milliseconds.  Run in the same threads at the same priority, a crowd at the password step
took every thread from the steps behind it and the cores from their few milliseconds (issue
15: the code step's p95 was 8.6 s under load, its target 25 ms).  Here the hashes queue for
``workers`` threads (one per core: more only split the cores into slower hashes) whose
niceness is raised once, when each thread starts: argon2's own lane threads inherit it, so
the cheap steps get a core whenever they need one, and the hashes take every cycle left
over, which keeps the throughput.  Only the hashing runs here: the password step's own
Python stays at the normal priority (see ``run_blocking``).  On Linux the niceness is a
thread's own; where the system has no such call (Windows) the queue alone remains.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")

#: How much lower than the server's other threads: nice 10 weighs about a tenth of nice 0.
HASHING_NICENESS = 10


def _lower_priority() -> None:
    setpriority = getattr(os, "setpriority", None)
    if setpriority is None:
        return
    with contextlib.suppress(OSError):  # a container may refuse it: the queue still holds
        thread = threading.get_native_id()
        setpriority(os.PRIO_PROCESS, thread, os.getpriority(os.PRIO_PROCESS, 0) + HASHING_NICENESS)


class HashingPool:
    """``pool.run_blocking(hashing)``: argon2 in one of the pool's threads, the caller waiting."""

    def __init__(self, workers: int) -> None:
        self._executor = ThreadPoolExecutor(
            max_workers=max(1, workers),
            thread_name_prefix="desktop-auth-argon2",
            initializer=_lower_priority,
        )

    def run_blocking(self, hashing: Callable[[], T]) -> T:
        """``hashing`` (argon2 alone) in one of the pool's threads; the caller waits.  Only
        the hashing runs at the lower priority: a password step's Python around it (store,
        audit, JSON) holds the interpreter's lock, and held by a thread of low priority it
        kept the code steps waiting for it (issue 15: their p95 was 77 ms, 19 ms alone)."""
        return self._executor.submit(hashing).result()
