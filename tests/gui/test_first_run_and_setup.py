"""First run on an empty store, then the setup wizard with an authenticator app."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from desktop_auth.core.service import Actor, AuthService
from desktop_auth.gui.main_window import MainWindow
from desktop_auth.gui.setup_wizard import (
    APP,
    CHOOSE,
    CODES,
    DONE,
    INTRO,
    AppSetupPage,
    ChooseMethodPage,
    RecoveryCodesPage,
)
from tests.gui.conftest import inputs_without_names, read_qr, shoot
from tests.gui.helpers import left_edges, type_into, type_phone_code, wait_page, wait_wizard
from tests.helpers import PinnedClock
from tests.totp_helpers import secret_from_uri

ADMIN_PASSWORD = "koffie tafel regen zomer fiets"


def test_first_run_makes_the_organisation_and_admin_then_sets_up_an_app(
    qtbot: QtBot, empty_window: MainWindow, service: AuthService, clock: PinnedClock, tmp_path: Path
) -> None:
    window = empty_window
    page = window.first_run
    wait_page(qtbot, window, page)
    assert not page.create_button.isEnabled()
    type_into(qtbot, page.organisation, "Salariszaken")
    type_into(qtbot, page.rp_id, "salariszaken.nl")
    type_into(qtbot, page.admin_name, "Anna Beheer")
    type_into(qtbot, page.admin_email, "beheer@salariszaken.nl")
    # P5 live: a password with the e-mail's name in it gets its reason at once.
    type_into(qtbot, page.form.password.edit, "Beheer-voor-altijd-2026")
    qtbot.waitUntil(lambda: "e-mail name" in page.form.meter.reasons.text())
    assert not page.create_button.isEnabled()
    type_into(qtbot, page.form.password.edit, ADMIN_PASSWORD)
    type_into(qtbot, page.form.repeat.edit, ADMIN_PASSWORD)
    qtbot.waitUntil(page.create_button.isEnabled)
    assert "can be used" in page.form.meter.reasons.text()
    assert inputs_without_names(page) == []
    # The page's fields and the password form's start at one line (issue 19).
    fields = [page.organisation, page.admin_email, page.form.password, page.form.repeat]
    assert len(left_edges(window, fields)) == 1
    shoot(window, "01-first-run")
    page.create_button.click()

    wizard = wait_wizard(qtbot, window)
    assert service.organisation() is not None
    assert wizard.currentId() == INTRO
    shoot(wizard, "10-wizard-why")
    wizard.next()
    assert wizard.currentId() == CHOOSE
    choose = wizard.currentPage()
    assert isinstance(choose, ChooseMethodPage)
    # Keyboard users start on the checked choice, not the unchecked one above it.
    assert wizard.focusWidget() is choose.app_choice and choose.app_choice.isChecked()
    shoot(wizard, "11-wizard-choose")
    wizard.next()
    app_page = wizard.currentPage()
    assert isinstance(app_page, AppSetupPage) and wizard.currentId() == APP
    qtbot.waitUntil(lambda: app_page.enrollment is not None)
    assert not app_page.isComplete()
    uri = read_qr(app_page.panel.qr, tmp_path)
    assert uri.startswith("otpauth://totp/Salariszaken:beheer%40salariszaken.nl")
    assert app_page.panel.key.text().replace(" ", "") == secret_from_uri(uri)
    shoot(wizard, "12-wizard-app")
    type_into(qtbot, app_page.panel.code, "000000")  # a wrong first code: told beside the field
    qtbot.waitUntil(lambda: app_page.panel.error.isVisible())
    assert "not right" in app_page.panel.error.text()
    type_phone_code(qtbot, app_page.panel.code, secret_from_uri(uri), clock)
    qtbot.waitUntil(app_page.isComplete)
    assert app_page.panel.status.isVisible()
    # Tried (issue 19): Cancel after "That works" closed without a word, no codes made.
    wizard.button(QWizard.WizardButton.CancelButton).click()

    codes_page = wizard.currentPage()
    assert isinstance(codes_page, RecoveryCodesPage) and wizard.currentId() == CODES
    assert wizard.isVisible() and codes_page.needed_note.isVisible()
    assert "only way to sign in without the helpdesk" in codes_page.needed_note.text()
    qtbot.waitUntil(lambda: codes_page.panel.sheet is not None)
    assert not codes_page.isComplete()
    wizard.reject()  # Esc / Cancel: the codes must be stored first
    assert wizard.isVisible() and wizard.currentId() == CODES
    sheet = codes_page.panel.sheet
    assert sheet is not None
    type_into(qtbot, codes_page.panel.retype, sheet.codes[3].lower().replace("-", " "))
    assert codes_page.isComplete()
    codes_page.panel.retype.clear()
    assert not codes_page.isComplete()
    codes_page.panel.stored.click()
    assert codes_page.isComplete()
    wizard.next()
    assert wizard.currentId() == DONE
    assert codes_page.panel.sheet is None  # shown once
    wizard.button(QWizard.WizardButton.FinishButton).click()

    wait_page(qtbot, window, window.home)
    assert window.session is not None and window.session.assurance.value == "AAL2"
    assert "Anna Beheer" in window.home.title.text()


def test_before_the_enforcement_date_remind_me_later(
    qtbot: QtBot, window: MainWindow, service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    """The manual's rollout: until the date, setting up may wait (issue 9)."""
    import dataclasses
    from datetime import timedelta

    from desktop_auth.core.service import AssuranceLevel
    from desktop_auth.gui.i18n import local_date
    from tests.gui.helpers import sign_in
    from tests.helpers import USER_PASSWORD, make_user

    deadline = clock.now().date() + timedelta(days=30)
    service.policy.replace(
        actor=admin,
        policy=dataclasses.replace(service.policy.current(), enforcement_date=deadline.isoformat()),
    )
    make_user(service, admin)
    sign_in(qtbot, window, "jan@example.nl", USER_PASSWORD)
    wizard = wait_wizard(qtbot, window)
    later_button = wizard.button(QWizard.WizardButton.CustomButton1)
    assert later_button.isVisible() and later_button.text() == "&Remind me later"
    assert local_date(deadline) in wizard.currentPage().how.text()  # type: ignore[attr-defined]
    shoot(wizard, "16-wizard-remind-me-later")
    later_button.click()
    wait_page(qtbot, window, window.home)
    assert window.session is not None and window.session.assurance is AssuranceLevel.AAL1
