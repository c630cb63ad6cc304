"""The system's dark palette is respected: screens stay legible, errors red but readable."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop_auth.core.service import Actor, AuthService
from desktop_auth.gui.colours import MIN_CONTRAST, Tone, contrast_ratio, tone_colour
from desktop_auth.gui.main_window import MainWindow
from desktop_auth.gui.setup_pages import AppSetupPage
from tests.gui.conftest import read_qr, shoot
from tests.gui.helpers import sign_in, type_into, type_phone_code, wait_page, wait_wizard
from tests.gui.palettes import DARK_WINDOW, clipped_texts, dark_palette, text_contrast
from tests.helpers import USER_PASSWORD, PinnedClock, initialize_organisation, make_user
from tests.totp_helpers import make_user_with_app, secret_from_uri

#: The error red the sign-in page used to hard-code: 2.2:1 on a dark window.
OLD_ERROR_RED = "#b3261e"


def test_each_tone_reads_at_wcag_aa_on_light_and_dark_windows() -> None:
    assert contrast_ratio(QColor(OLD_ERROR_RED), QColor(DARK_WINDOW)) < MIN_CONTRAST
    light = QPalette(QColor("#ffffff"))
    for palette in (light, dark_palette()):
        window = palette.color(QPalette.ColorRole.Window)
        for tone in Tone:
            assert contrast_ratio(tone_colour(tone, palette), window) >= MIN_CONTRAST
    # An odd palette no shade suits gets its own text colour: legible beats red.
    grey = QPalette(QColor("#8a8a8a"))
    assert tone_colour(Tone.ERROR, grey) == grey.color(QPalette.ColorRole.WindowText)


@pytest.mark.usefixtures("restore_palette")
def test_the_sign_in_error_is_legible_after_the_system_turns_dark(
    qtbot: QtBot, window: MainWindow, service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    jan = make_user_with_app(service, admin, clock)
    sign_in(qtbot, window, jan.email, "not the password at all")
    error = window.sign_in.error
    qtbot.waitUntil(error.isVisible)
    assert text_contrast(window, error) >= MIN_CONTRAST  # the light palette first
    # The desktop switches to dark mode while the error is on the screen.
    QApplication.setPalette(dark_palette())
    qtbot.waitUntil(
        lambda: window.palette().color(QPalette.ColorRole.Window) == QColor(DARK_WINDOW)
    )
    contrast = text_contrast(window, error)
    assert contrast >= MIN_CONTRAST, f"error text {contrast:.1f}:1 on the dark window"
    assert clipped_texts(window) == []
    shoot(window, "05-sign-in-error", folder="dark")


@pytest.mark.usefixtures("restore_palette")
def test_dark_screens_from_first_run_to_signed_in(
    qtbot: QtBot,
    empty_window: MainWindow,
    service: AuthService,
    clock: PinnedClock,
    tmp_path: Path,
) -> None:
    QApplication.setPalette(dark_palette())
    window = empty_window
    page = window.first_run
    wait_page(qtbot, window, page)
    type_into(qtbot, page.organisation, "Salariszaken")
    type_into(qtbot, page.rp_id, "salariszaken.nl")
    type_into(qtbot, page.admin_name, "Anna Beheer")
    type_into(qtbot, page.admin_email, "beheer@salariszaken.nl")
    type_into(qtbot, page.form.password.edit, "Beheer-voor-altijd-2026")
    type_into(qtbot, page.form.repeat.edit, "something else")
    qtbot.waitUntil(lambda: "e-mail name" in page.form.meter.reasons.text())
    qtbot.waitUntil(page.form.mismatch.isVisible)
    assert text_contrast(window, page.form.mismatch) >= MIN_CONTRAST
    assert clipped_texts(window) == []
    shoot(window, "01-first-run-problems", folder="dark")

    admin = initialize_organisation(service)
    make_user(service, admin, email="jan@example.nl")
    window.show_page(window.sign_in)
    shoot(window, "02-sign-in", folder="dark")
    sign_in(qtbot, window, "jan@example.nl", USER_PASSWORD)
    wizard = wait_wizard(qtbot, window)
    wizard.next()
    wizard.next()
    app_page = wizard.currentPage()
    assert isinstance(app_page, AppSetupPage)
    qtbot.waitUntil(lambda: app_page.enrollment is not None)
    uri = read_qr(app_page.panel.qr, tmp_path)  # dark modules on white, whatever the palette
    type_into(qtbot, app_page.panel.code, "000000")
    qtbot.waitUntil(app_page.panel.error.isVisible)
    assert text_contrast(wizard, app_page.panel.error) >= MIN_CONTRAST
    assert clipped_texts(wizard) == []
    shoot(wizard, "12-wizard-app-wrong-code", folder="dark")
    type_phone_code(qtbot, app_page.panel.code, secret_from_uri(uri), clock)
    qtbot.waitUntil(app_page.panel.status.isVisible)
    assert text_contrast(wizard, app_page.panel.status) >= MIN_CONTRAST
    shoot(wizard, "13-wizard-app-works", folder="dark")
