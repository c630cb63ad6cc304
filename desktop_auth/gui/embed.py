"""Sign-in for other PySide6 programs, and the workstation gate.

``sign_in(parent)`` shows the same window the employee app shows — password,
second step, setup, new password — as a modal dialog, and returns the
``Session`` once the person is in, or None when they closed it.

``desktop-auth gate -- COMMAND`` runs a program only after a complete sign-in,
with a signed sign-in token in its environment; with ``--url`` it opens the
organisation's web application instead (the manual's "you are forwarded to the
online environment").  How the gate keeps its promise: ``gui/gate.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QVBoxLayout, QWidget

from desktop_auth.config import Config

if TYPE_CHECKING:
    from desktop_auth.core.service import AuthService, Session
from desktop_auth.gui.app import application, window_icon
from desktop_auth.gui.gate import EXIT_CANCELLED, Gate, web_audience
from desktop_auth.gui.i18n import install_language
from desktop_auth.gui.idle_time import system_idle_seconds
from desktop_auth.gui.main_window import MainWindow
from desktop_auth.gui.workers import wait_for_workers

__all__ = ["EXIT_CANCELLED", "Gate", "SignInDialog", "gate", "sign_in"]


class SignInDialog(QDialog):
    """The sign-in window as a dialog: ``session`` is set when it is accepted."""

    def __init__(self, open_service: Callable[[], AuthService], parent: QWidget | None = None):
        super().__init__(parent)
        self.session: Session | None = None
        # A sign-in for another program sets up no organisation, whatever store it finds.
        self.main = MainWindow(open_service, may_set_up=False)
        self.main.session_started.connect(self._signed_in)
        self.setWindowTitle(self.main.windowTitle())
        self.setWindowIcon(window_icon())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.main)
        self.resize(self.main.sizeHint())

    def open_store(self) -> None:
        self.main.open_store()

    def _signed_in(self, session: Session) -> None:
        self.session = session
        self.accept()

    def done(self, result: int) -> None:
        for dialog in (self.main.wizard, self.main.account):
            if dialog is not None:
                dialog.close()
        self.main.sign_in.runner.cancel()  # a sign-in still waiting for the store goes nowhere
        super().done(result)


def sign_in(
    parent: QWidget | None = None,
    *,
    service: AuthService | None = None,
    config: Config | None = None,
) -> Session | None:
    """Ask for a complete sign-in; the session, or None if the person gave up.

    Pass the program's ``AuthService`` (it stays open), or a ``Config`` (the
    store is opened for this sign-in and closed after it).
    """
    from desktop_auth.config import load_config
    from desktop_auth.remote.connect import open_service  # on first use: the window paints first

    owned = service is None
    if service is None:
        config = config or load_config()
        service = open_service(config, create_store=config.default_store)
    opened = service
    dialog = SignInDialog(lambda: opened, parent)
    dialog.open_store()
    try:
        dialog.exec()
    finally:
        wait_for_workers()
        if owned:
            opened.close()
    return dialog.session


def gate(
    config: Config,
    *,
    language: str,
    command: Sequence[str],
    url: str | None,
    idle_minutes: int = 0,
    audience: str | None = None,
) -> int:
    """``desktop-auth gate``: sign in, then hand over a signed token (see ``gui/gate.py``)."""
    from desktop_auth.core.service import GATE_AUDIENCE
    from desktop_auth.remote.connect import open_service

    application()
    install_language(language)
    service = open_service(config, create_store=config.default_store)
    try:
        session = sign_in(service=service)
        gate = Gate(
            service,
            audience=audience or (web_audience(url) if url else GATE_AUDIENCE),
            idle_minutes=idle_minutes,
            idle_seconds=system_idle_seconds,
            sign_in_again=lambda: sign_in(service=service),
        )
        return gate.open_url(session, url) if url else gate.run(session, command)
    finally:
        wait_for_workers()
        service.close()
