"""The UI never freezes: argon2 at production cost runs in a worker while the loop keeps ticking."""

from __future__ import annotations

import itertools
import time

from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from desktop_auth.core.passwords import Argon2Parameters
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

MAX_STALL_SECONDS = 0.050


def test_sign_in_with_production_argon2_never_stalls_the_event_loop_over_50_ms(
    qtbot: QtBot, store: Store, clock: PinnedClock, memory_keyring: MemoryKeyring
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

    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    started = time.perf_counter()
    sign_in(qtbot, window, "jan@example.nl", USER_PASSWORD)
    qtbot.waitUntil(lambda: window.wizard is not None, timeout=20_000)  # password right: setup
    took = time.perf_counter() - started
    timer.stop()

    # The hash really ran at production cost, so there was something to freeze on.
    assert took > 0.1, took
    gaps = [later - earlier for earlier, later in itertools.pairwise(ticks)]
    assert len(ticks) > took / 0.05
    assert max(gaps) < MAX_STALL_SECONDS, f"the loop stalled {max(gaps) * 1000:.0f} ms"
