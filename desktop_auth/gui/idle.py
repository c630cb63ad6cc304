"""Signing out a window left alone (SECURITY.md S2: idle lock, 15 minutes by default).

Any key, click, wheel or mouse movement in the application restarts the
countdown; when it runs out, ``expired`` fires and the window signs out.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

_ACTIVITY = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
}


class IdleLock(QObject):
    expired = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.expired)
        self.minutes = 0

    def arm(self, minutes: int) -> None:
        """Start counting (0: never lock)."""
        self.minutes = minutes
        app = QApplication.instance()
        if minutes <= 0 or app is None:
            self.disarm()
            return
        app.installEventFilter(self)
        self.timer.start(minutes * 60_000)

    def disarm(self) -> None:
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() in _ACTIVITY and self.timer.isActive():
            self.timer.start()  # the same interval again, from now
        return False
