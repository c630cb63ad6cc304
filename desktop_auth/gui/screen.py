"""What every screen is made of: a heading, paragraphs, an error line, a busy bar, ``Screen``.

The first window paints with only this module (and Qt) loaded, so it stays
small.  It reads ``QtCore.Qt`` only inside functions: PySide6 builds that
namespace of enums on first access, 16 ms that need not come before the
first paint.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6 import QtCore
from PySide6.QtCore import QEvent, QSize
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

if TYPE_CHECKING:
    from PySide6.QtGui import QKeyEvent, QResizeEvent

from desktop_auth.errors import DesktopAuthError
from desktop_auth.gui.colours import Tone, ToneLabel
from desktop_auth.gui.i18n import error_text
from desktop_auth.gui.workers import TaskRunner


def heading(text: str = "") -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.35)
    font.setBold(True)
    label.setFont(font)
    label.setWordWrap(True)
    return label


def paragraph(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class ErrorLabel(ToneLabel):
    """A message in plain words beside the field it is about; hidden while there is none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Tone.ERROR, parent)
        self.setWordWrap(True)
        self.setObjectName("error")
        self.hide()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        # A form row does not ask a wrapping label its height for the width it got, so
        # the row took the height of a guessed narrow width: two lines became four, with
        # an empty line above and below (issue 19). Tell the height at the real width.
        hint = super().sizeHint()
        if self.wordWrap() and self.width() > hint.width():
            return QSize(hint.width(), self.heightForWidth(self.width()))
        return hint

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():
            self.updateGeometry()  # another width, another height: the row asks again

    def show_error(self, error: DesktopAuthError) -> None:
        self.show_text(error_text(error))

    def show_text(self, text: str) -> None:
        if text:  # set here, not at construction: the start page paints before Qt's enums load
            self.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setText(text)
        self.setVisible(bool(text))
        self.setAccessibleName(text)

    def clear_error(self) -> None:
        self.show_text("")


class BusyBar(QWidget):
    """An indeterminate bar with Cancel, shown while a screen's runner works."""

    def __init__(
        self,
        runner: TaskRunner,
        parent: QWidget | None = None,
        *,
        cancel: Callable[[], None] | None = None,
    ) -> None:
        """``cancel``: what Cancel does instead of dropping the job's answer; for work that
        can be told to stop (a security key), so its "cancelled" still comes back."""
        super().__init__(parent)
        self.runner = runner
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.bar.setTextVisible(False)
        self.bar.setMaximumHeight(8)
        self.cancel_button = QPushButton()
        self.cancel_button.clicked.connect(cancel or runner.cancel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar, 1)
        layout.addWidget(self.cancel_button)
        runner.busy_changed.connect(self.setVisible)
        self.setVisible(runner.busy)
        self.retranslate()

    def retranslate(self) -> None:
        self.label.setText(self.tr("One moment…"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.bar.setAccessibleName(self.tr("Working"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class Screen(QWidget):
    """One screen of the main window: runs its work in a runner, re-labels on language change.

    Subclasses build their widgets, then call ``retranslate()``; texts are set
    only there, so a language switch relabels everything in place.  (No ``tr``
    here: Qt takes a translation's context from the concrete class.)
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = TaskRunner(self)
        self.busy = BusyBar(self.runner)
        self.runner.busy_changed.connect(self._busy_changed)

    def _busy_changed(self, busy: bool) -> None:
        for widget in self.inputs():
            widget.setEnabled(not busy)

    def inputs(self) -> list[QWidget]:
        """What to disable while the runner works."""
        return []

    def retranslate(self) -> None:
        raise NotImplementedError

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() == QtCore.Qt.Key.Key_Escape and self.runner.busy:
            self.runner.cancel()
            event.accept()
            return
        super().keyPressEvent(event)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
