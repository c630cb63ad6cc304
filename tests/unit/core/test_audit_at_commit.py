"""Audit events are chained in as their transaction commits (issue 15): the action and its
record still commit together, or neither; the chain's head is locked only for that last
moment, so one long audited transaction holds up no other server's."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session as DbSession

from desktop_auth.core.audit import lock_audit_head, record_event
from desktop_auth.core.audit_seal import AuditSeal
from desktop_auth.core.service import Actor, AuthService
from desktop_auth.store.db import Store
from desktop_auth.store.models import AuditEvent, AuditHead
from desktop_auth.store.settings import insert_setting
from desktop_auth.vocabulary import AuditEventType
from tests.conftest import ENGINES
from tests.helpers import PinnedClock, secret_box_of

both_engines = pytest.mark.parametrize("engine", ENGINES, indirect=True)


@pytest.fixture
def seal(service: AuthService, admin: Actor) -> AuditSeal:
    return AuditSeal(secret_box_of(service))


def record(db: DbSession, seal: AuditSeal, clock: PinnedClock, subject: str) -> None:
    record_event(
        db,
        seal,
        event_type=AuditEventType.USER_ROLE_CHANGED,
        actor="test",
        subject=subject,
        workstation="WS-042",
        occurred_at=clock.now(),
        details={"role": "user"},
    )


def counted(store: Store) -> int:
    with store.transaction() as db:
        return int(db.execute(select(func.count()).select_from(AuditEvent)).scalar_one())


@both_engines
def test_recorded_events_are_chained_in_at_the_commit_in_their_order(
    service: AuthService, store: Store, seal: AuditSeal, clock: PinnedClock
) -> None:
    before = counted(store)
    with store.transaction() as db:
        head_before = db.get_one(AuditHead, 1).last_event_id
        record(db, seal, clock, "first@example.nl")
        record(db, seal, clock, "second@example.nl")
        # Not written yet, not even to this transaction: the head is untouched.
        assert db.execute(select(func.count()).select_from(AuditEvent)).scalar_one() == before
        assert db.get_one(AuditHead, 1).last_event_id == head_before
    assert counted(store) == before + 2
    newest = service.audit.events(limit=2)
    assert [event.subject for event in newest] == ["second@example.nl", "first@example.nl"]
    assert service.audit.verify().ok


@both_engines
def test_a_transaction_rolled_back_writes_none_of_its_events(
    service: AuthService, store: Store, seal: AuditSeal, clock: PinnedClock
) -> None:
    before = counted(store)

    def failing_action() -> None:
        with store.transaction() as db:
            record(db, seal, clock, "gone@example.nl")
            raise RuntimeError("the action failed")

    with pytest.raises(RuntimeError):
        failing_action()
    with store.transaction():
        pass  # the next transaction of the same store does not write them either
    assert counted(store) == before
    assert service.audit.verify().ok


@both_engines
def test_a_detail_that_names_a_secret_is_refused_where_it_is_recorded(
    store: Store, seal: AuditSeal, clock: PinnedClock
) -> None:
    with store.transaction() as db, pytest.raises(ValueError, match="secret"):
        record_event(
            db,
            seal,
            event_type=AuditEventType.SIGN_IN_FAILED,
            actor="a",
            subject=None,
            workstation="w",
            occurred_at=clock.now(),
            details={"code": "123456"},
        )


@both_engines
def test_an_event_is_not_recorded_inside_a_savepoint(
    store: Store, seal: AuditSeal, clock: PinnedClock
) -> None:
    """A savepoint rolled back would not take a recorded event with it."""
    with (
        store.transaction() as db,
        db.begin_nested(),
        pytest.raises(RuntimeError, match="savepoint"),
    ):
        record(db, seal, clock, "inside@example.nl")


@both_engines
def test_an_event_recorded_before_a_failed_savepoint_is_still_written(
    service: AuthService, store: Store, seal: AuditSeal, clock: PinnedClock
) -> None:
    """SQLAlchemy calls ``before_commit`` as a savepoint is released too: the events must
    wait for the real commit, not go into a savepoint whose flush then fails."""
    before = counted(store)
    with store.transaction() as db:
        record(db, seal, clock, "kept@example.nl")
        assert insert_setting(db, "test.once", 1)
        assert not insert_setting(db, "test.once", 2)  # its savepoint failed, rolled back
        assert db.execute(select(func.count()).select_from(AuditEvent)).scalar_one() == before
    assert counted(store) == before + 1
    assert service.audit.events(limit=1)[0].subject == "kept@example.nl"
    assert service.audit.verify().ok


@pytest.fixture
def open_transaction(store: Store) -> Iterator[tuple[threading.Event, threading.Event]]:
    """A transaction in another thread that records an event (and, to contrast, may lock
    the head at once), then stays open until told to end: ``(started, finish)``."""
    started, finish = threading.Event(), threading.Event()
    yield started, finish
    finish.set()


def _held_open(
    store: Store, seal: AuditSeal, clock: PinnedClock, *, at_once: bool, started: threading.Event,
    finish: threading.Event,
) -> None:  # fmt: skip
    with store.transaction() as db:
        if at_once:  # as events were written before: the head locked at the first
            lock_audit_head(db)
        record(db, seal, clock, "long@example.nl")
        started.set()
        assert finish.wait(30)


# PostgreSQL only: there writers run side by side; SQLite lets one write at a time anyway.
@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)
@pytest.mark.parametrize("at_once", [False, True], ids=["recorded", "appended at once"])
def test_a_long_audited_transaction_holds_up_no_other_audited_one(
    store: Store,
    seal: AuditSeal,
    clock: PinnedClock,
    open_transaction: tuple[threading.Event, threading.Event],
    at_once: bool,
) -> None:
    """The head locked at the first event, as before, is the contrast: it does hold up."""
    started, finish = open_transaction
    long = threading.Thread(
        target=_held_open,
        args=(store, seal, clock),
        kwargs={"at_once": at_once, "started": started, "finish": finish},
    )
    long.start()
    assert started.wait(30)
    other = threading.Thread(
        target=lambda: _commit_one(store, seal, clock), name="another server's step"
    )
    other.start()
    other.join(timeout=0.5 if at_once else 30)
    assert other.is_alive() is at_once  # waits for the head only behind an appended event
    finish.set()
    long.join(30)
    other.join(30)
    assert not other.is_alive() and not long.is_alive()


def _commit_one(store: Store, seal: AuditSeal, clock: PinnedClock) -> None:
    with store.transaction() as db:
        record(db, seal, clock, "quick@example.nl")
