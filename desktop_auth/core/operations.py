"""What IT staff run a store with (``AuthService.operations``): the data key, the mail queue."""

from __future__ import annotations

from collections.abc import Callable

from desktop_auth.core import data_key
from desktop_auth.core.context import ServiceContext
from desktop_auth.core.guards import Action, Guard
from desktop_auth.core.mail import MailQueue, QueuedMailSummary
from desktop_auth.core.organisation import current_organisation
from desktop_auth.core.rate_limits import RateLimits
from desktop_auth.core.users import Actor
from desktop_auth.store.keys import DataKeyStore
from desktop_auth.store.privileges import grant_runtime_access
from desktop_auth.vocabulary import AuditEventType


class Operations:
    """The data key that seals every secret, moved between workstations; security e-mails."""

    def __init__(
        self,
        context: ServiceContext,
        guard: Guard,
        data_keys: DataKeyStore,
        forget_secret_box: Callable[[], None],
        mail: MailQueue | None,
        rate_limits: RateLimits,
    ) -> None:
        self._ctx = context
        self._guard = guard
        self._data_keys = data_keys
        self._forget_secret_box = forget_secret_box
        self._mail = mail
        #: The sign-in server's request budgets (an attribute, not an operation: never
        #: served; the server counts with it before each request without a session).
        self.rate_limits = rate_limits
        #: The hasher, so the sign-in server can say where argon2 runs (an attribute too:
        #: never served).
        self.password_hasher = context.hasher

    # --- the data key --------------------------------------------------------------------

    def export_data_key(self, passphrase: str, *, actor: Actor) -> bytes:
        """The data key sealed under ``passphrase``: the content of a file for another
        workstation (``admin key export``).  Made first if the store has none yet.
        ``WeakPasswordError`` when the password policy would refuse the passphrase."""
        self._guard.require(Action.EXPORT_DATA_KEY, actor)
        # This file opens every seed: its passphrase is judged as a password is (C6).
        with self._ctx.store.transaction() as db:
            self._ctx.require_acceptable_password(
                db, passphrase, actor.session.email if actor.session else ""
            )
        content, fingerprint = data_key.export_data_key(
            self._ctx.store, self._data_keys, passphrase
        )
        self._audit(AuditEventType.DATA_KEY_EXPORTED, actor, fingerprint)
        return content

    def import_data_key(self, content: bytes, passphrase: str, *, actor: Actor) -> str:
        """Keep the data key from an exported file on this workstation; returns its
        fingerprint.  A file from another store is refused; a wrong key here is replaced."""
        self._guard.require(Action.IMPORT_DATA_KEY, actor)
        self._forget_secret_box()
        fingerprint = data_key.import_data_key(
            self._ctx.store, self._data_keys, content, passphrase
        )
        self._audit(AuditEventType.DATA_KEY_IMPORTED, actor, fingerprint)
        return fingerprint

    def check_data_key(self) -> None:
        """Raise ``DataKeyError`` unless this workstation's key opens the store's secrets."""
        data_key.check_data_key(self._ctx.store, self._data_keys)

    # --- the database's roles ------------------------------------------------------------

    def grant_server_role(self, role: str, *, actor: Actor) -> list[str]:
        """Give the sign-in server's PostgreSQL role row rights only, and on the audit
        tables only INSERT and SELECT (``admin db grant``); run as the owner after
        every upgrade.  Returns the tables granted."""
        self._guard.require(Action.GRANT_SERVER_ROLE, actor)
        tables = grant_runtime_access(self._ctx.store, role)
        with self._ctx.store.transaction() as db:
            if current_organisation(db) is None:
                return tables  # granted before the first run: no log to write to yet
            self._ctx.audit(
                db,
                AuditEventType.SERVER_ROLE_GRANTED,
                actor=actor,
                subject=None,
                details={"role": role, "tables": len(tables)},
            )
        return tables

    def _audit(self, event: AuditEventType, actor: Actor, fingerprint: str) -> None:
        with self._ctx.store.transaction() as db:
            self._ctx.audit(
                db, event, actor=actor, subject=None, details={"fingerprint": fingerprint}
            )

    # --- security e-mails ------------------------------------------------------------------

    def queued_mail(self, *, actor: Actor | None = None) -> list[QueuedMailSummary]:
        """Security e-mails not sent yet, for admins (what, to whom, why not)."""
        if actor is not None:  # as the helpdesk's other reads (B3)
            self._guard.require(Action.VIEW_ACCOUNTS, actor)
        return self._mail.waiting() if self._mail else []

    def send_queued_mail(self) -> tuple[int, int]:
        """Try every due e-mail now; returns (sent, still waiting)."""
        return self._mail.deliver_due() if self._mail else (0, 0)
