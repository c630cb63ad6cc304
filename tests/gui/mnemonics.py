"""Alt keys: no two controls a person can reach at once share one (issue 19 item 11)."""

from __future__ import annotations

import re
from collections import defaultdict

from PySide6.QtWidgets import (
    QAbstractButton,
    QGroupBox,
    QLabel,
    QMainWindow,
    QTabWidget,
    QWidget,
)

_MNEMONIC = re.compile(r"&(?!&)(\w)")


def _letter(text: str) -> str | None:
    match = _MNEMONIC.search(text.replace("&&", ""))
    return match.group(1).casefold() if match else None


def mnemonic_clashes(root: QWidget) -> list[str]:
    """Alt keys that more than one visible control of ``root``'s window answers to:
    buttons (a wizard's own Next and Back too), labels with a buddy, group boxes, tabs, and
    a main window's menus."""
    window = root.window()
    owners: dict[str, list[str]] = defaultdict(list)

    def reachable(widget: QWidget) -> bool:
        # Shown, and in this window: a message box over it is a window of its own.
        return widget.window() is window and widget.isVisibleTo(window)

    def add(text: str, what: str) -> None:
        letter = _letter(text)
        if letter is not None:
            owners[letter].append(f"{what} {text!r}")

    for button in window.findChildren(QAbstractButton):
        if reachable(button):
            add(button.text(), type(button).__name__)
    for label in window.findChildren(QLabel):
        if reachable(label) and label.buddy() is not None:
            add(label.text(), "QLabel")
    for box in window.findChildren(QGroupBox):
        if reachable(box):
            add(box.title(), "QGroupBox")
    for tabs in window.findChildren(QTabWidget):
        if reachable(tabs):
            for index in range(tabs.count()):
                add(tabs.tabText(index), "tab")
    if isinstance(window, QMainWindow) and window.menuBar().isVisibleTo(window):
        for action in window.menuBar().actions():  # Alt+letter opens a menu, too
            if action.isVisible():
                add(action.text(), "menu")
    return sorted(
        f"Alt+{letter.upper()}: " + ", ".join(sorted(set(names)))
        for letter, names in owners.items()
        if len(set(names)) > 1
    )
