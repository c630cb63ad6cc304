"""Work off the GUI thread: argon2 and every database call run in a worker.

``TaskRunner`` lives in the GUI thread.  A job runs a plain function on
``QThreadPool``; its result comes back through a queued signal to the runner,
which calls the screen's callback in the GUI thread.  No widget is ever touched
from a worker.  "Cancel" stops waiting: the function may still finish in the
background (argon2 cannot be interrupted), but its result is dropped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, SignalInstance, Slot

from desktop_auth.errors import DesktopAuthError

log = logging.getLogger("desktop_auth.gui")

T = TypeVar("T")
Failed = Callable[[DesktopAuthError], None]


class UnexpectedError(DesktopAuthError):
    """Anything a worker raised that is not ours: shown calmly, logged without detail."""

    code = "unexpected"


class _JobSignals(QObject):
    succeeded = Signal(int, object)
    failed = Signal(int, object)


class _Job(QRunnable):
    def __init__(self, number: int, work: Callable[[], Any], signals: _JobSignals) -> None:
        super().__init__()
        self.number = number
        self.work = work
        self.signals = signals

    def run(self) -> None:
        try:
            result = self.work()
        except DesktopAuthError as error:
            self._answer(self.signals.failed, error)
        except Exception as error:  # a worker must always answer, or the screen waits forever
            # The type only: an exception's text may hold user input.
            log.error("unexpected %s in a worker", type(error).__name__)
            self._answer(self.signals.failed, UnexpectedError())
        else:
            self._answer(self.signals.succeeded, result)

    def _answer(self, signal: SignalInstance, value: object) -> None:
        try:
            signal.emit(self.number, value)
        except RuntimeError:  # the screen was closed meanwhile: nobody waits any more
            log.debug("a worker's answer arrived after its screen closed")


class TaskRunner(QObject):
    """One screen's background work: one job at a time, with a busy state to show."""

    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._signals = _JobSignals(self)
        self._signals.succeeded.connect(self._succeeded)
        self._signals.failed.connect(self._failed)
        self._number = 0
        self._callbacks: dict[int, tuple[Callable[[Any], None], Failed]] = {}

    @property
    def busy(self) -> bool:
        return bool(self._callbacks)

    def start(self, work: Callable[[], T], done: Callable[[T], None], failed: Failed) -> None:
        """Run ``work`` in a worker; then ``done(result)`` or ``failed(error)`` here.

        ``done`` takes what ``work`` returns, so a screen cannot be handed a result of
        another type than it expects (mypy checks it at every call)."""
        self._number += 1
        self._callbacks = {self._number: (done, failed)}
        self.busy_changed.emit(True)
        QThreadPool.globalInstance().start(_Job(self._number, work, self._signals))

    def wait(self, done: Callable[[], None]) -> Callable[[], None]:
        """Busy, as for a job, but with no thread: until the returned ``finish()`` is
        called here, then ``done()``, unless cancelled meanwhile (``finish`` then does
        nothing)."""
        self._number += 1
        number = self._number
        self._callbacks = {number: (lambda _result: done(), lambda _error: None)}
        self.busy_changed.emit(True)
        return lambda: self._succeeded(number, None)

    def cancel(self) -> None:
        if self._callbacks:
            self._callbacks = {}
            self.busy_changed.emit(False)

    def _finish(self, number: int) -> tuple[Callable[[Any], None], Failed] | None:
        callbacks = self._callbacks.pop(number, None)
        if callbacks is not None:
            self.busy_changed.emit(False)
        return callbacks

    @Slot(int, object)
    def _succeeded(self, number: int, result: object) -> None:
        callbacks = self._finish(number)
        if callbacks is not None:
            callbacks[0](result)

    @Slot(int, object)
    def _failed(self, number: int, error: object) -> None:
        callbacks = self._finish(number)
        if callbacks is not None:
            assert isinstance(error, DesktopAuthError)
            callbacks[1](error)


def run_and_forget(work: Callable[[], object]) -> None:
    """Work nobody waits for (ending a session at sign-out), off the GUI thread; a failure
    is logged by its code only (the session ends by itself at its expiry anyway)."""

    QThreadPool.globalInstance().start(_Forgotten(work))


class _Forgotten(QRunnable):
    """A QRunnable of our own, not PySide's wrapper of a plain callable (start(callable)
    crashed a later job's signal now and then)."""

    def __init__(self, work: Callable[[], object]) -> None:
        super().__init__()
        self.work = work

    def run(self) -> None:
        try:
            self.work()
        except DesktopAuthError as error:
            log.info("background work failed: %s", error.code)
        except Exception as error:  # nobody waits for an answer; the type only, as above
            log.error("unexpected %s in background work", type(error).__name__)


def wait_for_workers(milliseconds: int = 10_000) -> bool:
    """At exit: let running jobs end before the store closes."""
    return QThreadPool.globalInstance().waitForDone(milliseconds)


class Progress(QObject):
    """Word from a worker while it runs (a fingerprint's touches, "touch the key"): the
    worker calls ``report``; ``reported`` is delivered in the GUI thread, queued."""

    reported = Signal(object)

    def report(self, value: object) -> None:
        try:
            self.reported.emit(value)
        except RuntimeError:  # the screen was closed meanwhile
            log.debug("progress arrived after its screen closed")
