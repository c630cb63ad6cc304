"""Sign-in for other PySide6 programs, and the workstation gate.

``sign_in(parent)`` shows the same window the employee app shows — password,
second step, setup, new password — as a modal dialog, and returns the
``Session`` once the person is in, or None when they closed it.

``desktop-auth gate -- COMMAND`` runs a program only after a complete sign-in,
with the user and the session's assurance level in its environment; with
``--url`` it opens the organisation's web application instead (the manual's
"you are forwarded to the online environment").
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QDialog, QVBoxLayout, QWidget

from desktop_auth.config import Config

if TYPE_CHECKING:
    from desktop_auth.core.service import AuthService, Session
from desktop_auth.gui.app import application, window_icon
from desktop_auth.gui.i18n import install_language
from desktop_auth.gui.idle_time import system_idle_seconds
from desktop_auth.gui.main_window import MainWindow
from desktop_auth.gui.workers import wait_for_workers

EXIT_CANCELLED = 1


class SignInDialog(QDialog):
    """The sign-in window as a dialog: ``session`` is set when it is accepted."""

    def __init__(self, open_service: Callable[[], AuthService], parent: QWidget | None = None):
        super().__init__(parent)
        self.session: Session | None = None
        self.main = MainWindow(open_service)
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
    opened = service or open_service(config or load_config())
    dialog = SignInDialog(lambda: opened, parent)
    dialog.open_store()
    try:
        dialog.exec()
    finally:
        wait_for_workers()
        if owned:
            opened.close()
    return dialog.session


def session_environment(session: Session, base: Mapping[str, str]) -> dict[str, str]:
    """What a gated program learns: who signed in, how strongly, until when (no secret)."""
    return {
        **base,
        "DESKTOP_AUTH_USER": session.email,
        "DESKTOP_AUTH_NAME": session.display_name,
        "DESKTOP_AUTH_ASSURANCE": session.assurance.value,
        "DESKTOP_AUTH_METHODS": ",".join(session.methods),
        "DESKTOP_AUTH_SESSION_EXPIRES": session.expires_at.isoformat(),
    }


def run_gated(
    session: Session | None,
    command: Sequence[str],
    url: str | None = None,
    *,
    idle_minutes: int = 0,
    idle_seconds: Callable[[], float | None] = system_idle_seconds,
    sign_in_again: Callable[[], Session | None] | None = None,
    poll_seconds: float = 1.0,
) -> int:
    """Start ``command`` (or open ``url``) only for a session; the program's exit status.

    With ``idle_minutes``, a workstation left without input that long asks for the
    sign-in again (SECURITY.md S2); if nobody signs in, the program is ended.
    """
    if session is None:
        return EXIT_CANCELLED
    if url:
        return 0 if QDesktopServices.openUrl(QUrl(url)) else EXIT_CANCELLED
    program = subprocess.Popen(list(command), env=session_environment(session, os.environ))
    if idle_minutes <= 0 or sign_in_again is None or idle_seconds() is None:
        return program.wait()
    while program.poll() is None:
        idle = idle_seconds()
        if idle is not None and idle >= idle_minutes * 60 and sign_in_again() is None:
            program.terminate()
            try:
                program.wait(10)
            except subprocess.TimeoutExpired:
                program.kill()
            return EXIT_CANCELLED
        try:
            program.wait(poll_seconds)
        except subprocess.TimeoutExpired:
            QApplication.processEvents()
    return program.returncode


def gate(
    config: Config,
    *,
    language: str,
    command: Sequence[str],
    url: str | None,
    idle_minutes: int = 0,
) -> int:
    """``desktop-auth gate``: sign in, then hand over (and lock again when left idle)."""
    application()
    install_language(language)
    session = sign_in(config=config)
    return run_gated(
        session,
        command,
        url,
        idle_minutes=idle_minutes,
        sign_in_again=lambda: sign_in(config=config),
    )
