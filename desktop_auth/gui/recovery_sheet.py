"""Printable sheets of codes: one page, painted by one function for PDF and printer.

The employee's recovery sheet and the helpdesk's backup-code slip are both a
``Printable``.  "Save as PDF" paints on a QPdfWriter, "Print" on the QPrinter the
print dialog set up; both call ``render_sheet``, so what is printed is what was
saved.  The codes are large, monospaced and numbered, each with a box to cross it
off, and the font shrinks until two columns fit inside the page margins.
"""

from __future__ import annotations

import math
import os
import secrets
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QMarginsF, QRectF, Qt
from PySide6.QtGui import (
    QFont,
    QFontDatabase,
    QFontMetricsF,
    QGuiApplication,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPaintDevice,
    QPainter,
    QPdfWriter,
    QPen,
)
from PySide6.QtPrintSupport import QPrintDialog
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from desktop_auth.core.service import RecoverySheet

MARGIN_MM = 20
CODE_POINT_SIZE = 16
MIN_CODE_POINT_SIZE = 8
COLUMN_GUTTER_MM = 10
PDF_RESOLUTION = 300


class Printable(Protocol):
    """A sheet of codes (``RecoverySheet``, ``BackupCodeSlip``): the texts, in a language."""

    def title(self, language: str) -> str: ...
    def header_lines(self, language: str) -> list[str]: ...
    def intro(self, language: str) -> str: ...
    def numbered_codes(self) -> list[str]: ...
    def rules(self, language: str) -> list[str]: ...


def _font(point_size: float, *, bold: bool = False, monospace: bool = False) -> QFont:
    font = (
        QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        if monospace
        else QFont(QGuiApplication.font())
    )
    if monospace:
        font.setStyleHint(QFont.StyleHint.Monospace)
    font.setPointSizeF(point_size)
    font.setBold(bold)
    return font


def _paragraph(painter: QPainter, top: float, width: float, text: str, font: QFont) -> float:
    """Draw wrapped text at ``top``; return where the next block starts."""
    painter.setFont(font)
    flags = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop) | int(
        Qt.TextFlag.TextWordWrap
    )
    bounds = painter.boundingRect(QRectF(0, top, width, 1e6), flags, text)
    painter.drawText(QRectF(0, top, width, bounds.height()), flags, text)
    return top + bounds.height()


def _fitting_code_font(
    entries: list[str], column_width: float, box: float, device: QPaintDevice
) -> QFont:
    size = float(CODE_POINT_SIZE)
    while True:
        font = _font(size, monospace=True)
        widest = max(QFontMetricsF(font, device).horizontalAdvance(e) for e in entries)
        if widest + box * 2 <= column_width or size <= MIN_CODE_POINT_SIZE:
            return font
        size -= 0.5


def render_sheet(
    painter: QPainter, page: QRectF, sheet: Printable, language: str, dpi: float
) -> None:
    """Paint the sheet inside ``page`` (the area within the margins)."""
    painter.save()
    painter.translate(page.topLeft())
    width = page.width()
    mm = dpi / 25.4
    top = _paragraph(painter, 0, width, sheet.title(language), _font(20, bold=True))
    top += 3 * mm
    for line in sheet.header_lines(language):
        top = _paragraph(painter, top, width, line, _font(10))
    top += 5 * mm
    top = _paragraph(painter, top, width, sheet.intro(language), _font(11))
    top += 6 * mm

    entries = sheet.numbered_codes()
    columns = 2 if len(entries) > 1 else 1
    column_width = (width - COLUMN_GUTTER_MM * mm) / columns
    # Measure on the page's own device: a screen's metrics would be at another DPI.
    device = painter.device()
    probe = QFontMetricsF(_font(CODE_POINT_SIZE, monospace=True), device)
    code_font = _fitting_code_font(entries, column_width, probe.ascent(), device)
    metrics = QFontMetricsF(code_font, device)
    box = metrics.ascent()
    row_height = metrics.height() * 1.9
    rows = math.ceil(len(entries) / columns)
    painter.setFont(code_font)
    painter.setPen(QPen(Qt.GlobalColor.black, max(1.0, dpi / 150)))
    for index, entry in enumerate(entries):
        column, row = divmod(index, rows)
        left = column * (column_width + COLUMN_GUTTER_MM * mm)
        baseline = top + row * row_height + metrics.ascent()
        painter.drawRect(QRectF(left, baseline - box, box, box))
        painter.drawText(
            QRectF(
                left + box * 1.6,
                baseline - metrics.ascent(),
                column_width - box * 1.6,
                metrics.height(),
            ),
            int(Qt.AlignmentFlag.AlignLeft),
            entry,
        )
    top += rows * row_height + 4 * mm

    for rule in sheet.rules(language):
        top = _paragraph(painter, top, width, f"•  {rule}", _font(10))
        top += 1.5 * mm
    painter.restore()


def prepare_page(device: QPagedPaintDevice) -> None:
    """A4 with the sheet's margins."""
    device.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    device.setPageMargins(
        QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM), QPageLayout.Unit.Millimeter
    )


# One printed page: a sheet and the language it is printed in.
Page = tuple[Printable, str]


def paint_on(device: QPagedPaintDevice, pages: Sequence[Page]) -> None:
    """Paint a page for each sheet on a PDF writer or a printer that is ready to print
    (an import's slips: one per new user, each in that user's language)."""
    painter = QPainter()
    if not painter.begin(device):
        raise OSError("cannot paint on the output device")
    try:
        dpi = float(device.logicalDpiY())
        area = device.pageLayout().paintRectPixels(round(dpi))
        for index, (sheet, language) in enumerate(pages):
            if index and not device.newPage():
                raise OSError("cannot start another page")
            render_sheet(painter, QRectF(0, 0, area.width(), area.height()), sheet, language, dpi)
    finally:
        painter.end()


def write_private_file(path: Path, write: Callable[[Path], object]) -> None:
    """Write a new file only its owner can read, then move it into place.

    The codes never sit in a file with looser rights, and an existing file or
    a symbolic link at ``path`` is replaced, not written through.
    """
    partial = path.with_name(f".{path.name}.{secrets.token_hex(4)}.partial")
    fd = os.open(
        partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600
    )
    os.close(fd)
    try:
        write(partial)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def save_pdf(pages: Sequence[Page], path: Path) -> None:
    def write(target: Path) -> None:
        writer = QPdfWriter(str(target))
        writer.setResolution(PDF_RESOLUTION)
        sheet, language = pages[0]
        writer.setTitle(sheet.title(language))  # metadata: never a code
        writer.setCreator("desktop-auth")
        prepare_page(writer)
        paint_on(writer, pages)
        del writer  # closes the file

    write_private_file(path, write)


def print_sheet(
    pages: Sequence[Page], parent: QWidget | None, printed: Callable[[bool], None]
) -> QPrintDialog:
    """Ask for a printer (a window-modal dialog, the event loop runs on); print when the
    person chooses Print, then ``printed(True)``, or ``printed(False)`` when it failed.
    Cancel prints nothing.  "Print to file" writes a file only its owner can read, as
    "Save as PDF" does: the codes are secrets."""
    # The dialog's own printer: one made here would be freed under the open dialog.
    dialog = QPrintDialog(parent)
    prepare_page(dialog.printer())
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def accepted() -> None:
        printer = dialog.printer()
        chosen = printer.outputFileName()
        try:
            if chosen:

                def write(partial: Path) -> None:
                    printer.setOutputFileName(str(partial))
                    paint_on(printer, pages)

                write_private_file(Path(chosen), write)
            else:
                paint_on(printer, pages)
        except OSError:
            printed(False)
        else:
            printed(True)

    dialog.accepted.connect(accepted)
    dialog.show()
    return dialog


def save_text(sheet: RecoverySheet, path: Path, language: str) -> None:
    """The codes as a text file only its owner can read."""
    write_private_file(path, lambda target: target.write_text(sheet.as_text(language), "utf-8"))


def copy_to_clipboard(sheet: RecoverySheet, language: str) -> None:
    QGuiApplication.clipboard().setText(sheet.as_text(language))
