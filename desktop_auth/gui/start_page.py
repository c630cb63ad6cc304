"""The window's first screen: "Opening the sign-in database…", or why it could not.

It is on screen before anything but Qt and ``screen`` has loaded; the other
screens load in the worker that opens the store (see ``MainWindow.open_store``).
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from desktop_auth.errors import DesktopAuthError
from desktop_auth.gui.screen import ErrorLabel, Screen, heading


class StartPage(Screen):
    """While the store opens (a network database can take a moment), or when it cannot."""

    retry = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = heading()
        self.error = ErrorLabel()
        # When the last try was: a second failure looks like the first without it.
        self.tried = QLabel()
        self.tried.hide()
        self.retry_button = QPushButton()
        self.retry_button.hide()
        self.retry_button.clicked.connect(self._retry)
        self._failure: DesktopAuthError | None = None
        self._tries = 0
        self._last_try: datetime | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.error)
        layout.addWidget(self.tried)
        layout.addWidget(self.retry_button)
        layout.addWidget(self.busy)
        layout.addStretch(1)
        self.busy.cancel_button.hide()  # nothing to go back to yet
        self.retranslate()

    def show_failure(self, error: DesktopAuthError) -> None:
        self._failure = error
        self._tries += 1
        self._last_try = datetime.now()
        self.retranslate()
        self.retry_button.show()
        self.retry_button.setFocus()

    def _retry(self) -> None:
        """Back to "Opening…", visibly, before the next try's answer."""
        self._failure = None
        self.error.clear_error()
        self.retry_button.hide()
        self.retranslate()
        self.retry.emit()

    def retranslate(self) -> None:
        if self._failure is None:
            self.title.setText(self.tr("Opening the sign-in database…"))
        else:
            self.title.setText(self.tr("The sign-in database could not be opened"))
            self.error.show_error(self._failure)  # in the language chosen since, too
        show_tried = self._failure is not None and self._tries > 1 and self._last_try
        self.tried.setVisible(bool(show_tried))
        if show_tried and self._last_try is not None:
            self.tried.setText(
                self.tr("Tried again at %1 (%2 tries).")
                .replace("%1", self._last_try.strftime("%H:%M:%S"))
                .replace("%2", str(self._tries))
            )
        self.retry_button.setText(self.tr("Try again"))
