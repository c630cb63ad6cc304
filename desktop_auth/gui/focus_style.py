"""A focus mark people can see: a 2 px frame in the palette's highlight colour.

Fusion marks keyboard focus with a faint outline that looks like the default button's,
and on a push button not at all distinct from it (issue 19, item 11). People who work
with the keyboard must see where Tab took them, in light and dark palettes alike, so this
proxy over the platform's own style draws one clear frame for every focus rectangle and
around a focused push button, and leaves everything else to the platform style.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter, QPalette, QPen
from PySide6.QtWidgets import QApplication, QProxyStyle, QStyle, QStyleOption, QWidget

# Wide enough to see at a glance, narrow enough to stay inside a control's margins.
FOCUS_FRAME_WIDTH = 2


class FocusFrameStyle(QProxyStyle):
    """The platform style with a clearly visible keyboard-focus frame."""

    def drawPrimitive(  # noqa: N802 - Qt's name
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        if element == QStyle.PrimitiveElement.PE_FrameFocusRect:
            _draw_focus_frame(option, painter, inset=0)
            return
        super().drawPrimitive(element, option, painter, widget)

    def drawControl(  # noqa: N802 - Qt's name
        self,
        element: QStyle.ControlElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        super().drawControl(element, option, painter, widget)
        # A push button's own focus mark is the one that looks like "default button";
        # the frame goes just inside its edge, where nothing else is drawn.
        if element == QStyle.ControlElement.CE_PushButton and (
            option.state & QStyle.StateFlag.State_HasFocus
        ):
            _draw_focus_frame(option, painter, inset=1)


def _draw_focus_frame(option: QStyleOption, painter: QPainter, *, inset: int) -> None:
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    pen = QPen(option.palette.color(QPalette.ColorRole.Highlight))
    pen.setWidth(FOCUS_FRAME_WIDTH)
    pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    # A pen of width 2 straddles the path: move in by one so both pixels stay inside.
    half = FOCUS_FRAME_WIDTH // 2
    painter.drawRect(option.rect.adjusted(inset + half, inset + half, -inset - half, -inset - half))
    painter.restore()


def install_focus_style(app: QApplication) -> None:
    """Give ``app`` the focus frame over its current style, once."""
    if isinstance(app.style(), FocusFrameStyle):
        return
    app.setStyle(FocusFrameStyle(app.style().name()))
