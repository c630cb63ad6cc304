"""The Alt-key check itself (issue 19 item 11): it finds what the usability walk-through
found, and no clash where there is none."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLineEdit, QMessageBox, QPushButton, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from tests.gui.mnemonics import mnemonic_clashes


def window_with(qtbot: QtBot, *texts: str) -> QWidget:
    window = QWidget()
    qtbot.addWidget(window)
    layout = QVBoxLayout(window)
    for text in texts:
        if text.endswith(":"):
            label, field = QLabel(text), QLineEdit()
            label.setBuddy(field)
            layout.addWidget(label)
            layout.addWidget(field)
        else:
            layout.addWidget(QPushButton(text))
    window.show()
    return window


def test_a_label_and_a_button_on_one_letter_clash(qtbot: QtBot) -> None:
    window = window_with(qtbot, "&Name, so you recognise it later:", "&Next >", "&Back")
    assert mnemonic_clashes(window) == [
        "Alt+N: QLabel '&Name, so you recognise it later:', QPushButton '&Next >'"
    ]


def test_distinct_letters_escaped_ampersands_and_hidden_controls_do_not(qtbot: QtBot) -> None:
    window = window_with(qtbot, "Na&me:", "&Next >", "Save && close", "Sa&ve")
    hidden = QPushButton("&Nothing to see")
    window.layout().addWidget(hidden)
    hidden.hide()
    box = QMessageBox(window)  # a window of its own: its keys are not this window's
    box.addButton("&No", QMessageBox.ButtonRole.RejectRole)
    box.show()
    assert mnemonic_clashes(window) == []
