"""Racing workstations on one store, SQLite file or PostgreSQL (SECURITY.md T4, L2).

On PostgreSQL (READ COMMITTED) the counter is exact because it changes in one
UPDATE … RETURNING, and the chain stays one because appending locks its head row.
"""

from __future__ import annotations

import multiprocessing

import pytest

from desktop_auth.core.data_key import current_key
from desktop_auth.core.service import Actor, AuthService
from tests.conftest import ENGINES
from tests.integration.workers import fail_and_audit

pytestmark = pytest.mark.parametrize("engine", ENGINES, indirect=True)

PROCESSES = 8
ROUNDS = 25


def test_t4_failure_counter_is_exact_across_eight_processes(
    service: AuthService, admin: Actor, database_url: str
) -> None:
    """T4: 8 processes × N failures → counter exactly 8N; the audit chain stays one chain."""
    user = service.accounts.create(actor=admin, email="race@example.nl", display_name="Race").user
    events_before = service.audit.verify().events_checked
    with service._context.store.transaction() as db:
        data_key = current_key(db, service._data_keys)
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=fail_and_audit, args=(database_url, data_key, user.id, ROUNDS, n))
        for n in range(PROCESSES)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=240)
    assert [w.exitcode for w in workers] == [0] * PROCESSES
    assert service.accounts.get("race@example.nl").failed_attempts == PROCESSES * ROUNDS
    verification = service.audit.verify()
    assert verification.ok
    assert verification.events_checked == events_before + PROCESSES * ROUNDS
