"""The audit log: append-only, each event chained to the one before, tamper-evident.

An event's chain value (``hash``) is an HMAC under the audit seal's chain key
(``core/audit_seal.py``) over its own fields and ``prev_hash``; the head row is
signed on every append and a signed checkpoint is written every
``CHECKPOINT_EVERY`` events.  The keys derive from the data key, which the
database never holds, so not even its owner can rewrite, reorder, remove or cut
off events unseen: ``verify`` walks the chain from the first event, names the
first link that does not hold, and checks the end against the signed head and
checkpoints.

A store from before the seal keeps its first events' plain SHA-256 links; the
first keyed event (``audit.chain_keyed``) says how many there were and seals
their last link into its own.  From the first keyed event on, ``verify`` accepts
nothing but keyed values, and a log with none at all is not vouched for.

Details are non-secret by construction: ``append`` refuses keys that name a
secret, and callers pass identifiers, counts and codes only.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO

from sqlalchemy import select
from sqlalchemy.event import listens_for
from sqlalchemy.orm import Session

from desktop_auth.core.audit_seal import AuditSeal
from desktop_auth.core.csv_export import write_rows
from desktop_auth.store.models import AuditCheckpoint, AuditEvent, AuditHead
from desktop_auth.vocabulary import AuditEventType

GENESIS_HASH = "0" * 64
HEAD_ID = 1
CHECKPOINT_EVERY = 100
# Names that must never be audit details, whatever a future caller passes.
FORBIDDEN_DETAIL_WORDS = ("password", "secret", "seed", "code", "token", "key")

JSONScalar = str | int | float | bool | None

log = logging.getLogger("desktop_auth.audit")


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
    #: Signed checkpoints found and checked against the chain.
    checkpoints_checked: int = 0
    #: The fingerprint of the key that signs head and checkpoints (for the record).
    signing_key: str = ""


def _canonical(
    *,
    event_id: int,
    occurred_at: datetime,
    event_type: str,
    actor: str,
    subject: str | None,
    workstation: str,
    details: str,
    prev_hash: str,
) -> bytes:
    return json.dumps(
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
    ).encode("utf-8")


def _event_canonical(event: AuditEvent) -> bytes:
    return _canonical(
        event_id=event.id,
        occurred_at=event.occurred_at,
        event_type=event.event_type,
        actor=event.actor,
        subject=event.subject,
        workstation=event.workstation,
        details=event.details,
        prev_hash=event.prev_hash,
    )


def _head_statement(count: int, head_hash: str, keyed_from: int) -> bytes:
    return f"desktop-auth audit head v1|{count}|{head_hash}|{keyed_from}".encode()


def _checkpoint_statement(checkpoint_id: int, count: int, head_hash: str, at: datetime) -> bytes:
    stamp = at.astimezone(UTC).isoformat()
    return f"desktop-auth audit checkpoint v1|{checkpoint_id}|{count}|{head_hash}|{stamp}".encode()


def _sign_head(head: AuditHead, seal: AuditSeal) -> None:
    head.signature = seal.sign(_head_statement(head.last_event_id, head.last_hash, head.keyed_from))


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


@dataclass(frozen=True, kw_only=True)
class _Event:
    """One event as its transaction recorded it, to be chained in."""

    seal: AuditSeal
    event_type: AuditEventType
    actor: str
    subject: str | None
    workstation: str
    occurred_at: datetime
    details_text: str


#: Where a transaction keeps the events it recorded until it commits (``Session.info``).
RECORDED = "desktop_auth.audit.recorded"


def record_event(
    session: Session,
    seal: AuditSeal,
    *,
    event_type: AuditEventType,
    actor: str,
    subject: str | None,
    workstation: str,
    occurred_at: datetime,
    details: Mapping[str, JSONScalar] | None = None,
) -> None:
    """Record one event of the caller's transaction; ``write_recorded`` chains it in as
    the transaction commits, so action and record still commit together (or neither).

    The chain's head is locked only then, for the last moment of the transaction: taken
    at the first event, it was held through the rest of the work, and every audited
    transaction of every server waited behind it (issue 15: 19 ms of a code step).  A
    detail that names a secret is refused here, at its caller, not at the commit."""
    if session.in_nested_transaction():
        # A savepoint rolled back would not take a recorded event with it: record the
        # event outside it, once its outcome is known.
        raise RuntimeError("audit events are recorded outside savepoints")
    session.info.setdefault(RECORDED, []).append(
        _Event(
            seal=seal,
            event_type=event_type,
            actor=actor,
            subject=subject,
            workstation=workstation,
            occurred_at=occurred_at,
            details_text=_check_details(details or {}),
        )
    )


@listens_for(Session, "before_commit")
def write_recorded(session: Session) -> None:
    """The events this transaction recorded, chained in, just before it commits (a
    transaction rolled back takes its recorded events with it).  For every session,
    whoever opened the store; not as a savepoint is released (SQLAlchemy calls this
    then too): the head's lock would be taken early, and a savepoint rolled back after
    a failed flush would take the events with it."""
    if session.in_nested_transaction():
        return
    recorded: list[_Event] = session.info.pop(RECORDED, [])
    if recorded:
        _write(session, recorded)


def _write(session: Session, events: list[_Event]) -> int:
    """Chain ``events`` in, in order, under the head's lock; the last one's id."""
    head = lock_audit_head(session)
    event_id = head.last_event_id
    for event in events:
        # Hash the UTC form: that is what the column gives back to ``verify``.
        occurred_at = event.occurred_at.astimezone(UTC)
        _key_chain(
            session,
            event.seal,
            head,
            actor=event.actor,
            workstation=event.workstation,
            occurred_at=occurred_at,
        )
        event_id = _append(
            session,
            event.seal,
            head,
            event_type=event.event_type,
            actor=event.actor,
            subject=event.subject,
            workstation=event.workstation,
            occurred_at=occurred_at,
            details_text=event.details_text,
        )
    _sign_head(head, events[-1].seal)
    session.flush()
    return event_id


def older_chain_unsealed(session: Session) -> bool:
    """Events written before the seal, and no keyed event after them yet."""
    head = session.get(AuditHead, HEAD_ID)
    return head is not None and head.keyed_from == 0 and head.last_event_id > 0


def seal_older_chain(
    session: Session, seal: AuditSeal, *, actor: str, workstation: str, occurred_at: datetime
) -> None:
    """Key a store's chain from before the seal now, not at its next event, so that
    ``verify`` can vouch for it at once (``AuthService.open``, with the data key)."""
    head = lock_audit_head(session)
    if head.keyed_from == 0 and head.last_event_id > 0:
        _key_chain(
            session, seal, head, actor=actor, workstation=workstation, occurred_at=occurred_at
        )
        _sign_head(head, seal)
        session.flush()


def _key_chain(
    session: Session,
    seal: AuditSeal,
    head: AuditHead,
    *,
    actor: str,
    workstation: str,
    occurred_at: datetime,
) -> None:
    if head.keyed_from != 0:
        return
    unkeyed = head.last_event_id
    if unkeyed == 0:
        head.keyed_from = 1  # a new log: keyed from its first event
        return
    # The first event under the seal: it records how many came before it, and its
    # keyed value covers the last of their plain links.
    _append(
        session,
        seal,
        head,
        event_type=AuditEventType.AUDIT_CHAIN_KEYED,
        actor=actor,
        subject=None,
        workstation=workstation,
        occurred_at=occurred_at.astimezone(UTC),
        details_text=_check_details({"earlier_events": unkeyed}),
    )
    head.keyed_from = unkeyed + 1


def _append(
    session: Session,
    seal: AuditSeal,
    head: AuditHead,
    *,
    event_type: AuditEventType,
    actor: str,
    subject: str | None,
    workstation: str,
    occurred_at: datetime,
    details_text: str,
) -> int:
    event_id = head.last_event_id + 1
    digest = seal.chain_value(
        _canonical(
            event_id=event_id,
            occurred_at=occurred_at,
            event_type=event_type.value,
            actor=actor,
            subject=subject,
            workstation=workstation,
            details=details_text,
            prev_hash=head.last_hash,
        )
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
    if event_id % CHECKPOINT_EVERY == 0:
        _write_checkpoint(session, seal, event_id, digest, occurred_at)
    return event_id


def _write_checkpoint(
    session: Session, seal: AuditSeal, count: int, head_hash: str, at: datetime
) -> None:
    checkpoint_id = count // CHECKPOINT_EVERY
    signature = seal.sign(_checkpoint_statement(checkpoint_id, count, head_hash, at))
    session.add(
        AuditCheckpoint(
            id=checkpoint_id,
            created_at=at,
            event_count=count,
            head_hash=head_hash,
            signature=signature,
        )
    )
    # Outside the database too (the server's journal): a witness the owner cannot edit.
    log.info(
        "audit checkpoint events=%d head=%s signature=%s key=%s",
        count,
        head_hash,
        signature,
        seal.fingerprint,
    )


def _broken(problem: str, event_id: int, checked: int, seal: AuditSeal) -> AuditVerification:
    return AuditVerification(
        ok=False,
        events_checked=checked,
        first_broken_id=event_id,
        problem=f"audit.problem.{problem}",
        signing_key=seal.fingerprint,
    )


def verify_chain(
    session: Session, seal: AuditSeal, *, initialized: bool = True, batch_size: int = 2000
) -> AuditVerification:
    """Walk the whole chain; stop at the first link that does not hold.

    ``initialized``: the store has been set up, so its log cannot be empty.
    """
    checkpoints: dict[int, AuditCheckpoint] = {}
    for checkpoint in session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.id)):
        statement = _checkpoint_statement(
            checkpoint.id, checkpoint.event_count, checkpoint.head_hash, checkpoint.created_at
        )
        if not seal.signed(statement, checkpoint.signature):
            return _broken("forged_checkpoint", checkpoint.event_count, 0, seal)
        checkpoints[checkpoint.event_count] = checkpoint
    expected_prev = GENESIS_HASH
    expected_id = 1
    keyed = False
    result = session.execute(
        select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=batch_size)
    )
    # yield_per reads through a server-side cursor on PostgreSQL: ``with`` closes it
    # on every way out, the early returns at a broken link included.
    with result:
        for event in result.scalars():
            checked = expected_id - 1
            if event.id != expected_id:
                return _broken("missing_event", expected_id, checked, seal)
            if event.prev_hash != expected_prev:
                return _broken("broken_link", event.id, checked, seal)
            canonical = _event_canonical(event)
            if hmac.compare_digest(seal.chain_value(canonical), event.hash):
                keyed = True  # from the first keyed event on, nothing else is valid
                intact = True
            else:
                # Plain SHA-256 only for an older store's events, before the seal.
                intact = not keyed and hashlib.sha256(canonical).hexdigest() == event.hash
            if not intact:
                return _broken("altered_event", event.id, checked, seal)
            signed_here = checkpoints.get(event.id)
            if signed_here is not None and signed_here.head_hash != event.hash:
                return _broken("altered_event", event.id, checked, seal)
            expected_prev = event.hash
            expected_id += 1
    checked = expected_id - 1
    if checked and not keyed:
        return _broken("not_sealed", 1, checked, seal)
    if checkpoints and max(checkpoints) > checked:
        return _broken("truncated", checked + 1, checked, seal)
    head = session.get(AuditHead, HEAD_ID)
    head_holds = head is not None and (
        (checked == 0 and not initialized and head.signature is None)
        or (
            head.last_event_id == checked
            and head.last_hash == expected_prev
            and seal.signed(
                _head_statement(head.last_event_id, head.last_hash, head.keyed_from),
                head.signature,
            )
        )
    )
    if not head_holds:
        return _broken("truncated", checked + 1, checked, seal)
    return AuditVerification(
        ok=True,
        events_checked=checked,
        checkpoints_checked=len(checkpoints),
        signing_key=seal.fingerprint,
    )


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
