"""The sign-in window: one stack of screens, and the flow between them.

The flow follows ``SignInResult.outcome``; every rule behind it is the core's.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QDialog, QMainWindow, QStackedWidget, QWidget

if TYPE_CHECKING:
    from datetime import date

    from PySide6.QtGui import QCloseEvent, QPaintEvent

    from desktop_auth.core.service import (
        AuthService,
        Organisation,
        Policy,
        Session,
        SignInResult,
    )
    from desktop_auth.gui.account import AccountDialog
    from desktop_auth.gui.admin import AdminConsole
    from desktop_auth.gui.setup_wizard import SetupWizard
    from desktop_auth.gui.vault_dialog import VaultDialog
from desktop_auth.errors import DesktopAuthError, StoreNotSetUpHereError
from desktop_auth.gui.i18n import current_language, install_language
from desktop_auth.gui.idle import IdleLock
from desktop_auth.gui.preferences import remember_language
from desktop_auth.gui.sign_in import SignInPage
from desktop_auth.gui.start_page import StartPage
from desktop_auth.gui.workers import TaskRunner, run_and_forget
from desktop_auth.vocabulary import FactorKind, Role

LANGUAGES = (("en", "English"), ("nl", "Nederlands"))

# Should the window not paint (started hidden, say), the store opens anyway after this.
OPEN_UNPAINTED_AFTER_MS = 250

# Loaded in the worker that opens the store (see ``open_store``), so the GUI thread
# never stalls on an import: what the window shows once the store is open...
SCREENS = (
    "desktop_auth.gui.pages",
    "desktop_auth.gui.sign_in",
    "desktop_auth.gui.second_factor",
)
# ...and, right after, what is needed only once someone has signed in: a sign-in typed
# before the store opened waits for the store, not for these.
LATER_SCREENS = (
    "desktop_auth.gui.setup_wizard",
    "desktop_auth.gui.account",
    "desktop_auth.gui.vault_dialog",
    "desktop_auth.gui.admin",
)


def _import_later_screens() -> None:
    for module in LATER_SCREENS:
        importlib.import_module(module)


class MainWindow(QMainWindow):
    """``session_started(session)`` after every complete sign-in."""

    session_started = Signal(object)
    service_opened = Signal(object)
    enrollment_shown = Signal(str)
    # The window closed (the demo's on-screen phone goes with it).
    closed = Signal()

    def __init__(
        self,
        open_service: Callable[[], AuthService],
        *,
        demo: bool = False,
        demo_hint: str = "",
        may_set_up: bool = True,
        expect_sign_in: bool | None = None,
        vault_escrow_key: str = "",
    ) -> None:
        """``expect_sign_in``: the sign-in form is the first screen, ready to type into
        while the store opens (what is typed is sent once it has); else "Opening…" comes
        first, as for a first run that may end in setting up a store.  By default, when
        this window may not set one up."""
        super().__init__()
        # The escrow key this workstation's configuration pins (``Config``): the vault
        # seals to no other.
        self.vault_escrow_key = vault_escrow_key
        self.open_service = open_service
        # An empty store may be set up here (an organisation and its first administrator):
        # only on the user's own default store; a configured one is IT's (``admin init``).
        self.may_set_up = may_set_up
        self.demo = demo
        self.service: AuthService | None = None
        self.session: Session | None = None
        self.email = ""
        self.runner = TaskRunner(self)
        self.idle = IdleLock(self)
        self.idle.expired.connect(self._idle_expired)
        self.idle.warning.connect(self._idle_warning)
        self.idle.resumed.connect(lambda: self.statusBar().clearMessage())
        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)
        self.start_page = StartPage()
        self.start_page.retry.connect(self.open_store)
        self.stack.addWidget(self.start_page)
        self.runner.busy_changed.connect(self.start_page.busy.setVisible)
        # Built before the store is open: what is typed into it waits for the store.
        self.sign_in = SignInPage()
        self.sign_in.set_demo_hint(demo_hint)
        self.stack.addWidget(self.sign_in)
        if demo or not may_set_up if expect_sign_in is None else expect_sign_in:
            self.stack.setCurrentWidget(self.sign_in)
            self.sign_in.reset()
        self.wizard: SetupWizard | None = None
        self.account: AccountDialog | None = None
        self.vault: VaultDialog | None = None
        self.reauth: QDialog | None = None
        self.admin_console: AdminConsole | None = None
        self._open_when_painted = False
        self._build_menus()
        self.resize(540, 420)
        self.retranslate()

    # --- start --------------------------------------------------------------------------

    def open_store(self) -> None:
        open_service = self.open_service

        def work() -> tuple[AuthService, Organisation | None]:
            service = open_service()
            # The screens load here, in the worker, with the core: importing them in
            # the GUI thread, before the first paint or on first use, would hold it up.
            for module in SCREENS:
                importlib.import_module(module)
            return service, service.organisation()

        if self.stack.currentWidget() is not self.sign_in:
            self.stack.setCurrentWidget(self.start_page)
        self.runner.start(work, self._opened, self._not_opened)

    def _not_opened(self, error: DesktopAuthError) -> None:
        self.sign_in.store_answered(None)  # a sign-in typed meanwhile is not sent, nor kept
        self.stack.setCurrentWidget(self.start_page)
        self.start_page.show_failure(error)

    def open_store_once_painted(self) -> None:
        """``open_store`` right after the window's first paint.

        The worker imports the core and the screens, Python that takes the GIL
        in turns with the GUI thread: started before the first paint, it holds
        that paint up by a switch interval (5 ms) or more.
        """
        self._open_when_painted = True
        QTimer.singleShot(OPEN_UNPAINTED_AFTER_MS, self._open_if_waiting)

    def _open_if_waiting(self) -> None:
        if self._open_when_painted:
            self._open_when_painted = False
            self.open_store()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        super().paintEvent(event)
        if self._open_when_painted:
            QTimer.singleShot(0, self._open_if_waiting)  # once this paint is on screen

    def _opened(self, opened: tuple[AuthService, Organisation | None]) -> None:
        service, organisation = opened
        if organisation is None and not self.may_set_up:
            service.close()
            self._not_opened(StoreNotSetUpHereError())
            return
        # Already loaded by the worker (SCREENS): these imports only look them up.
        from desktop_auth.gui.pages import FirstRunPage, HomePage, NewPasswordPage
        from desktop_auth.gui.second_factor import SecondFactorPage

        run_and_forget(_import_later_screens)
        self.service = service
        self.first_run = FirstRunPage(service)
        self.second_factor = SecondFactorPage(service)
        self.new_password = NewPasswordPage(service)
        self.home = HomePage(organisation.name if organisation is not None else "")
        for page in (
            self.first_run,
            self.second_factor,
            self.new_password,
            self.home,
        ):
            self.stack.addWidget(page)
        self.first_run.signed_in.connect(self._first_admin_signed_in)
        self.sign_in.signed_in.connect(self.route)
        self.second_factor.signed_in.connect(self.route)
        self.second_factor.cancelled.connect(self.back_to_sign_in)
        self.new_password.signed_in.connect(self.route)
        self.home.settings_requested.connect(self.open_settings)
        self.home.vault_requested.connect(self.open_vault)
        self.home.admin_requested.connect(self.open_admin_console)
        self.home.sign_out_requested.connect(self.sign_out)
        self.home.setup_requested.connect(self.set_up_now)
        self.home.codes_requested.connect(lambda: self.open_settings(codes=True))
        self.service_opened.emit(service)
        self.sign_in.store_answered(service)  # what was typed stays, and is sent if asked
        if organisation is None:
            self.sign_in.reset()  # nobody to sign in yet: first, the first run's set-up
            self.show_page(self.first_run)
            self.first_run.organisation.setFocus()
        elif self.stack.currentWidget() is not self.sign_in:
            self.show_page(self.sign_in)
        else:
            self.retranslate()

    def show_page(self, page: QWidget) -> None:
        self.stack.setCurrentWidget(page)
        self.retranslate()
        if page is self.sign_in:
            self.sign_in.reset()

    # --- the flow -----------------------------------------------------------------------

    def _first_admin_signed_in(self, result: SignInResult) -> None:
        self.sign_in.email.setText(self.first_run.admin_email.text().strip())
        self.route(result)

    def route(self, result: SignInResult) -> None:
        """Where each outcome leads; THROTTLED, LOCKED, DISABLED and TEMPORARY_PASSWORD_EXPIRED
        stay on the sign-in page."""
        from desktop_auth.core.service import SignInOutcome  # on first use: the window paints first

        email = self.sign_in.email.text().strip()
        outcome = result.outcome
        if outcome is SignInOutcome.DONE and result.session is not None:
            self.signed_in(result.session)
        elif outcome is SignInOutcome.SECOND_FACTOR_REQUIRED and result.ticket:
            self.show_page(self.second_factor)
            self.second_factor.start(result.ticket, result.methods)
        elif outcome is SignInOutcome.MUST_CHANGE_PASSWORD and result.ticket:
            self.show_page(self.new_password)
            self.new_password.start(result.ticket, email)
        elif outcome is SignInOutcome.SETUP_REQUIRED and result.ticket:
            self.run_setup_wizard(
                ticket=result.ticket, recovered=result.recovered, deadline=result.setup_deadline
            )
        else:
            self.back_to_sign_in("")

    def run_setup_wizard(
        self,
        *,
        ticket: str | None = None,
        session: Session | None = None,
        recovered: bool = False,
        deadline: date | None = None,
    ) -> None:
        assert self.service is not None
        from desktop_auth.gui.setup_wizard import SetupWizard  # needed only after a sign-in

        wizard = SetupWizard(
            self.service,
            ticket=ticket,
            session=session,
            recovered=recovered,
            deadline=deadline,
            parent=self,
        )
        wizard.completed.connect(lambda session: self._wizard_completed(wizard, session))
        wizard.rejected.connect(self._wizard_rejected)
        wizard.enrollment_shown.connect(self.enrollment_shown)
        wizard.setWindowIcon(self.windowIcon())
        self.wizard = wizard
        wizard.open()

    def _wizard_completed(self, wizard: SetupWizard, session: Session) -> None:
        # From the home screen's reminder: the new session replaces the one before.
        if self.session is not None and self.session.token != session.token:
            self._end_session()
        self.signed_in(
            session,
            postponed_until=wizard.deadline if wizard.postponed else None,
            codes_missing=wizard.codes_skipped,
        )

    def _wizard_rejected(self) -> None:
        # Opened from the home screen's reminder: still signed in as before.
        if self.session is not None:
            self.show_page(self.home)
        else:
            self.back_to_sign_in("")

    def set_up_now(self) -> None:
        """The home screen's reminder: the password once more, then the setup wizard (its
        ticket comes only from a sign-in; the session of "Remind me later" is AAL1)."""
        if self.service is None or self.session is None:
            return
        from desktop_auth.gui.dialogs import ReauthDialog  # needed only after a sign-in

        dialog = ReauthDialog(self.service, self.session.email, self, for_setup=True)
        dialog.setup_ticket.connect(self.route)
        dialog.reauthenticated.connect(lambda session: self._wizard_less_sign_in(session))
        self.reauth = dialog
        dialog.open()

    def _wizard_less_sign_in(self, session: Session) -> None:
        """Set up meanwhile (another workstation): the new session, with no reminder."""
        self._end_session()
        self.signed_in(session)

    def signed_in(
        self,
        session: Session,
        *,
        postponed_until: date | None = None,
        codes_missing: bool = False,
    ) -> None:
        self.session = session
        self.home.show_session(session)
        self.home.remind(postponed_until=postponed_until, codes_missing=codes_missing)
        self.show_page(self.home)
        self.session_started.emit(session)
        service = self.service
        if service is not None:
            self.runner.start(
                lambda: (service.policy.current(), service.recovery_codes.status(session).left),
                lambda read: self._policy_read(session, *read),
                lambda _e: None,
            )

    def _policy_read(self, session: Session, policy: Policy, codes_left: int) -> None:
        self.idle.arm(policy.idle_lock_minutes)
        self.home.set_reminder_text(policy.reminder_text)
        # A method works but every code is used or none was made: the home keeps asking.
        has_method = any(m in (FactorKind.TOTP, FactorKind.WEBAUTHN) for m in session.methods)
        if codes_left == 0 and has_method and self.home.postponed_until is None:
            self.home.remind(codes_missing=True, focus=False)  # not while the person types

    def _idle_warning(self, seconds: int) -> None:
        self.statusBar().showMessage(
            self.tr(
                "Signed out in %n seconds without use. Move the mouse to stay.",
                "",
                seconds,
            )
        )

    def _idle_expired(self) -> None:
        self.statusBar().clearMessage()
        if self.wizard is not None:
            self.wizard.close_now()  # its codes page would ask first
        for dialog in (self.reauth, self.account, self.vault, self.admin_console):
            if dialog is not None:
                dialog.close()  # the vault locks as it closes
        self.admin_console = None
        minutes = self.idle.minutes
        self._end_session()
        self.back_to_sign_in(
            self.tr("You were signed out after %n minutes without use.", "", minutes)
        )

    def back_to_sign_in(self, message: str) -> None:
        self.idle.disarm()
        self.show_page(self.sign_in)
        self.sign_in.reset(message)

    def _end_session(self) -> None:
        """Forget the session here and end it in the store (or at the server): a token
        left behind would work until its expiry (B2)."""
        session, service, self.session = self.session, self.service, None
        if session is not None and service is not None:
            run_and_forget(lambda: service.sign_in.sign_out(session))

    def sign_out(self) -> None:
        self.idle.disarm()
        if self.vault is not None:
            self.vault.close()
            self.vault = None
        self._end_session()
        if self.admin_console is not None:
            self.admin_console.close()
            self.admin_console = None
        self.back_to_sign_in("")

    def open_settings(self, *, codes: bool = False) -> None:
        """My security settings; ``codes``: at the recovery codes (the home's reminder)."""
        if self.service is None or self.session is None:
            return
        from desktop_auth.gui.account import AccountDialog  # needed only after a sign-in

        dialog = AccountDialog(self.service, self.session, self)
        if codes:
            dialog.tabs.setCurrentIndex(1)
            dialog.finished.connect(lambda _result: self._codes_made(dialog))
        dialog.session_changed.connect(self._session_renewed)
        dialog.enrollment_shown.connect(self.enrollment_shown)
        self.account = dialog
        dialog.open()

    def open_vault(self) -> None:
        if self.service is None or self.session is None:
            return
        from desktop_auth.gui.vault_dialog import VaultDialog  # needed only after a sign-in

        dialog = VaultDialog(
            self.service, self.session, self, trusted_escrow_key=self.vault_escrow_key
        )
        self.vault = dialog
        dialog.open()

    def open_admin_console(self) -> None:
        if self.service is None or self.session is None or self.session.role != Role.ADMIN:
            return
        from desktop_auth.gui.admin import AdminConsole  # needed only after a sign-in

        console = AdminConsole(self.service, self.session, self)
        console.session_changed.connect(self._session_renewed)
        console.setWindowIcon(self.windowIcon())
        self.admin_console = console
        console.open()

    def _codes_made(self, dialog: AccountDialog) -> None:
        if dialog.codes_made:
            self.home.remind()  # made and shown: the reminder has done its work

    def _session_renewed(self, session: Session) -> None:
        self.session = session
        self.home.show_session(session)

    # --- language and texts -----------------------------------------------------------

    def _build_menus(self) -> None:
        # Quit in a menu of its own, where people look for it (issue 19: it sat among the
        # languages).
        self.file_menu = self.menuBar().addMenu("")
        self.quit_action = QAction(self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit_action.triggered.connect(self.close)
        self.file_menu.addAction(self.quit_action)
        self.language_menu = self.menuBar().addMenu("")
        self.language_group = QActionGroup(self)
        self.language_actions: dict[str, QAction] = {}
        for code, name in LANGUAGES:
            action = QAction(name, self, checkable=True)
            action.setChecked(code == current_language())
            action.triggered.connect(lambda _checked=False, c=code: self.choose_language(c))
            self.language_group.addAction(action)
            self.language_menu.addAction(action)
            self.language_actions[code] = action

    def set_language(self, language: str) -> None:
        install_language(language)  # Qt sends LanguageChange to every widget
        self.language_actions[current_language()].setChecked(True)

    def choose_language(self, language: str) -> None:
        """The person's choice in the menu: shown at once, and again at the next start."""
        self.set_language(language)
        remember_language(current_language())

    def retranslate(self) -> None:
        titles = {
            "sign_in": self.tr("Sign in"),
            "home": self.tr("Signed in"),
            "first_run": self.tr("First run"),
        }
        page = self.stack.currentWidget()
        key = "home" if page is getattr(self, "home", None) else "sign_in"
        if page is getattr(self, "first_run", None):
            key = "first_run"
        title = f"{titles[key]} — desktop-auth"
        self.setWindowTitle(f"DEMO — {title}" if self.demo else title)
        self.file_menu.setTitle(self.tr("&File"))
        self.language_menu.setTitle(self.tr("&Language"))
        self.quit_action.setText(self.tr("&Quit"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.runner.cancel()
        self.sign_in.runner.cancel()  # a sign-in waiting for the store goes nowhere now
        self._end_session()  # the app waits for its workers before the store closes
        super().closeEvent(event)
        self.closed.emit()
