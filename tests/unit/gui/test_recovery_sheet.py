"""The printable recovery sheet, read back as a person's tools would (pdftotext, pdftoppm)."""

from __future__ import annotations

import re
import stat
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageOps
from PySide6.QtGui import QGuiApplication
from PySide6.QtPrintSupport import QPrinter

from desktop_auth.core.service import Actor, AuthService, RecoverySheet
from desktop_auth.gui import recovery_sheet
from tests.helpers import PinnedClock, pdf_text, tool
from tests.totp_helpers import make_user_with_app

POINTS_PER_MM = 72 / 25.4
WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)


@pytest.fixture
def sheet(service: AuthService, admin: Actor, clock: PinnedClock) -> RecoverySheet:
    user = make_user_with_app(service, admin, clock, "jan.de.vries@salariszaken.nl")
    return service.recovery_codes.generate(user.session)


@pytest.mark.parametrize(("language", "title"), [("en", "Recovery codes"), ("nl", "Herstelcodes")])
def test_pdf_holds_every_code_once_with_sheet_id_and_email(
    qapp: QGuiApplication, sheet: RecoverySheet, tmp_path: Path, language: str, title: str
) -> None:
    path = tmp_path / "herstelcodes.pdf"
    recovery_sheet.save_pdf([(sheet, language)], path)
    text = pdf_text(path)
    assert text.count("\f") == 1  # one page
    for code in sheet.codes:
        assert text.count(code) == 1, code
    assert sheet.sheet_id in text and "jan.de.vries@salariszaken.nl" in text
    assert title in text and "Salariszaken" in text
    rule = "Each code works once" if language == "en" else "Elke code werkt één keer"
    assert rule in " ".join(text.split())
    info = subprocess.run(
        [tool("pdfinfo"), str(path)], capture_output=True, text=True, check=True
    ).stdout
    assert "A4" in info and not any(code in info for code in sheet.codes)


def test_every_code_lies_inside_the_page_margins(
    qapp: QGuiApplication, sheet: RecoverySheet, tmp_path: Path
) -> None:
    path = tmp_path / "sheet.pdf"
    recovery_sheet.save_pdf([(sheet, "nl")], path)
    layout = pdf_text(path, "-bbox")
    page = re.search(r'<page width="([\d.]+)" height="([\d.]+)">', layout)
    assert page is not None
    width, height = float(page.group(1)), float(page.group(2))
    margin = recovery_sheet.MARGIN_MM * POINTS_PER_MM - 0.5
    words = {m.group(5): tuple(map(float, m.groups()[:4])) for m in WORD.finditer(layout)}
    for code in sheet.codes:
        x_min, y_min, x_max, y_max = words[code]
        assert margin <= x_min and x_max <= width - margin, code
        assert margin <= y_min and y_max <= height - margin, code

    # Rendered to an image, nothing at all is painted in the margins.
    dpi = 50
    subprocess.run(
        [tool("pdftoppm"), "-r", str(dpi), "-png", "-singlefile", str(path), str(tmp_path / "p")],
        check=True,
    )
    image = Image.open(tmp_path / "p.png").convert("L")
    inked = ImageOps.invert(image).point(lambda v: 255 if v > 40 else 0).getbbox()
    assert inked is not None
    margin_px = recovery_sheet.MARGIN_MM / 25.4 * dpi - 1
    left, top, right, bottom = inked
    assert left >= margin_px and top >= margin_px
    assert right <= image.width - margin_px and bottom <= image.height - margin_px


def test_sixteen_codes_still_fit(
    qapp: QGuiApplication, sheet: RecoverySheet, tmp_path: Path
) -> None:
    import dataclasses

    from desktop_auth.factors.lookup_secrets import new_code

    many = dataclasses.replace(sheet, codes=tuple(new_code() for _ in range(16)))
    path = tmp_path / "many.pdf"
    recovery_sheet.save_pdf([(many, "en")], path)
    text = pdf_text(path)
    assert text.count("\f") == 1 and all(text.count(code) == 1 for code in many.codes)


def test_print_paints_the_same_page(
    qapp: QGuiApplication, sheet: RecoverySheet, tmp_path: Path
) -> None:
    """ "Print" uses the same painter: a printer writing to a file shows the same text."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    recovery_sheet.prepare_page(printer)
    recovery_sheet.paint_on(printer, [(sheet, "en")])
    recovery_sheet.save_pdf([(sheet, "en")], tmp_path / "saved.pdf")
    printed = pdf_text(tmp_path / "printed.pdf").split()
    saved = pdf_text(tmp_path / "saved.pdf").split()
    assert printed == saved


def test_text_file_and_clipboard(
    qapp: QGuiApplication, sheet: RecoverySheet, tmp_path: Path
) -> None:
    path = tmp_path / "herstelcodes.txt"
    recovery_sheet.save_text(sheet, path, "nl")
    text = path.read_text(encoding="utf-8")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert text.startswith("Herstelcodes\n")
    assert all(text.count(code) == 1 for code in sheet.codes)
    assert f"[ ] 10. {sheet.codes[9]}" in text and f"[ ]  1. {sheet.codes[0]}" in text
    recovery_sheet.copy_to_clipboard(sheet, "en")
    assert QGuiApplication.clipboard().text() == sheet.as_text("en")


def test_saved_files_are_private_and_replace_what_was_there(
    qapp: QGuiApplication, sheet: RecoverySheet, tmp_path: Path
) -> None:
    """An old world-readable file or a symbolic link at the path is replaced, not reused."""
    old = tmp_path / "codes.txt"
    old.write_text("old")
    old.chmod(0o644)
    victim = tmp_path / "elsewhere.txt"
    victim.write_text("do not touch")
    link = tmp_path / "codes.pdf"
    link.symlink_to(victim)
    recovery_sheet.save_text(sheet, old, "en")
    recovery_sheet.save_pdf([(sheet, "en")], link)
    for path in (old, link):
        assert not path.is_symlink()
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert victim.read_text() == "do not touch"
    assert sheet.codes[0] in old.read_text() and sheet.codes[0] in pdf_text(link)
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")] == []
