"""Start the employee app: configuration, language, the store (opened in a worker), the window.

``desktop-auth`` without a command lands here; ``--demo`` uses a throw-away
store in a temporary folder with its own key file.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QPoint, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from desktop_auth.config import Config, default_store_file

if TYPE_CHECKING:
    from desktop_auth.core.service import AuthService
    from desktop_auth.gui.demo import Demo
from desktop_auth.gui.focus_style import install_focus_style
from desktop_auth.gui.i18n import install_language
from desktop_auth.gui.main_window import MainWindow
from desktop_auth.gui.preferences import remembered_language
from desktop_auth.gui.workers import wait_for_workers
from desktop_auth.messages import detect_language
from desktop_auth.resources import resource_path

APP_ID = "desktop-auth"


def application() -> QApplication:
    """The one QApplication, with the name, icon and desktop file Linux shells look for."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName(APP_ID)
    app.setDesktopFileName(APP_ID)
    app.setWindowIcon(window_icon())
    install_focus_style(app)
    return app


def window_icon() -> QIcon:
    return QIcon(str(resource_path("icons/desktop-auth.svg")))


def build_window(config: Config, *, demo: bool = False) -> tuple[MainWindow, Demo | None]:
    """The main window (not shown yet) and, in demo mode, what the demo needs.

    The core (SQLAlchemy, argon2, the crypto libraries) is imported in the worker
    that opens the store, so the window paints first.
    """

    def open_configured() -> AuthService:
        from desktop_auth.remote.connect import open_service

        # Only this user's own default store is made when missing: a mistyped path in
        # the configuration must not become a new store (issue 19).
        return open_service(config, create_store=config.default_store)

    if not demo:
        may_set_up = config.default_store and not config.server_url
        window = MainWindow(
            open_configured,
            may_set_up=may_set_up,
            # The user's own store, once made, is the sign-in of every day: typing may
            # start before it has opened (without it, this is the first run's set-up).
            expect_sign_in=not may_set_up or default_store_file().exists(),
            vault_escrow_key=config.vault_escrow_key,
        )
        return window, None
    import tempfile

    from desktop_auth.gui import demo as demo_mode

    session = demo_mode.Demo(
        folder=tempfile.TemporaryDirectory(prefix="desktop-auth-demo-"),
        phone=demo_mode.AuthenticatorAppWindow(),
    )
    hint = QCoreApplication.translate(
        "Demo",
        "DEMO — sign in as %1 (authenticator app already set up) or %2 (new: sets up "
        "two-step sign-in); the administrator is %3. Password for all three: %4",
    )
    hint = (
        hint.replace("%1", demo_mode.EMPLOYEE_EMAIL)
        .replace("%2", demo_mode.NEW_EMPLOYEE_EMAIL)
        .replace("%3", demo_mode.ADMIN_EMAIL)
        .replace("%4", demo_mode.DEMO_PASSWORD)
    )
    opener: Callable[[], AuthService] = session.open_service
    window = MainWindow(opener, demo=True, demo_hint=hint)
    # The phone belongs to the window: it closes with it, and the app ends with the window
    # (a window of its own kept the process running, issue 19).
    session.phone.setParent(window, Qt.WindowType.Window)
    window.closed.connect(session.phone.close)
    # The on-screen phone stands beside the window, not on top of it.
    window.service_opened.connect(
        lambda _service: session.phone.move(window.frameGeometry().topRight() + QPoint(16, 0))
    )
    window.service_opened.connect(session.opened)
    window.enrollment_shown.connect(session.phone.add_uri)
    return window, session


def start(
    config: Config, *, language: str | None, demo: bool = False
) -> tuple[QApplication, MainWindow, Demo | None]:
    """All ``run`` does before the event loop: the window is shown, and opens the store
    once it has painted.  (``benchmarks/gui_startup.py`` times this very path.)

    ``language``: the one the command line or the configuration names; None for the one
    last chosen in the window's menu, else the system's.
    """
    app = application()
    install_language(language or remembered_language() or detect_language())
    window, demo_session = build_window(config, demo=demo)
    window.show()
    window.open_store_once_painted()
    return app, window, demo_session


def run(config: Config, *, language: str | None, demo: bool = False) -> int:
    """The event loop until the window closes; the exit status."""
    app, window, demo_session = start(config, language=language, demo=demo)
    status = app.exec()
    wait_for_workers()
    if window.service is not None:
        window.service.close()
    if demo_session is not None:
        demo_session.phone.close()
        demo_session.folder.cleanup()
    return status
