"""The audit log (SECURITY.md L1, L2)."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.exc import DatabaseError

from desktop_auth.core.audit import record_event
from desktop_auth.core.audit_seal import AuditSeal
from desktop_auth.core.service import Actor, AuthService
from desktop_auth.errors import InvalidCredentialsError
from desktop_auth.store.db import Store
from desktop_auth.store.secretbox import SecretBox
from desktop_auth.vocabulary import AuditEventType
from tests.conftest import ENGINES
from tests.helpers import PinnedClock, make_user

pytestmark = pytest.mark.parametrize("engine", ENGINES, indirect=True)


def allow_tampering(conn: Connection, verb: str) -> None:
    """What someone with the database owner's rights could do: switch the guard off."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only")
    else:
        conn.exec_driver_sql(f"DROP TRIGGER audit_events_no_{verb}")


def test_l1_every_authentication_event_is_audited_with_who_what_where_when(
    service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    email = make_user(service, admin)
    with pytest.raises(InvalidCredentialsError):
        service.sign_in.with_password(email, "niet het goede wachtwoord")
    service.accounts.set_disabled(actor=admin, email=email, disabled=True)
    events = service.audit.events(subject=email, limit=None)
    types = [e.event_type for e in reversed(events)]
    assert types == [
        "user.created",
        "sign_in.password_accepted",
        "password.changed",
        "sign_in.password_accepted",
        "sign_in.failed",
        "user.disabled",
    ]
    for event in events:
        assert event.workstation == "WS-042"
        assert event.occurred_at == clock.now()
        assert event.actor
    assert events[0].actor == admin.label and admin.label.startswith("cli:")
    assert dict(events[1].details) == {"reason": "wrong_password", "failures": 1}


def test_l2_chain_verifies_and_names_the_first_altered_event(
    service: AuthService, admin: Actor, store: Store
) -> None:
    make_user(service, admin)
    assert service.audit.verify().ok
    count = service.audit.verify().events_checked
    assert count >= 4
    # Someone with raw access to the file edits event 3 (past the append-only triggers).
    with store.engine.begin() as conn:
        allow_tampering(conn, "UPDATE")
        conn.execute(text("UPDATE audit_events SET subject = 'iemand@anders.nl' WHERE id = 3"))
    result = service.audit.verify()
    assert not result.ok
    assert result.first_broken_id == 3
    assert result.problem == "audit.problem.altered_event"


def test_l2_removed_events_are_found(service: AuthService, admin: Actor, store: Store) -> None:
    make_user(service, admin)
    total = service.audit.verify().events_checked
    with store.engine.begin() as conn:
        allow_tampering(conn, "DELETE")
        conn.execute(text("DELETE FROM audit_events WHERE id = 2"))
    result = service.audit.verify()
    assert (result.ok, result.first_broken_id, result.problem) == (
        False,
        2,
        "audit.problem.missing_event",
    )
    with store.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_events WHERE id >= 2"))
    result = service.audit.verify()
    assert (result.ok, result.first_broken_id, result.problem) == (
        False,
        2,
        "audit.problem.truncated",
    )
    assert total > 2


def test_l2_the_database_itself_refuses_changes_to_the_log(
    service: AuthService, admin: Actor, store: Store
) -> None:
    statements = ["UPDATE audit_events SET actor = 'x'", "DELETE FROM audit_events"]
    if store.engine.dialect.name == "postgresql":
        statements.append("TRUNCATE audit_events")
    for statement in statements:
        with pytest.raises(DatabaseError, match="append-only"), store.engine.begin() as conn:
            conn.execute(text(statement))
    assert service.audit.verify().ok


def test_audit_details_refuse_names_that_suggest_a_secret(store: Store, clock: PinnedClock) -> None:
    """C2: the audit API will not take a detail called password, code, secret, …"""
    with pytest.raises(ValueError, match="secret"), store.transaction() as db:
        record_event(
            db,
            AuditSeal(SecretBox(bytes(32))),
            event_type=AuditEventType.SIGN_IN_FAILED,
            actor="a",
            subject=None,
            workstation="w",
            occurred_at=clock.now(),
            details={"password": "x"},
        )


def test_export_csv_has_every_event_and_is_itself_audited(
    service: AuthService, admin: Actor
) -> None:
    make_user(service, admin, email="=cmd@example.nl")
    before = service.audit.verify().events_checked
    stream = io.StringIO()
    assert service.audit.export_csv(stream, actor=admin) == before
    rows = list(csv.reader(io.StringIO(stream.getvalue())))
    assert rows[0][:3] == ["id", "occurred_at", "event_type"]
    assert [int(r[0]) for r in rows[1:]] == list(range(1, before + 1))
    # A subject that a spreadsheet would run as a formula is defused.
    assert any(r[4] == "'=cmd@example.nl" for r in rows[1:])
    assert service.audit.events(limit=1)[0].event_type == "audit.exported"
    assert service.audit.verify().ok
