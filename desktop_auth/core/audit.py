"""The audit log: append-only, each event chained to the one before by SHA-256.

An event's ``hash`` covers its own fields and ``prev_hash``; ``verify`` walks
the chain from the first event and names the first link that does not hold,
and compares the end with the chain head so events cut off the end show too.
Details are non-secret by construction: ``append`` refuses keys that name a
secret, and callers pass identifiers, counts and codes only.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_auth.core.csv_export import write_rows
from desktop_auth.store.models import AuditEvent, AuditHead
from desktop_auth.vocabulary import AuditEventType

GENESIS_HASH = "0" * 64
HEAD_ID = 1
# Names that must never be audit details, whatever a future caller passes.
FORBIDDEN_DETAIL_WORDS = ("password", "secret", "seed", "code", "token", "key")

JSONScalar = str | int | float | bool | None


@dataclass(frozen=True, kw_only=True)
class AuditEntry:
    id: int
    occurred_at: datetime
    event_type: str
    actor: str
    subject: str | None
    workstation: str
    details: Mapping[str, JSONScalar]


@dataclass(frozen=True, kw_only=True)
class AuditVerification:
    ok: bool
    events_checked: int
    #: The first event whose link is broken (or the last good id + 1 for a cut end).
    first_broken_id: int | None = None
    #: A message key saying what was wrong.
    problem: str | None = None


def _event_hash(
    *,
    event_id: int,
    occurred_at: datetime,
    event_type: str,
    actor: str,
    subject: str | None,
    workstation: str,
    details: str,
    prev_hash: str,
) -> str:
    canonical = json.dumps(
        {
            "id": event_id,
            "occurred_at": occurred_at.isoformat(),
            "event_type": event_type,
            "actor": actor,
            "subject": subject,
            "workstation": workstation,
            "details": details,
            "prev_hash": prev_hash,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _check_details(details: Mapping[str, JSONScalar]) -> str:
    for name in details:
        lowered = name.lower()
        if any(word in lowered for word in FORBIDDEN_DETAIL_WORDS):
            raise ValueError(f"audit detail name {name!r} suggests a secret")
    return json.dumps(dict(details), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def lock_audit_head(session: Session) -> AuditHead:
    """Lock the chain's head row until the transaction ends, and read it fresh.

    The lock queues concurrent writers: SELECT … FOR UPDATE on PostgreSQL (under
    READ COMMITTED the waiter then reads the winner's committed head), the
    IMMEDIATE transaction on SQLite.  populate_existing: a head this session
    loaded earlier without the lock must not shadow the row just locked.
    """
    return session.execute(
        select(AuditHead)
        .where(AuditHead.id == HEAD_ID)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()


def append_event(
    session: Session,
    *,
    event_type: AuditEventType,
    actor: str,
    subject: str | None,
    workstation: str,
    occurred_at: datetime,
    details: Mapping[str, JSONScalar] | None = None,
) -> int:
    """Add one event inside the caller's transaction, so action and record commit together."""
    details_text = _check_details(details or {})
    head = lock_audit_head(session)
    event_id = head.last_event_id + 1
    # Hash the UTC form: that is what the column gives back to ``verify``.
    occurred_at = occurred_at.astimezone(UTC)
    digest = _event_hash(
        event_id=event_id,
        occurred_at=occurred_at,
        event_type=event_type.value,
        actor=actor,
        subject=subject,
        workstation=workstation,
        details=details_text,
        prev_hash=head.last_hash,
    )
    session.add(
        AuditEvent(
            id=event_id,
            occurred_at=occurred_at,
            event_type=event_type.value,
            actor=actor,
            subject=subject,
            workstation=workstation,
            details=details_text,
            prev_hash=head.last_hash,
            hash=digest,
        )
    )
    head.last_event_id = event_id
    head.last_hash = digest
    session.flush()
    return event_id


def verify_chain(session: Session, batch_size: int = 2000) -> AuditVerification:
    """Walk the whole chain; stop at the first link that does not hold."""
    expected_prev = GENESIS_HASH
    expected_id = 1
    checked = 0
    result = session.execute(
        select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=batch_size)
    )
    # yield_per reads through a server-side cursor on PostgreSQL: ``with`` closes it
    # on every way out, the early returns at a broken link included.
    with result:
        for event in result.scalars():
            if event.id != expected_id:
                return AuditVerification(
                    ok=False,
                    events_checked=checked,
                    first_broken_id=expected_id,
                    problem="audit.problem.missing_event",
                )
            if event.prev_hash != expected_prev:
                return AuditVerification(
                    ok=False,
                    events_checked=checked,
                    first_broken_id=event.id,
                    problem="audit.problem.broken_link",
                )
            recomputed = _event_hash(
                event_id=event.id,
                occurred_at=event.occurred_at,
                event_type=event.event_type,
                actor=event.actor,
                subject=event.subject,
                workstation=event.workstation,
                details=event.details,
                prev_hash=event.prev_hash,
            )
            if recomputed != event.hash:
                return AuditVerification(
                    ok=False,
                    events_checked=checked,
                    first_broken_id=event.id,
                    problem="audit.problem.altered_event",
                )
            expected_prev = event.hash
            expected_id += 1
            checked += 1
    head = session.get(AuditHead, HEAD_ID)
    if head is None or head.last_event_id != checked or head.last_hash != expected_prev:
        return AuditVerification(
            ok=False,
            events_checked=checked,
            first_broken_id=checked + 1,
            problem="audit.problem.truncated",
        )
    return AuditVerification(ok=True, events_checked=checked)


def _to_entry(event: AuditEvent) -> AuditEntry:
    return AuditEntry(
        id=event.id,
        occurred_at=event.occurred_at,
        event_type=event.event_type,
        actor=event.actor,
        subject=event.subject,
        workstation=event.workstation,
        details=json.loads(event.details),
    )


def list_events(
    session: Session,
    *,
    subject: str | None = None,
    event_type: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int | None = 100,
    newest_first: bool = True,
) -> Iterator[AuditEntry]:
    query = select(AuditEvent)
    if subject is not None:
        query = query.where(AuditEvent.subject == subject)
    if event_type is not None:
        query = query.where(AuditEvent.event_type == event_type)
    if since is not None:
        query = query.where(AuditEvent.occurred_at >= since)
    if until is not None:
        query = query.where(AuditEvent.occurred_at < until)
    query = query.order_by(AuditEvent.id.desc() if newest_first else AuditEvent.id)
    if limit is not None:
        query = query.limit(limit)
    # Closed even when the caller stops early (a server-side cursor on PostgreSQL).
    with session.execute(query.execution_options(yield_per=1000)) as result:
        for event in result.scalars():
            yield _to_entry(event)


CSV_COLUMNS = ("id", "occurred_at", "event_type", "actor", "subject", "workstation", "details")


def write_csv(entries: Iterator[AuditEntry], stream: IO[str]) -> int:
    return write_rows(
        stream,
        CSV_COLUMNS,
        (
            (
                entry.id,
                entry.occurred_at.isoformat(),
                entry.event_type,
                entry.actor,
                entry.subject or "",
                entry.workstation,
                json.dumps(dict(entry.details), sort_keys=True, ensure_ascii=False),
            )
            for entry in entries
        ),
    )
