"""The audit log as the helpdesk reads it (``AuthService.audit``): list, verify, export."""

from __future__ import annotations

from datetime import datetime
from typing import IO

from desktop_auth.core import audit
from desktop_auth.core.audit import AuditEntry, AuditVerification
from desktop_auth.core.context import ServiceContext
from desktop_auth.core.guards import Action, Guard
from desktop_auth.core.organisation import current_organisation
from desktop_auth.core.users import Actor
from desktop_auth.vocabulary import AuditEventType


class AuditLog:
    """Every authentication event, hash-chained (SECURITY.md L1, L2)."""

    def __init__(self, context: ServiceContext, guard: Guard) -> None:
        self._ctx = context
        self._guard = guard

    def events(
        self,
        *,
        subject: str | None = None,
        event_type: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int | None = 100,
        actor: Actor | None = None,
    ) -> list[AuditEntry]:
        """Newest first, filtered by subject, type and time."""
        self._reading(actor)
        with self._ctx.store.transaction() as db:
            return list(
                audit.list_events(
                    db,
                    subject=subject,
                    event_type=event_type,
                    since=since,
                    until=until,
                    limit=limit,
                )
            )

    def verify(self, *, actor: Actor | None = None) -> AuditVerification:
        """Walk the chain: the first event that was changed, removed or cut off, if any."""
        self._reading(actor)
        with self._ctx.store.transaction() as db:
            return audit.verify_chain(
                db,
                self._ctx.audit_seal(db),
                initialized=current_organisation(db) is not None,
            )

    def export_csv(self, stream: IO[str], *, actor: Actor) -> int:
        """Write the whole log, oldest first; the export itself is audited."""
        self._guard.require(Action.EXPORT_AUDIT, actor)
        with self._ctx.store.transaction() as db:
            count = audit.write_csv(audit.list_events(db, limit=None, newest_first=False), stream)
            self._ctx.audit(
                db,
                AuditEventType.AUDIT_EXPORTED,
                actor=actor,
                subject=None,
                details={"events": count},
            )
        return count

    def _reading(self, actor: Actor | None) -> None:
        """As ``Accounts``' reads (B3): checked whenever a session stands behind the call."""
        if actor is not None:
            self._guard.require(Action.VIEW_AUDIT, actor)
