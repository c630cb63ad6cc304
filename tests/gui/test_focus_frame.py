"""Keyboard focus is clearly visible (issue 19, item 11): a frame in the highlight colour."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QPushButton,
    QRadioButton,
    QStyleFactory,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from desktop_auth.gui.focus_style import FOCUS_FRAME_WIDTH, FocusFrameStyle, install_focus_style
from desktop_auth.gui.main_window import MainWindow
from tests.gui.conftest import shoot
from tests.gui.helpers import wait_page
from tests.gui.palettes import dark_palette


def highlight_pixels(widget: QWidget) -> int:
    """How many pixels of ``widget`` are drawn in exactly its palette's highlight colour."""
    wanted = widget.palette().color(QPalette.ColorRole.Highlight).rgb()
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    return sum(
        1
        for y in range(image.height())
        for x in range(image.width())
        if image.pixel(x, y) & 0xFFFFFF == wanted & 0xFFFFFF
    )


@pytest.fixture
def controls(qtbot: QtBot) -> Iterator[dict[str, QWidget]]:
    root = QWidget()
    qtbot.addWidget(root)
    layout = QVBoxLayout(root)
    made: dict[str, QWidget] = {
        "button": QPushButton("Next"),
        "default button": QPushButton("Sign in"),
        "check box": QCheckBox("Remember me"),
        "radio button": QRadioButton("Authenticator app"),
    }
    for widget in made.values():
        layout.addWidget(widget)
    made["default button"].setDefault(True)  # type: ignore[attr-defined]
    root.show()
    qtbot.waitExposed(root)
    root.activateWindow()
    qtbot.waitUntil(root.isActiveWindow)
    yield made  # root, which owns them, lives until the test is done
    root.close()


@pytest.mark.parametrize("palette", ["light", "dark"])
@pytest.mark.parametrize("which", ["button", "default button", "check box", "radio button"])
def test_the_focused_control_has_a_frame_in_the_highlight_colour(
    qtbot: QtBot, controls: dict[str, QWidget], which: str, palette: str, restore_palette: None
) -> None:
    assert isinstance(QApplication.style(), FocusFrameStyle)
    if palette == "dark":
        QApplication.setPalette(dark_palette())
    widget = controls[which]
    other = controls["button" if which != "button" else "check box"]
    other.setFocus()
    qtbot.waitUntil(other.hasFocus)
    unfocused = highlight_pixels(widget)

    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus)
    focused = highlight_pixels(widget)

    # At least a frame's two pixels along the label's whole width (a radio button's
    # frame goes round its label, not the whole control).
    assert focused - unfocused >= 2 * FOCUS_FRAME_WIDTH * 20, (which, unfocused, focused)


def test_the_focus_style_stands_once_over_the_platform_style(qapp: QApplication) -> None:
    install_focus_style(qapp)  # again, as a second window's start would
    style = QApplication.style()
    assert isinstance(style, FocusFrameStyle)
    # An addition over the platform's own look, never a proxy over a proxy.
    platform_styles = {k.lower() for k in QStyleFactory.keys()}  # noqa: SIM118 - Qt's call
    assert style.baseStyle().name().lower() in platform_styles
    assert not isinstance(style.baseStyle(), FocusFrameStyle)


KEY_BUTTON = {
    "en": "Sign in with security key or fingerprint",
    "nl": "Inloggen met beveiligingssleutel of vingerafdruk",
}


@pytest.mark.parametrize("language", ["en", "nl"])
def test_tab_to_the_key_button_on_the_sign_in_screen_shows_where_focus_is(
    qtbot: QtBot, window: MainWindow, language: str
) -> None:
    window.set_language(language)
    page = window.sign_in
    wait_page(qtbot, window, page)
    qtbot.waitUntil(lambda: page.key_button.text() == KEY_BUTTON[language])
    page.email.setFocus()
    qtbot.waitUntil(page.email.hasFocus)
    before = highlight_pixels(page.key_button)
    # Tab from the e-mail field through the password to the buttons, as a person would.
    for _ in range(8):
        if page.key_button.hasFocus():
            break
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert page.key_button.hasFocus()
    assert highlight_pixels(page.key_button) - before >= 2 * FOCUS_FRAME_WIDTH * 20
    shoot(window, "sign-in-focus-on-key-button")
