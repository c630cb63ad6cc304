"""Dutch and English: every GUI string translated, the switch in the menu, every screen shot."""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QTranslator
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget, QWizard
from pytestqt.qtbot import QtBot

from desktop_auth.core.service import Actor, AuthService
from desktop_auth.gui.account import AccountDialog
from desktop_auth.gui.demo import AuthenticatorAppWindow
from desktop_auth.gui.dialogs import ReauthDialog, RecoveryCodesDialog
from desktop_auth.gui.i18n import install_language
from desktop_auth.gui.main_window import MainWindow
from desktop_auth.gui.setup_wizard import AppSetupPage, RecoveryCodesPage, SetupWizard
from desktop_auth.resources import resource_path
from tests.gui.conftest import ROOT, inputs_without_names, shoot
from tests.gui.helpers import sign_in, type_into, type_phone_code, wait_page, wait_wizard
from tests.helpers import USER_PASSWORD, PinnedClock, make_user
from tests.totp_helpers import make_user_with_app

TS = ROOT / "resources" / "translations" / "desktop_auth_nl.ts"
TS_EN = ROOT / "resources" / "translations" / "desktop_auth_en.ts"
GUI_SOURCES = sorted(str(p) for p in (ROOT / "desktop_auth" / "gui").rglob("*.py"))


def tool(name: str) -> str:
    found = shutil.which(name) or str(Path(QApplication.applicationFilePath()).parent / name)
    venv_tool = Path(__import__("sys").executable).parent / name
    return str(venv_tool) if venv_tool.exists() else found


def messages(ts: Path) -> dict[tuple[str, str], tuple[str, bool]]:
    """(context, source) → (translation, finished); a plural message's forms are joined
    by " | ", and it is finished only with every form filled in."""
    found = {}
    # Our own .ts file from the repository, not untrusted input.
    for context in ET.parse(ts).getroot().iter("context"):  # noqa: S314
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            assert translation is not None
            finished = translation.get("type") not in ("unfinished", "vanished", "obsolete")
            forms = [form.text or "" for form in translation.iter("numerusform")]
            text = " | ".join(forms) if forms else translation.text or ""
            finished = finished and all(form.strip() for form in forms)
            found[(name, message.findtext("source") or "")] = (text, finished)
    return found


def refreshed(ts: Path, folder: Path, *options: str) -> Path:
    """A copy of ``ts`` brought up to date with the code, as tasks.py translations does."""
    fresh = folder / f"fresh-{ts.name}"
    shutil.copy(ts, fresh)
    update = ("-no-obsolete", "-locations", "none", "-ts", str(fresh))
    subprocess.run(
        [tool("pyside6-lupdate"), *GUI_SOURCES, *options, *update],
        check=True,
        capture_output=True,
    )
    return fresh


def built_qm(ts: Path, folder: Path) -> bytes:
    built = folder / f"built-{ts.stem}.qm"
    subprocess.run(
        [tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(built)],
        check=True,
        capture_output=True,
    )
    return built.read_bytes()


def test_every_visible_string_in_the_code_has_a_dutch_translation_in_the_shipped_qm(
    tmp_path: Path,
) -> None:
    fresh = refreshed(TS, tmp_path)
    in_code = messages(fresh)
    assert len(in_code) > 150
    # lupdate reads a Python "#:" comment as a note for the translator: an attribute's
    # doc comment next to a tr() call told translators of something else (issue 19).
    assert "<extracomment>" not in fresh.read_text(encoding="utf-8")
    untranslated = [key for key, (text, done) in in_code.items() if not (done and text.strip())]
    assert untranslated == [], "run 'python3 tasks.py translations' and translate these"
    # The shipped .qm is the .ts built: nothing edited in one and not the other.
    shipped = resource_path("translations/desktop_auth_nl.qm")
    assert built_qm(TS, tmp_path) == shipped.read_bytes(), "run 'python3 tasks.py translations'"
    translator = QTranslator()
    assert translator.load(str(shipped))
    for (context, source), (text, _done) in in_code.items():
        if "%n" in source or "%Ln" in source:  # Dutch, as English: one, then more
            one, more = text.split(" | ")
            assert translator.translate(context, source, None, 1) == one
            assert translator.translate(context, source, None, 2) == more
        else:
            assert translator.translate(context, source) == text


def test_english_says_1_code_and_2_codes_from_its_plural_only_file(tmp_path: Path) -> None:
    """English is the source language; its .ts holds only what the source cannot say: the
    singular of every "%n" message (Qt's plurals; issue 19 found "1 failed sign-ins")."""
    english = ("-source-language", "en", "-target-language", "en", "-pluralonly")
    plural = messages(refreshed(TS_EN, tmp_path, *english))
    assert len(plural) >= 13 and all("%n" in s or "%Ln" in s for _c, s in plural)
    assert [key for key, (_t, done) in plural.items() if not done] == []
    assert plural == messages(TS_EN), "run 'python3 tasks.py translations'"
    shipped = resource_path("translations/desktop_auth_en.qm")
    assert built_qm(TS_EN, tmp_path) == shipped.read_bytes()
    for (_context, source), (text, _done) in plural.items():
        one, more = text.split(" | ")
        assert more == source and one != source, source


def english_leaks(root: QWidget) -> list[str]:
    """Texts on screen that are an English source with a different Dutch translation."""
    english = {source for (_c, source), (text, _d) in messages(TS).items() if text != source}
    shown: list[str] = []
    widgets = [root, *root.findChildren(QWidget)]
    for widget in widgets:
        if not widget.isVisibleTo(root) and widget is not root:
            continue
        if isinstance(widget, QLabel | QAbstractButton):
            shown.append(widget.text())
        if widget.isWindow():
            shown.append(widget.windowTitle())
    if isinstance(root, QWizard) and root.currentPage() is not None:
        shown.append(root.currentPage().title())
    return [text for text in shown if text in english]


def check(widget: QWidget, language: str, name: str) -> None:
    shoot(widget, name)
    assert inputs_without_names(widget) == [], name
    if language == "nl":
        assert english_leaks(widget) == [], name


@pytest.mark.parametrize("language", ["en", "nl"])
def test_every_screen_in_both_languages(
    qtbot: QtBot,
    window: MainWindow,
    service: AuthService,
    admin: Actor,
    clock: PinnedClock,
    language: str,
) -> None:
    """Screenshots for review in build/screenshots/<language>/ (not committed)."""
    window.set_language(language)
    expected = "Inloggen" if language == "nl" else "Sign in"
    qtbot.waitUntil(lambda: window.sign_in.sign_in_button.text() == expected)
    jan = make_user_with_app(service, admin, clock)
    service.recovery_codes.generate(jan.session)
    wait_page(qtbot, window, window.sign_in)
    check(window, language, "tour-01-sign-in")
    sign_in(qtbot, window, jan.email, "wrong password, surely")
    qtbot.waitUntil(window.sign_in.error.isVisible)
    check(window, language, "tour-02-sign-in-error")
    sign_in(qtbot, window, jan.email, USER_PASSWORD)
    wait_page(qtbot, window, window.second_factor)
    check(window, language, "tour-03-code")
    window.second_factor.other_button.click()
    check(window, language, "tour-04-other-methods")
    window.second_factor.use("recovery")
    check(window, language, "tour-05-recovery-code")
    window.second_factor.use("backup")
    check(window, language, "tour-06-backup-code")
    window.second_factor.use("totp")
    type_phone_code(qtbot, window.second_factor.code, jan.secret, clock)
    wait_page(qtbot, window, window.home)
    check(window, language, "tour-07-home")

    window.home.settings_button.click()
    dialog = window.account
    assert isinstance(dialog, AccountDialog)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1)
    for index, name in enumerate(["methods", "codes", "password"]):
        dialog.tabs.setCurrentIndex(index)
        check(dialog, language, f"tour-1{index}-settings-{name}")
    reauth = ReauthDialog(service, jan.email, dialog)
    qtbot.addWidget(reauth)
    reauth.show()
    check(reauth, language, "tour-13-sign-in-again")
    reauth.close()
    codes = RecoveryCodesDialog(service.recovery_codes.generate(jan.session), dialog)
    qtbot.addWidget(codes)
    codes.show()
    check(codes, language, "tour-14-new-codes")
    codes.panel.stored.click()
    codes.close_button.click()
    dialog.close()
    window.home.sign_out_button.click()

    make_user(service, admin, email="nina@example.nl")
    sign_in(qtbot, window, "nina@example.nl", USER_PASSWORD)
    wizard = wait_wizard(qtbot, window)
    check(wizard, language, "tour-20-wizard-why")
    wizard.next()
    check(wizard, language, "tour-21-wizard-choose")
    wizard.next()
    page = wizard.currentPage()
    assert isinstance(page, AppSetupPage)
    qtbot.waitUntil(lambda: page.enrollment is not None)
    check(wizard, language, "tour-22-wizard-app")
    phone = AuthenticatorAppWindow(now=lambda: clock.now().timestamp())
    qtbot.addWidget(phone)
    assert page.enrollment is not None
    phone.add_uri(page.enrollment.uri)
    phone.show()
    check(phone, language, "tour-23-demo-phone")
    type_into(qtbot, page.panel.code, phone.codes()[0])
    qtbot.waitUntil(page.isComplete)
    check(wizard, language, "tour-24-wizard-app-done")
    wizard.next()
    codes_page = wizard.currentPage()
    assert isinstance(codes_page, RecoveryCodesPage)
    qtbot.waitUntil(lambda: codes_page.panel.sheet is not None)
    check(wizard, language, "tour-25-wizard-codes")
    codes_page.panel.stored.click()
    wizard.next()
    check(wizard, language, "tour-26-wizard-done")
    wizard.button(QWizard.WizardButton.FinishButton).click()
    wait_page(qtbot, window, window.home)


def test_dutch_from_the_menu_relabels_the_open_screen_and_core_messages(
    qtbot: QtBot, window: MainWindow, service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    jan = make_user_with_app(service, admin, clock)
    wait_page(qtbot, window, window.sign_in)
    assert window.sign_in.sign_in_button.text() == "Sign in"
    window.language_actions["nl"].trigger()
    qtbot.waitUntil(lambda: window.sign_in.sign_in_button.text() == "Inloggen")
    assert window.sign_in.email.accessibleName() == "E-mailadres"
    assert window.language_menu.title() == "&Taal"
    assert window.windowTitle().startswith("Inloggen")
    sign_in(qtbot, window, jan.email, "verkeerd wachtwoord hier")
    qtbot.waitUntil(window.sign_in.error.isVisible)
    assert window.sign_in.error.text() == "Het e-mailadres of wachtwoord is niet juist."
    sign_in(qtbot, window, jan.email, USER_PASSWORD)
    wait_page(qtbot, window, window.second_factor)
    assert window.second_factor.other_button.text() == "Een andere methode gebruiken"
    type_into(qtbot, window.second_factor.code, "000000")
    qtbot.waitUntil(window.second_factor.error.isVisible)
    assert window.second_factor.error.text().startswith("Deze code klopt niet.")
    assert window.second_factor.error.text().endswith(
        "Na nog 9 verkeerde codes wordt de tweede stap geblokkeerd."
    )
    shoot(window, "06-second-factor-error")
    # Signed out for being idle (armed by hand: here the sign-in is not done): a notice in
    # Dutch plurals, in the page's own colour, not the error line.
    window.idle.arm(1)
    window.idle.expired.emit()
    wait_page(qtbot, window, window.sign_in)
    assert window.sign_in.notice.text() == "Je bent uitgelogd na 1 minuut zonder gebruik."
    assert not window.sign_in.error.isVisible()
    shoot(window, "09b-signed-out-when-idle")
    sign_in(qtbot, window, jan.email, USER_PASSWORD)
    wait_page(qtbot, window, window.second_factor)
    window.language_actions["en"].trigger()
    qtbot.waitUntil(lambda: window.second_factor.other_button.text() == "Use another method")


def test_wizard_buttons_are_ours_in_dutch(qtbot: QtBot, service: AuthService, admin: Actor) -> None:
    install_language("nl")
    make_user(service, admin, email="nina@example.nl")
    result = service.sign_in.with_password("nina@example.nl", USER_PASSWORD)
    assert result.ticket
    wizard = SetupWizard(service, ticket=result.ticket)
    qtbot.addWidget(wizard)
    wizard.show()
    assert wizard.buttonText(QWizard.WizardButton.NextButton) == "&Volgende >"
    assert wizard.buttonText(QWizard.WizardButton.CancelButton) == "Annuleren"
    assert wizard.windowTitle() == "Tweestapsverificatie instellen"


@pytest.mark.parametrize(
    ("language", "one", "two", "many_users"),
    [
        (
            "en",
            "You have 1 unused recovery code.",
            "You have 2 unused recovery codes.",
            "1,234 users",
        ),
        (
            "nl",
            "Je hebt nog 1 ongebruikte herstelcode.",
            "Je hebt nog 2 ongebruikte herstelcodes.",
            "1.234 gebruikers",
        ),
    ],
)
def test_counts_take_the_languages_own_plural_and_digit_grouping(
    language: str, one: str, two: str, many_users: str
) -> None:
    install_language(language)
    source = "You have %n unused recovery codes."
    assert QCoreApplication.translate("AccountDialog", source, None, 1) == one
    assert QCoreApplication.translate("AccountDialog", source, None, 2) == two
    assert QCoreApplication.translate("UsersView", "%Ln users", None, 1234) == many_users
