"""The real main window on a temporary store, driven as a person would (pytest-qt, offscreen)."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from pathlib import Path
from typing import cast

import pytest
import zxingcpp
from PIL import Image
from PySide6.QtCore import QEvent, QSettings
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from desktop_auth.core.service import Actor, AuthService
from desktop_auth.gui.app import application
from desktop_auth.gui.i18n import current_language, install_language
from desktop_auth.gui.main_window import MainWindow
from desktop_auth.gui.workers import wait_for_workers
from tests.gui.mnemonics import mnemonic_clashes
from tests.remote_helpers import serving

ROOT = Path(__file__).resolve().parents[2]
#: Not committed (build/ is in .gitignore): screenshots for a person to review.
SCREENSHOTS = Path(os.environ.get("DESKTOP_AUTH_SCREENSHOTS", ROOT / "build" / "screenshots"))


@pytest.fixture(autouse=True)
def english(qapp: QApplication) -> Iterator[None]:
    application()
    install_language("en")
    yield
    install_language("en")
    # The test's windows go with the test: their deferred deletes and Python wrappers,
    # once its workers are done.  Left to the next test's event loop, they were destroyed
    # while that test's worker emitted its answer, and PySide crashed now and then.
    wait_for_workers()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    gc.collect()


@pytest.fixture(autouse=True)
def own_preferences(tmp_path: Path) -> None:
    """What the window remembers (the chosen language) in the test's own folder, never in
    the home folder of whoever runs the tests, nor from one test to the next."""
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path))


@pytest.fixture(params=["embedded", "server"])
def window(
    request: pytest.FixtureRequest, qtbot: QtBot, service: AuthService, admin: Actor
) -> Iterator[MainWindow]:
    """The window on a store that has its organisation and administrator: in-process, and
    as a workstation of a sign-in server over the same store (the test arranges its users
    with ``service``, on the server's side)."""
    if request.param == "embedded":
        yield from _window(qtbot, service)
        return
    with serving(service) as client:
        yield from _window(qtbot, cast(AuthService, client))


@pytest.fixture
def empty_window(qtbot: QtBot, service: AuthService) -> Iterator[MainWindow]:
    """The window on a new, empty store: first run."""
    yield from _window(qtbot, service)


def _window(qtbot: QtBot, service: AuthService) -> Iterator[MainWindow]:
    main = MainWindow(lambda: service)
    qtbot.addWidget(main)
    main.show()
    main.open_store()
    qtbot.waitUntil(lambda: main.service is not None)
    yield main
    for dialog in (main.wizard, main.account):
        if dialog is not None:
            dialog.close()
    main.close()  # signs out, at the server too, while the service is still there
    wait_for_workers()  # as the app does at exit: no job outlives its store


def shoot(widget: QWidget, name: str, *, folder: str | None = None, scale: int = 1) -> Path:
    """Save what the screen shows now, under the current language (or ``folder``), and
    fail if two of its visible controls share an Alt key.

    ``scale`` 2 draws it as on a 2x (high-DPI) screen: the same layout, twice the pixels.
    """
    where = SCREENSHOTS / (folder or current_language())
    where.mkdir(parents=True, exist_ok=True)
    path = where / f"{name}.png"
    if scale == 1:
        picture = widget.grab()
    else:
        picture = QPixmap(widget.size() * scale)
        picture.setDevicePixelRatio(scale)
        picture.fill(widget.palette().window().color())
        widget.render(picture)
    assert picture.save(str(path)), path
    # Every screen the suite looks at, in each language it is shown in, is also checked
    # for two controls answering one Alt key (issue 19 item 11).
    assert mnemonic_clashes(widget) == [], f"{name} ({current_language()})"
    return path


def read_qr(widget: QWidget, tmp_path: Path) -> str:
    """What a phone's camera reads from the QR code on the screen."""
    path = tmp_path / "qr.png"
    assert widget.grab().save(str(path))
    # QR codes only, as an authenticator app scans (all formats now and then also "found"
    # a linear barcode inside the QR code's modules).
    found = zxingcpp.read_barcodes(Image.open(path), formats=zxingcpp.BarcodeFormat.QRCode)
    assert len(found) == 1
    return found[0].text


def inputs_without_names(root: QWidget) -> list[str]:
    """Every input needs an accessible name a screen reader can say."""
    from PySide6.QtWidgets import QAbstractButton, QLineEdit

    missing = []
    for widget in root.findChildren(QLineEdit):
        if widget.isVisibleTo(root) and not widget.accessibleName():
            missing.append(widget.objectName() or repr(widget))
    for button in root.findChildren(QAbstractButton):
        if button.isVisibleTo(root) and not (button.text() or button.accessibleName()):
            missing.append(repr(button))
    return missing


@pytest.fixture
def restore_palette(qapp: QApplication) -> Iterator[None]:
    original = QApplication.palette()
    yield
    QApplication.setPalette(original)
