"""The sign-in window's first step: e-mail address and password.

The page is on screen before the store has opened, so typing can start at once
(issue 20); a sign-in sent before then waits for the store's answer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from desktop_auth.core.service import AuthService, SignInResult
from desktop_auth.errors import DesktopAuthError
from desktop_auth.gui.i18n import clock_time, local_time
from desktop_auth.gui.security_key import KeyPromptBridge, sign_in_without_password
from desktop_auth.gui.widgets import ErrorLabel, PasswordField, Screen, heading, paragraph


class SignInPage(Screen):
    """``signed_in(result)`` carries every outcome the next screen deals with."""

    signed_in = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service: AuthService | None = None
        # A sign-in asked for before the store has opened: what ends its wait.
        self._store_waited: Callable[[], None] | None = None
        # The busy bar says what it waits for while that is the store (``_after_store``).
        self.runner.busy_changed.connect(self._busy_ended)
        self.title = heading()
        self.intro = paragraph()
        self.demo_hint = paragraph()
        self.demo_hint.hide()
        self.email = QLineEdit()
        self.email.setInputMethodHints(self.email.inputMethodHints())
        self.password = PasswordField()
        self.email_label = QLabel()
        self.email_label.setBuddy(self.email)
        self.password_label = QLabel()
        self.password_label.setBuddy(self.password.edit)
        self.error = ErrorLabel()
        # Why the window came back here (signed out when idle, a sign-in that took too
        # long): news, not a mistake of whoever reads it, so not in error red (issue 19).
        self.notice = paragraph()
        self.notice.setObjectName("notice")
        self.notice.hide()
        self.sign_in_button = QPushButton()
        self.sign_in_button.setDefault(True)
        self.sign_in_button.clicked.connect(self.submit)
        self.key_button = QPushButton()
        self.key_button.clicked.connect(self.sign_in_with_key)
        self.key_status = QLabel()
        self.key_status.setWordWrap(True)
        # A passwordless sign-in's refusal, under its own button (not under the password).
        self.key_error = ErrorLabel()
        self.prompts = KeyPromptBridge(self)
        self.prompts.touch_requested.connect(
            lambda: self.key_status.setText(self.tr("Touch your security key now."))
        )
        self.prompts.verification_requested.connect(
            lambda: self.key_status.setText(self.tr("Confirm it is you: PIN, fingerprint or face."))
        )
        self.email.returnPressed.connect(self._email_entered)
        self.password.return_pressed.connect(self.submit)

        form = QFormLayout()
        form.addRow(self.email_label, self.email)
        form.addRow(self.password_label, self.password)
        form.addRow("", self.error)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.intro)
        layout.addWidget(self.notice)
        layout.addSpacing(8)
        layout.addLayout(form)
        layout.addWidget(self.sign_in_button)
        layout.addSpacing(12)
        layout.addWidget(self.key_button)
        layout.addWidget(self.key_status)
        layout.addWidget(self.key_error)
        layout.addWidget(self.busy)
        layout.addStretch(1)
        layout.addWidget(self.demo_hint)
        self.setTabOrder(self.email, self.password.edit)
        self.setTabOrder(self.password.edit, self.password.toggle)
        self.setTabOrder(self.password.toggle, self.sign_in_button)
        self.setTabOrder(self.sign_in_button, self.key_button)
        self.retranslate()

    def inputs(self) -> list[QWidget]:
        return [self.email, self.password, self.sign_in_button, self.key_button]

    def reset(self, message: str = "") -> None:
        """Back to the start of a sign-in; the e-mail address stays, the password goes.
        ``message`` says why the window came back here, until the next try."""
        self.runner.cancel()
        self.prompts.stop()
        self.key_status.clear()
        self.password.clear()
        self.error.clear_error()
        self.key_error.clear_error()
        self._show_notice(message)
        (self.password if self.email.text() else self.email).setFocus()

    def _show_notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setVisible(bool(text))
        self.notice.setAccessibleName(text)

    def set_demo_hint(self, text: str) -> None:
        self.demo_hint.setText(text)
        self.demo_hint.setVisible(bool(text))

    def _email_entered(self) -> None:
        if self.password.text():
            self.submit()
        else:
            self.password.setFocus()

    def _busy_ended(self, busy: bool) -> None:
        if not busy:
            self.busy.retranslate()

    def store_answered(self, service: AuthService | None) -> None:
        """The store is open (``service``), or could not be opened or set up (None): a
        sign-in waiting for it goes ahead, or is dropped with its password."""
        self.service = service
        if service is None:
            self.password.clear()  # not sent: the window says why the store is not open
        finish, self._store_waited = self._store_waited, None
        if finish is not None:
            finish()

    def _after_store(self, then: Callable[[], None]) -> None:
        """``then`` once the store is open, busy (and cancellable) until it has answered;
        no thread waits for it."""

        def go_on() -> None:
            if self.service is not None:
                then()

        self._store_waited = self.runner.wait(go_on)
        self.busy.label.setText(self.tr("Opening the sign-in database…"))

    def submit(self) -> None:
        if self.runner.busy:
            return
        email, password = self.email.text().strip(), self.password.text()
        if not email or not password:
            self.error.show_text(self.tr("Enter your e-mail address and your password."))
            (self.email if not email else self.password).setFocus()
            return
        self.error.clear_error()
        self._show_notice("")
        service = self.service
        if service is None:
            self._after_store(self.submit)
            return
        self.runner.start(
            lambda: service.sign_in.with_password(email, password), self._answered, self._failed
        )

    def sign_in_with_key(self) -> None:
        """Passwordless: a discoverable credential with user verification, no e-mail typed."""
        if self.runner.busy:
            return
        if self.service is None:
            self._after_store(self.sign_in_with_key)
            return
        self.error.clear_error()
        self.key_error.clear_error()
        self._show_notice("")
        self.prompts.start()
        self.key_status.setText(self.tr("Preparing your security key…"))
        service, prompts = self.service, self.prompts
        self.runner.start(
            lambda: sign_in_without_password(service, prompts), self._answered, self._key_failed
        )

    def _key_failed(self, error: DesktopAuthError) -> None:
        """Shown where the person looked (the key's button), focus left there: the
        password field was never part of it."""
        self.key_status.clear()
        self.key_error.show_error(error)
        self.key_button.setFocus()

    def _answered(self, result: SignInResult) -> None:
        from desktop_auth.core.service import SignInOutcome  # on first use: the window paints first

        self.key_status.clear()
        self.password.clear()
        seconds = result.retry_in_seconds
        if result.outcome is SignInOutcome.THROTTLED and seconds is not None and seconds < 120:
            self.error.show_text(
                self.tr("Too many attempts. Try again in %n seconds.", "", seconds)
            )
        elif result.outcome is SignInOutcome.THROTTLED:
            self.error.show_text(
                self.tr("Too many attempts. Try again after %1.").replace(
                    "%1", clock_time(result.retry_at) if result.retry_at else "—"
                )
            )
        elif result.outcome is SignInOutcome.LOCKED and result.retry_at is None:
            self.error.show_text(
                self.tr(
                    "Too many attempts: this account is locked until the helpdesk unlocks it. "
                    "Call the helpdesk; they will check it is you first."
                )
            )
        elif result.outcome is SignInOutcome.LOCKED:
            self.error.show_text(
                self.tr(
                    "Too many attempts: this account is locked until %1. "
                    "The helpdesk can unlock it sooner."
                ).replace("%1", local_time(result.retry_at))
            )
        elif result.outcome is SignInOutcome.DISABLED:
            self.error.show_text(
                self.tr("This account is switched off. Ask the helpdesk for help.")
            )
        elif result.outcome is SignInOutcome.TEMPORARY_PASSWORD_EXPIRED:
            self.error.show_text(
                self.tr("Your temporary password has expired. Ask the helpdesk for a new one.")
            )
        else:
            self.signed_in.emit(result)
            return
        self.password.setFocus()

    def _failed(self, error: DesktopAuthError) -> None:
        self.key_status.clear()
        self.key_error.clear_error()
        self.error.show_error(error)
        self.password.clear()
        self.password.setFocus()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Sign in"))
        self.intro.setText(
            self.tr("Sign in with the e-mail address and password you always use at work.")
        )
        self.email_label.setText(self.tr("&E-mail address:"))
        self.password_label.setText(self.tr("&Password:"))
        self.email.setAccessibleName(self.tr("E-mail address"))
        self.email.setPlaceholderText(self.tr("name@example.com"))
        self.password.set_accessible_name(self.tr("Password"))
        self.sign_in_button.setText(self.tr("Sign in"))
        self.key_button.setText(self.tr("Sign in with security key or fingerprint"))
        self.key_button.setAccessibleName(self.tr("Sign in with security key or fingerprint"))
