"""Security e-mails (SECURITY.md M7): queued in the store, sent over SMTP with TLS.

Every notice becomes a row in ``mail_queue`` inside its own transaction, so
a mail server that is down never blocks or fails a sign-in.  Delivery runs in
the background after each notice and again on demand (``admin mail send``);
a failed attempt is retried later with a growing pause, and admins see what
is waiting.  A mail says what happened, when and on which workstation, in the
user's language; it never holds a password, code or key.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Protocol

from sqlalchemy import select

from desktop_auth.core.clock import Clock
from desktop_auth.core.mail_settings import SmtpSettings
from desktop_auth.messages import translate
from desktop_auth.store.db import Store
from desktop_auth.store.models import QueuedMail, User
from desktop_auth.store.settings import ORGANISATION_NAME, get_setting
from desktop_auth.vocabulary import SecurityNotice

log = logging.getLogger("desktop_auth.mail")

KEYRING_SERVICE = "desktop-auth"
MAX_PAUSE = timedelta(hours=6)


@dataclass(frozen=True, kw_only=True)
class QueuedMailSummary:
    id: int
    recipient: str
    notice: str
    created_at: datetime
    attempts: int
    next_attempt_at: datetime
    sent_at: datetime | None
    last_error: str | None


class MailSender(Protocol):
    def send(self, message: EmailMessage) -> None: ...


class SmtpSender:
    """Sends one message per connection, with TLS verified against the host name."""

    def __init__(self, settings: SmtpSettings, keyring_backend: object | None = None) -> None:
        self.settings = settings
        self._keyring = keyring_backend

    def _password(self) -> str | None:
        if self.settings.username is None:
            return None
        import keyring.errors

        backend = self._keyring or keyring.get_keyring()
        try:
            return backend.get_password(KEYRING_SERVICE, self.settings.keyring_username)  # type: ignore[attr-defined,no-any-return]
        except keyring.errors.KeyringError:
            return None

    def send(self, message: EmailMessage) -> None:
        s = self.settings
        context = ssl.create_default_context(cafile=str(s.ca_file) if s.ca_file else None)
        client: smtplib.SMTP
        if s.security == "tls":
            client = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=context)
        else:
            client = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        with client:
            if s.security != "tls":
                client.starttls(context=context)  # refuses to go on without TLS
            password = self._password()
            if s.username is not None and password is not None:
                client.login(s.username, password)
            client.send_message(message)


def compose(mail: QueuedMail, sender: str, organisation: str) -> EmailMessage:
    language = mail.language
    when = mail.created_at.astimezone().strftime("%Y-%m-%d %H:%M")
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.recipient
    message["Subject"] = translate(
        f"mail.subject.{mail.notice}", language, organisation=organisation
    )
    message["Date"] = format_datetime(mail.created_at)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    body = [
        translate(f"mail.body.{mail.notice}", language),
        "",
        translate("mail.when", language, when=when, workstation=mail.workstation),
        "",
        translate("mail.footer", language, organisation=organisation),
    ]
    message.set_content("\n".join(body) + "\n")
    return message


class MailQueue:
    """The store's outbox: the notifier puts mail in, ``deliver_due`` sends it."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        *,
        sender: MailSender | None,
        from_address: str,
        workstation: str,
    ) -> None:
        self._store = store
        self._clock = clock
        self._sender = sender
        self._from = from_address
        self._workstation = workstation
        self._delivering = threading.Lock()
        self._thread: threading.Thread | None = None

    # SecurityNotifier
    def notify(self, notice: SecurityNotice, email: str) -> None:
        now = self._clock.now()
        with self._store.transaction() as db:
            user = db.execute(select(User).where(User.email == email)).scalar_one_or_none()
            db.add(
                QueuedMail(
                    recipient=email,
                    language=user.language if user else "en",
                    notice=notice.value,
                    workstation=self._workstation,
                    created_at=now,
                    attempts=0,
                    next_attempt_at=now,
                )
            )
        self.deliver_in_background()

    @property
    def delivers(self) -> bool:
        """A mail server is configured: queued mail goes out (without one it only waits)."""
        return self._sender is not None

    def deliver_in_background(self) -> None:
        if self._sender is None or (self._thread is not None and self._thread.is_alive()):
            return
        self._thread = threading.Thread(target=self.deliver_due, name="mail", daemon=True)
        self._thread.start()

    def wait(self, timeout: float = 30.0) -> None:
        """Let a background delivery finish (at exit, or in tests)."""
        if self._thread is not None:
            self._thread.join(timeout)

    def deliver_due(self) -> tuple[int, int]:
        """Send what is due; returns (sent, still waiting).  Never raises for a send."""
        if self._sender is None:
            return 0, len(self.waiting())
        sent = 0
        with self._delivering:
            now = self._clock.now()
            with self._store.transaction() as db:
                organisation = get_setting(db, ORGANISATION_NAME) or "desktop-auth"
                due = list(
                    db.execute(
                        select(QueuedMail)
                        .where(QueuedMail.sent_at.is_(None), QueuedMail.next_attempt_at <= now)
                        .order_by(QueuedMail.id)
                    ).scalars()
                )
            for mail in due:
                error = self._try(mail, organisation)
                with self._store.transaction() as db:
                    row = db.get_one(QueuedMail, mail.id)
                    row.attempts += 1
                    if error is None:
                        row.sent_at, row.last_error = self._clock.now(), None
                        sent += 1
                    else:
                        pause = min(timedelta(minutes=2**row.attempts), MAX_PAUSE)
                        row.next_attempt_at, row.last_error = self._clock.now() + pause, error
        return sent, len(self.waiting())

    def _try(self, mail: QueuedMail, organisation: str) -> str | None:
        assert self._sender is not None
        try:
            self._sender.send(compose(mail, self._from, organisation))
        except (OSError, smtplib.SMTPException, ssl.SSLError) as error:
            # The class name only: a server's reply may quote addresses or more.
            log.warning("security e-mail %s not sent: %s", mail.id, type(error).__name__)
            return type(error).__name__
        return None

    def waiting(self) -> list[QueuedMailSummary]:
        with self._store.transaction() as db:
            rows = db.execute(
                select(QueuedMail).where(QueuedMail.sent_at.is_(None)).order_by(QueuedMail.id)
            ).scalars()
            return [
                QueuedMailSummary(
                    id=r.id,
                    recipient=r.recipient,
                    notice=r.notice,
                    created_at=r.created_at,
                    attempts=r.attempts,
                    next_attempt_at=r.next_attempt_at,
                    sent_at=r.sent_at,
                    last_error=r.last_error,
                )
                for r in rows
            ]
