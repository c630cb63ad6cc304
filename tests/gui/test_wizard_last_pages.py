"""The set-up wizard's last pages and what "Remind me later" leaves behind (issue 19,
items 6 and 7): every button acts or is gone, the done page names what was set up and
promises no e-mail that will not come, and the home screen keeps reminding."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget, QWizard
from pytestqt.qtbot import QtBot

from desktop_auth.core.service import Actor, AssuranceLevel, AuthService
from desktop_auth.gui.dialogs import ReauthDialog
from desktop_auth.gui.i18n import local_date
from desktop_auth.gui.main_window import MainWindow
from desktop_auth.gui.setup_wizard import (
    APP,
    CODES,
    DONE,
    AppSetupPage,
    RecoveryCodesPage,
    SetupWizard,
)
from desktop_auth.gui.workers import wait_for_workers
from tests.gui.conftest import shoot
from tests.gui.helpers import press_enter, sign_in, type_into, type_phone_code, wait_wizard
from tests.helpers import USER_PASSWORD, PinnedClock, make_user
from tests.totp_helpers import secret_from_uri

REMINDER = "Vragen? Bel de servicedesk, toestel 1234."


def shoot_both(qtbot: QtBot, window: MainWindow, widget: QWidget, name: str) -> None:
    """The screen in English and in Dutch, for review (build/screenshots/<language>/)."""
    shoot(widget, name)
    window.set_language("nl")
    qtbot.wait(50)  # LanguageChange is posted: every screen sets its texts again
    shoot(widget, name)
    window.set_language("en")
    qtbot.wait(50)


def later_offered(wizard: SetupWizard) -> bool:
    return wizard.button(QWizard.WizardButton.CustomButton1).isVisible()


def set_up_app(qtbot: QtBot, wizard: SetupWizard, clock: PinnedClock) -> RecoveryCodesPage:
    """Choose the app, type its first code, on to the codes (made and shown)."""
    wizard.next()
    wizard.next()
    app = wizard.currentPage()
    assert isinstance(app, AppSetupPage) and wizard.currentId() == APP
    qtbot.waitUntil(lambda: app.enrollment is not None)
    assert app.enrollment is not None
    type_phone_code(qtbot, app.panel.code, secret_from_uri(app.enrollment.uri), clock)
    qtbot.waitUntil(app.isComplete)
    wizard.next()
    codes = wizard.currentPage()
    assert isinstance(codes, RecoveryCodesPage) and wizard.currentId() == CODES
    qtbot.waitUntil(lambda: codes.panel.sheet is not None)
    return codes


def the_question(wizard: SetupWizard) -> QMessageBox:
    box = wizard.question
    assert box is not None and box.isVisible()
    return box


def answer(box: QMessageBox, text: str) -> None:
    [button] = [b for b in box.buttons() if b.text() == text]
    button.click()


def test_the_codes_page_asks_before_closing_and_enter_confirms_a_typed_code(
    qtbot: QtBot, window: MainWindow, service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    make_user(service, admin)
    sign_in(qtbot, window, "jan@example.nl", USER_PASSWORD)
    wizard = wait_wizard(qtbot, window)
    codes = set_up_app(qtbot, wizard, clock)

    # Cancel did nothing here, silently: now it asks, and "Save my codes" stays.
    wizard.button(QWizard.WizardButton.CancelButton).click()
    box = the_question(wizard)
    assert "no recovery codes yet" in box.text()
    shoot_both(qtbot, window, wizard, "40-wizard-codes-cancel-asks")
    shoot(box, "40b-codes-cancel-question")
    answer(box, "&Save my codes")
    window.set_language("nl")
    qtbot.wait(50)
    wizard.reject()
    dutch = the_question(wizard)
    assert "nog geen herstelcodes" in dutch.text()
    shoot(dutch, "40b-codes-cancel-question")
    answer(dutch, "Mijn codes &bewaren")
    window.set_language("en")
    qtbot.wait(50)
    assert wizard.isVisible() and wizard.currentId() == CODES
    wizard.close()  # the title-bar close asks the same
    answer(the_question(wizard), "&Save my codes")
    assert wizard.isVisible() and wizard.currentId() == CODES

    # Enter after a typed code opened Print: a wrong one is said, a right one goes on.
    type_into(qtbot, codes.panel.retype, "AAAA-BBBB-CCCC-DDDD")
    press_enter(qtbot, codes.panel.retype)
    assert codes.panel.print_dialog is None and wizard.currentId() == CODES
    assert "not one of the codes" in codes.panel.saved.text()
    sheet = codes.panel.sheet
    assert sheet is not None
    type_into(qtbot, codes.panel.retype, sheet.codes[0])
    press_enter(qtbot, codes.panel.retype)
    assert codes.panel.print_dialog is None
    assert wizard.currentId() == DONE

    done = wizard.currentPage()
    qtbot.wait(200)  # the e-mail question's answer, had it come
    text = done.text.text()  # type: ignore[attr-defined]
    assert "the code from your app" in text
    assert "e-mail" not in text  # no mail server in this store: no promise (item 7)
    assert not later_offered(wizard)
    shoot_both(qtbot, window, wizard, "41-wizard-done-app-no-mail")
    wizard.button(QWizard.WizardButton.FinishButton).click()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.home)
    assert window.home.banner.isHidden()


def test_closing_without_codes_leaves_a_reminder_on_the_home_screen(
    qtbot: QtBot, window: MainWindow, service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    make_user(service, admin)
    sign_in(qtbot, window, "jan@example.nl", USER_PASSWORD)
    wizard = wait_wizard(qtbot, window)
    set_up_app(qtbot, wizard, clock)
    wizard.reject()  # Esc
    answer(the_question(wizard), "Close &without codes")
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.home)
    assert window.session is not None and window.session.assurance is AssuranceLevel.AAL2
    home = window.home
    assert home.banner.isVisible() and "no recovery codes saved" in home.banner_text.text()
    shoot_both(qtbot, window, window, "42-home-no-codes-reminder")
    home.banner_button.click()
    settings = window.account
    assert settings is not None and settings.tabs.currentIndex() == 1
    settings.close()
    # The codes shown but never kept open nothing, so every later sign-in asks again
    # (they counted as ten unused codes; issue 19).
    wait_for_workers()
    assert window.session is not None
    assert service.recovery_codes.status(window.session).left == 0
    kinds = [e.event_type for e in service.audit.events(subject="jan@example.nl", actor=admin)]
    assert "recovery_codes.discarded" in kinds


def test_remind_me_later_leaves_a_banner_that_leads_back_to_the_wizard(
    qtbot: QtBot, window: MainWindow, service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    """Item 7: the date, the organisation's own words, and "Set it up now"; item 6:
    "Remind me later" only while it can act."""
    deadline = clock.now().date() + timedelta(days=30)
    service.policy.replace(
        actor=admin,
        policy=dataclasses.replace(
            service.policy.current(),
            enforcement_date=deadline.isoformat(),
            reminder_text=REMINDER,
        ),
    )
    make_user(service, admin)
    sign_in(qtbot, window, "jan@example.nl", USER_PASSWORD)
    wizard = wait_wizard(qtbot, window)
    intro = wizard.intro_page
    assert later_offered(wizard)
    assert local_date(deadline) in intro.how.text()
    qtbot.waitUntil(lambda: intro.reminder.isVisible())
    assert intro.reminder.text() == REMINDER
    shoot_both(qtbot, window, wizard, "16-wizard-remind-me-later")
    wizard.button(QWizard.WizardButton.CustomButton1).click()

    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.home)
    assert window.session is not None and window.session.assurance is AssuranceLevel.AAL1
    home = window.home
    qtbot.waitUntil(lambda: home.banner_note.text() == REMINDER)
    assert home.banner.isVisible()
    assert home.banner_text.text() == (
        f"Two-step sign-in is required from {local_date(deadline)}. Set it up now."
    )
    shoot(window, "43-home-reminder-banner")  # English; the Dutch one below
    window.set_language("nl")  # the date as a Dutch reader writes it
    qtbot.waitUntil(lambda: "verplicht" in home.banner_text.text())
    assert home.banner_text.text() == (
        f"Tweestapsverificatie is verplicht vanaf {local_date(deadline)}. Stel het nu in."
    )
    assert local_date(deadline).endswith(" juli 2026")
    shoot(window, "43-home-reminder-banner")
    window.set_language("en")
    qtbot.waitUntil(lambda: "required" in home.banner_text.text())
    postponed = window.session

    home.banner_button.click()  # "Set it up now": the password once more, then the wizard
    reauth = window.reauth
    assert isinstance(reauth, ReauthDialog) and reauth.isVisible()
    assert not reauth.code.isVisible()
    shoot_both(qtbot, window, reauth, "44-set-up-now-password")
    type_into(qtbot, reauth.password.edit, USER_PASSWORD)
    press_enter(qtbot, reauth.password.edit)
    qtbot.waitUntil(lambda: window.wizard is not wizard and window.wizard is not None)
    again = wait_wizard(qtbot, window)
    assert later_offered(again)
    codes = set_up_app(qtbot, again, clock)
    assert not later_offered(again)  # on the codes page it would do nothing
    codes.panel.stored.click()
    again.next()
    assert again.currentId() == DONE and not later_offered(again)
    again.button(QWizard.WizardButton.FinishButton).click()
    qtbot.waitUntil(lambda: window.session is not None and window.session is not postponed)
    assert window.session is not None and window.session.assurance is AssuranceLevel.AAL2
    assert home.banner.isHidden()
    QApplication.processEvents()
