"""What every view of the console shares: the service, the admin's session, re-authentication.

Admin actions run as ``Actor.for_session(session)``; the core decides what is
allowed.  When it answers ReauthenticationRequired (SECURITY.md S1) the admin
signs in again (``ReauthDialog``) and the action is tried once more.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, QEvent, QObject, Signal
from PySide6.QtWidgets import QDialog, QWidget

from desktop_auth.core.service import Actor, AuthService, Session
from desktop_auth.errors import DesktopAuthError, ReauthenticationRequiredError
from desktop_auth.gui.dialogs import ReauthDialog
from desktop_auth.gui.widgets import BusyBar, ErrorLabel
from desktop_auth.gui.workers import TaskRunner

AdminWork = Callable[[Actor], Any]


def to_date(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


class AdminContext(QObject):
    """``session_changed(session)`` after the admin signed in again."""

    session_changed = Signal(object)

    def __init__(self, service: AuthService, session: Session, window: QWidget) -> None:
        super().__init__(window)
        self.service = service
        self.session = session
        self.window = window
        self.reauth: ReauthDialog | None = None

    def actor(self) -> Actor:
        return Actor.for_session(self.session)

    def run(
        self, runner: TaskRunner, work: AdminWork, done: Callable[[Any], None], shown: ErrorLabel
    ) -> None:
        """``work(actor)`` in a worker; on ReauthenticationRequired: sign in again, retry once."""

        def failed(error: DesktopAuthError) -> None:
            if isinstance(error, ReauthenticationRequiredError):
                dialog = ReauthDialog(self.service, self.session.email, self.window)
                dialog.reauthenticated.connect(
                    lambda session: self._retry(session, runner, work, done, shown)
                )
                self.reauth = dialog
                dialog.open()
            else:
                shown.show_error(error)

        shown.clear_error()
        actor = self.actor()
        runner.start(lambda: work(actor), done, failed)

    def _retry(
        self,
        session: Session,
        runner: TaskRunner,
        work: AdminWork,
        done: Callable[[Any], None],
        shown: ErrorLabel,
    ) -> None:
        self.session = session
        self.session_changed.emit(session)
        actor = self.actor()
        runner.start(lambda: work(actor), done, shown.show_error)


class AdminDialog(QDialog):
    """Runner, busy bar and error line; relabels on language change."""

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.runner = TaskRunner(self)
        self.busy = BusyBar(self.runner)
        self.error = ErrorLabel()

    def retranslate(self) -> None:
        raise NotImplementedError

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
