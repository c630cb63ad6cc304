"""Showing new recovery codes once: print, save as PDF or text, copy; then confirm."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from desktop_auth.core.service import RecoverySheet
from desktop_auth.gui import recovery_sheet
from desktop_auth.gui.i18n import current_language
from desktop_auth.gui.widgets import monospace, paragraph


def _squeeze(code: str) -> str:
    return re.sub(r"[\s\-]", "", code).upper()


class RecoveryCodesPanel(QWidget):
    """``confirmed_changed(bool)``: the box is ticked or one code was typed back right."""

    confirmed_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sheet: RecoverySheet | None = None
        self.print_dialog: QWidget | None = None
        self.intro = paragraph()
        self.codes = QLabel()
        self.codes.setFont(monospace(1.15))
        self.codes.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.codes.setStyleSheet("padding: 8px; border: 1px solid palette(mid);")
        self.print_button = QPushButton()
        self.pdf_button = QPushButton()
        self.text_button = QPushButton()
        self.copy_button = QPushButton()
        # Enter in the field below opened Print (issue 19): none of these is the dialog's
        # default: Enter there goes on with the wizard, or says the code is not right.
        for button in (self.print_button, self.pdf_button, self.text_button, self.copy_button):
            button.setAutoDefault(False)
        self.print_button.clicked.connect(self.print_sheet)
        self.pdf_button.clicked.connect(self.save_pdf)
        self.text_button.clicked.connect(self.save_text)
        self.copy_button.clicked.connect(self.copy)
        self.saved = QLabel()
        self.stored = QCheckBox()
        self.retype_label = QLabel()
        self.retype = QLineEdit()
        self.retype.setFont(monospace())
        self.retype_label.setBuddy(self.retype)
        self.stored.toggled.connect(lambda _on: self._update())
        self.retype.textChanged.connect(lambda _text: self._update())
        self.retype.returnPressed.connect(self._retype_entered)
        self._confirmed = False

        buttons = QGridLayout()
        buttons.addWidget(self.print_button, 0, 0)
        buttons.addWidget(self.pdf_button, 0, 1)
        buttons.addWidget(self.text_button, 1, 0)
        buttons.addWidget(self.copy_button, 1, 1)
        retype_row = QHBoxLayout()
        retype_row.addWidget(self.retype_label)
        retype_row.addWidget(self.retype, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.intro)
        layout.addWidget(self.codes)
        layout.addLayout(buttons)
        layout.addWidget(self.saved)
        layout.addWidget(self.stored)
        layout.addLayout(retype_row)
        self.retranslate()

    @property
    def confirmed(self) -> bool:
        return self._confirmed

    def set_sheet(self, sheet: RecoverySheet) -> None:
        self.sheet = sheet
        entries = sheet.numbered_codes()
        half = (len(entries) + 1) // 2
        rows = [
            f"{entries[i]:<26}{entries[i + half] if i + half < len(entries) else ''}"
            for i in range(half)
        ]
        self.codes.setText("\n".join(rows))
        self.stored.setChecked(False)
        self.retype.clear()
        self.saved.clear()
        self._update()

    def clear(self) -> None:
        """Forget the codes: they are shown once."""
        self.sheet = None
        self.codes.clear()

    def _update(self) -> None:
        typed = _squeeze(self.retype.text())
        retyped = bool(self.sheet and typed and any(_squeeze(c) == typed for c in self.sheet.codes))
        confirmed = self.stored.isChecked() or retyped
        if confirmed != self._confirmed:
            self._confirmed = confirmed
            self.confirmed_changed.emit(confirmed)

    def _retype_entered(self) -> None:
        """Enter after a typed code: a right one goes on (the wizard's default button); a
        wrong one is said, where Print opened."""
        if self.retype.text().strip() and not self.confirmed:
            self.saved.setText(
                self.tr("That is not one of the codes above. Check it and type it again.")
            )

    def _ask_path(self, title: str, suggested: str, pattern: str) -> Path | None:
        path, _filter = QFileDialog.getSaveFileName(
            self, title, str(Path.home() / suggested), pattern
        )
        return Path(path) if path else None

    def save_pdf(self) -> None:
        if self.sheet is None:
            return
        path = self._ask_path(
            self.tr("Save recovery codes as PDF"), self.tr("recovery-codes.pdf"), "PDF (*.pdf)"
        )
        if path is not None:
            recovery_sheet.save_pdf([(self.sheet, current_language())], path)
            self.saved.setText(self.tr("Saved: %1").replace("%1", str(path)))

    def save_text(self) -> None:
        if self.sheet is None:
            return
        path = self._ask_path(
            self.tr("Save recovery codes as a text file"),
            self.tr("recovery-codes.txt"),
            self.tr("Text files (*.txt)"),
        )
        if path is not None:
            recovery_sheet.save_text(self.sheet, path, current_language())
            self.saved.setText(self.tr("Saved: %1").replace("%1", str(path)))

    def print_sheet(self) -> None:
        if self.sheet is not None:
            self.print_dialog = recovery_sheet.print_sheet(
                [(self.sheet, current_language())],
                self,
                self._printed,
            )

    def _printed(self, printed: bool) -> None:
        self.saved.setText(
            self.tr("Sent to the printer.") if printed else self.tr("Could not print.")
        )

    def copy(self) -> None:
        if self.sheet is not None:
            recovery_sheet.copy_to_clipboard(self.sheet, current_language())
            self.saved.setText(
                self.tr("Copied. Paste them into your password manager, then clear the clipboard.")
            )

    def retranslate(self) -> None:
        self.intro.setText(
            self.tr(
                "Lost your phone? Then these codes are the only way to sign in. Each works once. "
                "Print them or save them somewhere safe, away from this computer. "
                "They are shown only now."
            )
        )
        self.codes.setAccessibleName(self.tr("Your recovery codes"))
        self.print_button.setText(self.tr("&Print…"))
        self.pdf_button.setText(self.tr("Save as P&DF…"))
        self.text_button.setText(self.tr("Save as &text file…"))
        self.copy_button.setText(self.tr("C&opy"))
        self.stored.setText(self.tr("&I have stored my recovery codes"))
        self.retype_label.setText(self.tr("Or type one &code to confirm:"))
        self.retype.setAccessibleName(self.tr("One recovery code, typed back"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
