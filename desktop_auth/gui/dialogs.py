"""Dialogs of My security settings: sign in again, add an app, new recovery codes."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from desktop_auth.core.service import (
        AuthService,
        EnrolledMethod,
        RecoverySheet,
        Session,
        SignInResult,
        TotpEnrollment,
    )
from desktop_auth.errors import DesktopAuthError, ReauthenticationRequiredError
from desktop_auth.gui.enrollment_panel import AppEnrollmentPanel
from desktop_auth.gui.recovery_panel import RecoveryCodesPanel
from desktop_auth.gui.security_key import KeyPromptBridge, answer_with_key
from desktop_auth.gui.widgets import BusyBar, CodeField, ErrorLabel, PasswordField, paragraph
from desktop_auth.gui.workers import TaskRunner
from desktop_auth.vocabulary import FactorKind


class _Dialog(QDialog):
    """Runner, busy bar, relabel on language change; Esc cancels work first, then closes."""

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.runner = TaskRunner(self)
        self.busy = BusyBar(self.runner)

    def retranslate(self) -> None:
        raise NotImplementedError

    def reject(self) -> None:
        if self.runner.busy:
            self.runner.cancel()
            return
        super().reject()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class ReauthDialog(_Dialog):
    """S1: a fresh sign-in (password and code) before a sensitive change."""

    reauthenticated = Signal(object)
    # ``for_setup``: the password was right and two-step sign-in is to be set up: the
    # SETUP_REQUIRED result, whose ticket the setup wizard takes.
    setup_ticket = Signal(object)

    def __init__(
        self,
        service: AuthService,
        email: str,
        parent: QWidget | None = None,
        *,
        for_setup: bool = False,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.email = email
        # Asked before the setup wizard (the home screen's reminder): the password only.
        self.for_setup = for_setup
        self.ticket = ""
        # The account's strongest method is a security key: the second step is a touch.
        self.use_key = False
        self.prompts = KeyPromptBridge(self)
        self.intro = paragraph()
        self.password_label = QLabel()
        self.password = PasswordField()
        self.password_label.setBuddy(self.password.edit)
        self.code_label = QLabel()
        self.code = CodeField()
        self.code_label.setBuddy(self.code)
        self.code.setEnabled(False)
        self.error = ErrorLabel()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        self.password.return_pressed.connect(self.submit)
        self.code.code_complete.connect(lambda _digits: self.submit())
        form = QFormLayout()
        form.addRow(self.password_label, self.password)
        form.addRow(self.code_label, self.code)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.busy)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)
        self.retranslate()

    def submit(self) -> None:
        if self.runner.busy:
            return
        self.error.clear_error()
        service, email = self.service, self.email
        if not self.ticket:
            password = self.password.text()
            self.runner.start(
                lambda: service.sign_in.with_password(email, password), self._answered, self._failed
            )
        elif self.use_key:
            ticket, prompts = self.ticket, self.prompts
            prompts.start()
            self.error.show_text(self.tr("Touch your security key now."))
            self.runner.start(
                lambda: answer_with_key(service, prompts, ticket), self._answered, self._failed
            )
        else:
            ticket, code = self.ticket, self.code.text()
            self.runner.start(
                lambda: service.sign_in.with_second_factor(ticket, FactorKind.TOTP, code),
                self._answered,
                self._failed,
            )

    def _answered(self, result: SignInResult) -> None:
        from desktop_auth.core.service import SignInOutcome  # on first use: the window paints first

        if result.outcome is SignInOutcome.SECOND_FACTOR_REQUIRED and result.ticket:
            self.ticket = result.ticket
            self.password.setEnabled(False)
            self.use_key = bool(result.methods) and result.methods[0].kind == FactorKind.WEBAUTHN
            if self.use_key:
                self.submit()  # ask the key at once, as the sign-in window does
                return
            self.code.setEnabled(True)
            self.code.setFocus()
        elif result.outcome is SignInOutcome.DONE and result.session is not None:
            self.reauthenticated.emit(result.session)
            self.accept()
        elif self.for_setup and result.outcome is SignInOutcome.SETUP_REQUIRED and result.ticket:
            self.setup_ticket.emit(result)
            self.accept()
        else:
            self.error.show_text(self.tr("Signing in again did not work. Try again later."))

    def _failed(self, error: DesktopAuthError) -> None:
        self.error.show_error(error)
        if self.use_key:
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setFocus()
        elif self.ticket:
            self.code.reset()
            self.code.setFocus()
        else:
            self.password.clear()
            self.password.setFocus()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Sign in again"))
        self.intro.setText(
            self.tr("To set up two-step sign-in, first confirm it is you with your password.")
            if self.for_setup
            else self.tr(
                "For this change, confirm it is you: your password, then a code from your app."
            )
        )
        self.code_label.setVisible(not self.for_setup)
        self.code.setVisible(not self.for_setup)
        self.password_label.setText(self.tr("&Password:"))
        self.password.set_accessible_name(self.tr("Password"))
        self.code_label.setText(self.tr("&Code:"))
        self.code.setAccessibleName(self.tr("Six-digit code"))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Continue"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))


def sign_in_again_or_show(
    error: DesktopAuthError,
    *,
    service: AuthService,
    email: str,
    parent: QWidget,
    retry: Callable[[Session], None],
    shown: ErrorLabel,
) -> None:
    """A sensitive change's refusal: when the core wants a fresh sign-in (S1), ask for it
    and ``retry`` with the new session; any other refusal is shown where it belongs."""
    if isinstance(error, ReauthenticationRequiredError):
        dialog = ReauthDialog(service, email, parent)
        dialog.reauthenticated.connect(retry)
        dialog.open()
    else:
        shown.show_error(error)


class AddAppDialog(_Dialog):
    """Another authenticator app beside the first (a tablet, a new phone)."""

    added = Signal(object)
    enrollment_shown = Signal(str)
    # A fresh sign-in was needed to begin (binding asks for one, M7): the new session.
    session_changed = Signal(object)

    def __init__(self, service: AuthService, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.service = service
        self.session = session
        self.enrollment: TotpEnrollment | None = None
        self.nickname_label = QLabel()
        self.nickname = QLineEdit()
        self.nickname.setMaxLength(60)
        self.nickname_label.setBuddy(self.nickname)
        self.start_button = QPushButton()
        self.start_button.clicked.connect(self.begin)
        self.nickname.returnPressed.connect(self.begin)
        self.panel = AppEnrollmentPanel()
        self.panel.setEnabled(False)
        self.panel.code_entered.connect(self.finish)
        self.error = ErrorLabel()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.nickname_label, self.nickname)
        form.addRow("", self.start_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.panel)
        layout.addWidget(self.error)
        layout.addWidget(self.busy)
        layout.addWidget(self.buttons)
        self.retranslate()

    def begin(self) -> None:
        service, session, label = self.service, self.session, self.nickname.text()
        self.error.clear_error()
        self.runner.start(
            lambda: service.authenticator_apps.begin_add(session, label),
            self._begun,
            lambda error: sign_in_again_or_show(
                error,
                service=service,
                email=session.email,
                parent=self,
                retry=self._signed_in_again,
                shown=self.error,
            ),
        )

    def _signed_in_again(self, session: Session) -> None:
        self.session = session
        self.session_changed.emit(session)
        self.begin()

    def _begun(self, enrollment: TotpEnrollment) -> None:
        self.enrollment = enrollment
        self.nickname.setEnabled(False)
        self.start_button.setEnabled(False)
        self.panel.setEnabled(True)
        self.panel.show_enrollment(enrollment)
        self.panel.setFocus()
        self.enrollment_shown.emit(enrollment.uri)

    def finish(self, code: str) -> None:
        if self.enrollment is None:
            return
        service, session, number = self.service, self.session, self.enrollment.enrollment_id
        self.runner.start(
            lambda: service.authenticator_apps.finish_add(session, number, code),
            self._finished,
            self.panel.show_error,
        )

    def _finished(self, method: EnrolledMethod) -> None:
        self.panel.mark_done()
        self.added.emit(method)
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setFocus()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Add an authenticator app"))
        self.nickname_label.setText(self.tr("Na&me, so you recognise it later:"))
        self.nickname.setAccessibleName(self.tr("Name of this method"))
        if not self.nickname.text():
            self.nickname.setText(self.tr("Tablet"))
        self.start_button.setText(self.tr("Show &QR code"))
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Close"))


class RecoveryCodesDialog(_Dialog):
    """A new batch of codes, shown once; closing needs them stored."""

    def __init__(self, sheet: RecoverySheet, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.panel = RecoveryCodesPanel()
        self.panel.set_sheet(sheet)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        self.close_button = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        self.close_button.setEnabled(False)
        self.panel.confirmed_changed.connect(self.close_button.setEnabled)
        layout = QVBoxLayout(self)
        layout.addWidget(self.panel)
        layout.addWidget(self.buttons)
        self.retranslate()

    def reject(self) -> None:
        if not self.panel.confirmed:
            return  # the old sheet already stopped working: these must be kept
        self.panel.clear()
        super().reject()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Your new recovery codes"))
        self.close_button.setText(self.tr("Close"))
