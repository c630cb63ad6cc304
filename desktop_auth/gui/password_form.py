"""Choosing a new password: twice, with a live strength meter and a passphrase suggestion."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QPushButton, QWidget

if TYPE_CHECKING:
    from desktop_auth.core.service import AuthService, Passphrase
from desktop_auth.gui.colours import Tone, ToneLabel
from desktop_auth.gui.i18n import current_language
from desktop_auth.gui.widgets import PasswordField, StrengthMeter
from desktop_auth.gui.workers import TaskRunner


class NewPasswordForm(QWidget):
    """``ready_changed(bool)``: both fields agree and the policy accepts the password."""

    ready_changed = Signal(bool)
    submitted = Signal()

    def __init__(self, service: AuthService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.runner = TaskRunner(self)
        self.password = PasswordField()
        self.repeat = PasswordField()
        self.meter = StrengthMeter(service)
        self.mismatch = ToneLabel(Tone.ERROR)
        self.mismatch.hide()
        self.suggest_button = QPushButton()
        self.suggest_button.clicked.connect(self.suggest)
        self.suggestion = QLabel()
        self.suggestion.setWordWrap(True)
        # To copy, or to select and read letter by letter (it could not be selected).
        self.suggestion.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.password_label = QLabel()
        self.repeat_label = QLabel()
        self.password_label.setBuddy(self.password.edit)
        self.repeat_label.setBuddy(self.repeat.edit)
        suggest_row = QHBoxLayout()
        suggest_row.addWidget(self.suggest_button)
        suggest_row.addWidget(self.suggestion, 1)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(self.password_label, self.password)
        form.addRow("", self.meter)
        form.addRow(self.repeat_label, self.repeat)
        form.addRow("", self.mismatch)
        form.addRow("", suggest_row)
        self.password.text_changed.connect(self._password_changed)
        self.repeat.text_changed.connect(lambda _text: self._update())
        self.meter.verdict_changed.connect(lambda _ok: self._update())
        self.password.return_pressed.connect(self.repeat.setFocus)
        self.repeat.return_pressed.connect(self._enter)
        self.setTabOrder(self.password.edit, self.password.toggle)
        self.setTabOrder(self.password.toggle, self.repeat.edit)
        self.setTabOrder(self.repeat.edit, self.repeat.toggle)
        self.setTabOrder(self.repeat.toggle, self.suggest_button)
        self._ready = False
        self.retranslate()

    def set_email(self, email: str) -> None:
        self.meter.email = email
        if self.password.text():
            self.meter.set_password(self.password.text())

    def text(self) -> str:
        return self.password.text()

    @property
    def ready(self) -> bool:
        return self._ready

    def clear(self) -> None:
        self.password.clear()
        self.repeat.clear()
        self.suggestion.clear()

    def _password_changed(self, text: str) -> None:
        self.meter.set_password(text)
        self._update()

    def _update(self) -> None:
        first, second = self.password.text(), self.repeat.text()
        # Said once the repeat can no longer become the password, not while it is still
        # being typed ("Not the same" after its first letter; issue 19).
        differ = bool(second) and not first.startswith(second)
        self.mismatch.setVisible(differ)
        ready = self.meter.acceptable and bool(first) and first == second
        if ready != self._ready:
            self._ready = ready
            self.ready_changed.emit(ready)

    def _enter(self) -> None:
        if self._ready:
            self.submitted.emit()

    def suggest(self) -> None:
        language, service, email = current_language(), self.service, self.meter.email
        self.runner.start(
            lambda: service.sign_in.suggest_passphrase(language, email),
            self._suggested,
            lambda _e: None,
        )

    def _suggested(self, passphrase: Passphrase) -> None:
        # Shown, not typed in for the user: writing it down or remembering it is their choice.
        self.suggestion.setText(passphrase.text)
        self.suggestion.setAccessibleName(self.tr("Suggested passphrase"))

    def retranslate(self) -> None:
        self.password_label.setText(self.tr("&New password:"))
        self.repeat_label.setText(self.tr("Repea&t:"))
        self.password.set_accessible_name(self.tr("New password"))
        self.repeat.set_accessible_name(self.tr("Repeat the new password"))
        self.mismatch.setText(self.tr("The two passwords are not the same."))
        self.suggest_button.setText(self.tr("Su&ggest a passphrase"))
        self.suggest_button.setToolTip(
            self.tr("A few random words are long, strong and easy to remember.")
        )

    @property
    def labels(self) -> list[QLabel]:
        """Its own labels, to line up with the fields of the page around it."""
        return [self.password_label, self.repeat_label]

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
