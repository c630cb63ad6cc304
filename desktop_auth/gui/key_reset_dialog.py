"""Erase the security key plugged in (issue 18), asked twice: first the warning and a word
to type, then "unplug it and plug it back in" (a key allows a reset only in its first
seconds), then the key's own touch.  Only one key may be plugged in."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_auth.errors import DesktopAuthError
from desktop_auth.gui.colours import Tone, ToneLabel
from desktop_auth.gui.widgets import BusyBar, ErrorLabel, paragraph
from desktop_auth.gui.workers import Progress, TaskRunner

if TYPE_CHECKING:
    from desktop_auth.core.service import OwnSecurityKey


class KeyResetDialog(QDialog):
    """Accepted once the key is erased."""

    def __init__(
        self, open_key: Callable[[], OwnSecurityKey], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._open_key = open_key
        self._cancel = threading.Event()
        self.step = 1
        self.runner = TaskRunner(self)
        self.touch = Progress(self)
        self.touch.reported.connect(self._touch_asked)
        self.warning = ToneLabel(Tone.ERROR)
        self.warning.setWordWrap(True)
        self.instruction = paragraph()
        self.word_label = QLabel()
        self.word = QLineEdit()
        self.word_label.setBuddy(self.word)
        self.word.textChanged.connect(self._word_changed)
        self.next_button = QPushButton()
        self.next_button.clicked.connect(self.next_step)
        self.error = ErrorLabel()
        # Cancel tells the key (each attempt has a fresh switch); its "cancelled" comes back.
        busy = BusyBar(self.runner, cancel=lambda: self._cancel.set())
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.addButton(self.next_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.reject)
        layout = self.column = QVBoxLayout(self)
        layout.addWidget(self.warning)
        layout.addWidget(self.instruction)
        layout.addWidget(self.word_label)
        layout.addWidget(self.word)
        layout.addWidget(self.error)
        layout.addWidget(busy)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(480)
        self.retranslate()
        self._word_changed(self.word.text())

    def expected_word(self) -> str:
        return self.tr("reset").casefold()

    def _word_changed(self, text: str) -> None:
        if self.step == 1:
            self.next_button.setEnabled(text.strip().casefold() == self.expected_word())

    def next_step(self) -> None:
        if self.runner.busy:
            return
        if self.step == 1:
            if self.word.text().strip().casefold() != self.expected_word():
                return
            self.step = 2
            self.retranslate()
            # The instruction grew a line while the word's field went: lay out now, or
            # its last line is cut off until the next event (as a screenshot showed).
            self.column.activate()
            return
        self.error.clear_error()
        self._cancel = threading.Event()
        open_key, cancel, report = self._open_key, self._cancel, self.touch.report
        self.next_button.setEnabled(False)
        self.runner.start(
            lambda: open_key().reset(cancel=cancel, on_touch=lambda: report(True)),
            self._erased,
            self._failed,
        )

    def _touch_asked(self, _asked: object) -> None:
        self.instruction.setText(self.tr("Touch the key to confirm."))

    def _erased(self, _result: object) -> None:
        self.accept()

    def _failed(self, error: DesktopAuthError) -> None:
        self.retranslate()  # back to "unplug it and plug it back in": the usual way out
        self.error.show_error(error)
        self.next_button.setEnabled(True)

    def done(self, result: int) -> None:
        self._cancel.set()
        self.runner.cancel()
        super().done(result)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Erase the security key"))
        self.warning.setText(
            self.tr(
                "Erasing removes everything on the security key: its PIN, its fingerprints "
                "and every sign-in stored on it, for this organisation and for every other "
                "site. It cannot be undone. Accounts that use this key no longer accept it: "
                "remove it there and register it again. My recovery codes no longer open "
                "with it; the printed vault key still opens them."
            )
        )
        first = self.step == 1
        self.word_label.setVisible(first)
        self.word.setVisible(first)
        if first:
            self.instruction.setText(
                self.tr("Plug in only the key to erase. To go on, type %1 below.").replace(
                    "%1", self.expected_word()
                )
            )
            self.word_label.setText(self.tr("&Type the word:"))
            self.next_button.setText(self.tr("&Next"))
        else:
            self.instruction.setText(
                self.tr(
                    "Unplug the key and plug it back in, then choose Erase now at once: a key "
                    "allows erasing only in its first seconds. Then touch it."
                )
            )
            self.next_button.setText(self.tr("&Erase now"))
            self.next_button.setEnabled(not self.runner.busy)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
