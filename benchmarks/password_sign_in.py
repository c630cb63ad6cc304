"""How much a password sign-in costs beyond its deliberate argon2 verify.

Prints, from one run, the median time of a full password sign-in through
AuthService on a SQLite file and of a bare argon2-cffi verify with the same
parameters, and their ratio.  Target: ratio <= 1.05.

    .venv/bin/python benchmarks/password_sign_in.py [--rounds 21]
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import tempfile
import time
from pathlib import Path

import argon2

from desktop_auth.core.passwords import Argon2Parameters, PasswordHasher
from desktop_auth.core.service import AuthService, SignInOutcome
from desktop_auth.store.db import Store

PASSWORD = "koffie tafel regen zomer fiets"
USER_PASSWORD = "groene appel boven de rivier"
TARGET_RATIO = 1.05


def build_service(folder: Path) -> AuthService:
    store = Store.open(f"sqlite:///{folder / 'bench.sqlite3'}")
    store.upgrade()
    service = AuthService(store, hasher=PasswordHasher(), workstation="BENCH")
    admin = service.accounts.local_administrator()
    service.initialize(
        actor=admin,
        organisation_name="Bench",
        rp_id="bench.example",
        admin_email="admin@bench.example",
        admin_display_name="Admin",
        admin_password=PASSWORD,
    )
    policy = dataclasses.replace(service.policy.current(), second_factor_required=False)
    service.policy.replace(actor=admin, policy=policy)
    issued = service.accounts.create(actor=admin, email="jan@bench.example", display_name="Jan")
    ticket = service.sign_in.with_password("jan@bench.example", issued.temporary_password).ticket
    assert ticket is not None
    service.sign_in.complete_password_change(ticket, USER_PASSWORD)
    return service


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=21)
    rounds = parser.parse_args().rounds
    p = Argon2Parameters()
    bare = argon2.PasswordHasher(
        time_cost=p.time_cost,
        memory_cost=p.memory_kib,
        parallelism=p.parallelism,
        hash_len=p.hash_len,
        salt_len=p.salt_len,
        type=argon2.Type.ID,
    )
    stored = bare.hash(USER_PASSWORD)
    with tempfile.TemporaryDirectory() as folder:
        service = build_service(Path(folder))
        for _ in range(2):  # warm caches and the dummy hash
            service.sign_in.with_password("jan@bench.example", USER_PASSWORD)
            bare.verify(stored, USER_PASSWORD)
        full, verify_only = [], []
        for _ in range(rounds):  # interleaved: machine noise falls on both alike
            start = time.perf_counter()
            result = service.sign_in.with_password("jan@bench.example", USER_PASSWORD)
            full.append(time.perf_counter() - start)
            assert result.outcome is SignInOutcome.DONE
            start = time.perf_counter()
            bare.verify(stored, USER_PASSWORD)
            verify_only.append(time.perf_counter() - start)
        service.close()
    full_median, verify_median = statistics.median(full), statistics.median(verify_only)
    ratio = full_median / verify_median
    print(f"argon2id parameters        m={p.memory_kib} KiB t={p.time_cost} p={p.parallelism}")
    print(f"rounds                     {rounds}")
    print(f"full sign-in (median)      {full_median * 1000:8.1f} ms")
    print(f"bare argon2 verify (median){verify_median * 1000:8.1f} ms")
    print(f"overhead                   {(full_median - verify_median) * 1000:8.1f} ms")
    print(f"ratio                      {ratio:8.3f}  (target <= {TARGET_RATIO})")


if __name__ == "__main__":
    main()
