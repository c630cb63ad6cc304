"""Widgets several screens share: password field, code field, strength meter, tables.

The pieces every screen is made of (heading, error line, busy bar, ``Screen``)
live in ``screen`` so the first window can paint without this module; they are
re-exported here for the screens that import them from one place.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QTableWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from desktop_auth.core.service import AuthService, PasswordAssessment
from desktop_auth.gui.colours import PALETTE_EVENTS, Tone, tone_colour
from desktop_auth.gui.i18n import message
from desktop_auth.gui.screen import BusyBar, ErrorLabel, Screen, heading, paragraph
from desktop_auth.gui.workers import TaskRunner

__all__ = [
    "BusyBar",
    "CodeField",
    "ErrorLabel",
    "PasswordField",
    "Screen",
    "StrengthMeter",
    "heading",
    "monospace",
    "paragraph",
    "read_only_table",
]

CODE_DIGITS = 6


def read_only_table(columns: int, *, single_selection: bool = True) -> QTableWidget:
    """A list of rows to read and pick from: whole rows, no editing, no row numbers."""
    table = QTableWidget(0, columns)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    if single_selection:
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def align_label_column(labels: list[QLabel]) -> None:
    """One label column for labels that sit in different form layouts (a page's own
    fields above a ``NewPasswordForm``): each as wide as the widest, in this language, so
    their fields start at one line (issue 19: they were misaligned)."""
    for label in labels:
        label.setMinimumWidth(0)
    widest = max(label.sizeHint().width() for label in labels)
    for label in labels:
        label.setMinimumWidth(widest)


def monospace(point_scale: float = 1.0) -> QFont:
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setPointSizeF(font.pointSizeF() * point_scale)
    return font


class PasswordField(QWidget):
    """A password line with a show/hide toggle; paste is allowed (SECURITY.md P6)."""

    return_pressed = Signal()
    text_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit()
        self.edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.edit.setMaxLength(1024)
        self.toggle = QToolButton()
        self.toggle.setCheckable(True)
        self.toggle.toggled.connect(self._toggled)
        self.edit.returnPressed.connect(self.return_pressed)
        self.edit.textChanged.connect(self.text_changed)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.toggle)
        self.setFocusProxy(self.edit)
        self.retranslate()

    def text(self) -> str:
        return self.edit.text()

    def setText(self, text: str) -> None:  # noqa: N802 - Qt's naming, like QLineEdit
        self.edit.setText(text)

    def clear(self) -> None:
        self.edit.clear()

    def set_accessible_name(self, name: str) -> None:
        self.edit.setAccessibleName(name)

    def _toggled(self, shown: bool) -> None:
        self.edit.setEchoMode(QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password)
        self.retranslate()

    def retranslate(self) -> None:
        shown = self.toggle.isChecked()
        self.toggle.setText(self.tr("Hide") if shown else self.tr("Show"))
        self.toggle.setAccessibleName(
            self.tr("Hide password") if shown else self.tr("Show password")
        )

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class CodeField(QLineEdit):
    """Six digits from an authenticator app; ``code_complete`` fires on the sixth digit."""

    code_complete = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMaxLength(9)  # "123 456" or "123-456", with room for a stray space
        self.setFont(monospace(1.6))
        # No example digits: "123 456" in grey read as a code already filled in (issue 19).
        self.setPlaceholderText(self.tr("6 digits"))
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)
        self.textChanged.connect(self._changed)
        self._sent = ""

    def digits(self) -> str:
        return re.sub(r"\D", "", self.text())

    def _changed(self, _text: str) -> None:
        digits = self.digits()
        if len(digits) == CODE_DIGITS and digits != self._sent:
            self._sent = digits
            self.code_complete.emit(digits)
        elif len(digits) < CODE_DIGITS:
            self._sent = ""

    def reset(self) -> None:
        self._sent = ""
        self.clear()


class StrengthMeter(QWidget):
    """A live verdict on a new password: a bar, a word, and the policy's reasons."""

    # Whether the password currently shown is acceptable.
    verdict_changed = Signal(bool)

    def __init__(self, service: AuthService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.email = ""
        self._password = ""
        self._assessment: PasswordAssessment | None = None
        self._min_length = 12
        self.runner = TaskRunner(self)
        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(150)
        self.debounce.timeout.connect(self._assess)
        self.bar = QProgressBar()
        self.bar.setRange(0, 4)
        self.bar.setTextVisible(False)
        self.bar.setMaximumHeight(10)
        self.word = QLabel()
        self.reasons = QLabel()
        self.reasons.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.bar, 1)
        top.addWidget(self.word)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.reasons)
        self.retranslate()

    @property
    def acceptable(self) -> bool:
        return self._assessment is not None and self._assessment.acceptable

    def set_password(self, password: str) -> None:
        self._password = password
        self._assessment = None
        self.verdict_changed.emit(False)
        self.debounce.start()

    def _assess(self) -> None:
        password, email, service = self._password, self.email, self.service

        def work() -> tuple[str, PasswordAssessment, int]:
            minimum = service.policy.current().passwords.min_length
            return password, service.sign_in.assess_password(password, email), minimum

        self.runner.start(work, self._assessed, lambda _error: None)

    def _assessed(self, result: tuple[str, PasswordAssessment, int]) -> None:
        password, assessment, minimum = result
        if password != self._password:
            return  # typed on meanwhile; the newer text is being assessed
        self._assessment, self._min_length = assessment, minimum
        self.retranslate()
        self.verdict_changed.emit(assessment.acceptable)

    def retranslate(self) -> None:
        words = [
            self.tr("Very weak"),
            self.tr("Weak"),
            self.tr("Fair"),
            self.tr("Strong"),
            self.tr("Very strong"),
        ]
        # A refused password is not "Fair" in red: it says what the red means.
        refused = self.tr("Not accepted")
        self.bar.setAccessibleName(self.tr("Password strength"))
        # As wide as the widest word, so the bar keeps its length while the word changes.
        metrics = self.word.fontMetrics()
        widest = max(metrics.horizontalAdvance(w) for w in [*words, refused])
        self.word.setFixedWidth(widest + metrics.averageCharWidth())
        assessment = self._assessment
        if assessment is None or not self._password:
            self.bar.setValue(0)
            self.word.setText("")
            self.reasons.setText("")
            return
        score = max(0, min(4, assessment.score))
        shown = min(score, 2) if assessment.problems else score
        self.bar.setValue(shown + 1 if shown < 4 else 4)
        self.word.setText(refused if assessment.problems else words[shown])
        self._colour_bar()
        lines = [
            message(problem.message_key, min_length=self._min_length)
            for problem in assessment.problems
        ]
        if not lines:
            lines = [self.tr("Good: this password can be used.")]
        self.reasons.setText("\n".join(f"• {line}" for line in lines))
        self.bar.setAccessibleDescription(self.word.text())

    def _colour_bar(self) -> None:
        if self._assessment is None:
            return  # an empty bar keeps the style's own look
        tone = Tone.ERROR if self._assessment.problems else Tone.SUCCESS
        colour = tone_colour(tone, self.palette()).name()
        sheet = f"QProgressBar::chunk {{ background: {colour}; }}"
        if self.bar.styleSheet() != sheet:  # a new sheet restyles the bar: only on a change
            self.bar.setStyleSheet(sheet)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        elif event.type() in PALETTE_EVENTS:
            self._colour_bar()
        super().changeEvent(event)


def confirm(parent: QWidget, title: str, text: str, then: Callable[[], None]) -> QMessageBox:
    """Ask before a change the user would notice; ``then()`` only on Yes (Qt's own button texts)."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    # Plain text: a question may quote what others wrote (a site's account name on a key),
    # which Qt would otherwise render as HTML if it looked like some.
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)

    def answered(button: int) -> None:
        if button == QMessageBox.StandardButton.Yes:
            then()

    box.finished.connect(answered)
    box.open()
    return box
