"""Eight workstations race with one code on one store (SECURITY.md M1).

The last accepted time step, and a recovery code's use, are compared-and-set in
one statement, so of the workstations answering with the same code at the same
moment exactly one signs in — on one SQLite file and on PostgreSQL alike.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
from collections import Counter
from pathlib import Path

import pytest

from desktop_auth.core.passwords import PasswordHasher
from desktop_auth.core.service import AuthService
from desktop_auth.core.throttle import ThrottlePolicy
from desktop_auth.store.db import Store
from desktop_auth.store.keys import KeyFileDataKeyStore
from tests.conftest import ENGINES
from tests.helpers import FAST_ARGON2, USER_PASSWORD, PinnedClock, initialize_organisation
from tests.integration.workers import guess_codes, race_one_code, replace_codes_at_once
from tests.totp_helpers import make_user_with_app, phone_code

pytestmark = pytest.mark.parametrize("engine", ENGINES, indirect=True)

PROCESSES = 8
ROUNDS = 6


def shared_service(store: Store, key_file: Path, clock: PinnedClock) -> AuthService:
    service = AuthService(
        store,
        data_keys=KeyFileDataKeyStore(key_file),
        clock=clock,
        hasher=PasswordHasher(FAST_ARGON2),
        workstation="WS-001",
    )
    admin = initialize_organisation(service)
    # Losing a race counts as a wrong answer; keep the lock out of this test's way.  And
    # eight workstations give one employee's password at the same instant: each attempt is
    # counted before it is checked (T4), so the password delay would stop the sixth.
    policy = dataclasses.replace(
        service.policy.current(),
        second_factor_lock_after=100,
        throttle=ThrottlePolicy(delay_after=100, lock_after=100),
    )
    service.policy.replace(actor=admin, policy=policy)
    return service


def race(
    database_url: str, key_file: Path, email: str, kind: str, rounds: list[tuple[float, str]]
) -> list[tuple[int, str]]:
    """Run PROCESSES workstations over ``rounds``; return (round, outcome) of every answer."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(PROCESSES)
    results = context.Queue()
    workers = [
        context.Process(
            target=race_one_code,
            args=(
                database_url,
                str(key_file),
                email,
                USER_PASSWORD,
                kind,
                rounds,
                barrier,
                results,
            ),
        )
        for _ in range(PROCESSES)
    ]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=240) for _ in range(PROCESSES * len(rounds))]
    for worker in workers:
        worker.join(timeout=60)
    assert [w.exitcode for w in workers] == [0] * PROCESSES
    return outcomes


def assert_one_winner_per_round(
    outcomes: list[tuple[int, str]],
    rounds: int,
    winner: str = "done",
    loser: str = "code_already_used",
) -> None:
    for round_number in range(rounds):
        tally = Counter(outcome for r, outcome in outcomes if r == round_number)
        assert tally == {winner: 1, loser: PROCESSES - 1}, (round_number, tally)


def test_m1_one_code_signs_in_exactly_one_of_eight_racing_workstations(
    store: Store, database_url: str, tmp_path: Path
) -> None:
    clock = PinnedClock()
    service = shared_service(store, tmp_path / "data.key", clock)
    user = make_user_with_app(service, service.accounts.local_administrator(), clock)
    rounds = []
    for _ in range(ROUNDS):
        clock.advance(seconds=90)
        rounds.append((clock.now().timestamp(), phone_code(user.secret, clock)))

    outcomes = race(database_url, tmp_path / "data.key", user.email, "totp", rounds)

    assert_one_winner_per_round(outcomes, ROUNDS)
    successes = [
        e for e in service.audit.events(limit=None) if e.event_type == "second_factor.succeeded"
    ]
    assert len(successes) == ROUNDS
    assert service.audit.verify().ok
    service.close()


def test_m1_a_recovery_code_is_spent_by_exactly_one_of_eight_workstations(
    store: Store, database_url: str, tmp_path: Path
) -> None:
    clock = PinnedClock()
    service = shared_service(store, tmp_path / "data.key", clock)
    user = make_user_with_app(service, service.accounts.local_administrator(), clock)
    codes = service.recovery_codes.generate(user.session).codes
    rounds = [(clock.now().timestamp(), code) for code in codes[:ROUNDS]]

    outcomes = race(database_url, tmp_path / "data.key", user.email, "recovery", rounds)

    assert_one_winner_per_round(outcomes, ROUNDS, winner="setup_required", loser="lookup_code_used")
    assert service.recovery_codes.status(user.session).left == len(codes) - ROUNDS
    assert service.audit.verify().ok
    service.close()


def test_m1_racing_replacements_leave_one_batch_and_one_live_backup_code(
    store: Store, database_url: str, tmp_path: Path
) -> None:
    """Eight workstations replace one user's recovery codes, and issue a backup code, at
    the same moment: afterwards exactly one batch is valid (never two, never none) and
    one backup code is live.  On PostgreSQL this needs the user's row lock."""
    clock = PinnedClock()
    service = shared_service(store, tmp_path / "data.key", clock)
    user = make_user_with_app(service, service.accounts.local_administrator(), clock)
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(PROCESSES), context.Queue()
    workers = [
        context.Process(
            target=replace_codes_at_once,
            args=(
                database_url,
                str(tmp_path / "data.key"),
                user.session,
                clock.now().timestamp(),
                ROUNDS,
                barrier,
                results,
            ),
        )
        for _ in range(PROCESSES)
    ]
    for worker in workers:
        worker.start()
    shown = {results.get(timeout=240) for _ in range(PROCESSES * ROUNDS)}
    for worker in workers:
        worker.join(timeout=60)
    assert [w.exitcode for w in workers] == [0] * PROCESSES

    status = service.recovery_codes.status(user.session)
    assert status.batch_id in shown
    assert (status.total, status.left) == (10, 10)
    live = [m for m in service.accounts.methods(user.email) if m.kind == "backup"]
    assert len(live) == 1
    assert service.audit.verify().ok
    service.close()


def test_m1_a_backup_code_is_spent_by_exactly_one_of_eight_workstations(
    store: Store, database_url: str, tmp_path: Path
) -> None:
    clock = PinnedClock()
    service = shared_service(store, tmp_path / "data.key", clock)
    admin = service.accounts.local_administrator()
    user = make_user_with_app(service, admin, clock)
    issued = service.recovery_codes.issue_backup_code(actor=admin, email=user.email)
    rounds = [(clock.now().timestamp(), issued.code)]

    outcomes = race(database_url, tmp_path / "data.key", user.email, "backup", rounds)

    assert_one_winner_per_round(outcomes, 1, winner="setup_required", loser="lookup_code_used")
    assert service.audit.verify().ok
    service.close()


def test_t3_t4_parallel_guesses_get_exactly_the_locks_number_of_tries(
    store: Store, database_url: str, tmp_path: Path
) -> None:
    """Eight workstations guessing at once: exactly 10 guesses are checked, then all are
    locked out; the counter is exact (no lost update) and the audit chain one chain."""
    clock = PinnedClock()
    service = shared_service(store, tmp_path / "data.key", clock)
    admin = service.accounts.local_administrator()
    service.policy.replace(
        actor=admin,
        policy=dataclasses.replace(service.policy.current(), second_factor_lock_after=10),
    )
    user = make_user_with_app(service, admin, clock)
    right = {phone_code(user.secret, clock, step) for step in range(-40, 40)}
    wrong = [f"{n:06d}" for n in range(1000) if f"{n:06d}" not in right][:5]
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(PROCESSES)
    results = context.Queue()
    workers = [
        context.Process(
            target=guess_codes,
            args=(
                database_url,
                str(tmp_path / "data.key"),
                user.email,
                USER_PASSWORD,
                wrong,
                barrier,
                results,
            ),
        )
        for _ in range(PROCESSES)
    ]
    for worker in workers:
        worker.start()
    outcomes = Counter(results.get(timeout=240) for _ in range(PROCESSES * len(wrong)))
    for worker in workers:
        worker.join(timeout=60)
    assert [w.exitcode for w in workers] == [0] * PROCESSES

    assert outcomes["accepted"] == 0
    checked = outcomes["invalid_code"] + outcomes["code_already_used"]
    assert checked == 9  # the tenth wrong guess is answered "locked"
    assert outcomes["second_factor_locked"] == PROCESSES * len(wrong) - 9
    assert service.accounts.get(user.email).second_factor_failures == 10
    failed = [e for e in service.audit.events(limit=None) if e.event_type == "second_factor.failed"]
    assert len(failed) == 10
    assert service.audit.verify().ok
    service.close()
