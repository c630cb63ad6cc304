"""Set (or change) the PIN of the security key plugged in, without leaving the window.

Most keys come without a PIN, and such a key cannot be registered until it has
one (issue 18).  The dialog first asks the key what it is (off the GUI thread),
shows its minimum length, and asks for the current PIN only when it has one.
The PIN goes to the key in a worker; it is never logged or shown.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_auth.errors import (
    DesktopAuthError,
    SecurityKeyPinBlockedError,
    SecurityKeyPinMismatchError,
    SecurityKeyPinTooShortError,
)
from desktop_auth.gui.widgets import BusyBar, ErrorLabel, paragraph
from desktop_auth.gui.workers import TaskRunner

if TYPE_CHECKING:
    from desktop_auth.core.service import AuthService, KeyInfo, OwnSecurityKey


def own_key_of(service: AuthService) -> Callable[[], OwnSecurityKey]:
    """The key a registration would use (the service's keys, or the workstation's when
    it signs in at a server); asked for in the worker, as it may ask the service."""
    return lambda: service.security_keys.client().own_key


def _pin_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setMaxLength(63)
    return field


class KeyPinRow(QWidget):
    """ "PIN of your security key: [····] [Open]": what the key's stored sign-ins and
    fingerprints are behind.  ``entered(pin)`` on Open or Enter; the dialog keeps the PIN
    only while it is open, as each of the key's answers needs a fresh token."""

    entered = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel()
        self.field = _pin_field()
        self.label.setBuddy(self.field)
        self.button = QPushButton()
        self.button.clicked.connect(self._entered)
        self.field.returnPressed.connect(self._entered)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.field, 1)
        layout.addWidget(self.button)
        self.retranslate()

    def _entered(self) -> None:
        if self.field.text():
            self.entered.emit(self.field.text())

    def retranslate(self) -> None:
        self.label.setText(self.tr("&PIN of your security key:"))
        self.button.setText(self.tr("&Open"))
        self.field.setAccessibleName(self.tr("PIN of your security key"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class SetPinDialog(QDialog):
    """New PIN twice (and the current one when the key has a PIN); accepted once set."""

    def __init__(
        self, open_key: Callable[[], OwnSecurityKey], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._open_key = open_key
        self.own_key: OwnSecurityKey | None = None
        self.info: KeyInfo | None = None
        self.runner = TaskRunner(self)
        self.busy = BusyBar(self.runner)
        self.intro = paragraph()
        self.current = _pin_field()
        self.new = _pin_field()
        self.repeat = _pin_field()
        self.current_label, self.new_label, self.repeat_label = QLabel(), QLabel(), QLabel()
        self.current_label.setBuddy(self.current)
        self.new_label.setBuddy(self.new)
        self.repeat_label.setBuddy(self.repeat)
        self.error = ErrorLabel()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.current_label, self.current)
        form.addRow(self.new_label, self.new)
        form.addRow(self.repeat_label, self.repeat)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.busy)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(440)
        self._show_fields(False)
        self.retranslate()
        self.runner.start(self._open, self._read, self._failed)

    def _open(self) -> KeyInfo:
        """In the worker: find the key and read it."""
        self.own_key = self._open_key()
        return self.own_key.info()

    def _show_fields(self, ready: bool) -> None:
        has_pin = bool(self.info and self.info.pin_set)
        for widget in (self.current_label, self.current):
            widget.setVisible(ready and has_pin)
        for widget in (self.new_label, self.new, self.repeat_label, self.repeat):
            widget.setVisible(ready)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ready)

    def _read(self, info: KeyInfo) -> None:
        self.info = info
        if info.pin_blocked:
            self.error.show_error(SecurityKeyPinBlockedError())
            return
        self._show_fields(True)
        self.retranslate()
        (self.current if info.pin_set else self.new).setFocus()

    def submit(self) -> None:
        info, key = self.info, self.own_key
        if self.runner.busy or info is None or key is None:
            return
        self.error.clear_error()
        new_pin, old_pin = self.new.text(), self.current.text()
        if not hmac.compare_digest(new_pin.encode(), self.repeat.text().encode()):
            self._failed(SecurityKeyPinMismatchError())
            return
        if len(new_pin) < info.min_pin_length:
            self._failed(SecurityKeyPinTooShortError(minimum=info.min_pin_length))
            return
        self.intro.setText(self.tr("Working with your security key… touch it if it blinks."))
        if info.pin_set:
            self.runner.start(lambda: key.change_pin(old_pin, new_pin), self._done, self._failed)
        else:
            self.runner.start(lambda: key.set_pin(new_pin), self._done, self._failed)

    def _done(self, info: KeyInfo) -> None:
        self.info = info
        self.accept()

    def _failed(self, error: DesktopAuthError) -> None:
        self.retranslate()
        self.error.show_error(error)
        self.new.clear()
        self.repeat.clear()
        self.current.clear()
        if self.new.isVisible():
            (self.current if self.current.isVisible() else self.new).setFocus()

    def reject(self) -> None:
        if self.runner.busy:
            self.runner.cancel()
        super().reject()

    def retranslate(self) -> None:
        info = self.info
        changing = bool(info and info.pin_set)
        self.setWindowTitle(
            self.tr("Change the PIN of your security key")
            if changing
            else self.tr("Set a PIN on your security key")
        )
        if info is None:
            self.intro.setText(self.tr("Reading your security key…"))
        else:
            text = self.tr(
                "The key asks for this PIN when you register it or sign in with it. "
                "At least %1 characters; digits, letters or both."
            ).replace("%1", str(info.min_pin_length))
            if info.needs_pin_change:
                text = self.tr("Your security key asks for a new PIN.") + " " + text
            self.intro.setText(text)
        self.current_label.setText(self.tr("&Current PIN:"))
        self.new_label.setText(self.tr("&New PIN:"))
        self.repeat_label.setText(self.tr("&Repeat new PIN:"))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            self.tr("Change PIN") if changing else self.tr("Set PIN")
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
