"""What the load benchmarks (``pg_load.py``, ``server_load.py``) share: the employees'
addresses and passwords, bare argon2-cffi with the product's parameters, percentiles, and
a PostgreSQL database (the one given, or one on a throw-away server like the tests')."""

from __future__ import annotations

import statistics
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import argon2

from desktop_auth.core.passwords import Argon2Parameters

#: The checkout: on the path, for the tests' helpers (``tests.postgres_server``, …).
ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

ADMIN_PASSWORD = "koffie tafel regen zomer fiets"
USER_PASSWORD = "groene appel boven de rivier"


def email(n: int) -> str:
    return f"medewerker{n}@bench.example"


def bare_hasher(parameters: Argon2Parameters | None = None) -> argon2.PasswordHasher:
    """argon2-cffi itself, with the product's parameters (its defaults unless given)."""
    p = parameters or Argon2Parameters()
    return argon2.PasswordHasher(
        time_cost=p.time_cost,
        memory_cost=p.memory_kib,
        parallelism=p.parallelism,
        hash_len=p.hash_len,
        salt_len=p.salt_len,
        type=argon2.Type.ID,
    )


def percentile(values: list[float], q: int) -> float:
    """The ``q``-th percentile (1–99), interpolated between the measured values."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def p95(values: list[float]) -> float:
    return percentile(values, 95)


@contextmanager
def database(url: str | None) -> Iterator[str]:
    """``url`` as it is, or a new database on a throw-away PostgreSQL server started the
    way the tests do (Debian's postgresql package; as the postgres user when run as root),
    but with fsync on, as a real server runs; it is removed afterwards."""
    if url:
        yield url
        return
    from tests.postgres_server import PostgresServer  # the tests' throw-away server

    server = PostgresServer(durable=True)
    try:
        yield server.url(server.new_database())
    finally:
        server.destroy()
