"""My security settings: rename, remove and regenerate, with re-authentication (S1)."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QDialog, QInputDialog, QMessageBox
from pytestqt.qtbot import QtBot

from desktop_auth.core.service import Actor, AuthService
from desktop_auth.errors import SessionEndedError
from desktop_auth.gui.account import AccountDialog
from desktop_auth.gui.dialogs import AddAppDialog, ReauthDialog, RecoveryCodesDialog
from desktop_auth.gui.i18n import install_language
from desktop_auth.gui.main_window import MainWindow
from tests.gui.conftest import inputs_without_names, read_qr, shoot
from tests.gui.helpers import left_edges, sign_in, type_into, type_phone_code, wait_page
from tests.helpers import USER_PASSWORD, PinnedClock, past_sign_in
from tests.totp_helpers import EnrolledUser, make_user_with_app, secret_from_uri


def open_settings(
    qtbot: QtBot, window: MainWindow, jan: EnrolledUser, clock: PinnedClock
) -> AccountDialog:
    sign_in(qtbot, window, jan.email, USER_PASSWORD)
    wait_page(qtbot, window, window.second_factor)
    type_phone_code(qtbot, window.second_factor.code, jan.secret, clock)
    wait_page(qtbot, window, window.home)
    window.home.settings_button.click()
    dialog = window.account
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.table.rowCount() > 0)
    return dialog


def active_dialog(kind: type[QDialog]) -> QDialog | None:
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, kind) and widget.isVisible():
            return widget
    return None


def confirm_yes(qtbot: QtBot) -> str:
    """Answer the open "Remove …?" question with Yes; its text."""
    qtbot.waitUntil(lambda: active_dialog(QMessageBox) is not None)
    box = active_dialog(QMessageBox)
    assert isinstance(box, QMessageBox)
    text = box.text()
    box.button(QMessageBox.StandardButton.Yes).click()
    return text


def sign_in_again(
    qtbot: QtBot, jan: EnrolledUser, clock: PinnedClock, *, shot: str | None = None
) -> None:
    """The ReauthDialog the settings opened, answered as Jan would: password, then code."""
    qtbot.waitUntil(lambda: active_dialog(ReauthDialog) is not None)
    reauth = active_dialog(ReauthDialog)
    assert isinstance(reauth, ReauthDialog)
    if shot is not None:
        shoot(reauth, shot)
    type_into(qtbot, reauth.password.edit, USER_PASSWORD)
    reauth.submit()
    qtbot.waitUntil(reauth.code.isEnabled)
    clock.advance(seconds=30)
    type_phone_code(qtbot, reauth.code, jan.secret, clock)


def test_s1_remove_asks_to_sign_in_again_after_five_minutes_and_never_the_last_app(
    qtbot: QtBot,
    window: MainWindow,
    service: AuthService,
    admin: Actor,
    clock: PinnedClock,
    tmp_path: object,
) -> None:
    jan = make_user_with_app(service, admin, clock)
    dialog = open_settings(qtbot, window, jan, clock)
    assert inputs_without_names(dialog) == []
    shoot(dialog, "20-settings-methods")

    # Add a tablet beside the phone, from the settings.
    dialog.add_button.click()
    add = active_dialog(AddAppDialog)
    assert isinstance(add, AddAppDialog)
    add.start_button.click()
    qtbot.waitUntil(lambda: add.enrollment is not None)
    tablet = secret_from_uri(read_qr(add.panel.qr, tmp_path))  # type: ignore[arg-type]
    shoot(add, "21-add-app")
    clock.advance(seconds=30)
    type_phone_code(qtbot, add.panel.code, tablet, clock)
    qtbot.waitUntil(add.panel.status.isVisible)
    add.reject()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2)

    # Rename the tablet (rules in the core: a name of at most 60 characters).
    dialog.table.selectRow(1)
    qtbot_input(qtbot, "Tablet thuis", dialog.rename)
    qtbot.waitUntil(lambda: dialog.table.item(1, 0).text() == "Tablet thuis")

    clock.advance(minutes=6)  # the sign-in is no longer fresh
    dialog.table.selectRow(0)
    dialog.remove_button.click()
    assert confirm_yes(qtbot) == "Remove “Telefoon”? You can no longer sign in with it."
    sign_in_again(qtbot, jan, clock, shot="22-sign-in-again")
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1)
    assert dialog.table.item(0, 0).text() == "Tablet thuis"
    assert window.session is not None and window.session.authenticated_at == clock.now()

    # The last app while 2FA is required: the core refuses and the screen says why.
    dialog.table.selectRow(0)
    dialog.remove_button.click()
    confirm_yes(qtbot)
    qtbot.waitUntil(dialog.methods_error.isVisible)
    assert "last verification method" in dialog.methods_error.text()
    assert dialog.table.rowCount() == 1
    shoot(dialog, "23-settings-last-factor")


def test_m7_adding_an_app_later_asks_to_sign_in_again_first(
    qtbot: QtBot,
    window: MainWindow,
    service: AuthService,
    admin: Actor,
    clock: PinnedClock,
    tmp_path: object,
) -> None:
    """A window left signed in binds nobody's authenticator: past the re-authentication
    window, "Show QR code" asks for the sign-in first, then shows the code."""
    jan = make_user_with_app(service, admin, clock)
    dialog = open_settings(qtbot, window, jan, clock)
    clock.advance(minutes=6)
    dialog.add_button.click()
    add = active_dialog(AddAppDialog)
    assert isinstance(add, AddAppDialog)
    add.start_button.click()
    qtbot.waitUntil(lambda: active_dialog(ReauthDialog) is not None)
    assert add.enrollment is None  # no QR code before the sign-in
    sign_in_again(qtbot, jan, clock)
    qtbot.waitUntil(lambda: add.enrollment is not None)
    assert window.session is not None and window.session.authenticated_at == clock.now()
    tablet = secret_from_uri(read_qr(add.panel.qr, tmp_path))  # type: ignore[arg-type]
    clock.advance(seconds=30)
    type_phone_code(qtbot, add.panel.code, tablet, clock)
    qtbot.waitUntil(add.panel.status.isVisible)
    add.reject()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2)


def qtbot_input(qtbot: QtBot, text: str, action: object) -> None:
    """Answer the rename question as a person would: type, then Enter."""
    from PySide6.QtCore import QTimer

    def answer() -> None:
        box = active_dialog(QInputDialog)
        assert isinstance(box, QInputDialog)
        box.setTextValue(text)
        box.accept()

    QTimer.singleShot(50, answer)
    assert callable(action)
    action()


def test_s1_regenerate_codes_after_signing_in_again_then_the_count(
    qtbot: QtBot, window: MainWindow, service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    jan = make_user_with_app(service, admin, clock)
    old = service.recovery_codes.generate(jan.session)
    clock.advance(seconds=30)
    dialog = open_settings(qtbot, window, jan, clock)
    dialog.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: "10 unused" in dialog.codes_left.text())
    shoot(dialog, "24-settings-codes")
    clock.advance(minutes=6)
    dialog.regenerate_button.click()
    sign_in_again(qtbot, jan, clock)
    qtbot.waitUntil(lambda: active_dialog(RecoveryCodesDialog) is not None)
    codes = active_dialog(RecoveryCodesDialog)
    assert isinstance(codes, RecoveryCodesDialog)
    sheet = codes.panel.sheet
    assert sheet is not None and set(sheet.codes).isdisjoint(old.codes)
    shoot(codes, "25-new-codes")
    codes.reject()
    assert codes.isVisible()  # not before they are stored
    codes.panel.stored.click()
    codes.close_button.click()
    assert not codes.isVisible() and codes.panel.sheet is None


def test_change_password_with_meter_and_reasons(
    qtbot: QtBot, window: MainWindow, service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    jan = make_user_with_app(service, admin, clock)
    dialog = open_settings(qtbot, window, jan, clock)
    dialog.tabs.setCurrentIndex(2)
    type_into(qtbot, dialog.current.edit, USER_PASSWORD)
    type_into(qtbot, dialog.new_password.password.edit, "password123")
    qtbot.waitUntil(lambda: "most common" in dialog.new_password.meter.reasons.text())
    assert not dialog.change_button.isEnabled()
    fields = [dialog.current, dialog.new_password.password, dialog.new_password.repeat]
    assert len(left_edges(dialog, fields)) == 1  # one column (issue 19: misaligned)
    shoot(dialog, "26-settings-password")
    new = "zeven blauwe olifanten dansen samba"
    type_into(qtbot, dialog.new_password.password.edit, new)
    type_into(qtbot, dialog.new_password.repeat.edit, new)
    qtbot.waitUntil(dialog.change_button.isEnabled)
    dialog.change_button.click()
    qtbot.waitUntil(lambda: bool(dialog.password_done.text()))
    assert service.sign_in.with_password(jan.email, new).ticket


def test_b2_where_you_are_signed_in_lists_the_sessions_and_signs_one_out(
    qtbot: QtBot,
    window: MainWindow,
    service: AuthService,
    admin: Actor,
    clock: PinnedClock,
) -> None:
    jan = make_user_with_app(service, admin, clock)
    elsewhere = past_sign_in(service, jan.email)  # Jan left another workstation signed in
    clock.advance(seconds=31)
    dialog = open_settings(qtbot, window, jan, clock)
    panel = dialog.sessions
    dialog.tabs.setCurrentWidget(panel)
    # The sign-in from the fixture, the other workstation's and this window's.
    qtbot.waitUntil(lambda: panel.table.rowCount() == 3)
    assert [info.current for info in panel.sessions].count(True) == 1
    here = next(r for r, info in enumerate(panel.sessions) if info.current)
    assert panel.table.item(here, 0).text().endswith("(this one)")
    panel.table.selectRow(here)
    assert not panel.end_button.isEnabled()  # this one is "Sign out" on the home page
    for language, tab in (("nl", "Waar je bent &aangemeld"), ("en", "&Where you are signed in")):
        install_language(language)
        qtbot.waitUntil(lambda t=tab: dialog.tabs.tabText(3) == t)  # type: ignore[misc]
        assert shoot(dialog, "24-settings-sessions").stat().st_size > 10_000
    other = next(r for r, info in enumerate(panel.sessions) if info.current is False)
    panel.table.selectRow(other)
    assert panel.end_button.isEnabled()
    panel.end_button.click()
    qtbot.waitUntil(lambda: active_dialog(QMessageBox) is not None)
    box = active_dialog(QMessageBox)
    assert isinstance(box, QMessageBox)
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: panel.table.rowCount() == 2)
    ended = {info.session_id for info in panel.sessions}
    assert len(ended) == 2
    # One of the two others is gone from the store as well: it signs nothing in any more.
    still = 0
    for session in (jan.session, elsewhere):
        try:
            service.my_account.methods(session)
            still += 1
        except SessionEndedError:
            pass
    assert still == 1


def test_no_recovery_codes_says_what_that_means(
    qtbot: QtBot, window: MainWindow, service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    """Tried (issue 19): "You have 0 unused recovery codes." with no warning."""
    jan = make_user_with_app(service, admin, clock)
    dialog = open_settings(qtbot, window, jan, clock)
    dialog.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: "no recovery codes" in dialog.codes_left.text())
    assert "Make them now" in dialog.codes_left.text()
