"""The UI never freezes: argon2 at production cost runs in a worker while the loop keeps ticking.

No stopwatch: on a shared machine any threshold is a coin toss. Instead the
password check itself waits until the event loop has ticked a few times after
it began. Run on the GUI thread it could never see those ticks and the test
fails; run in a worker it goes on at once.
"""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from desktop_auth.core.passwords import Argon2Parameters, PasswordHasher
from desktop_auth.gui.main_window import MainWindow
from desktop_auth.store.db import Store
from tests.gui.helpers import sign_in, wait_page
from tests.helpers import (
    USER_PASSWORD,
    MemoryKeyring,
    PinnedClock,
    initialize_organisation,
    make_service,
    make_user,
)

TICKS_WHILE_CHECKING = 3


def test_sign_in_with_production_argon2_keeps_the_event_loop_running(
    qtbot: QtBot,
    store: Store,
    clock: PinnedClock,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    production = Argon2Parameters()
    assert production.memory_kib == 65536 and production.time_cost == 3  # SECURITY.md P9
    service = make_service(store, clock=clock, keyring=memory_keyring, argon2=production)
    admin = initialize_organisation(service)
    make_user(service, admin, email="jan@example.nl")
    window = MainWindow(lambda: service)
    qtbot.addWidget(window)
    window.show()
    window.open_store()
    qtbot.waitUntil(lambda: window.service is not None)
    wait_page(qtbot, window, window.sign_in)

    lock = threading.Lock()
    # Per password check under way: ticks seen since it began, set once there are enough.
    under_way: list[tuple[list[int], threading.Event]] = []
    checks: list[tuple[bool, bool]] = []  # (on the GUI thread, saw the loop tick)
    real_verify = PasswordHasher.verify

    def on_tick() -> None:
        with lock:
            for count, enough in under_way:
                count[0] += 1
                if count[0] >= TICKS_WHILE_CHECKING:
                    enough.set()

    def watched_verify(hasher: PasswordHasher, stored_hash: str, password: str) -> bool:
        on_gui_thread = threading.current_thread() is threading.main_thread()
        enough = threading.Event()
        with lock:
            under_way.append(([0], enough))
        # On the GUI thread this wait could only time out: the loop is blocked in here.
        saw_ticks = enough.wait(timeout=0.5 if on_gui_thread else 20)
        checks.append((on_gui_thread, saw_ticks))
        return real_verify(hasher, stored_hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", watched_verify)
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(on_tick)
    timer.start()
    sign_in(qtbot, window, "jan@example.nl", USER_PASSWORD)
    qtbot.waitUntil(lambda: window.wizard is not None, timeout=30_000)  # password right: setup
    timer.stop()

    assert checks, "the password was never checked"
    assert all(not on_gui_thread for on_gui_thread, _ in checks), checks
    assert all(saw_ticks for _, saw_ticks in checks), checks
