"""A dark palette like a desktop's dark mode, and what the tests read off the screen."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QRect
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget

from desktop_auth.gui.colours import contrast_ratio

Role = QPalette.ColorRole
Group = QPalette.ColorGroup

DARK_WINDOW = "#202124"


def dark_palette() -> QPalette:
    palette = QPalette()
    colours = {
        Role.Window: DARK_WINDOW,
        Role.WindowText: "#e8eaed",
        Role.Base: "#2b2c30",
        Role.AlternateBase: "#303134",
        Role.Text: "#e8eaed",
        Role.Button: "#3c4043",
        Role.ButtonText: "#e8eaed",
        Role.BrightText: "#ffffff",
        Role.Highlight: "#8ab4f8",
        Role.HighlightedText: "#202124",
        Role.PlaceholderText: "#9aa0a6",
        Role.ToolTipBase: "#303134",
        Role.ToolTipText: "#e8eaed",
        Role.Link: "#8ab4f8",
        Role.Light: "#5f6368",
        Role.Midlight: "#4a4d51",
        Role.Mid: "#3c4043",
        Role.Dark: "#17181a",
        Role.Shadow: "#000000",
    }
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    for role in (Role.WindowText, Role.Text, Role.ButtonText):
        palette.setColor(Group.Disabled, role, QColor("#80868b"))
    return palette


def text_contrast(window: QWidget, widget: QWidget) -> float:
    """The contrast of ``widget``'s text as drawn on screen, against the pixels around it.

    Read from the pixels, not from a palette or a style sheet, so it holds
    however the colour was set.  The strongest pixel is a glyph's stem.
    """
    image = window.grab(QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())).toImage()
    background = image.pixelColor(0, 0)
    return max(
        contrast_ratio(image.pixelColor(x, y), background)
        for x in range(image.width())
        for y in range(image.height())
    )


#: More rounds than any screen's nesting of layouts needs.
_SETTLE_ROUNDS = 20


def settle_layouts(root: QWidget) -> None:
    """Lay out ``root`` completely, as the next paint would.

    A label's new text posts a layout request to its parent; handling it resizes the
    children, whose own layouts then post theirs, one nesting level per round.  One
    ``processEvents()`` handles only the first round, so a word-wrapped label whose text
    came from a worker could be measured at its old height (the flaky "clipped" reason
    in the dark-palette test).  Activate every layout until none has anything left to do.
    """
    for _ in range(_SETTLE_ROUNDS):
        # A label grown taller can raise the window's minimum size; the window then
        # grows through the platform (a resize event, not a layout request), and until
        # that is handled the label sits in the old, smaller window: "clipped" (issue 20
        # item 2, once in a full run).  Handle those events in every round too.
        QApplication.processEvents()
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        layouts = [w.layout() for w in [root, *root.findChildren(QWidget)] if w.layout()]
        # activate() is true when it laid something out again (a scroll area's does, each
        # time), so the rounds are bounded rather than run until all report false.
        changed = [layout.activate() for layout in layouts]  # every one, no short cut
        if not any(changed):
            return


def clipped_texts(root: QWidget) -> list[str]:
    """Visible labels and buttons given less room than their text needs."""
    settle_layouts(root)
    clipped = []
    texts: list[QLabel | QAbstractButton] = [
        *root.findChildren(QLabel),
        *root.findChildren(QAbstractButton),
    ]
    for widget in texts:
        if not widget.isVisibleTo(root) or not widget.text():
            continue
        if isinstance(widget, QLabel) and widget.wordWrap():
            too_small = widget.heightForWidth(widget.width()) > widget.height()
        else:
            hint = widget.sizeHint()
            too_small = hint.width() > widget.width() or hint.height() > widget.height()
        if too_small:
            clipped.append(f"{type(widget).__name__} {widget.text()!r}")
    return clipped
