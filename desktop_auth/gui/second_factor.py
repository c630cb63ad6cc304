"""The sign-in window's second step: a code, or "Use another method"."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from desktop_auth.core.service import AuthService, EnrolledMethod, SignInResult
from desktop_auth.errors import DesktopAuthError, SecondFactorLockedError, SignInExpiredError
from desktop_auth.gui.i18n import error_text
from desktop_auth.gui.security_key import KeyPromptBridge, answer_with_key
from desktop_auth.gui.widgets import CodeField, ErrorLabel, Screen, heading, monospace, paragraph
from desktop_auth.vocabulary import FactorKind

# What a person can answer with, in the order "Use another method" offers them.
KINDS = tuple(FactorKind)
# The methods a person keeps using; the others are ways back in.
EVERYDAY = (FactorKind.WEBAUTHN, FactorKind.TOTP)


class SecondFactorPage(Screen):
    """``signed_in(result)`` on a right answer; ``cancelled(message)`` back to the start."""

    signed_in = Signal(object)
    cancelled = Signal(str)

    def __init__(self, service: AuthService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.ticket = ""
        self.kind = FactorKind.TOTP
        # The second step refused more codes (too many wrong ones): the field is off
        # until another method is chosen, where it stayed open to typing (issue 19).
        self.locked = False
        self.title = heading()
        # Shown when every everyday method is gone (removed by the helpdesk, or by the
        # user): what happened, instead of asking for a code of an app that is no more.
        self.removed_note = paragraph()
        self.removed_note.hide()
        self.explanation = paragraph()
        self.code = CodeField()
        self.code.code_complete.connect(lambda _digits: self.submit())
        self.code.returnPressed.connect(self.submit)
        self.lookup = QLineEdit()
        self.lookup.setFont(monospace(1.3))
        self.lookup.setMaxLength(40)
        self.lookup.returnPressed.connect(self.submit)
        self.key_status = QLabel()
        self.key_status.setWordWrap(True)
        self.prompts = KeyPromptBridge(self)
        self.prompts.touch_requested.connect(self._touch_now)
        self.prompts.verification_requested.connect(self._verify_now)
        self.fields = QStackedWidget()
        self.fields.addWidget(self.code)
        self.fields.addWidget(self.lookup)
        self.fields.addWidget(self.key_status)
        self.fields.setMaximumHeight(self.code.sizeHint().height() + 12)
        self.error = ErrorLabel()
        self.continue_button = QPushButton()
        self.continue_button.clicked.connect(self.submit)
        self.other_button = QPushButton()
        self.other_button.setFlat(True)
        # It reads as a link and shows where the focus is: flat text alone read as a label.
        self.other_button.setObjectName("link")
        self.other_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.other_button.setStyleSheet(
            "QPushButton#link { color: palette(link); text-decoration: underline; border: none;"
            " padding: 2px 4px; text-align: left; }"
            "QPushButton#link:focus { border: 1px dashed palette(link); }"
        )
        self.other_button.clicked.connect(self.show_choices)
        self.cancel_button = QPushButton()
        self.cancel_button.clicked.connect(self._back)
        # Escape goes back to the password, as the Back button does.
        self.back_shortcut = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        self.back_shortcut.activated.connect(self._back)

        self.choices = QWidget()
        self.choice_title = QLabel()
        self.choice_buttons = {kind: QPushButton() for kind in KINDS}
        choice_layout = QVBoxLayout(self.choices)
        choice_layout.setContentsMargins(0, 0, 0, 0)
        choice_layout.addWidget(self.choice_title)
        for kind, button in self.choice_buttons.items():
            button.clicked.connect(lambda _checked=False, k=kind: self.use(k))
            choice_layout.addWidget(button)
        self.choices.hide()

        buttons = QHBoxLayout()
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        buttons.addWidget(self.continue_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.removed_note)
        layout.addWidget(self.explanation)
        layout.addWidget(self.fields)
        layout.addWidget(self.error)
        layout.addWidget(self.busy)
        layout.addLayout(buttons)
        layout.addWidget(self.other_button)
        layout.addWidget(self.choices)
        layout.addStretch(1)
        self.retranslate()

    def inputs(self) -> list[QWidget]:
        fields: list[QWidget] = [] if self.locked else [self.code, self.lookup]
        return [*fields, self.continue_button, self.other_button, self.choices]

    def _lock_fields(self, locked: bool) -> None:
        self.locked = locked
        for field in (self.code, self.lookup):
            field.setEnabled(not locked)

    def start(self, ticket: str, methods: tuple[EnrolledMethod, ...]) -> None:
        """A new second step; offer the strongest method the user has."""
        self.ticket = ticket
        kinds = [m.kind for m in methods if m.kind in KINDS]
        everyday = [kind for kind in kinds if kind in EVERYDAY]
        self.choice_buttons[FactorKind.WEBAUTHN].setVisible(FactorKind.WEBAUTHN in kinds)
        self.choice_buttons[FactorKind.TOTP].setVisible(FactorKind.TOTP in kinds)
        self.removed_note.setVisible(not everyday)
        if everyday:
            self.use(everyday[0])
            return
        # No app and no key any more (recovery codes are no method the list names): the
        # helpdesk's backup code when one was issued, else a recovery code.
        self.use(FactorKind.BACKUP if FactorKind.BACKUP in kinds else FactorKind.RECOVERY)
        self.choices.show()

    def use(self, kind: FactorKind) -> None:
        self.kind = kind
        self._lock_fields(False)
        self.choices.hide()
        self.error.clear_error()
        self.code.reset()
        self.lookup.clear()
        if kind == FactorKind.WEBAUTHN:
            self.fields.setCurrentWidget(self.key_status)
            self.continue_button.setVisible(True)
            self.retranslate()
            self.continue_button.setFocus()
            self.submit()  # ask the key at once: one touch is all it takes
            return
        field = self.code if kind == FactorKind.TOTP else self.lookup
        self.fields.setCurrentWidget(field)
        self.continue_button.setVisible(kind != FactorKind.TOTP)
        self.retranslate()
        field.setFocus()

    def show_choices(self) -> None:
        self.choices.setVisible(not self.choices.isVisible())
        if self.choices.isVisible():
            self.choice_buttons[FactorKind.TOTP].setFocus()

    def submit(self) -> None:
        if self.runner.busy or not self.ticket:
            return
        if self.kind == FactorKind.WEBAUTHN:
            self.error.clear_error()
            self.prompts.start()
            self.key_status.setText(self.tr("Preparing your security key…"))
            service, ticket, prompts = self.service, self.ticket, self.prompts
            self.runner.start(
                lambda: answer_with_key(service, prompts, ticket), self._answered, self._failed
            )
            return
        field = self.code if self.kind == FactorKind.TOTP else self.lookup
        response = field.text().strip()
        if not response:
            field.setFocus()
            return
        self.error.clear_error()
        service, ticket, kind = self.service, self.ticket, self.kind
        self.runner.start(
            lambda: service.sign_in.with_second_factor(ticket, kind, response),
            self._answered,
            self._failed,
        )

    def _answered(self, result: SignInResult) -> None:
        self.ticket = ""
        self.signed_in.emit(result)

    def _back(self) -> None:
        self.prompts.stop()
        self.runner.cancel()
        self.cancelled.emit("")

    def _touch_now(self) -> None:
        self.key_status.setText(
            self.tr("Touch your security key now (it blinks), or use Windows Hello.")
        )

    def _verify_now(self) -> None:
        self.key_status.setText(self.tr("Confirm it is you: PIN, fingerprint or face."))

    def _failed(self, error: DesktopAuthError) -> None:
        if isinstance(error, SignInExpiredError):
            self.cancelled.emit(error_text(error))
            return
        self.error.show_error(error)
        if isinstance(error, SecondFactorLockedError) and self.kind != FactorKind.WEBAUTHN:
            self._lock_fields(True)  # the message says what to use instead
            self.other_button.setFocus()
            return
        if self.kind == FactorKind.WEBAUTHN:
            self.key_status.setText(self.tr("Try again, or use another method."))
            self.continue_button.setFocus()
            return
        field = self.code if self.kind == FactorKind.TOTP else self.lookup
        if self.kind == FactorKind.TOTP:
            self.code.reset()
        else:
            field.selectAll()
        field.setFocus()

    def retranslate(self) -> None:
        titles = {
            FactorKind.WEBAUTHN: self.tr("Confirm with your security key"),
            FactorKind.TOTP: self.tr("Enter the code from your authenticator app"),
            FactorKind.RECOVERY: self.tr("Enter one of your recovery codes"),
            FactorKind.BACKUP: self.tr("Enter the backup code from the helpdesk"),
        }
        explanations = {
            FactorKind.WEBAUTHN: self.tr(
                "Insert your security key or hold it to the reader, then touch it when it "
                "blinks. On this computer Windows Hello may ask for your face or fingerprint."
            ),
            FactorKind.TOTP: self.tr(
                "Open the authenticator app on your phone and type the six-digit code it shows "
                "for this account. A new code appears every 30 seconds."
            ),
            FactorKind.RECOVERY: self.tr(
                "Take a code from the recovery sheet you printed or saved when you set up "
                "two-step sign-in. Each code works once; afterwards you set up your app again."
            ),
            FactorKind.BACKUP: self.tr(
                "The helpdesk gave you a one-time backup code. After signing in with it you set "
                "up two-step sign-in again."
            ),
        }
        self.title.setText(titles[self.kind])
        self.removed_note.setText(
            self.tr(
                "Your authenticator app and security keys have been removed from your account "
                "(by the helpdesk, or in your settings). Sign in with one of your recovery codes, "
                "or ask the helpdesk for a backup code; then you set up a new one."
            )
        )
        self.explanation.setText(explanations[self.kind])
        self.code.setAccessibleName(self.tr("Six-digit code"))
        self.lookup.setAccessibleName(
            self.tr("Recovery code") if self.kind == FactorKind.RECOVERY else self.tr("Backup code")
        )
        self.continue_button.setText(
            self.tr("Use my security key")
            if self.kind == FactorKind.WEBAUTHN
            else self.tr("Continue")
        )
        self.cancel_button.setText(self.tr("Back"))
        self.other_button.setText(self.tr("Use another method"))
        # What to type, not an example that looks like a code already typed in.
        self.code.setPlaceholderText(self.tr("6 digits"))
        self.lookup.setPlaceholderText(self.tr("The code, as on the sheet or slip"))
        self.choice_title.setText(self.tr("Sign in with:"))
        self.choice_buttons[FactorKind.WEBAUTHN].setText(
            self.tr("My security key or Windows Hello")
        )
        self.choice_buttons[FactorKind.TOTP].setText(self.tr("A code from my authenticator app"))
        self.choice_buttons[FactorKind.RECOVERY].setText(self.tr("A recovery code"))
        self.choice_buttons[FactorKind.BACKUP].setText(self.tr("A backup code from the helpdesk"))
