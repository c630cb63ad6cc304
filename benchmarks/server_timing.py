"""``desktop-auth server`` with a timing log of each sign-in step, for ``server_load.py
--timing``: where a step's time goes on the server.

    python benchmarks/server_timing.py LOG.jsonl server --listen 127.0.0.1:8000 --insecure-loopback

Each password step (``sign_in.with_password``) and code step (``with_second_factor``)
adds one JSON line: its wall time; the time its thread ran and waited for a core
(``/proc/thread-self/schedstat``, Linux); the argon2 verify; the store's transactions,
the wait for a pooled connection, the SQL statements; the wait for the audit chain's
head lock and how long it was then held (until the transaction ended).  The rest of
the wall time is sleeping: on a lock, the GIL, the network.

The product is measured as it is: this only wraps some of its functions from outside
(``Store.transaction``, ``PasswordHasher.verify``, ``audit.lock_audit_head``, the
engine's pool and statement events), so it breaks, loudly, when those change.
"""

from __future__ import annotations

import contextlib
import json
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

#: The parts of a step's time, as printed.
FIELDS = {
    "wall": "wall",
    "on_cpu": "on a core",
    "run_queue": "waiting for a core",
    "argon2": "argon2 verify",
    "transactions": "in transactions, of which",
    "pool_wait": "  waiting for a connection",
    "statements": "  SQL statements, of which",
    "audit_lock_wait": "    waiting for the audit lock",
    "audit_lock_held": "  holding the audit lock",
}

_local = threading.local()


def _schedstat() -> tuple[float, float]:
    """This thread's time on a core and waiting for one, in seconds."""
    on_cpu, waiting, _ = Path("/proc/thread-self/schedstat").read_text().split()
    return int(on_cpu) / 1e9, int(waiting) / 1e9


def _add(name: str, seconds: float) -> None:
    times: dict[str, float] | None = getattr(_local, "times", None)
    if times is not None:
        times[name] = times.get(name, 0.0) + seconds


def install(log_path: Path) -> None:
    import desktop_auth.remote.server as server
    from desktop_auth.core import audit
    from desktop_auth.core.passwords import PasswordHasher
    from desktop_auth.store.db import Store

    log = log_path.open("a", buffering=1)  # a line each: a killed server keeps its lines
    lock = threading.Lock()

    transaction = Store.transaction

    @contextlib.contextmanager
    def timed_transaction(self: Store) -> Iterator[Any]:
        started = time.perf_counter()
        try:
            with transaction(self) as db:
                yield db
        finally:
            ended = time.perf_counter()
            _add("transactions", ended - started)
            locked_at = getattr(_local, "locked_at", None)
            if locked_at is not None:
                _add("audit_lock_held", ended - locked_at)
                _local.locked_at = None

    Store.transaction = timed_transaction  # type: ignore[method-assign]

    verify = PasswordHasher.verify

    def timed_verify(self: PasswordHasher, stored_hash: str, password: str) -> bool:
        started = time.perf_counter()
        try:
            return verify(self, stored_hash, password)
        finally:
            _add("argon2", time.perf_counter() - started)

    PasswordHasher.verify = timed_verify  # type: ignore[method-assign]

    lock_audit_head = audit.lock_audit_head

    def timed_lock(session: Any) -> Any:
        started = time.perf_counter()
        head = lock_audit_head(session)
        _add("audit_lock_wait", time.perf_counter() - started)
        if getattr(_local, "locked_at", None) is None:
            _local.locked_at = time.perf_counter()
        return head

    audit.lock_audit_head = timed_lock

    def timed_step(name: str, method: Callable[..., Any]) -> Callable[..., Any]:
        def step(*args: Any, **kwargs: Any) -> Any:
            _local.times, _local.locked_at = {}, None
            started = time.perf_counter()
            on_cpu, waiting = _schedstat()
            try:
                return method(*args, **kwargs)
            finally:
                now_on_cpu, now_waiting = _schedstat()
                times: dict[str, float] = _local.times
                _local.times = None
                times.update(
                    wall=time.perf_counter() - started,
                    on_cpu=now_on_cpu - on_cpu,
                    run_queue=now_waiting - waiting,
                )
                with lock:
                    log.write(json.dumps({"step": name, "ended": time.time(), **times}) + "\n")

        return step

    create_app = server.create_app

    def timed_create_app(service: Any, *args: Any, **kwargs: Any) -> Any:
        from sqlalchemy import event

        engine = service._context.store.engine
        pool = engine.pool
        get = pool._do_get

        def timed_get() -> Any:
            started = time.perf_counter()
            try:
                return get()
            finally:
                _add("pool_wait", time.perf_counter() - started)

        pool._do_get = timed_get

        def before(conn: Any, *_args: Any) -> None:
            conn.info["statement_started"] = time.perf_counter()

        def after(conn: Any, *_args: Any) -> None:
            _add("statements", time.perf_counter() - conn.info.pop("statement_started"))

        event.listen(engine, "before_cursor_execute", before)
        event.listen(engine, "after_cursor_execute", after)
        sign_in = service.sign_in
        sign_in.with_password = timed_step("password", sign_in.with_password)
        sign_in.with_second_factor = timed_step("code", sign_in.with_second_factor)
        return create_app(service, *args, **kwargs)

    server.create_app = timed_create_app


def read(paths: list[Path], start: float, end: float) -> dict[str, list[dict[str, float]]]:
    """The steps that ended between ``start`` and ``end``, by step name."""
    steps: dict[str, list[dict[str, float]]] = {}
    for path in paths:
        if not path.exists():
            continue
        for text in path.read_text().splitlines():
            try:
                record = json.loads(text)
            except ValueError:  # the last line of a killed server
                continue
            if start <= record["ended"] <= end:
                steps.setdefault(record.pop("step"), []).append(record)
    return steps


def main() -> int:
    install(Path(sys.argv[1]))
    from desktop_auth.cli import main as desktop_auth

    return desktop_auth(sys.argv[2:])


if __name__ == "__main__":
    raise SystemExit(main())
