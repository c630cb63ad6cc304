"""16 workstations signing in at once against one PostgreSQL store.

Each workstation is a process with its own AuthService and connection pool and
its own employee.  All start together and sign in (password, default argon2id
cost) ``--rounds`` times; then the same processes run as many bare argon2-cffi
verifies with the same parameters, again all at once.  Printed side by side:
throughput and p95 latency of both, and their ratios, so the store's overhead
under load shows apart from the deliberate cost of the password hash.

    .venv/bin/python benchmarks/pg_load.py                   # starts its own server
    .venv/bin/python benchmarks/pg_load.py --database URL    # an existing, empty database

Without ``--database`` it starts a throw-away PostgreSQL server the way the
tests do (Debian's postgresql package; as the postgres user when run as root),
but with fsync on, as a real server runs.
"""

from __future__ import annotations

import argparse
import dataclasses
import multiprocessing
import statistics
import time
from typing import Any

from load_common import ADMIN_PASSWORD, USER_PASSWORD, bare_hasher, database, email, p95

from desktop_auth.core.passwords import Argon2Parameters, PasswordHasher
from desktop_auth.core.service import AuthService, SignInOutcome
from desktop_auth.store.db import Store


def prepare(url: str, workstations: int) -> None:
    store = Store.open(url)
    store.upgrade()
    service = AuthService(store, hasher=PasswordHasher(), workstation="BENCH-ADMIN")
    admin = service.accounts.local_administrator()
    service.initialize(
        actor=admin,
        organisation_name="Bench",
        rp_id="bench.example",
        admin_email="admin@bench.example",
        admin_display_name="Admin",
        admin_password=ADMIN_PASSWORD,
    )
    policy = dataclasses.replace(service.policy.current(), second_factor_required=False)
    service.policy.replace(actor=admin, policy=policy)
    for n in range(workstations):
        issued = service.accounts.create(actor=admin, email=email(n), display_name=f"M {n}")
        ticket = service.sign_in.with_password(email(n), issued.temporary_password).ticket
        assert ticket is not None
        service.sign_in.complete_password_change(ticket, USER_PASSWORD)
    service.close()


def workstation(url: str, n: int, rounds: int, barrier: Any, results: Any) -> None:
    service = AuthService(Store.open(url), hasher=PasswordHasher(), workstation=f"BENCH-{n}")
    bare = bare_hasher()
    stored = bare.hash(USER_PASSWORD)
    service.sign_in.with_password(email(n), USER_PASSWORD)  # warm the pool and the caches
    sign_ins: list[float] = []
    verifies: list[float] = []
    barrier.wait()
    for _ in range(rounds):
        start = time.perf_counter()
        outcome = service.sign_in.with_password(email(n), USER_PASSWORD).outcome
        sign_ins.append(time.perf_counter() - start)
        assert outcome is SignInOutcome.DONE
    barrier.wait()
    for _ in range(rounds):
        start = time.perf_counter()
        bare.verify(stored, USER_PASSWORD)
        verifies.append(time.perf_counter() - start)
    service.close()
    results.put((sign_ins, verifies))


def run(url: str, workstations: int, rounds: int) -> None:
    prepare(url, workstations)
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(workstations + 1), context.Queue()
    processes = [
        context.Process(target=workstation, args=(url, n, rounds, barrier, results))
        for n in range(workstations)
    ]
    for process in processes:
        process.start()
    barrier.wait()
    started = time.perf_counter()
    barrier.wait()
    sign_in_wall = time.perf_counter() - started
    started = time.perf_counter()
    collected = [results.get(timeout=1800) for _ in processes]
    verify_wall = time.perf_counter() - started
    for process in processes:
        process.join()
    sign_ins = [t for s, _ in collected for t in s]
    verifies = [t for _, v in collected for t in v]
    total = workstations * rounds
    p = Argon2Parameters()
    sign_in_rate, verify_rate = total / sign_in_wall, total / verify_wall
    print(f"workstations (processes)    {workstations}, {rounds} sign-ins each, all at once")
    print(f"argon2id parameters         m={p.memory_kib} KiB t={p.time_cost} p={p.parallelism}")
    print("                            full sign-in   bare argon2   ratio")
    print(
        f"throughput (per second)     {sign_in_rate:12.2f}  {verify_rate:12.2f}  "
        f"{verify_rate / sign_in_rate:6.3f}"
    )
    print(
        f"p95 latency (ms)            {p95(sign_ins) * 1000:12.1f}  "
        f"{p95(verifies) * 1000:12.1f}  {p95(sign_ins) / p95(verifies):6.3f}"
    )
    print(
        f"median latency (ms)         {statistics.median(sign_ins) * 1000:12.1f}  "
        f"{statistics.median(verifies) * 1000:12.1f}  "
        f"{statistics.median(sign_ins) / statistics.median(verifies):6.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", metavar="URL", help="an empty PostgreSQL database")
    parser.add_argument("--workstations", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    with database(args.database) as url:
        run(url, args.workstations, args.rounds)


if __name__ == "__main__":
    main()
