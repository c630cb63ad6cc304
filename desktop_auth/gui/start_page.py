"""The window's first screen: "Opening the sign-in database…", or why it could not.

It is on screen before anything but Qt and ``screen`` has loaded; the other
screens load in the worker that opens the store (see ``MainWindow.open_store``).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget

from desktop_auth.errors import DesktopAuthError
from desktop_auth.gui.screen import ErrorLabel, Screen, heading


class StartPage(Screen):
    """While the store opens (a network database can take a moment), or when it cannot."""

    retry = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = heading()
        self.error = ErrorLabel()
        self.retry_button = QPushButton()
        self.retry_button.hide()
        self.retry_button.clicked.connect(self.retry)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.error)
        layout.addWidget(self.retry_button)
        layout.addWidget(self.busy)
        layout.addStretch(1)
        self.busy.cancel_button.hide()  # nothing to go back to yet
        self.retranslate()

    def show_failure(self, error: DesktopAuthError) -> None:
        self.error.show_error(error)
        self.retry_button.show()
        self.retry_button.setFocus()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Opening the sign-in database…"))
        self.retry_button.setText(self.tr("Try again"))
