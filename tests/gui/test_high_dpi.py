"""High-DPI screens are respected: a crisp icon, and every screen drawn at 2x without clipping."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from PySide6.QtCore import QSize
from pytestqt.qtbot import QtBot

from desktop_auth.core.service import Actor, AuthService
from desktop_auth.gui import app as gui_app
from desktop_auth.gui.main_window import MainWindow
from tests.gui.conftest import ROOT, SCREENSHOTS, shoot
from tests.gui.helpers import sign_in, type_phone_code, wait_page
from tests.gui.palettes import clipped_texts
from tests.helpers import USER_PASSWORD, PinnedClock
from tests.totp_helpers import make_user_with_app

#: Run with QT_SCALE_FACTOR=2: the window as a 2x screen really shows it.
AT_2X = """
import json, sys
from pathlib import Path
from PySide6.QtCore import QSize
from desktop_auth.gui.app import application
from desktop_auth.gui.main_window import MainWindow
from tests.gui.palettes import clipped_texts

app = application()
window = MainWindow(lambda: None)
window.show()
app.processEvents()
icon = app.windowIcon().pixmap(QSize(32, 32))
picture = window.grab()
picture.save(str(Path(sys.argv[1]) / "00-start.png"))
print(json.dumps({
    "ratio": app.devicePixelRatio(),
    "icon": [icon.width(), icon.height(), icon.devicePixelRatio()],
    "window": [window.width(), window.height()],
    "picture": [picture.width(), picture.height()],
    "clipped": clipped_texts(window),
}))
"""


def test_at_scale_2_the_icon_and_the_window_are_drawn_with_twice_the_pixels() -> None:
    folder = SCREENSHOTS / "2x"
    folder.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QT_SCALE_FACTOR": "2"}
    done = subprocess.run(
        [sys.executable, "-c", AT_2X, str(folder)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    seen = json.loads(done.stdout.splitlines()[-1])
    assert seen["ratio"] == 2
    # The SVG is drawn at 64 device pixels for a 32-pixel icon, not a 32-pixel bitmap blown up.
    assert seen["icon"] == [64, 64, 2]
    width, height = seen["window"]
    assert seen["picture"] == [2 * width, 2 * height]
    assert seen["clipped"] == []


def test_the_window_icon_is_rendered_from_the_svg_at_each_pixel_ratio() -> None:
    icon = gui_app.window_icon()
    sharp = icon.pixmap(QSize(32, 32), 2.0)
    assert (sharp.width(), sharp.height(), sharp.devicePixelRatio()) == (64, 64, 2.0)
    blown_up = icon.pixmap(QSize(32, 32), 1.0).toImage().scaled(64, 64)
    assert sharp.toImage().convertToFormat(blown_up.format()) != blown_up
    assert sharp.toImage().pixelColor(32, 32).alpha() > 0  # something was drawn


def test_daily_sign_in_screens_at_2x_are_not_clipped(
    qtbot: QtBot, window: MainWindow, service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    jan = make_user_with_app(service, admin, clock)
    wait_page(qtbot, window, window.sign_in)
    assert clipped_texts(window) == []
    shoot(window, "02-sign-in", folder="2x", scale=2)
    sign_in(qtbot, window, jan.email, "not the password at all")
    qtbot.waitUntil(window.sign_in.error.isVisible)
    assert clipped_texts(window) == []
    shoot(window, "05-sign-in-error", folder="2x", scale=2)
    sign_in(qtbot, window, jan.email, USER_PASSWORD)
    wait_page(qtbot, window, window.second_factor)
    assert clipped_texts(window) == []
    shoot(window, "03-second-factor", folder="2x", scale=2)
    type_phone_code(qtbot, window.second_factor.code, jan.secret, clock)
    wait_page(qtbot, window, window.home)
    assert clipped_texts(window) == []
    shoot(window, "04-signed-in", folder="2x", scale=2)
    assert window.windowIcon().pixmap(QSize(16, 16), 2.0).size() == QSize(32, 32)
