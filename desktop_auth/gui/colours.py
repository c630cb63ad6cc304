"""Colours that carry a meaning (an error, a success), legible on whatever palette is in use.

A fixed red that reads well on a white window is nearly invisible on a dark one
(``#b3261e`` on ``#2d2d2d`` is 2.2:1).  Each tone has a shade for light windows
and one for dark windows; the one with more contrast against the window's own
colour wins, and should neither reach WCAG AA (4.5:1) — an odd custom palette —
the palette's plain text colour is used: legible beats red.
"""

from __future__ import annotations

from enum import Enum

from PySide6.QtCore import QEvent
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QLabel, QWidget

# WCAG 2.x level AA for normal text.
MIN_CONTRAST = 4.5

# Events after which a widget's palette may differ (system theme switched, app palette set).
PALETTE_EVENTS = (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange)


class Tone(Enum):
    """A meaning, as (shade on a light window, shade on a dark window)."""

    ERROR = ("#b3261e", "#ffb4ab")
    SUCCESS = ("#1e7d32", "#8fd694")


def relative_luminance(colour: QColor) -> float:
    """WCAG 2.x relative luminance, 0 (black) to 1 (white)."""

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    rgb = colour.toRgb()
    return (
        0.2126 * linear(rgb.redF()) + 0.7152 * linear(rgb.greenF()) + 0.0722 * linear(rgb.blueF())
    )


def contrast_ratio(first: QColor, second: QColor) -> float:
    """WCAG 2.x contrast ratio, 1 (none) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def tone_colour(tone: Tone, palette: QPalette) -> QColor:
    """The shade of ``tone`` to draw on this palette's window background."""
    background = palette.color(QPalette.ColorRole.Window)
    shades = [QColor(shade) for shade in tone.value]
    best = max(shades, key=lambda shade: contrast_ratio(shade, background))
    if contrast_ratio(best, background) >= MIN_CONTRAST:
        return best
    return palette.color(QPalette.ColorRole.WindowText)


def apply_tone(widget: QWidget, tone: Tone) -> None:
    """Give ``widget``'s text the tone's shade for its current palette (no-op when it has it).

    Only a real change calls ``setPalette``: that sends another PaletteChange,
    which must find nothing left to do.
    """
    palette = widget.palette()
    wanted = tone_colour(tone, palette)
    if palette.color(QPalette.ColorRole.WindowText) != wanted:
        palette.setColor(QPalette.ColorRole.WindowText, wanted)
        widget.setPalette(palette)


class ToneLabel(QLabel):
    """A label whose text has a meaning's colour, following palette changes."""

    def __init__(self, tone: Tone, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tone = tone
        apply_tone(self, tone)

    def set_tone(self, tone: Tone) -> None:
        self.tone = tone
        apply_tone(self, tone)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() in PALETTE_EVENTS:
            apply_tone(self, self.tone)
