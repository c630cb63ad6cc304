"""Signing out a window left alone (SECURITY.md S2: idle lock, 15 minutes by default).

Any key, click, wheel or mouse movement in the application restarts the
countdown; when it runs out, ``expired`` fires and the window signs out.  A minute
before (half the time, for a shorter lock) ``warning`` says so, and ``resumed`` takes
the warning back when the person moves again: the sign-out came without a word
(issue 19 item 10).
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


# How long before the sign-out the warning comes, at most.
WARNING_MS = 60_000


class IdleLock(QObject):
    expired = Signal()
    # ``warning(seconds)``: signed out in that many seconds unless someone moves.
    warning = Signal(int)
    # Someone moved after the warning: it no longer holds.
    resumed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.expired)
        self.warning_timer = QTimer(self)
        self.warning_timer.setSingleShot(True)
        self.warning_timer.timeout.connect(self._warn)
        self.minutes = 0
        self._warned = False

    def arm(self, minutes: int) -> None:
        """Start counting (0: never lock)."""
        self.minutes = minutes
        app = QApplication.instance()
        if minutes <= 0 or app is None:
            self.disarm()
            return
        app.installEventFilter(self)
        self.count_down(minutes * 60_000)

    def count_down(self, interval_ms: int) -> None:
        """Start the countdown of ``interval_ms`` (``arm`` in minutes; tests in less)."""
        self.timer.start(interval_ms)
        self.warning_timer.start(interval_ms - min(WARNING_MS, interval_ms // 2))

    def disarm(self) -> None:
        self.timer.stop()
        self.warning_timer.stop()
        self._resume()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() in _ACTIVITY and self.timer.isActive():
            self.count_down(self.timer.interval())  # the same interval again, from now
            self._resume()
        return False

    def _warn(self) -> None:
        self._warned = True
        self.warning.emit(max(1, round(self.timer.remainingTime() / 1000)))

    def _resume(self) -> None:
        if self._warned:
            self._warned = False
            self.resumed.emit()
