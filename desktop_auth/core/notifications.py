"""Security notices: what the user must hear about on another channel (SECURITY.md M7).

The core announces each notice once the change is committed; a notifier turns
it into an e-mail (the rollout work adds the SMTP notifier and its queue).  A
notifier that fails never undoes or blocks what happened: the failure is logged
without any detail that could be secret, and the audit log has the event anyway.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Protocol

from desktop_auth.vocabulary import SecurityNotice

log = logging.getLogger("desktop_auth.notifications")


class SecurityNotifier(Protocol):
    def notify(self, notice: SecurityNotice, email: str) -> None:
        """Tell the account's owner; never given a secret."""
        ...


def any_delivers(notifiers: Sequence[SecurityNotifier]) -> bool:
    """Whether a notice reaches its owner now: a notifier that says it does not deliver
    (``delivers`` False: a mail queue without a mail server) does not count."""
    return any(getattr(notifier, "delivers", True) for notifier in notifiers)


def announce(notifiers: Sequence[SecurityNotifier], notice: SecurityNotice, email: str) -> None:
    for notifier in notifiers:
        try:
            notifier.notify(notice, email)
        except Exception as error:  # a notifier's failure must not turn into a failed sign-in
            # The error's type only: its text may quote a server's reply or an address.
            log.error(
                "notifier %s failed for %s: %s",
                type(notifier).__name__,
                notice.value,
                type(error).__name__,
            )
