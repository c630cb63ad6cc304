"""The audit log against the database's owner (SECURITY.md L3).

Each test tampers as the owner could: with the append-only triggers switched off,
directly in SQL, recomputing every plain hash an attacker can compute.  The
chain values are HMACs and the head and checkpoints are signed under keys
derived from the data key, which the database never holds.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, select, text
from sqlalchemy.exc import DatabaseError

from desktop_auth.core import audit
from desktop_auth.core.audit_seal import CHAIN_KEY_PURPOSE, SIGNING_KEY_PURPOSE
from desktop_auth.core.service import Actor, AuthService
from desktop_auth.errors import InvalidCredentialsError
from desktop_auth.store.db import Store
from desktop_auth.store.models import AuditEvent
from tests.conftest import ENGINES
from tests.helpers import MemoryKeyring, PinnedClock, make_service, make_user, secret_box_of

pytestmark = pytest.mark.parametrize("engine", ENGINES, indirect=True)


def switch_off_guards(conn: Connection) -> None:
    """What the database's owner can always do."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("ALTER TABLE audit_events DISABLE TRIGGER USER")
        conn.exec_driver_sql("ALTER TABLE audit_checkpoints DISABLE TRIGGER USER")
    else:
        for name in ("no_UPDATE", "no_DELETE", "no_replace"):
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS audit_events_{name}")
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS audit_checkpoints_{name}")


def read_events(conn: Connection) -> list[dict[str, Any]]:
    table = AuditEvent.__table__
    rows = conn.execute(select(table).order_by(table.c.id)).mappings()
    return [dict(row) for row in rows]


def plain_hash(row: dict[str, Any], conn: Connection) -> str:
    """The chain value as the attacker can compute it: SHA-256, no key."""
    canonical = audit._canonical(
        event_id=int(row["id"]),
        occurred_at=row["occurred_at"],
        event_type=str(row["event_type"]),
        actor=str(row["actor"]),
        subject=row["subject"],
        workstation=str(row["workstation"]),
        details=str(row["details"]),
        prev_hash=str(row["prev_hash"]),
    )
    return hashlib.sha256(canonical).hexdigest()


def rechain_from(conn: Connection, first_id: int) -> None:
    """Recompute every link from ``first_id`` on, and the head, the way the old log allowed."""
    rows = read_events(conn)
    prev = audit.GENESIS_HASH if first_id == 1 else str(rows[first_id - 2]["hash"])
    for row in rows[first_id - 1 :]:
        row["prev_hash"] = prev
        row["hash"] = plain_hash(row, conn)
        conn.execute(
            text("UPDATE audit_events SET prev_hash = :p, hash = :h WHERE id = :i"),
            {"p": row["prev_hash"], "h": row["hash"], "i": row["id"]},
        )
        prev = str(row["hash"])
    conn.execute(
        text("UPDATE audit_head SET last_event_id = :n, last_hash = :h"),
        {"n": len(rows), "h": prev},
    )


def activity(service: AuthService, admin: Actor, users: int = 3) -> None:
    for n in range(users):
        email = make_user(service, admin, email=f"mw{n}@example.nl")
        with pytest.raises(InvalidCredentialsError):
            service.sign_in.with_password(email, "niet het goede wachtwoord")


def test_l3_a_rewritten_event_is_named_even_with_the_chain_recomputed(
    service: AuthService, admin: Actor, store: Store
) -> None:
    activity(service, admin)
    assert service.audit.verify().ok
    with store.engine.begin() as conn:
        switch_off_guards(conn)
        conn.execute(text("UPDATE audit_events SET subject = 'iemand@anders.nl' WHERE id = 5"))
        rechain_from(conn, 5)
    result = service.audit.verify()
    assert (result.ok, result.first_broken_id, result.problem) == (
        False,
        5,
        "audit.problem.altered_event",
    )


def test_l3_reordered_events_are_found(service: AuthService, admin: Actor, store: Store) -> None:
    activity(service, admin)
    with store.engine.begin() as conn:
        switch_off_guards(conn)
        rows = read_events(conn)
        four, six = rows[3], rows[5]
        # Swap the contents of events 4 and 6, keeping each row's id and links.
        for target, source in ((4, six), (6, four)):
            conn.execute(
                text(
                    "UPDATE audit_events SET event_type = :t, actor = :a, subject = :s,"
                    " details = :d WHERE id = :i"
                ),
                {
                    "t": source["event_type"],
                    "a": source["actor"],
                    "s": source["subject"],
                    "d": source["details"],
                    "i": target,
                },
            )
        rechain_from(conn, 4)
    result = service.audit.verify()
    assert (result.ok, result.first_broken_id, result.problem) == (
        False,
        4,
        "audit.problem.altered_event",
    )


def test_l3_a_deleted_event_is_named(service: AuthService, admin: Actor, store: Store) -> None:
    activity(service, admin)
    with store.engine.begin() as conn:
        switch_off_guards(conn)
        conn.execute(text("DELETE FROM audit_events WHERE id = 3"))
    result = service.audit.verify()
    assert (result.first_broken_id, result.problem) == (3, "audit.problem.missing_event")


def test_l3_a_cut_tail_with_the_head_set_back_is_found(
    service: AuthService, admin: Actor, store: Store
) -> None:
    activity(service, admin)
    total = service.audit.verify().events_checked
    with store.engine.begin() as conn:
        switch_off_guards(conn)
        kept = read_events(conn)[: total - 3]
        conn.execute(text("DELETE FROM audit_events WHERE id > :n"), {"n": len(kept)})
        conn.execute(
            text("UPDATE audit_head SET last_event_id = :n, last_hash = :h"),
            {"n": len(kept), "h": kept[-1]["hash"]},
        )
    result = service.audit.verify()
    assert (result.ok, result.first_broken_id, result.problem) == (
        False,
        total - 2,
        "audit.problem.truncated",
    )


def test_l3_a_tail_cut_back_to_an_old_signed_head_shows_against_the_checkpoint(
    service: AuthService, admin: Actor, store: Store, clock: PinnedClock
) -> None:
    """Even a head the owner saved earlier, signature and all, does not hide the cut."""
    email = make_user(service, admin)
    with store.engine.connect() as conn:
        saved_head = dict(conn.execute(text("SELECT * FROM audit_head")).mappings().one())
    while service.audit.verify().events_checked < audit.CHECKPOINT_EVERY + 5:
        with pytest.raises(InvalidCredentialsError):
            service.sign_in.with_password(email, "niet het goede wachtwoord")
        clock.advance(days=2)  # no lock: every failure is a fresh run
    assert service.audit.verify().checkpoints_checked == 1
    with store.engine.begin() as conn:
        switch_off_guards(conn)
        conn.execute(
            text("DELETE FROM audit_events WHERE id > :n"), {"n": saved_head["last_event_id"]}
        )
        conn.execute(
            text("UPDATE audit_head SET last_event_id = :n, last_hash = :h, signature = :s"),
            {
                "n": saved_head["last_event_id"],
                "h": saved_head["last_hash"],
                "s": saved_head["signature"],
            },
        )
    result = service.audit.verify()
    assert (result.ok, result.first_broken_id, result.problem) == (
        False,
        saved_head["last_event_id"] + 1,
        "audit.problem.truncated",
    )


def test_l3_a_forged_checkpoint_is_found(
    service: AuthService, admin: Actor, store: Store, clock: PinnedClock
) -> None:
    email = make_user(service, admin)
    while service.audit.verify().events_checked < audit.CHECKPOINT_EVERY:
        with pytest.raises(InvalidCredentialsError):
            service.sign_in.with_password(email, "niet het goede wachtwoord")
        clock.advance(days=2)  # every failure a fresh run
    forge = text("UPDATE audit_checkpoints SET event_count = event_count + 1")
    with pytest.raises(DatabaseError, match="append-only"), store.engine.begin() as conn:
        conn.execute(forge)
    with store.engine.begin() as conn:
        switch_off_guards(conn)
        conn.execute(forge)
    result = service.audit.verify()
    assert (result.ok, result.problem) == (False, "audit.problem.forged_checkpoint")


def test_l3_insert_or_replace_cannot_rewrite_an_event(
    service: AuthService, admin: Actor, store: Store
) -> None:
    """Tried: on SQLite INSERT OR REPLACE rewrote an event with both triggers in place."""
    activity(service, admin, users=1)
    if store.engine.dialect.name == "sqlite":
        statement = (
            "INSERT OR REPLACE INTO audit_events"
            " SELECT id, occurred_at, event_type, 'x', subject, workstation, details,"
            " prev_hash, hash FROM audit_events WHERE id = 2"
        )
    else:
        statement = (
            "INSERT INTO audit_events"
            " SELECT id, occurred_at, event_type, 'x', subject, workstation, details,"
            " prev_hash, hash FROM audit_events WHERE id = 2"
            " ON CONFLICT (id) DO UPDATE SET actor = EXCLUDED.actor"
        )
    with pytest.raises(DatabaseError, match="append-only"), store.engine.begin() as conn:
        conn.exec_driver_sql(statement)
    assert service.audit.verify().ok


def test_l3_the_whole_log_rewritten_without_the_key_is_not_vouched_for(
    service: AuthService, admin: Actor, store: Store
) -> None:
    """The old attack in full: every event and the head recomputed as plain SHA-256."""
    activity(service, admin, users=1)
    with store.engine.begin() as conn:
        switch_off_guards(conn)
        conn.execute(text("UPDATE audit_events SET event_type = 'user.created' WHERE id = 1"))
        rechain_from(conn, 1)
    result = service.audit.verify()
    assert not result.ok
    assert result.first_broken_id == 1


def test_l3_an_older_store_is_sealed_once_and_its_plain_links_stay_checked(
    engine: str, store: Store, admin: Actor, service: AuthService, memory_keyring: MemoryKeyring
) -> None:
    """A store from before the seal: plain SHA-256 links, no keyed event, an unsigned head."""
    activity(service, admin, users=1)
    with store.engine.begin() as conn:
        switch_off_guards(conn)
        conn.execute(text("DELETE FROM audit_checkpoints"))
        rechain_from(conn, 1)
        conn.execute(text("UPDATE audit_head SET keyed_from = 0, signature = NULL"))
        legacy = len(read_events(conn))
    reopened = make_service(store, keyring=memory_keyring)
    from desktop_auth.core.context import ServiceContext

    context: ServiceContext = reopened._context
    with store.transaction() as db:
        context.seal_older_audit_chain(db)
    result = reopened.audit.verify()
    assert result.ok, result
    assert result.events_checked == legacy + 1
    sealing = reopened.audit.events(limit=1)[0]
    assert (sealing.event_type, dict(sealing.details)) == (
        "audit.chain_keyed",
        {"earlier_events": legacy},
    )
    # Rewriting one of the older events, plain chain recomputed up to the seal, shows.
    with store.engine.begin() as conn:
        switch_off_guards(conn)
        conn.execute(text("UPDATE audit_events SET actor = 'x' WHERE id = 2"))
        rows = read_events(conn)
        prev = str(rows[0]["hash"])
        for row in rows[1:legacy]:
            row["prev_hash"] = prev
            row["hash"] = plain_hash(row, conn)
            conn.execute(
                text("UPDATE audit_events SET prev_hash = :p, hash = :h WHERE id = :i"),
                {"p": row["prev_hash"], "h": row["hash"], "i": row["id"]},
            )
            prev = str(row["hash"])
    result = reopened.audit.verify()
    assert (result.ok, result.first_broken_id) == (False, legacy + 1)


def test_l3_the_audit_keys_are_nowhere_in_the_store(
    engine: str, service: AuthService, admin: Actor, store: Store, tmp_path: Path
) -> None:
    activity(service, admin, users=1)
    box = secret_box_of(service)
    keys = [box.derived_key(CHAIN_KEY_PURPOSE), box.derived_key(SIGNING_KEY_PURPOSE)]
    if engine == "sqlite":
        database = Path(str(store.engine.url.database))
        content = b"".join(
            p.read_bytes() for p in database.parent.glob(database.name + "*") if p.is_file()
        )
    else:
        with store.engine.connect() as conn:
            content = "\n".join(
                str(row)
                for table in ("audit_events", "audit_head", "audit_checkpoints", "settings")
                for row in conn.execute(text(f"SELECT * FROM {table}"))  # noqa: S608 (ours)
            ).encode()
    assert content
    for key in keys:
        assert key not in content
        assert key.hex().encode() not in content
