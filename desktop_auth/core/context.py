"""What every part of the core shares: the store, the clock, the hasher, the workstation.

``AuthService`` builds one ``ServiceContext`` and hands it to the flows; the
helpers here are the single place that audits, loads the policy and checks a
new password, so no flow does these its own way.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.orm import Session as DbSession

from desktop_auth.core.audit import (
    JSONScalar,
    older_chain_unsealed,
    record_event,
    seal_older_chain,
)
from desktop_auth.core.audit_seal import AuditSeal
from desktop_auth.core.clock import Clock
from desktop_auth.core.identity import email_local_part
from desktop_auth.core.notifications import SecurityNotifier, announce, any_delivers
from desktop_auth.core.password_policy import PasswordAssessment, assess_password
from desktop_auth.core.passwords import PasswordHasher
from desktop_auth.core.policy import Policy, load_policy
from desktop_auth.core.throttle import UnknownAccountThrottle
from desktop_auth.core.users import Actor
from desktop_auth.errors import WeakPasswordError
from desktop_auth.factors.base import EnrolledMethod, SecondFactorProvider
from desktop_auth.store.db import Store
from desktop_auth.store.secretbox import SecretBox
from desktop_auth.store.settings import ORGANISATION_NAME, get_setting
from desktop_auth.vocabulary import AuditEventType, SecurityNotice

log = logging.getLogger("desktop_auth.audit")


#: On a sign-in server: the workstation a request comes from, for the audit log and the
#: sessions list (``calling_from``); unset in-process, where the host is the workstation.
_calling_workstation: ContextVar[str | None] = ContextVar("calling_workstation", default=None)


@contextmanager
def calling_from(workstation: str) -> Iterator[None]:
    """Within this block the core names ``workstation`` as where things happen."""
    token = _calling_workstation.set(workstation)
    try:
        yield
    finally:
        _calling_workstation.reset(token)


@dataclass(kw_only=True)
class ServiceContext:
    store: Store
    clock: Clock
    hasher: PasswordHasher
    #: This host's name: the workstation in embedded mode, the server's in server mode.
    host: str
    #: The data key's box, inside the caller's transaction (made on first use).
    secret_box: Callable[[DbSession], SecretBox]
    factors: Sequence[SecondFactorProvider] = ()
    notifiers: Sequence[SecurityNotifier] = ()
    unknown_accounts: UnknownAccountThrottle = field(init=False)
    _seal: AuditSeal | None = field(init=False, default=None, repr=False)

    def __post_init__(self) -> None:
        self.unknown_accounts = UnknownAccountThrottle(self.store, Policy().throttle)

    def audit_seal(self, db: DbSession) -> AuditSeal:
        """The audit log's keys, derived from the data key (fails closed without it)."""
        box = self.secret_box(db)
        if self._seal is None or self._seal.data_key_fingerprint != box.fingerprint:
            self._seal = AuditSeal(box)
        return self._seal

    def now(self) -> datetime:
        return self.clock.now()

    @property
    def workstation(self) -> str:
        """Where the action happens: the calling workstation on a server, else this host."""
        return _calling_workstation.get() or self.host

    def today(self) -> date:
        """The workstation's calendar day, for dates like the enforcement date."""
        return self.now().astimezone().date()

    def policy(self, db: DbSession) -> Policy:
        policy = load_policy(db)
        if policy.throttle != self.unknown_accounts.policy:
            self.unknown_accounts.policy = policy.throttle
        return policy

    def audit(
        self,
        db: DbSession,
        event_type: AuditEventType,
        *,
        actor: Actor | str,
        subject: str | None,
        details: Mapping[str, JSONScalar] | None = None,
    ) -> None:
        label = actor.label if isinstance(actor, Actor) else actor
        record_event(
            db,
            self.audit_seal(db),
            event_type=event_type,
            actor=label,
            subject=subject,
            workstation=self.workstation,
            occurred_at=self.now(),
            details=details,
        )
        # Identifiers and event names only: the audit trail's safe fields.
        log.info("%s actor=%s subject=%s", event_type.value, label, subject)

    def seal_older_audit_chain(self, db: DbSession) -> None:
        """Once per store from before the audit seal (see ``audit.seal_older_chain``)."""
        if not older_chain_unsealed(db):
            return
        seal_older_chain(
            db,
            self.audit_seal(db),
            actor="system:upgrade",
            workstation=self.workstation,
            occurred_at=self.now(),
        )

    def notify(self, notice: SecurityNotice, email: str) -> None:
        """Call after the change is committed."""
        announce(self.notifiers, notice, email)

    def notices_delivered(self) -> bool:
        """Security notices reach the account's owner (a mail server is configured)."""
        return any_delivers(self.notifiers)

    def assess_new_password(
        self, db: DbSession, password: str, email: str, *, organisation: str | None = None
    ) -> PasswordAssessment:
        if organisation is None:
            organisation = get_setting(db, ORGANISATION_NAME) or ""
        context = [email_local_part(email), organisation]
        return assess_password(password, self.policy(db).passwords, context)

    def require_acceptable_password(
        self, db: DbSession, password: str, email: str, *, organisation: str | None = None
    ) -> None:
        assessment = self.assess_new_password(db, password, email, organisation=organisation)
        if not assessment.acceptable:
            raise WeakPasswordError(
                tuple(p.value for p in assessment.problems),
                min_length=self.policy(db).passwords.min_length,
            )

    def enrolled_methods(self, db: DbSession, user_id: int) -> list[EnrolledMethod]:
        now = self.now()
        methods = [m for f in self.factors for m in f.enrolled_methods(db, user_id, now)]
        return sorted(methods, key=lambda m: m.strength, reverse=True)
