"""Steps the GUI tests share: typing, waiting for a screen, reading the phone."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLineEdit, QWidget, QWizard
from pytestqt.qtbot import QtBot

from desktop_auth.gui.main_window import MainWindow
from desktop_auth.gui.setup_wizard import KeySetupPage, RecoveryCodesPage, SetupWizard
from tests.gui.conftest import shoot
from tests.gui.palettes import settle_layouts
from tests.helpers import PinnedClock
from tests.totp_helpers import phone_code


def type_into(qtbot: QtBot, field: QLineEdit, text: str) -> None:
    field.setFocus()
    field.clear()
    qtbot.keyClicks(field, text)


def press_enter(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.keyClick(widget, Qt.Key.Key_Return)


def left_edges(root: QWidget, fields: list[QWidget]) -> set[int]:
    """Where each field starts, across the window: one number when they line up."""
    settle_layouts(root)
    return {field.mapTo(root, QPoint(0, 0)).x() for field in fields}


def wait_page(qtbot: QtBot, window: MainWindow, page: QWidget) -> None:
    qtbot.waitUntil(lambda: window.stack.currentWidget() is page, timeout=10_000)


def sign_in(qtbot: QtBot, window: MainWindow, email: str, password: str) -> None:
    wait_page(qtbot, window, window.sign_in)
    type_into(qtbot, window.sign_in.email, email)
    type_into(qtbot, window.sign_in.password.edit, password)
    press_enter(qtbot, window.sign_in.password.edit)


def wait_wizard(qtbot: QtBot, window: MainWindow) -> SetupWizard:
    qtbot.waitUntil(lambda: window.wizard is not None and window.wizard.isVisible(), timeout=10_000)
    assert window.wizard is not None
    return window.wizard


def type_phone_code(qtbot: QtBot, field: QLineEdit, secret: str, clock: PinnedClock) -> None:
    """Six digits typed one by one; the field submits on the sixth."""
    type_into(qtbot, field, phone_code(secret, clock))


def finish_wizard_with_key(
    qtbot: QtBot,
    window: MainWindow,
    wizard: SetupWizard,
    shot: str | None = None,
    *,
    touch_prompt: bool = False,
) -> None:
    """From the method page with the key chosen: one touch, codes stored, Finish, home.
    ``touch_prompt``: the page is seen asking for the touch first (a key that takes its
    time, as a person does)."""
    wizard.next()
    page = wizard.currentPage()
    assert isinstance(page, KeySetupPage)
    if touch_prompt:
        qtbot.waitUntil(lambda: "Touch your security key now" in page.status.text())
    qtbot.waitUntil(page.isComplete, timeout=10_000)
    if shot is not None:
        shoot(wizard, shot)
    wizard.next()
    codes = wizard.currentPage()
    assert isinstance(codes, RecoveryCodesPage)
    qtbot.waitUntil(lambda: codes.panel.sheet is not None)
    codes.panel.stored.click()
    wizard.next()
    wizard.button(QWizard.WizardButton.FinishButton).click()
    wait_page(qtbot, window, window.home)
