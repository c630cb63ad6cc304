"""Threads of their own, at a lower CPU priority, for the requests that run argon2.

A password step costs a quarter of a second of CPU by design; a code or a key's touch costs
milliseconds.  Run in the same threads at the same priority, a crowd at the password step
took every thread from the steps behind it and the cores from their few milliseconds (issue
15: the code step's p95 was 8.6 s under load, its target 25 ms).  Here the password steps
queue for ``workers`` threads (one per core: more only split the cores into slower hashes)
whose niceness is raised once, when each thread starts: argon2's own lane threads inherit
it, so the cheap steps get a core whenever they need one, and the hashes take every cycle
left over, which keeps the throughput.  On Linux the niceness is a thread's own; where the
system has no such call (Windows) the queue alone remains.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
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
    """``await pool.run(function, *args)``: ``function`` in one of the pool's threads."""

    def __init__(self, workers: int) -> None:
        self._executor = ThreadPoolExecutor(
            max_workers=max(1, workers),
            thread_name_prefix="desktop-auth-argon2",
            initializer=_lower_priority,
        )

    async def run(self, function: Callable[..., T], *args: object) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, functools.partial(function, *args))
