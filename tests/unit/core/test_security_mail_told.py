"""Whether a screen may promise a security e-mail: only where one goes out (issue 19).

Twenty mails sat in ``admin mail queue`` while the wizard's last page promised each
employee one: without a mail server the queue only keeps them.
"""

from __future__ import annotations

from email.message import EmailMessage

from desktop_auth.core.mail import MailQueue
from desktop_auth.core.service import Actor, AuthService
from desktop_auth.store.db import Store
from desktop_auth.vocabulary import SecurityNotice
from tests.helpers import (
    PinnedClock,
    initialize_organisation,
    make_service,
    make_user,
    past_sign_in,
)


class Outbox:
    def send(self, message: EmailMessage) -> None:
        return None


class Recorder:
    """A notifier of a test or a plug-in: it says nothing of delivering, so it delivers."""

    def notify(self, notice: SecurityNotice, email: str) -> None:
        return None


def _told(service: AuthService) -> bool:
    admin: Actor = initialize_organisation(service)
    make_user(service, admin)
    return service.my_account.security_mail(past_sign_in(service, "jan@example.nl"))


def _queue(store: Store, clock: PinnedClock, *, server: bool) -> MailQueue:
    return MailQueue(
        store,
        clock,
        sender=Outbox() if server else None,
        from_address="2fa@salariszaken.nl" if server else "",
        workstation="WS-042",
    )


def test_no_mail_server_no_security_mail_promised(store: Store, clock: PinnedClock) -> None:
    queue = _queue(store, clock, server=False)
    assert not _told(make_service(store, clock=clock, mail_queue=queue))


def test_with_a_mail_server_the_security_mail_goes_out(store: Store, clock: PinnedClock) -> None:
    queue = _queue(store, clock, server=True)
    assert _told(make_service(store, clock=clock, mail_queue=queue))


def test_another_notifier_counts(store: Store, clock: PinnedClock) -> None:
    assert _told(make_service(store, clock=clock, notifiers=[Recorder()]))


def test_without_any_notifier_nothing_is_told(service: AuthService) -> None:
    assert not _told(service)
